/* tui_model: peers, conversations, transfers, layout and the daemon's lines. */
#include "tui_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feige/feige.h"

/* Columns continuation rows of a message are indented by (past "HH:MM "). */
#define WRAP_INDENT	6

static int	add_act(struct fg_tui *, struct fg_tui_act *);
static struct fg_tui_act *act_new(struct fg_tui *, enum fg_tui_act_type,
		    const char *);
static void	want_history(struct fg_tui *, struct fg_tui_conv *);
static void	peer_conv_sync(struct fg_tui *, const struct fg_tui_peer *);

/* Milliseconds of the wall clock. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Replaces *dst with a copy of s (sanitized, one line); 0 or FG_ERR_ALLOC. */
static int
set_str(struct fg_tui *m, char **dst, const char *s)
{
	char *p;

	if ((p = fg_tui_sanitize(s, 0)) == NULL) {
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	free(*dst);
	*dst = p;
	return 0;
}

/* The string field key of o, or "". */
static const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* The integer field key of o (or the first of two names), or 0. */
static long long
jint(json_t *o, const char *key, const char *alt)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL && alt != NULL)
		v = json_object_get(o, alt);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

/* Formats into a new sanitized string *out; 0 or FG_ERR_ALLOC. */
static int __attribute__((format(printf, 2, 3)))
asprintf_like(char **out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return (*out = fg_tui_sanitize(buf, 0)) != NULL ? 0 : FG_ERR_ALLOC;
}

/* ASCII case folding for comparisons and filters. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ASCII-case-insensitive strcmp. */
static int
casecmp(const char *a, const char *b)
{
	int x, y;

	for (;; a++, b++) {
		x = lower((unsigned char)*a);
		y = lower((unsigned char)*b);
		if (x != y || x == 0)
			return x - y;
	}
}

/* 1 when s starts with prefix, ASCII case ignored. */
static int
caseprefix(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++)
		if (lower((unsigned char)*s) != lower((unsigned char)*prefix))
			return 0;
	return 1;
}

/* 1 when needle occurs in hay, ASCII case ignored. */
static int
casefind(const char *hay, const char *needle)
{
	if (*needle == '\0')
		return 1;
	for (; *hay != '\0'; hay++)
		if (caseprefix(hay, needle))
			return 1;
	return 0;
}

/* Appends p to a growing pointer array. */
static int
push(void ***v, size_t *n, size_t *cap, void *p)
{
	void **nv;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 16;
		if ((nv = realloc(*v, ncap * sizeof(**v))) == NULL)
			return FG_ERR_ALLOC;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = p;
	return 0;
}

/* Frees a peer. */
static void
peer_free(struct fg_tui_peer *p)
{
	if (p == NULL)
		return;
	free(p->key);
	free(p->nick);
	free(p->group);
	free(p->user);
	free(p->host);
	free(p->address);
	free(p->version);
	free(p);
}

/* Frees a line. */
static void
line_free(struct fg_tui_line *l)
{
	if (l == NULL)
		return;
	free(l->who);
	free(l->text);
	free(l->disp);
	free(l);
}

/* Forgets a line's cached rendering (after a change of state). */
static void
line_touch(struct fg_tui_line *l)
{
	free(l->disp);
	l->disp = NULL;
	l->wrap_w = 0;
}

/* Frees a conversation and its lines. */
static void
conv_free(struct fg_tui_conv *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlines; i++)
		line_free(c->lines[i]);
	free(c->lines);
	free(c->key);
	free(c->title);
	free(c->dest);
	free(c);
}

/* Frees an offer. */
static void
offer_free(struct fg_tui_offer *o)
{
	if (o == NULL)
		return;
	free(o->conv);
	free(o->who);
	free(o->names);
	free(o);
}

/* Frees a transfer. */
static void
xfer_free(struct fg_tui_xfer *x)
{
	if (x == NULL)
		return;
	free(x->name);
	free(x->who);
	free(x->error);
	free(x->path);
	free(x);
}

void
fg_tui_act_free(struct fg_tui_act *a)
{
	if (a == NULL)
		return;
	free(a->conv);
	free(a->to);
	free(a->text);
	fg_tui_free_args(a->paths, a->npaths);
	free(a);
}

/* Drops the completion candidates being cycled. */
static void
comp_reset(struct fg_tui *m)
{
	fg_tui_free_args(m->comp, m->ncomp);
	m->comp = NULL;
	m->ncomp = m->icomp = 0;
}

void
fg_tui_free(struct fg_tui *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->user);
	free(m->host);
	free(m->nick);
	free(m->group);
	free(m->away_text);
	for (i = 0; i < m->npeers; i++)
		peer_free(m->peers[i]);
	free(m->peers);
	free(m->pview);
	free(m->filter);
	for (i = 0; i < m->nconvs; i++)
		conv_free(m->convs[i]);
	free(m->convs);
	fg_tui_input_free(&m->in);
	fg_tui_input_free(&m->find);
	comp_reset(m);
	for (i = 0; i < m->noffers; i++)
		offer_free(m->offers[i]);
	free(m->offers);
	for (i = 0; i < m->nxfers; i++)
		xfer_free(m->xfers[i]);
	free(m->xfers);
	for (i = 0; i < m->nacts; i++)
		fg_tui_act_free(m->acts[i]);
	free(m->acts);
	for (i = 0; i < m->npend; i++)
		free(m->pend[i].conv);
	free(m->pend);
	free(m->hint);
	free(m);
}

struct fg_tui *
fg_tui_new(void)
{
	struct fg_tui *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	fg_tui_input_init(&m->in);
	fg_tui_input_init(&m->find);
	m->next_tag = 1;
	m->bell_on = 1;
	m->dirty = 1;
	m->start_ms = now_ms();
	if ((m->nick = strdup("")) == NULL || (m->user = strdup("")) == NULL ||
	    (m->host = strdup("")) == NULL || (m->group = strdup("")) == NULL ||
	    fg_tui_conv_open(m, FG_TUI_ALL, 1) == NULL || m->oom) {
		fg_tui_free(m);
		return NULL;
	}
	fg_tui_resize(m, 80, 24);
	return m;
}

void
fg_tui_set_path_cb(struct fg_tui *m, fg_tui_complete_cb cb, void *arg)
{
	m->path_cb = cb;
	m->path_arg = arg;
}

int
fg_tui_start(struct fg_tui *m)
{
	if (add_act(m, act_new(m, FG_TUI_ACT_STATUS, NULL)) != 0 ||
	    add_act(m, act_new(m, FG_TUI_ACT_LIST, NULL)) != 0)
		return FG_ERR_ALLOC;
	if (m->convs[0]->hist == FG_TUI_HIST_NONE)
		want_history(m, m->convs[0]);
	return m->oom ? FG_ERR_ALLOC : 0;
}

void
fg_tui_set_connected(struct fg_tui *m, int connected)
{
	json_t *r;

	m->connected = connected;
	m->dirty = 1;
	/* Requests in flight get no reply now: they failed. */
	while (!connected && m->npend > 0) {
		r = json_pack("{s:i, s:I, s:b, s:s, s:s}", "v", 1, "id",
		    (json_int_t)m->pend[0].tag, "ok", 0, "code", "closed",
		    "error", "the daemon went away");
		if (r == NULL) {
			free(m->pend[0].conv);
			memmove(m->pend, m->pend + 1,
			    (m->npend - 1) * sizeof(*m->pend));
			m->npend--;
			m->oom = 1;
			continue;
		}
		(void)fg_tui_on_reply(m, r);
		json_decref(r);
	}
}

void
fg_tui_resize(struct fg_tui *m, int cols, int rows)
{
	size_t i;

	m->cols = cols < 1 ? 1 : cols;
	m->rows = rows < 1 ? 1 : rows;
	if (m->cols >= 60) {
		m->peer_w = m->cols / 4;
		if (m->peer_w < 18)
			m->peer_w = 18;
		if (m->peer_w > 32)
			m->peer_w = 32;
		m->conv_x = m->peer_w + 1;
	} else {
		m->peer_w = 0;
		m->conv_x = 0;
	}
	m->conv_w = m->cols - m->conv_x;
	m->conv_y = 2;			/* tabs, then the conversation's header */
	m->conv_h = m->rows - 4;	/* ... and the status and input lines */
	if (m->conv_h < 0)
		m->conv_h = 0;
	for (i = 0; i < m->nconvs; i++)
		m->convs[i]->scroll = 0;
	m->dirty = 1;
}

/* Actions. */

/* A new action of type for conversation conv; NULL (and oom) on failure. */
static struct fg_tui_act *
act_new(struct fg_tui *m, enum fg_tui_act_type type, const char *conv)
{
	struct fg_tui_act *a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		m->oom = 1;
		return NULL;
	}
	a->type = type;
	a->tag = m->next_tag++;
	if (conv != NULL && (a->conv = strdup(conv)) == NULL) {
		free(a);
		m->oom = 1;
		return NULL;
	}
	return a;
}

/* 1 for actions carried out by the daemon. */
static int
act_is_rpc(enum fg_tui_act_type t)
{
	return t != FG_TUI_ACT_HISTORY && t != FG_TUI_ACT_SEARCH &&
	    t != FG_TUI_ACT_QUIT;
}

