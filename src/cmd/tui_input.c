/* tui_input: the input line editor (UTF-8, readline-style keys, a history). */
#include "tui_model.h"

#include <stdlib.h>
#include <string.h>

#include "feige/feige.h"

void
fg_tui_input_init(struct fg_tui_input *in)
{
	memset(in, 0, sizeof(*in));
}

void
fg_tui_input_free(struct fg_tui_input *in)
{
	size_t i;

	for (i = 0; i < in->nhist; i++)
		free(in->hist[i]);
	free(in->hist);
	free(in->buf);
	free(in->stash);
	free(in->yank);
	memset(in, 0, sizeof(*in));
}

/* Makes room for extra more bytes (and the NUL). */
static int
reserve(struct fg_tui_input *in, size_t extra)
{
	size_t want = in->len + extra + 1, cap;
	char *p;

	if (in->len + extra > FG_TUI_INPUT_MAX)
		return FG_ERR_LIMIT;
	if (want <= in->cap)
		return 0;
	cap = in->cap ? in->cap : 64;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(in->buf, cap)) == NULL)
		return FG_ERR_ALLOC;
	in->buf = p;
	in->cap = cap;
	return 0;
}

int
fg_tui_input_insert(struct fg_tui_input *in, const char *s, size_t n)
{
	int r;

	if ((r = reserve(in, n)) != 0)
		return r;
	memmove(in->buf + in->cur + n, in->buf + in->cur, in->len - in->cur);
	memcpy(in->buf + in->cur, s, n);
	in->len += n;
	in->cur += n;
	in->buf[in->len] = '\0';
	return 0;
}

/* Replaces the text without touching the history position. */
static int
set_text(struct fg_tui_input *in, const char *s)
{
	size_t n = strlen(s);
	int r;

	in->len = in->cur = 0;
	if ((r = reserve(in, n)) != 0)
		return r;
	memcpy(in->buf, s, n + 1);
	in->len = in->cur = n;
	return 0;
}

int
fg_tui_input_set(struct fg_tui_input *in, const char *s)
{
	free(in->stash);
	in->stash = NULL;
	in->hpos = in->nhist;
	return set_text(in, s);
}

int
fg_tui_input_remember(struct fg_tui_input *in, const char *s)
{
	char **p;

	free(in->stash);
	in->stash = NULL;
	in->hpos = in->nhist;
	if (*s == '\0' ||
	    (in->nhist > 0 && strcmp(in->hist[in->nhist - 1], s) == 0))
		return 0;
	if (in->nhist == FG_TUI_HIST_MAX) {
		free(in->hist[0]);
		memmove(in->hist, in->hist + 1,
		    (in->nhist - 1) * sizeof(*in->hist));
		in->nhist--;
	} else {
		if ((p = realloc(in->hist, (in->nhist + 1) *
		    sizeof(*in->hist))) == NULL)
			return FG_ERR_ALLOC;
		in->hist = p;
	}
	if ((in->hist[in->nhist] = strdup(s)) == NULL)
		return FG_ERR_ALLOC;
	in->nhist++;
	in->hpos = in->nhist;
	return 0;
}

