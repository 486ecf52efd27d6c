/* tui_draw: curses drawing of the model; no state of its own but colours. */
#include "tui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

enum { PAIR_OWN = 1, PAIR_PEER, PAIR_SYS, PAIR_ACT, PAIR_MARK, PAIR_BAR };

static int color_on;

int
fg_tui_no_color(void)
{
	const char *s = getenv("NO_COLOR");

	return s != NULL && *s != '\0';
}

void
fg_tui_draw_init(int color)
{
	color_on = 0;
	if (!color || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	init_pair(PAIR_OWN, COLOR_CYAN, -1);
	init_pair(PAIR_PEER, COLOR_GREEN, -1);
	init_pair(PAIR_SYS, COLOR_YELLOW, -1);
	init_pair(PAIR_ACT, COLOR_MAGENTA, -1);
	init_pair(PAIR_MARK, COLOR_RED, -1);
	init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
	color_on = 1;
}

/* An attribute: the colour pair when colours are on, else the fallback. */
static attr_t
attr(int pair, attr_t fallback, attr_t always)
{
	if (color_on)
		return (attr_t)COLOR_PAIR(pair) | always;
	return fallback | always;
}

/* Writes n bytes of s at (y, x) within width columns; returns the columns used. */
static int
put(int y, int x, int width, const char *s, size_t n, attr_t a)
{
	size_t fit;
	int used = 0;

	if (width <= 0 || n == 0)
		return 0;
	fit = fg_tui_fit(s, n, width, &used);
	if (fit == 0)
		return 0;
	attron(a);
	mvaddnstr(y, x, s, (int)fit);
	attroff(a);
	return used;
}

/* Fills columns [x, x + width) of row y with spaces in attribute a. */
static void
fill(int y, int x, int width, attr_t a)
{
	int i;

	attron(a);
	for (i = 0; i < width; i++)
		mvaddch(y, x + i, ' ');
	attroff(a);
}

/* The tab bar: one label per conversation, the current one always shown. */
static void
draw_tabs(const struct fg_tui *m)
{
	char label[128];
	size_t i, first = 0;
	int x = 0, w, total;

	/* Start far enough left that the current tab fits. */
	total = 0;
	for (i = m->cur + 1; i > 0; i--) {
		fg_tui_tab_label(m, i - 1, label, sizeof(label));
		total += fg_tui_width(label, strlen(label)) + 1;
		if (total > m->cols)
			break;
		first = i - 1;
	}
	fill(0, 0, m->cols, attr(PAIR_BAR, A_REVERSE, 0));
	for (i = first; i < m->nconvs && x < m->cols; i++) {
		fg_tui_tab_label(m, i, label, sizeof(label));
		w = put(0, x, m->cols - x, label, strlen(label),
		    i == m->cur ? A_BOLD | A_UNDERLINE | (color_on ?
		    (attr_t)COLOR_PAIR(PAIR_BAR) : A_NORMAL) :
		    m->convs[i]->unread > 0 ? attr(PAIR_BAR, A_REVERSE,
		    A_BOLD) : attr(PAIR_BAR, A_REVERSE, 0));
		x += w + 1;
	}
}

/* The peer pane: a header, then one row per peer of the view. */
static void
draw_peers(const struct fg_tui *m)
{
	static const char *sorts[] = { "nick", "group", "host", "recent" };
	char buf[1024];
	long sel = fg_tui_peer_selected(m);
	size_t i, top = 0, h;
	int y;

	if (m->peer_w <= 0)
		return;
	if (m->mode == FG_TUI_MODE_FIND)
		snprintf(buf, sizeof(buf), "Find: %s (%zu)",
		    m->find.buf ? m->find.buf : "", m->npview);
	else if (m->filter != NULL)
		snprintf(buf, sizeof(buf), "Peers %zu/%zu ~%s", m->npview,
		    m->npeers, m->filter);
	else
		snprintf(buf, sizeof(buf), "Peers %zu by %s", m->npview,
		    sorts[m->sort % FG_TUI_SORT_COUNT]);
	put(1, 0, m->peer_w, buf, strlen(buf), A_BOLD);
	h = (size_t)(m->rows - 4 > 0 ? m->rows - 4 : 0);
	if (sel >= 0 && (size_t)sel >= h)
		top = (size_t)sel - h + 1;
	for (i = top, y = 2; i < m->npview && y < 2 + (int)h; i++, y++) {
		fg_tui_peer_text(m, m->pview[i], m->peer_w, buf, sizeof(buf));
		if ((long)i == sel)
			fill(y, 0, m->peer_w, A_REVERSE);
		put(y, 0, m->peer_w, buf, strlen(buf), (long)i == sel ?
		    A_REVERSE : m->pview[i]->away ? A_DIM : A_NORMAL);
	}
	attron(A_DIM);
	mvvline(1, m->peer_w, ACS_VLINE, m->rows - 3);
	attroff(A_DIM);
}

/* The conversation pane: its header and the rows in view. */
static void
draw_conv(struct fg_tui *m)
{
	struct fg_tui_conv *c = fg_tui_conv_current(m);
	struct fg_tui_row *rows;
	char buf[1024];
	size_t n, i;
	attr_t a, ha;
	int y, x, w;

	if (c == NULL)
		return;
	fg_tui_conv_header(m, c, buf, sizeof(buf));
	w = put(1, m->conv_x, m->conv_w, buf, strlen(buf), A_BOLD);
	if (c->scroll > 0) {
		snprintf(buf, sizeof(buf), " [scrolled: PgDn]");
		x = m->cols - (int)strlen(buf);
		if (x > m->conv_x + w)
			put(1, x, m->cols - x, buf, strlen(buf),
			    attr(PAIR_ACT, A_BOLD, 0));
	}
	if (m->conv_h <= 0 ||
	    (rows = calloc((size_t)m->conv_h, sizeof(*rows))) == NULL)
		return;
	n = fg_tui_conv_rows(m, c, rows, (size_t)m->conv_h);
	for (i = 0; i < n; i++) {
		y = m->conv_y + (int)i;
		if (rows[i].line == NULL) {
			snprintf(buf, sizeof(buf), "%s", "\xe2\x94\x80\xe2\x94\x80"
			    " new \xe2\x94\x80\xe2\x94\x80");
			put(y, m->conv_x, m->conv_w, buf, strlen(buf),
			    attr(PAIR_MARK, A_BOLD, 0));
			continue;
		}
		switch (rows[i].line->kind) {
		case FG_TUI_LINE_OUT:
			ha = attr(PAIR_OWN, A_BOLD, 0);
			a = rows[i].line->state == FG_TUI_FAILED ?
			    attr(PAIR_MARK, A_UNDERLINE, 0) : A_NORMAL;
			break;
		case FG_TUI_LINE_IN:
			ha = attr(PAIR_PEER, A_BOLD, A_BOLD);
			a = rows[i].line->sealed && !rows[i].line->opened ?
			    A_STANDOUT : A_NORMAL;
			break;
		default:
			ha = a = attr(PAIR_SYS, A_DIM, 0);
			break;
		}
		x = m->conv_x + rows[i].indent;
		w = put(y, x, m->conv_w - rows[i].indent, rows[i].s,
		    rows[i].hdr, ha);
		put(y, x + w, m->conv_w - rows[i].indent - w,
		    rows[i].s + rows[i].hdr, rows[i].n - rows[i].hdr, a);
	}
	free(rows);
}

/* The transfers view: offers, then transfers with progress bars. */
static void
draw_xfers(const struct fg_tui *m)
{
	char buf[2048];
	size_t i;
	int y = 1;

	snprintf(buf, sizeof(buf), "Transfers: %zu offer%s, %zu transfer%s "
	    "(F2 or Esc: back)", m->noffers, m->noffers == 1 ? "" : "s",
	    m->nxfers, m->nxfers == 1 ? "" : "s");
	put(y++, m->conv_x, m->conv_w, buf, strlen(buf), A_BOLD);
	for (i = m->nxfers; i > 0 && y < m->rows - 2; i--, y++) {
		fg_tui_xfer_text(m->xfers[i - 1], m->conv_w, buf, sizeof(buf));
		put(y, m->conv_x, m->conv_w, buf, strlen(buf),
		    m->xfers[i - 1]->state == FG_TUI_XFER_FAILED ?
		    attr(PAIR_MARK, A_BOLD, 0) : A_NORMAL);
	}
	for (i = m->noffers; i > 0 && y < m->rows - 2; i--, y++) {
		fg_tui_offer_text(m->offers[i - 1], buf, sizeof(buf));
		put(y, m->conv_x, m->conv_w, buf, strlen(buf),
		    m->offers[i - 1]->state == FG_TUI_OFFER_NEW ?
		    A_BOLD : A_DIM);
	}
	if (m->nxfers == 0 && m->noffers == 0) {
		snprintf(buf, sizeof(buf), "nothing yet: /file PATH offers "
		    "files, /accept takes an offer");
		put(y, m->conv_x, m->conv_w, buf, strlen(buf), A_DIM);
	}
}

void
fg_tui_draw(struct fg_tui *m)
{
	char buf[2048];
	const char *prompt = fg_tui_prompt(m);
	const struct fg_tui_input *in = m->mode == FG_TUI_MODE_FIND ?
	    &m->find : &m->in;
	size_t start;
	int pw, cur, y = m->rows - 1;

	erase();
	if (m->cols < FG_TUI_MIN_COLS || m->rows < FG_TUI_MIN_ROWS) {
		put(0, 0, m->cols, "feige: window too small",
		    strlen("feige: window too small"), A_BOLD);
		refresh();
		return;
	}
	draw_tabs(m);
	draw_peers(m);
	if (m->view == FG_TUI_VIEW_XFERS)
		draw_xfers(m);
	else
		draw_conv(m);
	fg_tui_status_text(m, buf, sizeof(buf));
	fill(m->rows - 2, 0, m->cols, attr(PAIR_BAR, A_REVERSE, 0));
	put(m->rows - 2, 0, m->cols, buf, strlen(buf),
	    attr(PAIR_BAR, A_REVERSE, 0));
	pw = put(y, 0, m->cols, prompt, strlen(prompt), A_BOLD);
	fg_tui_input_view(in, m->cols - pw, &start, &cur);
	if (in->buf != NULL)
		put(y, pw, m->cols - pw, in->buf + start, in->len - start,
		    A_NORMAL);
	move(y, pw + cur < m->cols ? pw + cur : m->cols - 1);
	refresh();
}