/* Queues a (possibly NULL) action; rpc ones are remembered for the reply. */
static int
add_act(struct fg_tui *m, struct fg_tui_act *a)
{
	struct fg_tui_pending *np;

	if (a == NULL) {
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	if (act_is_rpc(a->type)) {
		if (m->npend == m->cappend) {
			if ((np = realloc(m->pend, (m->cappend + 16) *
			    sizeof(*np))) == NULL)
				goto oom;
			m->pend = np;
			m->cappend += 16;
		}
		m->pend[m->npend].tag = a->tag;
		m->pend[m->npend].type = a->type;
		m->pend[m->npend].conv = NULL;
		m->pend[m->npend].id = a->id;
		if (a->conv != NULL &&
		    (m->pend[m->npend].conv = strdup(a->conv)) == NULL)
			goto oom;
		m->npend++;
	}
	if (push((void ***)&m->acts, &m->nacts, &m->capacts, a) != 0) {
		if (act_is_rpc(a->type))
			free(m->pend[--m->npend].conv);
		goto oom;
	}
	return 0;
 oom:
	fg_tui_act_free(a);
	m->oom = 1;
	return FG_ERR_ALLOC;
}

struct fg_tui_act *
fg_tui_next_action(struct fg_tui *m)
{
	struct fg_tui_act *a;

	if (m->nacts == 0)
		return NULL;
	a = m->acts[0];
	memmove(m->acts, m->acts + 1, (m->nacts - 1) * sizeof(*m->acts));
	m->nacts--;
	return a;
}

json_t *
fg_tui_act_json(const struct fg_tui_act *a)
{
	static const char *names[] = {
		[FG_TUI_ACT_STATUS] = "status", [FG_TUI_ACT_LIST] = "list",
		[FG_TUI_ACT_SEND] = "send", [FG_TUI_ACT_BROADCAST] = "broadcast",
		[FG_TUI_ACT_SEND_FILE] = "send_file",
		[FG_TUI_ACT_ACCEPT] = "accept", [FG_TUI_ACT_DECLINE] = "decline",
		[FG_TUI_ACT_CANCEL] = "cancel", [FG_TUI_ACT_AWAY] = "away",
		[FG_TUI_ACT_BACK] = "back", [FG_TUI_ACT_NICK] = "names",
		[FG_TUI_ACT_GROUP] = "names", [FG_TUI_ACT_REFRESH] = "refresh",
		[FG_TUI_ACT_READ] = "read", [FG_TUI_ACT_INFO] = "info",
	};
	json_t *o, *arr;
	size_t i;
	int r = 0;

	if (!act_is_rpc(a->type) || (size_t)a->type >=
	    sizeof(names) / sizeof(names[0]) || names[a->type] == NULL)
		return NULL;
	if ((o = json_pack("{s:i, s:I, s:s}", "v", 1, "id",
	    (json_int_t)a->tag, "cmd", names[a->type])) == NULL)
		return NULL;
	switch (a->type) {
	case FG_TUI_ACT_SEND:
		r |= json_object_set_new(o, "to", json_string(a->to));
		r |= json_object_set_new(o, "text", json_string(a->text));
		if (a->seal)
			r |= json_object_set_new(o, "seal", json_true());
		break;
	case FG_TUI_ACT_BROADCAST:
		r |= json_object_set_new(o, "text", json_string(a->text));
		break;
	case FG_TUI_ACT_SEND_FILE:
		r |= json_object_set_new(o, "to", json_string(a->to));
		if ((arr = json_array()) == NULL ||
		    json_object_set_new(o, "paths", arr) != 0) {
			r = -1;
			break;
		}
		for (i = 0; i < a->npaths; i++)
			r |= json_array_append_new(arr,
			    json_string(a->paths[i]));
		break;
	case FG_TUI_ACT_ACCEPT:
		if (a->to != NULL)
			r |= json_object_set_new(o, "to", json_string(a->to));
		/* FALLTHROUGH */
	case FG_TUI_ACT_DECLINE:
	case FG_TUI_ACT_CANCEL:
		r |= json_object_set_new(o, a->type == FG_TUI_ACT_CANCEL ?
		    "xfer" : "offer", json_integer(a->id));
		break;
	case FG_TUI_ACT_AWAY:
		if (a->text != NULL)
			r |= json_object_set_new(o, "text",
			    json_string(a->text));
		break;
	case FG_TUI_ACT_NICK:
	case FG_TUI_ACT_GROUP:
		r |= json_object_set_new(o, a->type == FG_TUI_ACT_NICK ?
		    "nick" : "group", json_string(a->text));
		break;
	case FG_TUI_ACT_READ:
		r |= json_object_set_new(o, "msg", json_integer(a->id));
		break;
	case FG_TUI_ACT_INFO:
		r |= json_object_set_new(o, "peer", json_string(a->to));
		break;
	default:
		break;
	}
	if (r != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Notices and hints. */

void
fg_tui_hint(struct fg_tui *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	free(m->hint);
	m->hint = NULL;
	m->dirty = 1;
	if (fmt == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((m->hint = fg_tui_sanitize(buf, 0)) == NULL)
		m->oom = 1;
}

/* Finds a peer by the daemon's index. */
static struct fg_tui_peer *
peer_by_index(const struct fg_tui *m, long long index)
{
	size_t i;

	for (i = 0; i < m->npeers; i++)
		if (m->peers[i]->index == index)
			return m->peers[i];
	return NULL;
}

struct fg_tui_peer *
fg_tui_peer_by_key(const struct fg_tui *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->npeers; i++)
		if (casecmp(m->peers[i]->key, key) == 0)
			return m->peers[i];
	return NULL;
}

struct fg_tui_conv *
fg_tui_conv_find(const struct fg_tui *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nconvs; i++)
		if (casecmp(m->convs[i]->key, key) == 0)
			return m->convs[i];
	return NULL;
}

struct fg_tui_conv *
fg_tui_conv_current(const struct fg_tui *m)
{
	return m->nconvs > 0 ? m->convs[m->cur] : NULL;
}

/* The index of conversation c. */
static size_t
conv_index(const struct fg_tui *m, const struct fg_tui_conv *c)
{
	size_t i;

	for (i = 0; i < m->nconvs; i++)
		if (m->convs[i] == c)
			return i;
	return 0;
}

/* Rows that line l takes at width w (cached). */
static int
line_rows(struct fg_tui_line *l, int w)
{
	const char *d;

	if (l->wrap_w == w && w > 0)
		return l->wrap_rows;
	if ((d = fg_tui_line_disp(l)) == NULL)
		return 1;
	l->wrap_rows = (int)fg_tui_wrap(d, w, w > 3 * WRAP_INDENT ?
	    WRAP_INDENT : 0, NULL, 0);
	l->wrap_w = w;
	return l->wrap_rows;
}

/* Appends a line to conversation c, counting it unread when unseen. */
static int
conv_add(struct fg_tui *m, struct fg_tui_conv *c, struct fg_tui_line *l,
    int count)
{
	int seen;

	if (c->nlines == FG_TUI_CONV_MAX) {
		if (c->mark == c->lines[0])
			c->mark = NULL;
		line_free(c->lines[0]);
		memmove(c->lines, c->lines + 1,
		    (c->nlines - 1) * sizeof(*c->lines));
		c->nlines--;
		if (c->hist == FG_TUI_HIST_DONE)
			c->hist = FG_TUI_HIST_MORE;
	}
	if (push((void ***)&c->lines, &c->nlines, &c->cap, l) != 0) {
		line_free(l);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	seen = fg_tui_conv_current(m) == c && m->view == FG_TUI_VIEW_CHAT &&
	    c->scroll == 0;
	if (c->scroll > 0)
		c->scroll += line_rows(l, m->conv_w);
	if (count && !seen) {
		if (c->unread++ == 0 && fg_tui_conv_current(m) != c)
			c->mark = l;
	}
	m->dirty = 1;
	return 0;
}

/* A new line; NULL (and oom) on failure. */
static struct fg_tui_line *
line_new(struct fg_tui *m, enum fg_tui_line_kind kind, const char *who,
    const char *text)
{
	struct fg_tui_line *l;

	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->who = fg_tui_sanitize(who != NULL ? who : "", 0)) == NULL ||
	    (l->text = fg_tui_sanitize(text, 1)) == NULL) {
		line_free(l);
		m->oom = 1;
		return NULL;
	}
	l->kind = kind;
	l->time_ms = now_ms();
	return l;
}

int
fg_tui_notice(struct fg_tui *m, const char *key, const char *fmt, ...)
{
	struct fg_tui_conv *c;
	struct fg_tui_line *l;
	char buf[2048];
	va_list ap;

	c = key != NULL ? fg_tui_conv_find(m, key) : fg_tui_conv_current(m);
	if (c == NULL)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((l = line_new(m, FG_TUI_LINE_SYS, NULL, buf)) == NULL)
		return FG_ERR_ALLOC;
	return conv_add(m, c, l, 0);
}

/* The title of a conversation key: the peer's nick when known. */
static const char *
conv_title(const struct fg_tui *m, const char *key)
{
	struct fg_tui_peer *p;

	if (strcmp(key, FG_TUI_ALL) == 0)
		return "everyone";
	if (strcmp(key, FG_TUI_SEARCH) == 0)
		return "search";
	if ((p = fg_tui_peer_by_key(m, key)) != NULL && *p->nick != '\0')
		return p->nick;
	return key;
}

/* Queues a history load of conversation c (older than what it shows). */
static void
want_history(struct fg_tui *m, struct fg_tui_conv *c)
{
	struct fg_tui_act *a;

	if (c->kind == FG_TUI_CONV_SEARCH || c->hist_busy ||
	    c->hist == FG_TUI_HIST_DONE)
		return;
	if ((a = act_new(m, FG_TUI_ACT_HISTORY, c->key)) == NULL)
		return;
	a->id = c->oldest_hist;
	if (add_act(m, a) == 0)
		c->hist_busy = 1;
}

struct fg_tui_conv *
fg_tui_conv_open(struct fg_tui *m, const char *key, int focus)
{
	struct fg_tui_peer *p;
	struct fg_tui_conv *c;

	if ((c = fg_tui_conv_find(m, key)) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->key = strdup(key)) == NULL ||
		    (c->title = fg_tui_sanitize(conv_title(m, key), 0)) == NULL ||
		    push((void ***)&m->convs, &m->nconvs, &m->capconvs, c) != 0) {
			conv_free(c);
			m->oom = 1;
			return NULL;
		}
		c->kind = strcmp(key, FG_TUI_ALL) == 0 ? FG_TUI_CONV_ALL :
		    strcmp(key, FG_TUI_SEARCH) == 0 ? FG_TUI_CONV_SEARCH :
		    FG_TUI_CONV_PEER;
		if (c->kind == FG_TUI_CONV_PEER && strchr(key, '@') == NULL)
			c->hist = FG_TUI_HIST_DONE;	/* an address: no history */
		if ((p = fg_tui_peer_by_key(m, key)) != NULL)
			peer_conv_sync(m, p);
		if (c->kind != FG_TUI_CONV_ALL)
			want_history(m, c);
	}
	if (focus)
		fg_tui_conv_switch(m, conv_index(m, c));
	m->dirty = 1;
	return c;
}

void
fg_tui_conv_switch(struct fg_tui *m, size_t i)
{
	struct fg_tui_conv *old = fg_tui_conv_current(m), *c;

	if (i >= m->nconvs)
		return;
	if (old != NULL && old != m->convs[i])
		old->mark = NULL;
	m->cur = i;
	c = m->convs[i];
	c->unread = 0;
	m->view = FG_TUI_VIEW_CHAT;
	m->dirty = 1;
}

/* Peers. */

/* Compares by nick, then user@host. */
static int
cmp_nick(const void *a, const void *b)
{
	const struct fg_tui_peer *p = *(const struct fg_tui_peer *const *)a;
	const struct fg_tui_peer *q = *(const struct fg_tui_peer *const *)b;
	int r;

	if ((r = casecmp(*p->nick ? p->nick : p->user,
	    *q->nick ? q->nick : q->user)) != 0)
		return r;
	if ((r = casecmp(p->key, q->key)) != 0)
		return r;
	return p->index < q->index ? -1 : p->index > q->index;
}

/* Compares by group (the empty group last), then nick. */
static int
cmp_group(const void *a, const void *b)
{
	const struct fg_tui_peer *p = *(const struct fg_tui_peer *const *)a;
	const struct fg_tui_peer *q = *(const struct fg_tui_peer *const *)b;
	int r;

	if ((*p->group == '\0') != (*q->group == '\0'))
		return *p->group == '\0' ? 1 : -1;
	if ((r = casecmp(p->group, q->group)) != 0)
		return r;
	return cmp_nick(a, b);
}

/* Compares by host, then nick. */
static int
cmp_host(const void *a, const void *b)
{
	const struct fg_tui_peer *p = *(const struct fg_tui_peer *const *)a;
	const struct fg_tui_peer *q = *(const struct fg_tui_peer *const *)b;
	int r;

	if ((r = casecmp(p->host, q->host)) != 0)
		return r;
	return cmp_nick(a, b);
}

/* Compares by the latest message (newest first), then nick. */
static int
cmp_recent(const void *a, const void *b)
{
	const struct fg_tui_peer *p = *(const struct fg_tui_peer *const *)a;
	const struct fg_tui_peer *q = *(const struct fg_tui_peer *const *)b;

	if (p->last_ms != q->last_ms)
		return p->last_ms > q->last_ms ? -1 : 1;
	return cmp_nick(a, b);
}

/* 1 when peer p matches the filter text f. */
static int
peer_matches(const struct fg_tui_peer *p, const char *f)
{
	if (f == NULL || *f == '\0')
		return 1;
	return casefind(p->nick, f) || casefind(p->user, f) ||
	    casefind(p->host, f) || casefind(p->group, f) ||
	    casefind(p->address, f);
}

void
fg_tui_peers_update(struct fg_tui *m)
{
	static int (*const cmps[])(const void *, const void *) = {
		cmp_nick, cmp_group, cmp_host, cmp_recent,
	};
	struct fg_tui_peer **v, *sel = NULL;
	const char *f;
	size_t i, n = 0;

	if (m->psel < m->npview)
		sel = m->pview[m->psel];
	f = m->mode == FG_TUI_MODE_FIND ? m->find.buf : m->filter;
	if ((v = realloc(m->pview, (m->npeers + 1) * sizeof(*v))) == NULL) {
		m->oom = 1;
		return;
	}
	m->pview = v;
	for (i = 0; i < m->npeers; i++)
		if (peer_matches(m->peers[i], f))
			v[n++] = m->peers[i];
	qsort(v, n, sizeof(*v), cmps[m->sort % FG_TUI_SORT_COUNT]);
	m->npview = n;
	m->psel = 0;
	for (i = 0; i < n && sel != NULL; i++)
		if (v[i] == sel)
			m->psel = i;
	m->dirty = 1;
}

long
fg_tui_peer_selected(const struct fg_tui *m)
{
	const struct fg_tui_conv *c = fg_tui_conv_current(m);
	size_t i;

	if (m->mode == FG_TUI_MODE_FIND)
		return m->npview > 0 ? (long)m->psel : -1;
	if (c == NULL || c->kind != FG_TUI_CONV_PEER)
		return -1;
	for (i = 0; i < m->npview; i++)
		if (casecmp(m->pview[i]->key, c->key) == 0)
			return (long)i;
	return -1;
}