/* The offset of the character before pos. */
static size_t
prev_char(const struct fg_tui_input *in, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)in->buf[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

/* The offset of the character after pos. */
static size_t
next_char(const struct fg_tui_input *in, size_t pos)
{
	size_t adv;

	if (pos >= in->len)
		return in->len;
	(void)fg_tui_decode(in->buf + pos, in->len - pos, &adv);
	return pos + adv;
}

/* The start of the word before pos (spaces, then non-spaces). */
static size_t
prev_word(const struct fg_tui_input *in, size_t pos)
{
	while (pos > 0 && in->buf[pos - 1] == ' ')
		pos--;
	while (pos > 0 && in->buf[pos - 1] != ' ')
		pos--;
	return pos;
}

/* The end of the word after pos. */
static size_t
next_word(const struct fg_tui_input *in, size_t pos)
{
	while (pos < in->len && in->buf[pos] == ' ')
		pos++;
	while (pos < in->len && in->buf[pos] != ' ')
		pos++;
	return pos;
}

/* Deletes bytes [a, b); kept for Ctrl-Y when kill is set. */
static int
delete_range(struct fg_tui_input *in, size_t a, size_t b, int kill)
{
	char *y;

	if (a >= b)
		return 0;
	if (kill) {
		if ((y = strndup(in->buf + a, b - a)) == NULL)
			return FG_ERR_ALLOC;
		free(in->yank);
		in->yank = y;
	}
	memmove(in->buf + a, in->buf + b, in->len - b);
	in->len -= b - a;
	in->buf[in->len] = '\0';
	if (in->cur >= b)
		in->cur -= b - a;
	else if (in->cur > a)
		in->cur = a;
	return 0;
}

/* Encodes a code point as UTF-8; returns the byte count. */
static size_t
encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Steps through the history: dir -1 older, +1 newer. */
static int
browse(struct fg_tui_input *in, int dir)
{
	if (dir < 0) {
		if (in->hpos == 0)
			return 0;
		if (in->hpos == in->nhist) {
			free(in->stash);
			if ((in->stash = strdup(in->buf ? in->buf : "")) == NULL)
				return FG_ERR_ALLOC;
		}
		in->hpos--;
		return set_text(in, in->hist[in->hpos]);
	}
	if (in->hpos >= in->nhist)
		return 0;
	in->hpos++;
	if (in->hpos == in->nhist) {
		set_text(in, in->stash ? in->stash : "");
		free(in->stash);
		in->stash = NULL;
		return 0;
	}
	return set_text(in, in->hist[in->hpos]);
}

int
fg_tui_input_key(struct fg_tui_input *in, int key)
{
	char u[4];
	int r = 0;

	if (key >= 0x20 && key < FG_TUI_KEY_BASE && key != 0x7f &&
	    !(key >= 0x80 && key < 0xa0) && !(key >= 0xd800 && key < 0xe000)) {
		r = fg_tui_input_insert(in, u, encode((uint32_t)key, u));
		return r < 0 ? r : 1;
	}
	switch (key) {
	case FG_TUI_KEY_LEFT:
	case FG_TUI_CTRL('b'):
		in->cur = prev_char(in, in->cur);
		break;
	case FG_TUI_KEY_RIGHT:
	case FG_TUI_CTRL('f'):
		in->cur = next_char(in, in->cur);
		break;
	case FG_TUI_KEY_HOME:
	case FG_TUI_CTRL('a'):
		in->cur = 0;
		break;
	case FG_TUI_KEY_END:
	case FG_TUI_CTRL('e'):
		in->cur = in->len;
		break;
	case FG_TUI_KEY_BACKSPACE:
		r = delete_range(in, prev_char(in, in->cur), in->cur, 0);
		break;
	case FG_TUI_KEY_DEL:
	case FG_TUI_CTRL('d'):
		r = delete_range(in, in->cur, next_char(in, in->cur), 0);
		break;
	case FG_TUI_CTRL('k'):
		r = delete_range(in, in->cur, in->len, 1);
		break;
	case FG_TUI_CTRL('u'):
		r = delete_range(in, 0, in->cur, 1);
		break;
	case FG_TUI_CTRL('w'):
	case FG_TUI_KEY_ALT | FG_TUI_KEY_BACKSPACE:
	case FG_TUI_KEY_ALT | 0x7f:
		r = delete_range(in, prev_word(in, in->cur), in->cur, 1);
		break;
	case FG_TUI_KEY_ALT | 'd':
		r = delete_range(in, in->cur, next_word(in, in->cur), 1);
		break;
	case FG_TUI_KEY_ALT | 'b':
		in->cur = prev_word(in, in->cur);
		break;
	case FG_TUI_KEY_ALT | 'f':
		in->cur = next_word(in, in->cur);
		break;
	case FG_TUI_CTRL('y'):
		if (in->yank != NULL)
			r = fg_tui_input_insert(in, in->yank, strlen(in->yank));
		break;
	case FG_TUI_KEY_UP:
		r = browse(in, -1);
		break;
	case FG_TUI_KEY_DOWN:
		r = browse(in, 1);
		break;
	default:
		return 0;
	}
	return r < 0 ? r : 1;
}

void
fg_tui_input_view(const struct fg_tui_input *in, int width, size_t *start,
    int *curcol)
{
	size_t s = in->cur, p, adv;
	int w = 0, cw;

	*start = 0;
	*curcol = 0;
	if (in->buf == NULL || width < 1)
		return;
	if ((w = fg_tui_width(in->buf, in->cur)) < width) {
		*curcol = w;
		return;
	}
	/* Walk back from the cursor while the text before it fits. */
	w = 0;
	while (s > 0) {
		p = prev_char(in, s);
		cw = fg_tui_cpwidth(fg_tui_decode(in->buf + p, in->len - p,
		    &adv));
		if (w + cw > width - 1)
			break;
		w += cw;
		s = p;
	}
	*start = s;
	*curcol = w;
}