/* Updates (or adds) the peer described by JSON object o; *old_away etc. say what changed. */
static struct fg_tui_peer *
peer_upsert(struct fg_tui *m, json_t *o, int *was_away, char **old_nick)
{
	struct fg_tui_peer *p;
	long long index = jint(o, "index", NULL);
	char key[1024];
	int isnew = 0;

	*was_away = -1;
	if (old_nick != NULL)
		*old_nick = NULL;
	snprintf(key, sizeof(key), "%s@%s", jstr(o, "user"), jstr(o, "host"));
	if ((p = peer_by_index(m, index)) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL ||
		    push((void ***)&m->peers, &m->npeers, &m->cappeers,
		    p) != 0) {
			free(p);
			m->oom = 1;
			return NULL;
		}
		isnew = 1;
		p->index = index;
	} else {
		*was_away = p->away;
		if (old_nick != NULL && p->nick != NULL)
			*old_nick = strdup(p->nick);
	}
	if (set_str(m, &p->key, key) != 0 ||
	    set_str(m, &p->nick, jstr(o, "nick")) != 0 ||
	    set_str(m, &p->group, jstr(o, "group")) != 0 ||
	    set_str(m, &p->user, jstr(o, "user")) != 0 ||
	    set_str(m, &p->host, jstr(o, "host")) != 0 ||
	    set_str(m, &p->address, jstr(o, "address")) != 0 ||
	    set_str(m, &p->version, jstr(o, "version")) != 0)
		return isnew ? NULL : p;
	p->port = (int)jint(o, "port", NULL);
	p->away = json_is_true(json_object_get(o, "away"));
	return p;
}

/* Updates the conversation of peer p: its title and address. */
static void
peer_conv_sync(struct fg_tui *m, const struct fg_tui_peer *p)
{
	struct fg_tui_conv *c;
	char dest[128];

	if ((c = fg_tui_conv_find(m, p->key)) == NULL)
		return;
	(void)set_str(m, &c->title, *p->nick ? p->nick : p->key);
	snprintf(dest, sizeof(dest), "%s:%d", p->address, p->port);
	(void)set_str(m, &c->dest, dest);
}

/* Removes the peer with the daemon's index; returns 1 when it was there. */
static int
peer_remove(struct fg_tui *m, long long index)
{
	size_t i;

	for (i = 0; i < m->npeers; i++)
		if (m->peers[i]->index == index) {
			peer_free(m->peers[i]);
			memmove(m->peers + i, m->peers + i + 1,
			    (m->npeers - i - 1) * sizeof(*m->peers));
			m->npeers--;
			return 1;
		}
	return 0;
}

/* The name to show for a peer: its nick, else user@host. */
static const char *
peer_name(const struct fg_tui_peer *p)
{
	return *p->nick != '\0' ? p->nick : p->key;
}

/* Lines and their display. */

/* Writes "HH:MM", or "MM-DD HH:MM" for another day, into buf. */
static void
fmt_time(int64_t ms, int date, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000), now = time(NULL);
	struct tm tm, today;

	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (date || tm.tm_yday != today.tm_yday || tm.tm_year != today.tm_year)
		strftime(buf, len, "%m-%d %H:%M", &tm);
	else
		strftime(buf, len, "%H:%M", &tm);
}

const char *
fg_tui_line_disp(struct fg_tui_line *l)
{
	static const char *states[] = {
		[FG_TUI_SENDING] = " (sending)",
		[FG_TUI_ACKED] = "",
		[FG_TUI_FAILED] = " (not delivered)",
		[FG_TUI_OPENED] = " (opened)",
		[FG_TUI_SENT] = "",
	};
	char tm[32], *d;
	const char *text = l->text, *suffix = "", *pre = "";
	size_t len;
	int hdr;

	if (l->disp != NULL)
		return l->disp;
	fmt_time(l->time_ms, l->history && l->kind != FG_TUI_LINE_SYS &&
	    l->hist_id < 0, tm, sizeof(tm));
	if (l->kind == FG_TUI_LINE_IN && l->sealed && !l->opened)
		text = "[sealed \xe2\x80\x94 press Enter to open]";
	if (l->kind == FG_TUI_LINE_OUT) {
		if (l->state >= 0 && (size_t)l->state <
		    sizeof(states) / sizeof(states[0]))
			suffix = states[l->state];
		if (l->sealed)
			pre = "[sealed] ";
	}
	if (l->kind == FG_TUI_LINE_IN && l->autoret)
		pre = "[auto-reply] ";
	len = strlen(tm) + strlen(l->who) + strlen(text) + strlen(suffix) +
	    strlen(pre) + 16;
	if ((d = malloc(len)) == NULL)
		return NULL;
	if (l->kind == FG_TUI_LINE_SYS)
		hdr = snprintf(d, len, "%s *", tm);
	else
		hdr = snprintf(d, len, "%s %s:", tm, l->who);
	snprintf(d + hdr, len - (size_t)hdr, " %s%s%s", pre, text, suffix);
	l->disp = d;
	l->hdr = (size_t)hdr;
	return d;
}

size_t
fg_tui_conv_rows(struct fg_tui *m, struct fg_tui_conv *c,
    struct fg_tui_row *rows, size_t height)
{
	struct fg_tui_span stack[64], *sp;
	struct fg_tui_line *l;
	long total = 0, skip, maxscroll;
	size_t i, out = height, nr, j;
	int w = m->conv_w, indent = w > 3 * WRAP_INDENT ? WRAP_INDENT : 0;
	const char *d;

	if (w < 1 || height == 0)
		return 0;
	for (i = 0; i < c->nlines; i++)
		total += line_rows(c->lines[i], w) + (c->lines[i] == c->mark);
	maxscroll = total - (long)height;
	if (maxscroll < 0)
		maxscroll = 0;
	if (c->scroll > maxscroll)
		c->scroll = (int)maxscroll;
	if (c->scroll < 0)
		c->scroll = 0;
	skip = c->scroll;
	for (i = c->nlines; i > 0 && out > 0; i--) {
		l = c->lines[i - 1];
		if ((d = fg_tui_line_disp(l)) == NULL)
			continue;
		nr = (size_t)line_rows(l, w);
		sp = stack;
		if (nr > sizeof(stack) / sizeof(stack[0]) &&
		    (sp = calloc(nr, sizeof(*sp))) == NULL) {
			m->oom = 1;
			return 0;
		}
		(void)fg_tui_wrap(d, w, indent, sp, nr);
		for (j = nr; j > 0 && out > 0; j--) {
			if (skip > 0) {
				skip--;
				continue;
			}
			out--;
			rows[out].line = l;
			rows[out].s = d + sp[j - 1].off;
			rows[out].n = sp[j - 1].len;
			rows[out].first = j == 1;
			rows[out].indent = j == 1 ? 0 : indent;
			rows[out].hdr = 0;
			if (j == 1 && l->hdr > sp[0].off)
				rows[out].hdr = l->hdr - sp[0].off;
			if (rows[out].hdr > rows[out].n)
				rows[out].hdr = rows[out].n;
		}
		if (sp != stack)
			free(sp);
		if (l == c->mark && out > 0) {
			if (skip > 0)
				skip--;
			else {
				out--;
				memset(&rows[out], 0, sizeof(rows[out]));
				rows[out].s = "";
			}
		}
	}
	if (out > 0) {
		/* Fewer rows than the pane: move them to the top. */
		memmove(rows, rows + out, (height - out) * sizeof(*rows));
	}
	return height - out;
}

/* Scrolls the current conversation by delta rows (positive: up, older). */
static void
scroll_by(struct fg_tui *m, int delta)
{
	struct fg_tui_conv *c = fg_tui_conv_current(m);
	long total = 0;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlines; i++)
		total += line_rows(c->lines[i], m->conv_w) +
		    (c->lines[i] == c->mark);
	c->scroll += delta;
	if (c->scroll > total - m->conv_h)
		c->scroll = (int)(total - m->conv_h);
	if (c->scroll < 0)
		c->scroll = 0;
	/* At the top: ask for older history. */
	if (delta > 0 && c->scroll >= total - m->conv_h &&
	    c->hist != FG_TUI_HIST_DONE)
		want_history(m, c);
	if (c->scroll == 0)
		c->unread = 0;
	m->dirty = 1;
}

/* Conversation helpers for messages. */

/* The destination to send to for conversation c ("ip:port" when known; may use buf). */
static const char *
conv_dest(const struct fg_tui *m, const struct fg_tui_conv *c, char *buf,
    size_t len)
{
	struct fg_tui_peer *p;

	if ((p = fg_tui_peer_by_key(m, c->key)) != NULL) {
		snprintf(buf, len, "%s:%d", p->address, p->port);
		return buf;
	}
	if (c->dest != NULL)
		return c->dest;
	return c->key;
}

/* Finds a line of ours by request tag or message id, in any conversation. */
static struct fg_tui_line *
find_out_line(const struct fg_tui *m, uint64_t tag, uint64_t msg_id)
{
	struct fg_tui_conv *c;
	size_t i, j;

	for (i = 0; i < m->nconvs; i++) {
		c = m->convs[i];
		for (j = c->nlines; j > 0; j--) {
			struct fg_tui_line *l = c->lines[j - 1];

			if (l->kind != FG_TUI_LINE_OUT || l->history)
				continue;
			if ((tag != 0 && l->tag == tag) ||
			    (msg_id != 0 && l->msg_id == msg_id))
				return l;
		}
	}
	return NULL;
}

/* Sends text in conversation c (sealed if asked): a line and a request. */
static int
send_text(struct fg_tui *m, struct fg_tui_conv *c, const char *text, int seal)
{
	struct fg_tui_line *l;
	struct fg_tui_act *a;
	char dbuf[128];
	struct fg_tui_peer *p;

	if (c->kind == FG_TUI_CONV_SEARCH) {
		fg_tui_hint(m, "this is the search view: switch to a "
		    "conversation (Alt-1..9, Ctrl-N/Ctrl-P)");
		return 0;
	}
	if (c->kind == FG_TUI_CONV_ALL && seal) {
		fg_tui_hint(m, "/seal needs a peer's conversation");
		return 0;
	}
	if ((a = act_new(m, c->kind == FG_TUI_CONV_ALL ? FG_TUI_ACT_BROADCAST :
	    FG_TUI_ACT_SEND, c->key)) == NULL ||
	    (a->text = strdup(text)) == NULL ||
	    (c->kind == FG_TUI_CONV_PEER &&
	    (a->to = strdup(conv_dest(m, c, dbuf, sizeof(dbuf)))) == NULL)) {
		fg_tui_act_free(a);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	a->seal = seal;
	if ((l = line_new(m, FG_TUI_LINE_OUT, *m->nick ? m->nick : "me",
	    text)) == NULL) {
		fg_tui_act_free(a);
		return FG_ERR_ALLOC;
	}
	l->tag = a->tag;
	l->sealed = seal != 0;
	l->broadcast = c->kind == FG_TUI_CONV_ALL;
	l->state = FG_TUI_SENDING;
	if ((p = fg_tui_peer_by_key(m, c->key)) != NULL)
		p->last_ms = l->time_ms;
	c->scroll = 0;
	if (conv_add(m, c, l, 0) != 0) {
		fg_tui_act_free(a);
		return FG_ERR_ALLOC;
	}
	return add_act(m, a);
}

/* Resolves a PEER the user typed to a conversation key (in buf). */
static int
resolve_peer(const struct fg_tui *m, const char *s, char *buf, size_t len)
{
	const struct fg_tui_peer *p, *found = NULL;
	char *end;
	long long idx;
	size_t i, n = 0;
	int dots = 0;
	const char *q;

	for (i = 0; i < m->npeers; i++) {
		p = m->peers[i];
		if (strcmp(p->nick, s) == 0 || casecmp(p->key, s) == 0) {
			if (n++ == 0)
				found = p;
		}
	}
	if (n == 0 && *s >= '0' && *s <= '9') {
		idx = strtoll(s, &end, 10);
		if (*end == '\0' && (found = peer_by_index(m, idx)) != NULL)
			n = 1;
	}
	if (n == 0) {
		for (i = 0; i < m->npeers; i++) {
			char addr[128];

			p = m->peers[i];
			snprintf(addr, sizeof(addr), "%s:%d", p->address,
			    p->port);
			if (strcmp(p->address, s) == 0 ||
			    strcmp(addr, s) == 0) {
				found = p;
				n = 1;
				break;
			}
		}
	}
	if (n == 0) {
		for (i = 0; i < m->npeers; i++)
			if (casecmp(m->peers[i]->nick, s) == 0 && n++ == 0)
				found = m->peers[i];
	}
	if (n > 1)
		return FG_ERR_INVAL;
	if (found != NULL) {
		snprintf(buf, len, "%s", found->key);
		return 0;
	}
	/* An address of a host we have not seen. */
	for (q = s; *q != '\0' && *q != ':'; q++) {
		if (*q == '.')
			dots++;
		else if (*q < '0' || *q > '9')
			return FG_ERR_NOT_FOUND;
	}
	if (dots != 3)
		return FG_ERR_NOT_FOUND;
	if (*q == ':' || m->port == 0)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "%s:%d", s, m->port);
	return 0;
}

/* Events. */

/* A peer joined, left or changed. */
static int
ev_peer(struct fg_tui *m, const char *e, json_t *ev)
{
	json_t *o = json_object_get(ev, "peer");
	struct fg_tui_peer *p;
	char *old_nick = NULL;
	int was_away;

	if (!json_is_object(o))
		return 0;
	if (strcmp(e, "peer_leave") == 0) {
		if ((p = peer_by_index(m, jint(o, "index", NULL))) != NULL) {
			peer_conv_sync(m, p);
			(void)fg_tui_notice(m, p->key, "%s left",
			    peer_name(p));
			peer_remove(m, p->index);
		}
		fg_tui_peers_update(m);
		return 0;
	}
	if ((p = peer_upsert(m, o, &was_away, &old_nick)) == NULL)
		return FG_ERR_ALLOC;
	peer_conv_sync(m, p);
	if (strcmp(e, "peer_join") == 0 && was_away < 0)
		(void)fg_tui_notice(m, p->key, "%s joined (%s:%d)",
		    peer_name(p), p->address, p->port);
	if (was_away >= 0 && was_away != p->away)
		(void)fg_tui_notice(m, p->key, p->away ? "%s is away" :
		    "%s is back", peer_name(p));
	if (old_nick != NULL && strcmp(old_nick, p->nick) != 0)
		(void)fg_tui_notice(m, p->key, "%s is now known as %s",
		    old_nick, p->nick);
	free(old_nick);
	fg_tui_peers_update(m);
	return 0;
}

/* Makes the conversation key for a message's or offer's sender. */
static void
sender_key(json_t *ev, char *buf, size_t len)
{
	json_t *peer = json_object_get(ev, "peer");

	if (*jstr(ev, "user") != '\0')
		snprintf(buf, len, "%s@%s", jstr(ev, "user"), jstr(ev, "host"));
	else if (json_is_object(peer))
		snprintf(buf, len, "%s@%s", jstr(peer, "user"),
		    jstr(peer, "host"));
	else
		snprintf(buf, len, "%s:%lld", jstr(ev, "address"),
		    jint(ev, "port", NULL));
}

/* The sender's shown name: the peer's nick, else the user name. */
static const char *
sender_name(json_t *ev)
{
	json_t *peer = json_object_get(ev, "peer");

	if (json_is_object(peer) && *jstr(peer, "nick") != '\0')
		return jstr(peer, "nick");
	if (*jstr(ev, "user") != '\0')
		return jstr(ev, "user");
	return jstr(ev, "address");
}

/* A message arrived. */
static int
ev_message(struct fg_tui *m, json_t *ev)
{
	struct fg_tui_conv *c;
	struct fg_tui_line *l;
	struct fg_tui_peer *p;
	char key[1024], dest[128];
	int bcast = json_is_true(json_object_get(ev, "broadcast"));
	const char *text = jstr(ev, "text");

	sender_key(ev, key, sizeof(key));
	if ((c = fg_tui_conv_open(m, bcast ? FG_TUI_ALL : key, 0)) == NULL)
		return FG_ERR_ALLOC;
	if (c->kind == FG_TUI_CONV_PEER) {
		snprintf(dest, sizeof(dest), "%s:%lld", jstr(ev, "address"),
		    jint(ev, "port", NULL));
		(void)set_str(m, &c->dest, dest);
	}
	if (*text == '\0' && json_is_true(json_object_get(ev, "attach")))
		return 0;	/* the offer event tells */
	if ((l = line_new(m, FG_TUI_LINE_IN, sender_name(ev), text)) == NULL)
		return FG_ERR_ALLOC;
	l->msg_id = (uint64_t)jint(ev, "id", NULL);
	l->sealed = json_is_true(json_object_get(ev, "sealed"));
	l->autoret = json_is_true(json_object_get(ev, "autoret"));
	l->broadcast = bcast;
	if ((p = fg_tui_peer_by_key(m, key)) != NULL) {
		p->last_ms = l->time_ms;
		if (m->sort == FG_TUI_SORT_RECENT)
			fg_tui_peers_update(m);
	}
	if (conv_add(m, c, l, 1) != 0)
		return FG_ERR_ALLOC;
	if (m->bell_on && !l->autoret)
		m->bell = 1;
	return 0;
}

/* A receipt or read notice for a message of ours. */
static int
ev_receipt(struct fg_tui *m, const char *e, json_t *ev)
{
	struct fg_tui_line *l;

	if ((l = find_out_line(m, 0, (uint64_t)jint(ev, "id", NULL))) == NULL)
		return 0;
	if (strcmp(e, "read") == 0)
		l->state = FG_TUI_OPENED;
	else if (l->state == FG_TUI_SENDING || l->state == FG_TUI_FAILED)
		l->state = FG_TUI_ACKED;
	line_touch(l);
	m->dirty = 1;
	return 0;
}

/* An info or absence answer. */
static int
ev_info(struct fg_tui *m, json_t *ev)
{
	char key[1024];

	sender_key(ev, key, sizeof(key));
	if (fg_tui_conv_find(m, key) == NULL)
		snprintf(key, sizeof(key), "%s", fg_tui_conv_current(m)->key);
	return fg_tui_notice(m, key, "%s %s: %s", sender_name(ev),
	    json_is_true(json_object_get(ev, "absence")) ? "is away" :
	    "runs", jstr(ev, "text"));
}

/* Finds an offer by id. */
static struct fg_tui_offer *
offer_find(const struct fg_tui *m, uint64_t id)
{
	size_t i;

	for (i = 0; i < m->noffers; i++)
		if (m->offers[i]->id == id)
			return m->offers[i];
	return NULL;
}

/* Finds a transfer by id. */
static struct fg_tui_xfer *
xfer_find(const struct fg_tui *m, uint64_t id)
{
	size_t i;

	for (i = 0; i < m->nxfers; i++)
		if (m->xfers[i]->id == id)
			return m->xfers[i];
	return NULL;
}

/* An offer of files arrived. */
static int
ev_offer(struct fg_tui *m, json_t *ev)
{
	json_t *files = json_object_get(ev, "files"), *f;
	struct fg_tui_offer *o;
	struct fg_tui_conv *c;
	struct fg_tui_line *l;
	char key[1024], names[1024], sz[32];
	size_t i, len = 0;
	uint64_t id = (uint64_t)jint(ev, "id", NULL);

	if (offer_find(m, id) != NULL)
		return 0;
	sender_key(ev, key, sizeof(key));
	if ((c = fg_tui_conv_open(m, key, 0)) == NULL)
		return FG_ERR_ALLOC;
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->conv = strdup(key)) == NULL ||
	    push((void ***)&m->offers, &m->noffers, &m->capoffers, o) != 0) {
		offer_free(o);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	o->id = id;
	(void)set_str(m, &o->who, sender_name(ev));
	names[0] = '\0';
	for (i = 0; i < json_array_size(files); i++) {
		f = json_array_get(files, i);
		o->nfiles++;
		if (len < sizeof(names))
			len += (size_t)snprintf(names + len, sizeof(names) - len,
			    "%s%s%s", i ? ", " : "", jstr(f, "name"),
			    strcmp(jstr(f, "type"), "folder") == 0 ? "/" : "");
	}
	o->total = (uint64_t)jint(ev, "total", NULL);
	(void)set_str(m, &o->names, names);
	fg_tui_size_str(o->total, sz, sizeof(sz));
	if ((l = line_new(m, FG_TUI_LINE_SYS, NULL, "")) == NULL)
		return FG_ERR_ALLOC;
	free(l->text);
	if (asprintf_like(&l->text, "%s offers %zu file%s (%s): %s "
	    "\xe2\x80\x94 /accept %llu or /decline %llu", o->who, o->nfiles,
	    o->nfiles == 1 ? "" : "s", sz, o->names, (unsigned long long)id,
	    (unsigned long long)id) != 0) {
		l->text = NULL;
		line_free(l);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	l->file = 1;
	if (conv_add(m, c, l, 1) != 0)
		return FG_ERR_ALLOC;
	if (m->bell_on)
		m->bell = 1;
	return 0;
}

/* A transfer progressed (xfer_progress) or ended (xfer_done). */
static int
ev_xfer(struct fg_tui *m, const char *e, json_t *ev)
{
	struct fg_tui_xfer *t;
	struct fg_tui_offer *o;
	uint64_t id = (uint64_t)jint(ev, "id", NULL);
	const char *status = jstr(ev, "status");
	char key[1024];

	if ((t = xfer_find(m, id)) == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL ||
		    push((void ***)&m->xfers, &m->nxfers, &m->capxfers,
		    t) != 0) {
			free(t);
			m->oom = 1;
			return FG_ERR_ALLOC;
		}
		t->id = id;
	}
	t->offer_id = (uint64_t)jint(ev, "offer", NULL);
	t->upload = json_is_true(json_object_get(ev, "upload"));
	o = t->upload ? NULL : offer_find(m, t->offer_id);
	if (*jstr(ev, "name") != '\0')
		(void)set_str(m, &t->name, jstr(ev, "name"));
	if (t->who == NULL)
		(void)set_str(m, &t->who, o != NULL ? o->who : sender_name(ev));
	t->done = (uint64_t)jint(ev, "done", NULL);
	t->total = (uint64_t)jint(ev, "total", NULL);
	t->files_done = (unsigned)jint(ev, "files_done", NULL);
	t->files_total = (unsigned)jint(ev, "files_total", NULL);
	m->dirty = 1;
	if (strcmp(e, "xfer_done") != 0 || t->state != FG_TUI_XFER_RUNNING)
		return 0;
	if (strcmp(status, "ok") != 0) {
		t->state = FG_TUI_XFER_FAILED;
		(void)set_str(m, &t->error, *jstr(ev, "error") ?
		    jstr(ev, "error") : *status ? status : "failed");
	} else {
		t->state = FG_TUI_XFER_DONE;
		if (*jstr(ev, "path") != '\0')
			(void)set_str(m, &t->path, jstr(ev, "path"));
	}
	if (o != NULL)
		o->state = t->state == FG_TUI_XFER_DONE ? FG_TUI_OFFER_DONE :
		    FG_TUI_OFFER_FAILED;
	if (o != NULL)
		snprintf(key, sizeof(key), "%s", o->conv);
	else
		sender_key(ev, key, sizeof(key));
	if (fg_tui_conv_find(m, key) == NULL)
		snprintf(key, sizeof(key), "%s", fg_tui_conv_current(m)->key);
	if (t->state == FG_TUI_XFER_DONE)
		return fg_tui_notice(m, key, "%s %s (%u file%s)%s%s", t->upload ?
		    "sent" : "received", t->name ? t->name : "files",
		    t->files_total, t->files_total == 1 ? "" : "s",
		    t->path && !t->upload ? " \xe2\x86\x92 " : "",
		    t->path && !t->upload ? t->path : "");
	return fg_tui_notice(m, key, "transfer %llu of %s %s: %s",
	    (unsigned long long)t->id, t->name ? t->name : "files",
	    strcmp(status, "cancelled") == 0 ? "cancelled" : "failed",
	    t->error);
}

/* One of our offers ended: fetched, released, cancelled or expired. */
static int
ev_offer_end(struct fg_tui *m, json_t *ev)
{
	char key[1024];
	const char *why = jstr(ev, "why");

	sender_key(ev, key, sizeof(key));
	if (fg_tui_conv_find(m, key) == NULL)
		return 0;
	return fg_tui_notice(m, key, "your offer %lld %s", jint(ev, "id", NULL),
	    strcmp(why, "fetched") == 0 ? "was fetched" :
	    strcmp(why, "released") == 0 ? "was declined" :
	    strcmp(why, "expired") == 0 ? "expired" : "was withdrawn");
}

int
fg_tui_on_event(struct fg_tui *m, json_t *ev)
{
	const char *e = jstr(ev, "event");
	int r = 0;

	if (strncmp(e, "peer_", 5) == 0)
		r = ev_peer(m, e, ev);
	else if (strcmp(e, "message") == 0)
		r = ev_message(m, ev);
	else if (strcmp(e, "receipt") == 0 || strcmp(e, "read") == 0)
		r = ev_receipt(m, e, ev);
	else if (strcmp(e, "info") == 0)
		r = ev_info(m, ev);
	else if (strcmp(e, "offer") == 0)
		r = ev_offer(m, ev);
	else if (strncmp(e, "xfer", 4) == 0)
		r = ev_xfer(m, e, ev);
	else if (strcmp(e, "offer_end") == 0)
		r = ev_offer_end(m, ev);
	m->dirty = 1;
	return m->oom ? FG_ERR_ALLOC : r;
}

/* Replies. */

/* Applies a status reply: who we are. */
static void
reply_status(struct fg_tui *m, json_t *r)
{
	(void)set_str(m, &m->user, jstr(r, "user"));
	(void)set_str(m, &m->host, jstr(r, "host"));
	(void)set_str(m, &m->nick, jstr(r, "nick"));
	(void)set_str(m, &m->group, jstr(r, "group"));
	m->port = (int)jint(r, "port", NULL);
	m->away = json_is_true(json_object_get(r, "away"));
	(void)set_str(m, &m->away_text, jstr(r, "away_text"));
}

/* Applies a list reply: the whole peer table. */
static void
reply_list(struct fg_tui *m, json_t *r)
{
	json_t *arr = json_object_get(r, "peers");
	struct fg_tui_peer *p;
	int64_t *last = NULL;
	char **keys = NULL;
	size_t i, j, n = m->npeers;
	int was;

	/* Keep what we know of each peer's latest message across the reload. */
	if (n > 0 && ((keys = calloc(n, sizeof(*keys))) == NULL ||
	    (last = calloc(n, sizeof(*last))) == NULL))
		m->oom = 1;
	for (i = 0; i < n; i++) {
		if (keys != NULL && last != NULL) {
			keys[i] = m->peers[i]->key;
			m->peers[i]->key = NULL;
			last[i] = m->peers[i]->last_ms;
		}
		peer_free(m->peers[i]);
	}
	m->npeers = 0;
	m->psel = 0;
	m->npview = 0;
	for (i = 0; i < json_array_size(arr); i++) {
		if ((p = peer_upsert(m, json_array_get(arr, i), &was,
		    NULL)) == NULL)
			continue;
		for (j = 0; keys != NULL && last != NULL && j < n; j++)
			if (keys[j] != NULL && strcmp(keys[j], p->key) == 0)
				p->last_ms = last[j];
		peer_conv_sync(m, p);
	}
	for (i = 0; keys != NULL && i < n; i++)
		free(keys[i]);
	free(keys);
	free(last);
	fg_tui_peers_update(m);
}

/* An accept went through: the transfer shows at once (0%). */
static int
accepted(struct fg_tui *m, const struct fg_tui_pending *p, json_t *r)
{
	struct fg_tui_offer *o = offer_find(m, (uint64_t)p->id);
	struct fg_tui_xfer *t;
	uint64_t id = (uint64_t)jint(r, "xfer", NULL);

	if (id != 0 && xfer_find(m, id) == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL ||
		    push((void ***)&m->xfers, &m->nxfers, &m->capxfers,
		    t) != 0) {
			free(t);
			m->oom = 1;
			return FG_ERR_ALLOC;
		}
		t->id = id;
		t->offer_id = (uint64_t)p->id;
		t->total = (uint64_t)jint(r, "total", NULL);
		t->files_total = (unsigned)jint(r, "count", NULL);
		if (o != NULL) {
			(void)set_str(m, &t->who, o->who);
			(void)set_str(m, &t->name, o->names);
		}
	}
	return fg_tui_notice(m, p->conv, "receiving%s%s (transfer %llu; F2 "
	    "shows it)", o != NULL ? " " : "", o != NULL ? o->names : "",
	    (unsigned long long)id);
}

/* The error text of a failed reply. */
static const char *
reply_error(json_t *r)
{
	const char *e = jstr(r, "error");

	return *e != '\0' ? e : "request failed";
}

int
fg_tui_on_reply(struct fg_tui *m, json_t *r)
{
	struct fg_tui_pending p;
	struct fg_tui_line *l;
	struct fg_tui_offer *o;
	uint64_t tag = (uint64_t)jint(r, "id", NULL);
	const char *key;
	size_t i;
	int ok = json_is_true(json_object_get(r, "ok"));

	for (i = 0; i < m->npend; i++)
		if (m->pend[i].tag == tag)
			break;
	if (i == m->npend)
		return 0;
	p = m->pend[i];
	memmove(m->pend + i, m->pend + i + 1,
	    (m->npend - i - 1) * sizeof(*m->pend));
	m->npend--;
	key = p.conv;
	if (key != NULL && fg_tui_conv_find(m, key) == NULL)
		key = NULL;
	m->dirty = 1;
	switch (p.type) {
	case FG_TUI_ACT_STATUS:
		if (ok)
			reply_status(m, r);
		break;
	case FG_TUI_ACT_LIST:
		if (ok)
			reply_list(m, r);
		break;
	case FG_TUI_ACT_SEND:
	case FG_TUI_ACT_BROADCAST:
		if ((l = find_out_line(m, tag, 0)) != NULL) {
			if (json_is_integer(json_object_get(r, "msg")))
				l->msg_id = (uint64_t)jint(r, "msg", NULL);
			if (!ok)
				l->state = FG_TUI_FAILED;
			else if (l->state != FG_TUI_OPENED)
				l->state = p.type == FG_TUI_ACT_SEND ?
				    FG_TUI_ACKED : FG_TUI_SENT;
			line_touch(l);
		}
		if (!ok)
			(void)fg_tui_notice(m, key, "not delivered: %s",
			    reply_error(r));
		break;
	case FG_TUI_ACT_SEND_FILE:
		if (ok)
			(void)fg_tui_notice(m, key, "files offered (offer %lld); "
			    "they are sent when the peer accepts",
			    jint(r, "offer", "id"));
		else
			(void)fg_tui_notice(m, key, "cannot offer the files: %s",
			    reply_error(r));
		break;
	case FG_TUI_ACT_ACCEPT:
	case FG_TUI_ACT_DECLINE:
		if (!ok && (o = offer_find(m, p.id)) != NULL &&
		    o->state != FG_TUI_OFFER_DONE)
			o->state = FG_TUI_OFFER_NEW;
		if (!ok)
			(void)fg_tui_notice(m, key, "%s failed: %s",
			    p.type == FG_TUI_ACT_ACCEPT ? "accept" : "decline",
			    reply_error(r));
		else if (p.type == FG_TUI_ACT_ACCEPT)
			(void)accepted(m, &p, r);
		break;
	case FG_TUI_ACT_AWAY:
	case FG_TUI_ACT_BACK:
		if (ok) {
			m->away = p.type == FG_TUI_ACT_AWAY;
			(void)fg_tui_notice(m, key, m->away ? "you are away" :
			    "you are back");
		} else
			(void)fg_tui_notice(m, key, "error: %s", reply_error(r));
		break;
	case FG_TUI_ACT_NICK:
	case FG_TUI_ACT_GROUP:
		if (ok) {
			(void)add_act(m, act_new(m, FG_TUI_ACT_STATUS, NULL));
			(void)fg_tui_notice(m, key, "%s changed",
			    p.type == FG_TUI_ACT_NICK ? "nick" : "group");
		} else if (strcmp(jstr(r, "code"), "unknown_command") == 0)
			(void)fg_tui_notice(m, key, "this daemon cannot change "
			    "names; restart it with --nick/--group");
		else
			(void)fg_tui_notice(m, key, "error: %s", reply_error(r));
		break;
	case FG_TUI_ACT_INFO:
		if (ok)
			(void)fg_tui_notice(m, key, "version: %s; absence: %s",
			    jstr(r, "version"), *jstr(r, "absence") ?
			    jstr(r, "absence") : "(none)");
		else
			(void)fg_tui_notice(m, key, "info: %s", reply_error(r));
		break;
	case FG_TUI_ACT_REFRESH:
		if (ok)
			(void)add_act(m, act_new(m, FG_TUI_ACT_LIST, NULL));
		/* FALLTHROUGH */
	default:
		if (!ok)
			(void)fg_tui_notice(m, key, "error: %s", reply_error(r));
		break;
	}
	free(p.conv);
	return m->oom ? FG_ERR_ALLOC : 0;
}

/* History and search. */

/* A line made from a history row; NULL (and oom) on failure. */
static struct fg_tui_line *
line_from_row(struct fg_tui *m, const struct fg_history_row *row,
    const char *who)
{
	struct fg_tui_line *l;

	if ((l = line_new(m, row->m.dir == FG_HISTORY_IN ? FG_TUI_LINE_IN :
	    FG_TUI_LINE_OUT, who, row->m.text)) == NULL)
		return NULL;
	l->time_ms = row->m.time_ms;
	l->hist_id = row->id;
	l->history = 1;
	l->msg_id = row->m.local_id;
	l->sealed = (row->m.flags & FG_HISTORY_F_SEALED) != 0;
	l->autoret = (row->m.flags & FG_HISTORY_F_AUTORET) != 0;
	l->broadcast = row->m.dir == FG_HISTORY_BROADCAST ||
	    (row->m.flags & FG_HISTORY_F_BROADCAST) != 0;
	l->opened = !l->sealed || row->m.state == FG_HISTORY_OPENED ||
	    (row->m.flags & FG_HISTORY_F_READ) != 0 ||
	    row->m.dir != FG_HISTORY_IN;
	switch (row->m.state) {
	case FG_HISTORY_ACKED:
		l->state = FG_TUI_ACKED;
		break;
	case FG_HISTORY_FAILED:
		l->state = FG_TUI_FAILED;
		break;
	case FG_HISTORY_OPENED:
		l->state = FG_TUI_OPENED;
		break;
	default:
		l->state = row->m.dir == FG_HISTORY_IN ? 0 : FG_TUI_SENT;
		break;
	}
	return l;
}

/* The name to show for the sender of a history row. */
static const char *
row_who(const struct fg_tui *m, const struct fg_history_row *row)
{
	if (row->m.dir != FG_HISTORY_IN)
		return *m->nick ? m->nick : "me";
	if (row->m.nick != NULL && *row->m.nick != '\0')
		return row->m.nick;
	return row->m.user != NULL ? row->m.user : "?";
}

int
fg_tui_history_row(struct fg_tui *m, const char *key,
    const struct fg_history_row *row)
{
	struct fg_tui_conv *c;
	struct fg_tui_line *l, *x;
	enum fg_tui_line_kind kind;
	size_t i, at;

	if ((c = fg_tui_conv_find(m, key)) == NULL)
		return 0;
	if (c->kind == FG_TUI_CONV_ALL && row->m.dir != FG_HISTORY_BROADCAST &&
	    !(row->m.flags & FG_HISTORY_F_BROADCAST))
		return 0;
	if (row->id > 0 && (c->oldest_hist == 0 || row->id < c->oldest_hist))
		c->oldest_hist = row->id;
	kind = row->m.dir == FG_HISTORY_IN ? FG_TUI_LINE_IN : FG_TUI_LINE_OUT;
	for (i = 0; i < c->nlines; i++) {
		x = c->lines[i];
		if (x->hist_id == row->id && x->history)
			return 1;
		if (!x->history && x->kind == kind && row->m.local_id != 0 &&
		    x->msg_id == row->m.local_id &&
		    row->m.time_ms >= m->start_ms - 60000)
			return 1;	/* shown live already */
	}
	if ((l = line_from_row(m, row, row_who(m, row))) == NULL)
		return FG_ERR_ALLOC;
	for (at = 0; at < c->nlines; at++)
		if (c->lines[at]->time_ms > l->time_ms)
			break;
	if (push((void ***)&c->lines, &c->nlines, &c->cap, l) != 0) {
		line_free(l);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	memmove(c->lines + at + 1, c->lines + at,
	    (c->nlines - 1 - at) * sizeof(*c->lines));
	c->lines[at] = l;
	if (at == c->nlines - 1 && c->scroll > 0)
		c->scroll += line_rows(l, m->conv_w);
	m->dirty = 1;
	return 1;
}

void
fg_tui_history_end(struct fg_tui *m, const char *key, int more)
{
	struct fg_tui_conv *c;

	if ((c = fg_tui_conv_find(m, key)) == NULL)
		return;
	c->hist = more ? FG_TUI_HIST_MORE : FG_TUI_HIST_DONE;
	c->hist_busy = 0;
	m->dirty = 1;
}

int
fg_tui_search_begin(struct fg_tui *m, const char *text)
{
	struct fg_tui_conv *c;
	size_t i;
	char title[256];

	if ((c = fg_tui_conv_open(m, FG_TUI_SEARCH, 1)) == NULL)
		return FG_ERR_ALLOC;
	for (i = 0; i < c->nlines; i++)
		line_free(c->lines[i]);
	c->nlines = 0;
	c->mark = NULL;
	c->scroll = 0;
	c->hist = FG_TUI_HIST_DONE;
	snprintf(title, sizeof(title), "search: %s", text);
	return set_str(m, &c->title, title);
}

/* Adds a copy of a result line at the top of the search results (they come newest first). */
static int
search_add(struct fg_tui *m, struct fg_tui_line *l)
{
	struct fg_tui_conv *c = fg_tui_conv_find(m, FG_TUI_SEARCH);

	if (c == NULL || push((void ***)&c->lines, &c->nlines, &c->cap,
	    l) != 0) {
		line_free(l);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	memmove(c->lines + 1, c->lines, (c->nlines - 1) * sizeof(*c->lines));
	c->lines[0] = l;
	m->dirty = 1;
	return 0;
}

int
fg_tui_search_row(struct fg_tui *m, const struct fg_history_row *row)
{
	struct fg_tui_line *l;
	char who[600];
	const char *peer = row->m.nick != NULL && *row->m.nick != '\0' ?
	    row->m.nick : row->m.user != NULL ? row->m.user : NULL;

	if (row->m.dir == FG_HISTORY_IN)
		snprintf(who, sizeof(who), "%s", peer ? peer : "?");
	else if (peer != NULL && row->m.dir == FG_HISTORY_OUT)
		snprintf(who, sizeof(who), "%s \xe2\x86\x92 %s", *m->nick ?
		    m->nick : "me", peer);
	else
		snprintf(who, sizeof(who), "%s \xe2\x86\x92 everyone",
		    *m->nick ? m->nick : "me");
	if ((l = line_from_row(m, row, who)) == NULL)
		return FG_ERR_ALLOC;
	l->opened = 1;
	l->hist_id = -1;	/* show the date */
	return search_add(m, l);
}

int
fg_tui_search_local(struct fg_tui *m, const char *text)
{
	struct fg_tui_line *x, *l;
	struct fg_tui_conv *c;
	size_t i, j, n = 0;
	char who[600];

	for (i = 0; i < m->nconvs; i++) {
		c = m->convs[i];
		if (c->kind == FG_TUI_CONV_SEARCH)
			continue;
		for (j = c->nlines; j > 0; j--) {
			x = c->lines[j - 1];
			if (x->kind == FG_TUI_LINE_SYS ||
			    !casefind(x->text, text) ||
			    (x->sealed && !x->opened && x->kind ==
			    FG_TUI_LINE_IN))
				continue;
			if (x->kind == FG_TUI_LINE_OUT)
				snprintf(who, sizeof(who), "%s \xe2\x86\x92 %s",
				    x->who, c->title);
			else
				snprintf(who, sizeof(who), "%s", x->who);
			if ((l = line_new(m, x->kind, who, x->text)) == NULL)
				return FG_ERR_ALLOC;
			l->time_ms = x->time_ms;
			l->history = 1;
			l->hist_id = -1;
			l->state = x->state;
			if (search_add(m, l) != 0)
				return FG_ERR_ALLOC;
			n++;
		}
	}
	/* search_add puts each at the top; the walk went newest first per conversation. */
	fg_tui_search_end(m, n);
	return 0;
}

void
fg_tui_search_end(struct fg_tui *m, size_t n)
{
	struct fg_tui_conv *c = fg_tui_conv_find(m, FG_TUI_SEARCH);
	struct fg_tui_line *t;
	size_t i, j;

	if (c == NULL)
		return;
	/* Oldest first, whatever order the results came in. */
	for (i = 1; i < c->nlines; i++) {
		t = c->lines[i];
		for (j = i; j > 0 && c->lines[j - 1]->time_ms > t->time_ms; j--)
			c->lines[j] = c->lines[j - 1];
		c->lines[j] = t;
	}
	(void)fg_tui_notice(m, FG_TUI_SEARCH, "%zu message%s found%s", n,
	    n == 1 ? "" : "s", n > 0 ? " (PgUp scrolls)" : "");
}

/* Formatting for the drawing. */

void
fg_tui_status_text(const struct fg_tui *m, char *buf, size_t len)
{
	size_t o = 0, i, nx = 0;
	int act = 0;

	for (i = 0; i < m->nxfers; i++)
		if (m->xfers[i]->state == FG_TUI_XFER_RUNNING)
			nx++;
	o += (size_t)snprintf(buf + o, len - o, " %s%s%s@%s:%d%s | %zu online",
	    *m->nick ? m->nick : m->user, *m->nick ? " (" : "",
	    *m->nick ? m->user : "", m->host, m->port, *m->nick ? ")" : "",
	    m->npeers);
	if (o < len && m->away)
		o += (size_t)snprintf(buf + o, len - o, " | away");
	if (o < len && !m->connected)
		o += (size_t)snprintf(buf + o, len - o, " | no daemon");
	if (o < len && nx > 0)
		o += (size_t)snprintf(buf + o, len - o, " | %zu transfer%s",
		    nx, nx == 1 ? "" : "s");
	for (i = 0; i < m->nconvs && o < len; i++) {
		if (m->convs[i]->unread == 0 || i == m->cur)
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%zu", act++ ?
		    "," : " | Act: ", i + 1);
	}
	if (o < len && m->hint != NULL)
		snprintf(buf + o, len - o, " | %s", m->hint);
}

void
fg_tui_peer_text(const struct fg_tui *m, const struct fg_tui_peer *p,
    int width, char *buf, size_t len)
{
	struct fg_tui_conv *c = fg_tui_conv_find(m, p->key);
	char right[512];
	size_t nb, rb;
	int used, rw, avail;

	/* " *z nick ........ group" */
	snprintf(right, sizeof(right), "%s%s%s", p->group,
	    width >= 30 && *p->group ? " " : "", width >= 30 ? p->host : "");
	rw = fg_tui_width(right, strlen(right));
	avail = width - 3;
	if (avail < 1) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (rw > avail / 2)
		rw = avail / 2;
	nb = fg_tui_fit(p->nick, strlen(p->nick), avail - (rw ? rw + 1 : 0),
	    &used);
	rb = fg_tui_fit(right, strlen(right), rw, &rw);
	snprintf(buf, len, "%c%c%.*s%*s%.*s",
	    c != NULL && c->unread > 0 ? '*' : ' ', p->away ? 'z' : ' ',
	    (int)nb, p->nick, avail - used - rw + 1, "", (int)rb, right);
}

void
fg_tui_conv_header(const struct fg_tui *m, const struct fg_tui_conv *c,
    char *buf, size_t len)
{
	struct fg_tui_peer *p;

	switch (c->kind) {
	case FG_TUI_CONV_ALL:
		snprintf(buf, len, "everyone: messages to and from all %zu "
		    "peers", m->npeers);
		return;
	case FG_TUI_CONV_SEARCH:
		snprintf(buf, len, "%s", c->title);
		return;
	default:
		break;
	}
	if ((p = fg_tui_peer_by_key(m, c->key)) == NULL) {
		snprintf(buf, len, "%s (offline)", c->title);
		return;
	}
	snprintf(buf, len, "%s%s%s%s  %s  %s:%d%s", peer_name(p),
	    *p->group ? " [" : "", p->group, *p->group ? "]" : "", p->key,
	    p->address, p->port, p->away ? "  (away)" : "");
}

void
fg_tui_tab_label(const struct fg_tui *m, size_t i, char *buf, size_t len)
{
	const struct fg_tui_conv *c = m->convs[i];
	char t[64];
	size_t n = fg_tui_fit(c->title, strlen(c->title), 14, NULL);

	snprintf(t, sizeof(t), "%.*s", (int)n, c->title);
	if (c->unread > 0)
		snprintf(buf, len, "%zu:%s(%u)", i + 1, t, c->unread);
	else
		snprintf(buf, len, "%zu:%s", i + 1, t);
}

void
fg_tui_offer_text(const struct fg_tui_offer *o, char *buf, size_t len)
{
	static const char *states[] = {
		"new: /accept or /decline", "accepted", "declined", "done",
		"failed",
	};
	char sz[32];

	fg_tui_size_str(o->total, sz, sizeof(sz));
	snprintf(buf, len, "offer %llu from %s: %s (%zu file%s, %s) [%s]",
	    (unsigned long long)o->id, o->who, o->names, o->nfiles,
	    o->nfiles == 1 ? "" : "s", sz, o->state >= 0 && o->state <= 4 ?
	    states[o->state] : "?");
}

void
fg_tui_xfer_text(const struct fg_tui_xfer *x, int width, char *buf,
    size_t len)
{
	char head[512], bar[256], tail[128], a[32], b[32];
	int hw, bw, tw, avail;
	size_t nb, nt;

	fg_tui_size_str(x->done, a, sizeof(a));
	fg_tui_size_str(x->total, b, sizeof(b));
	snprintf(head, sizeof(head), "%llu %s %s %s %s",
	    (unsigned long long)x->id, x->upload ? "send" : "recv",
	    x->name ? x->name : "?", x->upload ? "to" : "from",
	    x->who ? x->who : "?");
	if (x->state == FG_TUI_XFER_FAILED)
		snprintf(tail, sizeof(tail), "failed: %.100s",
		    x->error ? x->error : "?");
	else
		snprintf(tail, sizeof(tail), "%s/%s%s", a, b,
		    x->state == FG_TUI_XFER_DONE ? "  done" : "");
	tw = fg_tui_width(tail, strlen(tail));
	bw = width / 4;
	if (bw > 30)
		bw = 30;
	if (bw < 12)
		bw = 12;
	fg_tui_progress(x->done, x->total, bw, bar, sizeof(bar));
	/* Room for the name and the tail: the name gets at least half. */
	avail = width - bw - 4;
	hw = fg_tui_width(head, strlen(head));
	if (hw + tw > avail) {
		if (hw > avail / 2 && avail - tw < avail / 2)
			hw = avail / 2;
		else if (hw > avail - tw)
			hw = avail - tw;
	}
	if (hw < 8)
		hw = 8;
	nb = fg_tui_fit(head, strlen(head), hw, &hw);
	nt = fg_tui_fit(tail, strlen(tail), avail - hw > 0 ? avail - hw : 0,
	    NULL);
	snprintf(buf, len, "%.*s  %s  %.*s", (int)nb, head, bar, (int)nt,
	    tail);
}

const char *
fg_tui_prompt(const struct fg_tui *m)
{
	const struct fg_tui_conv *c = fg_tui_conv_current(m);

	if (m->mode == FG_TUI_MODE_FIND)
		return "find peer> ";
	if (c != NULL && c->kind == FG_TUI_CONV_ALL)
		return "all> ";
	if (c != NULL && c->kind == FG_TUI_CONV_SEARCH)
		return "search> ";
	return "> ";
}

/* Commands. */

/* Takes the first word of *s (quotes allowed) into buf; *s moves past it. */
static int
take_word(const char **s, char *buf, size_t len)
{
	const char *p = *s;
	size_t n = 0;
	char q = 0;

	while (*p == ' ')
		p++;
	if (*p == '"' || *p == '\'')
		q = *p++;
	while (*p != '\0' && (q ? *p != q : *p != ' ')) {
		if (n + 1 < len)
			buf[n++] = *p;
		p++;
	}
	if (q && *p == q)
		p++;
	buf[n] = '\0';
	while (*p == ' ')
		p++;
	*s = p;
	return n > 0 ? 0 : FG_ERR_INVAL;
}

/* /msg PEER [TEXT]: opens PEER's conversation and sends TEXT there. */
static int
cmd_msg(struct fg_tui *m, const char *args)
{
	char who[512], key[1024];
	struct fg_tui_conv *c;
	int r;

	if (take_word(&args, who, sizeof(who)) != 0) {
		fg_tui_hint(m, "usage: /msg PEER [TEXT]");
		return 0;
	}
	if ((r = resolve_peer(m, who, key, sizeof(key))) != 0) {
		fg_tui_hint(m, r == FG_ERR_INVAL ? "'%s' is several peers; use "
		    "user@host or an address" : "no peer '%s' (a nick, "
		    "user@host, index or IP address)", who);
		return 0;
	}
	if ((c = fg_tui_conv_open(m, key, 1)) == NULL)
		return FG_ERR_ALLOC;
	if (strchr(key, '@') == NULL)
		(void)set_str(m, &c->dest, key);
	if (*args != '\0')
		return send_text(m, c, args, 0);
	return 0;
}

/* /all TEXT: a message to everyone. */
static int
cmd_all(struct fg_tui *m, const char *args)
{
	struct fg_tui_conv *c;

	if ((c = fg_tui_conv_open(m, FG_TUI_ALL, 1)) == NULL)
		return FG_ERR_ALLOC;
	if (*args == '\0')
		return 0;
	return send_text(m, c, args, 0);
}

/* /seal TEXT: a sealed message to this conversation's peer. */
static int
cmd_seal(struct fg_tui *m, const char *args)
{
	if (*args == '\0') {
		fg_tui_hint(m, "usage: /seal TEXT");
		return 0;
	}
	return send_text(m, fg_tui_conv_current(m), args, 1);
}

/* Queues a simple action with an optional text. */
static int
simple_act(struct fg_tui *m, enum fg_tui_act_type type, const char *text)
{
	struct fg_tui_act *a;

	if ((a = act_new(m, type, fg_tui_conv_current(m)->key)) == NULL)
		return FG_ERR_ALLOC;
	if (text != NULL && (a->text = strdup(text)) == NULL) {
		fg_tui_act_free(a);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	return add_act(m, a);
}

/* /file PATH...: offers files to this conversation's peer. */
static int
cmd_file(struct fg_tui *m, const char *args)
{
	struct fg_tui_conv *c = fg_tui_conv_current(m);
	struct fg_tui_act *a;
	char dbuf[128];
	char **v;
	size_t n;

	if (c->kind != FG_TUI_CONV_PEER) {
		fg_tui_hint(m, "/file sends to a peer: open its conversation "
		    "first (/msg PEER or Ctrl-F)");
		return 0;
	}
	if (fg_tui_split_args(args, &v, &n) != 0) {
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	if (n == 0) {
		fg_tui_free_args(v, n);
		fg_tui_hint(m, "usage: /file PATH... (Tab completes paths)");
		return 0;
	}
	if ((a = act_new(m, FG_TUI_ACT_SEND_FILE, c->key)) == NULL ||
	    (a->to = strdup(conv_dest(m, c, dbuf, sizeof(dbuf)))) == NULL) {
		fg_tui_act_free(a);
		fg_tui_free_args(v, n);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	a->paths = v;
	a->npaths = n;
	(void)fg_tui_notice(m, c->key, "offering %zu path%s to %s", n,
	    n == 1 ? "" : "s", c->title);
	return add_act(m, a);
}

/* Picks an offer: by the id in args, else the newest new one here or anywhere. */
static struct fg_tui_offer *
pick_offer(struct fg_tui *m, const char *args)
{
	struct fg_tui_conv *c = fg_tui_conv_current(m);
	struct fg_tui_offer *o, *any = NULL;
	char *end;
	unsigned long long id;
	size_t i;

	if (*args != '\0') {
		id = strtoull(args, &end, 10);
		if (*end != '\0' && *end != ' ')
			return NULL;
		return offer_find(m, id);
	}
	for (i = m->noffers; i > 0; i--) {
		o = m->offers[i - 1];
		if (o->state != FG_TUI_OFFER_NEW)
			continue;
		if (strcmp(o->conv, c->key) == 0)
			return o;
		if (any == NULL)
			any = o;
	}
	return any;
}

/* /accept [ID] and /decline [ID]. */
static int
offer_cmd(struct fg_tui *m, const char *args, int accept)
{
	struct fg_tui_offer *o;
	struct fg_tui_act *a;

	if ((o = pick_offer(m, args)) == NULL) {
		fg_tui_hint(m, "no such offer (F2 lists them)");
		return 0;
	}
	if ((a = act_new(m, accept ? FG_TUI_ACT_ACCEPT : FG_TUI_ACT_DECLINE,
	    o->conv)) == NULL)
		return FG_ERR_ALLOC;
	a->id = (int64_t)o->id;
	o->state = accept ? FG_TUI_OFFER_ACCEPTED : FG_TUI_OFFER_DECLINED;
	(void)fg_tui_notice(m, o->conv, "%s offer %llu (%s)", accept ?
	    "accepting" : "declining", (unsigned long long)o->id, o->names);
	return add_act(m, a);
}

/* /accept [ID]. */
static int
cmd_accept(struct fg_tui *m, const char *args)
{
	return offer_cmd(m, args, 1);
}

/* /decline [ID]. */
static int
cmd_decline(struct fg_tui *m, const char *args)
{
	return offer_cmd(m, args, 0);
}

/* /cancel [ID]: stops a transfer (the newest running one by default). */
static int
cmd_cancel(struct fg_tui *m, const char *args)
{
	struct fg_tui_xfer *x = NULL;
	struct fg_tui_act *a;
	size_t i;

	if (*args != '\0')
		x = xfer_find(m, strtoull(args, NULL, 10));
	for (i = m->nxfers; x == NULL && i > 0; i--)
		if (m->xfers[i - 1]->state == FG_TUI_XFER_RUNNING)
			x = m->xfers[i - 1];
	if (x == NULL) {
		fg_tui_hint(m, "no such transfer (F2 lists them)");
		return 0;
	}
	if ((a = act_new(m, FG_TUI_ACT_CANCEL,
	    fg_tui_conv_current(m)->key)) == NULL)
		return FG_ERR_ALLOC;
	a->id = (int64_t)x->id;
	return add_act(m, a);
}

/* /away [TEXT]. */
static int
cmd_away(struct fg_tui *m, const char *args)
{
	return simple_act(m, FG_TUI_ACT_AWAY, *args ? args : NULL);
}

/* /back. */
static int
cmd_back(struct fg_tui *m, const char *args)
{
	(void)args;
	return simple_act(m, FG_TUI_ACT_BACK, NULL);
}

/* /nick NAME. */
static int
cmd_nick(struct fg_tui *m, const char *args)
{
	if (*args == '\0') {
		fg_tui_hint(m, "usage: /nick NAME");
		return 0;
	}
	return simple_act(m, FG_TUI_ACT_NICK, args);
}

/* /group [NAME]. */
static int
cmd_group(struct fg_tui *m, const char *args)
{
	return simple_act(m, FG_TUI_ACT_GROUP, args);
}

/* /refresh. */
static int
cmd_refresh(struct fg_tui *m, const char *args)
{
	(void)args;
	return simple_act(m, FG_TUI_ACT_REFRESH, NULL);
}

/* /search WORDS: searches the history. */
static int
cmd_search(struct fg_tui *m, const char *args)
{
	if (*args == '\0') {
		fg_tui_hint(m, "usage: /search WORDS");
		return 0;
	}
	return simple_act(m, FG_TUI_ACT_SEARCH, args);
}

/* Opens the newest unopened sealed message of the current conversation. */
static int
open_sealed(struct fg_tui *m)
{
	struct fg_tui_conv *c = fg_tui_conv_current(m);
	struct fg_tui_line *l;
	struct fg_tui_act *a;
	size_t i;

	for (i = c->nlines; i > 0; i--) {
		l = c->lines[i - 1];
		if (l->kind != FG_TUI_LINE_IN || !l->sealed || l->opened)
			continue;
		l->opened = 1;
		line_touch(l);
		m->dirty = 1;
		if (l->msg_id == 0)
			return 0;
		if ((a = act_new(m, FG_TUI_ACT_READ, c->key)) == NULL)
			return FG_ERR_ALLOC;
		a->id = (int64_t)l->msg_id;
		return add_act(m, a);
	}
	fg_tui_hint(m, "no sealed message to open here");
	return 0;
}

/* /open: opens a sealed message. */
static int
cmd_open(struct fg_tui *m, const char *args)
{
	(void)args;
	return open_sealed(m);
}

/* /info [PEER]: asks a peer for its version and absence text. */
static int
cmd_info(struct fg_tui *m, const char *args)
{
	struct fg_tui_conv *c = fg_tui_conv_current(m);
	struct fg_tui_peer *p;
	struct fg_tui_act *a;
	char key[1024], addr[128], dbuf[128];
	const char *to;

	if (*args != '\0') {
		if (resolve_peer(m, args, key, sizeof(key)) != 0) {
			fg_tui_hint(m, "no peer '%s'", args);
			return 0;
		}
		to = key;
		if ((p = fg_tui_peer_by_key(m, key)) != NULL) {
			snprintf(addr, sizeof(addr), "%s:%d", p->address,
			    p->port);
			to = addr;
		}
	} else if (c->kind == FG_TUI_CONV_PEER)
		to = conv_dest(m, c, dbuf, sizeof(dbuf));
	else {
		fg_tui_hint(m, "usage: /info PEER");
		return 0;
	}
	if ((a = act_new(m, FG_TUI_ACT_INFO, c->key)) == NULL ||
	    (a->to = strdup(to)) == NULL) {
		fg_tui_act_free(a);
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	return add_act(m, a);
}

/* /sort [nick|group|host|recent]: sets or cycles the peer order. */
static int
cmd_sort(struct fg_tui *m, const char *args)
{
	static const char *names[] = { "nick", "group", "host", "recent" };
	size_t i;

	if (*args == '\0')
		m->sort = (m->sort + 1) % FG_TUI_SORT_COUNT;
	else {
		for (i = 0; i < FG_TUI_SORT_COUNT; i++)
			if (casecmp(args, names[i]) == 0)
				break;
		if (i == FG_TUI_SORT_COUNT) {
			fg_tui_hint(m, "usage: /sort [nick|group|host|recent]");
			return 0;
		}
		m->sort = (enum fg_tui_sort)i;
	}
	fg_tui_peers_update(m);
	fg_tui_hint(m, "peers sorted by %s", names[m->sort]);
	return 0;
}

/* /filter [TEXT]: shows only the peers that match (none: all). */
static int
cmd_filter(struct fg_tui *m, const char *args)
{
	free(m->filter);
	m->filter = NULL;
	if (*args != '\0' && (m->filter = strdup(args)) == NULL) {
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	fg_tui_peers_update(m);
	fg_tui_hint(m, m->filter ? "peers filtered by '%s'" : "%s",
	    m->filter ? m->filter : "peer filter cleared");
	return 0;
}

/* /bell [on|off]: the terminal bell on new messages. */
static int
cmd_bell(struct fg_tui *m, const char *args)
{
	if (casecmp(args, "on") == 0)
		m->bell_on = 1;
	else if (casecmp(args, "off") == 0)
		m->bell_on = 0;
	else if (*args == '\0')
		m->bell_on = !m->bell_on;
	else {
		fg_tui_hint(m, "usage: /bell [on|off]");
		return 0;
	}
	fg_tui_hint(m, "bell %s", m->bell_on ? "on" : "off");
	return 0;
}

/* /transfers: shows or hides the transfers (also F2). */
static int
cmd_transfers(struct fg_tui *m, const char *args)
{
	(void)args;
	m->view = m->view == FG_TUI_VIEW_XFERS ? FG_TUI_VIEW_CHAT :
	    FG_TUI_VIEW_XFERS;
	m->dirty = 1;
	return 0;
}

/* /close: closes the current conversation (not everyone's). */
static int
cmd_close(struct fg_tui *m, const char *args)
{
	(void)args;
	if (m->cur == 0) {
		fg_tui_hint(m, "the everyone conversation stays open");
		return 0;
	}
	conv_free(m->convs[m->cur]);
	memmove(m->convs + m->cur, m->convs + m->cur + 1,
	    (m->nconvs - m->cur - 1) * sizeof(*m->convs));
	m->nconvs--;
	m->cur--;
	fg_tui_conv_switch(m, m->cur);
	return 0;
}

/* /quit and /detach. */
static int
cmd_quit(struct fg_tui *m, const char *args)
{
	struct fg_tui_act *a;

	(void)args;
	if ((a = act_new(m, FG_TUI_ACT_QUIT, NULL)) == NULL)
		return FG_ERR_ALLOC;
	return add_act(m, a);
}

/* /detach: leaves, keeping the daemon online. */
static int
cmd_detach(struct fg_tui *m, const char *args)
{
	struct fg_tui_act *a;

	(void)args;
	if ((a = act_new(m, FG_TUI_ACT_QUIT, NULL)) == NULL)
		return FG_ERR_ALLOC;
	a->id = 1;
	return add_act(m, a);
}

static int	cmd_help(struct fg_tui *, const char *);

static const struct tui_cmd {
	const char	*name, *args, *help;
	int		(*fn)(struct fg_tui *, const char *);
} cmds[] = {
	{ "msg", "PEER [TEXT]", "open PEER's conversation (nick, "
	  "user@host, index or IP) and send TEXT", cmd_msg },
	{ "all", "TEXT", "send TEXT to everyone", cmd_all },
	{ "file", "PATH...", "offer files or folders to this peer", cmd_file },
	{ "accept", "[ID]", "accept an offer of files", cmd_accept },
	{ "decline", "[ID]", "decline an offer of files", cmd_decline },
	{ "cancel", "[ID]", "stop a transfer", cmd_cancel },
	{ "away", "[TEXT]", "mark us away (TEXT: the auto-reply)", cmd_away },
	{ "back", "", "clear the away state", cmd_back },
	{ "nick", "NAME", "change our nick", cmd_nick },
	{ "group", "[NAME]", "change our group", cmd_group },
	{ "refresh", "", "announce us again and reload the peers",
	  cmd_refresh },
	{ "seal", "TEXT", "send TEXT sealed (the peer must open it)",
	  cmd_seal },
	{ "open", "", "open the latest sealed message (also Enter on an "
	  "empty line)", cmd_open },
	{ "search", "WORDS", "search the history", cmd_search },
	{ "info", "[PEER]", "ask a peer for its version and absence text",
	  cmd_info },
	{ "sort", "[nick|group|host|recent]", "order the peer list (F3 "
	  "cycles)", cmd_sort },
	{ "filter", "[TEXT]", "show only matching peers", cmd_filter },
	{ "bell", "[on|off]", "the terminal bell on new messages", cmd_bell },
	{ "transfers", "", "show or hide the transfers (F2)", cmd_transfers },
	{ "close", "", "close this conversation", cmd_close },
	{ "help", "", "this help", cmd_help },
	{ "quit", "", "leave (stops the daemon the UI started)", cmd_quit },
	{ "detach", "", "leave, keeping the daemon online", cmd_detach },
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

/* /help: the commands and keys, as notices. */
static int
cmd_help(struct fg_tui *m, const char *args)
{
	static const char *keys[] = {
		"Enter sends; on an empty line it opens a sealed message",
		"Tab completes commands, nicks and /file paths",
		"Alt-1..9, Ctrl-N/Ctrl-P switch conversations; PgUp/PgDn scroll",
		"Ctrl-F finds a peer (type, Up/Down, Enter opens)",
		"F2 transfers, F3 peer order, Ctrl-L redraws, Ctrl-C quits",
		"editing: Ctrl-A/E/K/U/W/Y, Alt-B/F/D, Up/Down recall lines",
	};
	size_t i;

	(void)args;
	for (i = 0; i < NCMDS; i++)
		(void)fg_tui_notice(m, NULL, "/%s%s%s \xe2\x80\x94 %s",
		    cmds[i].name, *cmds[i].args ? " " : "", cmds[i].args,
		    cmds[i].help);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		(void)fg_tui_notice(m, NULL, "%s", keys[i]);
	fg_tui_conv_current(m)->scroll = 0;
	return 0;
}

/* Runs a command line (without its '/'). */
static int
run_command(struct fg_tui *m, const char *line)
{
	char name[32];
	size_t n = strcspn(line, " "), i;
	const char *args = line + n;

	while (*args == ' ')
		args++;
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, line, n);
	name[n] = '\0';
	for (i = 0; i < NCMDS; i++)
		if (casecmp(cmds[i].name, name) == 0)
			return cmds[i].fn(m, args);
	fg_tui_hint(m, "unknown command /%s (/help lists them)", name);
	return 0;
}

/* Enter: sends the input line or runs its command. */
static int
submit(struct fg_tui *m)
{
	char *line;
	int r;

	if (m->in.len == 0)
		return open_sealed(m);
	if ((line = strdup(m->in.buf)) == NULL) {
		m->oom = 1;
		return FG_ERR_ALLOC;
	}
	(void)fg_tui_input_remember(&m->in, line);
	(void)fg_tui_input_set(&m->in, "");
	fg_tui_hint(m, NULL);
	if (line[0] == '/' && line[1] != '/')
		r = run_command(m, line + 1);
	else
		r = send_text(m, fg_tui_conv_current(m), line[0] == '/' ?
		    line + 1 : line, 0);
	free(line);
	return r;
}

/* Completion. */

/* Adds a candidate to a list (once). */
static int
cand_add(char ***v, size_t *n, const char *s)
{
	char **nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 0;
	if ((nv = realloc(*v, (*n + 2) * sizeof(**v))) == NULL)
		return FG_ERR_ALLOC;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return FG_ERR_ALLOC;
	(*n)++;
	nv[*n] = NULL;
	return 0;
}

/* qsort comparator for strings. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replaces input bytes [a, b) with s; the cursor goes after it. */
static int
replace_range(struct fg_tui *m, size_t a, size_t b, const char *s)
{
	struct fg_tui_input *in = &m->in;

	memmove(in->buf + a, in->buf + b, in->len - b + 1);
	in->len -= b - a;
	in->cur = a;
	return fg_tui_input_insert(in, s, strlen(s));
}

/* Tab: completes the word before the cursor. */
static int
complete(struct fg_tui *m)
{
	struct fg_tui_input *in = &m->in;
	char **v = NULL, *word, buf[1024];
	size_t start, n = 0, i, lcp, wl;
	int r = 0, is_file;

	if (in->buf == NULL && fg_tui_input_insert(in, "", 0) != 0)
		return FG_ERR_ALLOC;
	if (m->comp != NULL && m->ncomp > 0) {
		/* Cycling through the candidates. */
		r = replace_range(m, m->comp_start, m->comp_end,
		    m->comp[m->icomp]);
		m->comp_end = m->comp_start + strlen(m->comp[m->icomp]);
		m->icomp = (m->icomp + 1) % m->ncomp;
		return r;
	}
	start = in->cur;
	while (start > 0 && (in->buf[start - 1] != ' ' ||
	    (start > 1 && in->buf[start - 2] == '\\')))
		start--;
	if ((word = strndup(in->buf + start, in->cur - start)) == NULL)
		return FG_ERR_ALLOC;
	wl = strlen(word);
	is_file = strncmp(in->buf, "/file ", 6) == 0 && start >= 6;
	if (start == 0 && word[0] == '/') {
		for (i = 0; i < NCMDS && r == 0; i++)
			if (caseprefix(cmds[i].name, word + 1)) {
				snprintf(buf, sizeof(buf), "/%s", cmds[i].name);
				r = cand_add(&v, &n, buf);
			}
	} else if (is_file) {
		if (m->path_cb != NULL)
			r = m->path_cb(m->path_arg, word, &v, &n);
	} else {
		for (i = 0; i < m->npview && r == 0; i++)
			if (*m->pview[i]->nick != '\0' &&
			    caseprefix(m->pview[i]->nick, word))
				r = cand_add(&v, &n, m->pview[i]->nick);
		for (i = 0; i < m->npeers && r == 0; i++)
			if (*m->peers[i]->nick != '\0' &&
			    caseprefix(m->peers[i]->nick, word))
				r = cand_add(&v, &n, m->peers[i]->nick);
	}
	if (r != 0)
		goto out;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_str);
	if (n == 0) {
		fg_tui_hint(m, "no completion for '%s'", word);
		goto out;
	}
	if (n == 1) {
		wl = strlen(v[0]);
		snprintf(buf, sizeof(buf), "%s%s", v[0],
		    wl > 0 && v[0][wl - 1] == '/' ? "" : " ");
		r = replace_range(m, start, in->cur, buf);
		fg_tui_hint(m, NULL);
		goto out;
	}
	/* Several: extend to their common prefix, else start cycling. */
	lcp = strlen(v[0]);
	for (i = 1; i < n; i++) {
		size_t k = 0;

		while (k < lcp && v[i][k] == v[0][k])
			k++;
		lcp = k;
	}
	while (lcp > 0 && ((unsigned char)v[0][lcp] & 0xc0) == 0x80)
		lcp--;		/* keep whole characters */
	{
		size_t o = 0;

		buf[0] = '\0';
		for (i = 0; i < n && o < sizeof(buf); i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
			    i ? " " : "", v[i]);
		fg_tui_hint(m, "%s", buf);
	}
	if (lcp > wl) {
		snprintf(buf, sizeof(buf), "%.*s", (int)lcp, v[0]);
		r = replace_range(m, start, in->cur, buf);
		goto out;
	}
	m->comp = v;
	m->ncomp = n;
	v = NULL;
	m->comp_start = start;
	m->comp_end = in->cur;
	r = replace_range(m, start, in->cur, m->comp[0]);
	m->comp_end = start + strlen(m->comp[0]);
	m->icomp = 1 % m->ncomp;
 out:
	fg_tui_free_args(v, n);
	free(word);
	if (r != 0)
		m->oom = 1;
	return r;
}

/* Keys. */

/* A key in find-a-peer mode. */
static int
key_find(struct fg_tui *m, int key)
{
	struct fg_tui_peer *p;
	int r;

	switch (key) {
	case FG_TUI_KEY_ESC:
	case FG_TUI_CTRL('g'):
	case FG_TUI_CTRL('f'):
	case FG_TUI_CTRL('c'):
		m->mode = FG_TUI_MODE_INPUT;
		(void)fg_tui_input_set(&m->find, "");
		fg_tui_peers_update(m);
		return 0;
	case FG_TUI_KEY_ENTER:
		p = m->psel < m->npview ? m->pview[m->psel] : NULL;
		m->mode = FG_TUI_MODE_INPUT;
		(void)fg_tui_input_set(&m->find, "");
		fg_tui_peers_update(m);
		if (p != NULL && fg_tui_conv_open(m, p->key, 1) == NULL)
			return FG_ERR_ALLOC;
		return 0;
	case FG_TUI_KEY_UP:
	case FG_TUI_CTRL('p'):
		if (m->psel > 0)
			m->psel--;
		return 0;
	case FG_TUI_KEY_DOWN:
	case FG_TUI_CTRL('n'):
	case FG_TUI_KEY_TAB:
		if (m->psel + 1 < m->npview)
			m->psel++;
		return 0;
	}
	if ((r = fg_tui_input_key(&m->find, key)) < 0)
		return r;
	if (r > 0) {
		fg_tui_peers_update(m);
		m->psel = 0;
	}
	return 0;
}

int
fg_tui_key(struct fg_tui *m, int key)
{
	size_t i;
	int r;

	m->dirty = 1;
	if (key == FG_TUI_KEY_RESIZE)
		return 0;
	if (key != FG_TUI_KEY_TAB)
		comp_reset(m);
	if (m->mode == FG_TUI_MODE_FIND)
		return key_find(m, key);
	switch (key) {
	case FG_TUI_CTRL('c'):
		return cmd_quit(m, "");
	case FG_TUI_CTRL('f'):
		m->mode = FG_TUI_MODE_FIND;
		(void)fg_tui_input_set(&m->find, "");
		fg_tui_peers_update(m);
		fg_tui_hint(m, "type to find a peer; Up/Down, Enter opens, "
		    "Esc cancels");
		return 0;
	case FG_TUI_CTRL('n'):
		fg_tui_conv_switch(m, (m->cur + 1) % m->nconvs);
		return 0;
	case FG_TUI_CTRL('p'):
		fg_tui_conv_switch(m, (m->cur + m->nconvs - 1) % m->nconvs);
		return 0;
	case FG_TUI_KEY_PGUP:
		scroll_by(m, m->conv_h > 2 ? m->conv_h - 1 : 1);
		return 0;
	case FG_TUI_KEY_PGDN:
		scroll_by(m, -(m->conv_h > 2 ? m->conv_h - 1 : 1));
		return 0;
	case FG_TUI_KEY_F(1):
		return cmd_help(m, "");
	case FG_TUI_KEY_F(2):
		return cmd_transfers(m, "");
	case FG_TUI_KEY_F(3):
		return cmd_sort(m, "");
	case FG_TUI_KEY_ESC:
		fg_tui_hint(m, NULL);
		m->view = FG_TUI_VIEW_CHAT;
		return 0;
	case FG_TUI_KEY_ENTER:
		return submit(m);
	case FG_TUI_KEY_TAB:
		return complete(m);
	case FG_TUI_KEY_ALT | 'o':
		return open_sealed(m);
	}
	if ((key & FG_TUI_KEY_ALT) && (key & ~FG_TUI_KEY_ALT) >= '0' &&
	    (key & ~FG_TUI_KEY_ALT) <= '9') {
		i = (size_t)((key & ~FG_TUI_KEY_ALT) - '0');
		fg_tui_conv_switch(m, i == 0 ? 9 : i - 1);
		return 0;
	}
	if ((r = fg_tui_input_key(&m->in, key)) < 0) {
		if (r == FG_ERR_LIMIT) {
			fg_tui_hint(m, "the line is full");
			return 0;
		}
		m->oom = 1;
		return r;
	}
	return 0;
}
