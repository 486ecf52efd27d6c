/* Unit tests: the chat UI's model (no terminal): widths, the line editor, peers, conversations, commands, replies and events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feige/feige.h"
#include "tui_model.h"

#define NIHAO	"\xe4\xbd\xa0\xe5\xa5\xbd"		/* 你好 */
#define SHIJIE	"\xe4\xb8\x96\xe7\x95\x8c"		/* 世界 */
#define GRIN	"\xf0\x9f\x98\x80"			/* 😀 */
#define EACUTE	"e\xcc\x81"				/* e + U+0301 */
#define SEALED	"[sealed \xe2\x80\x94 press Enter to open]"

/* Sets a UTF-8 locale for wcwidth; skips the test run when there is none. */
static int
setup_locale(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL &&
	    setlocale(LC_ALL, "C.utf8") == NULL &&
	    setlocale(LC_ALL, "en_US.UTF-8") == NULL)
		return -1;
	return 0;
}

/* Parses a JSON text (the test's own, so it must parse). */
static json_t *
J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (j == NULL)
		fail_msg("bad test JSON: %s: %s", s, e.text);
	return j;
}

/* Feeds an event given as JSON text. */
static void
event(struct fg_tui *m, const char *s)
{
	json_t *j = J(s);

	assert_int_equal(fg_tui_on_event(m, j), 0);
	json_decref(j);
}

/* Feeds a reply given as JSON text. */
static void
reply(struct fg_tui *m, const char *s)
{
	json_t *j = J(s);

	assert_int_equal(fg_tui_on_reply(m, j), 0);
	json_decref(j);
}

/* Types a UTF-8 string key by key. */
static void
type(struct fg_tui *m, const char *s)
{
	size_t adv;
	uint32_t cp;

	while (*s != '\0') {
		cp = fg_tui_decode(s, strlen(s), &adv);
		assert_int_equal(fg_tui_key(m, (int)cp), 0);
		s += adv;
	}
}

/* Types a line and Enter. */
static void
enter(struct fg_tui *m, const char *s)
{
	type(m, s);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ENTER), 0);
}

/* Drops every queued action. */
static void
drain(struct fg_tui *m)
{
	struct fg_tui_act *a;

	while ((a = fg_tui_next_action(m)) != NULL)
		fg_tui_act_free(a);
}

/* The next action, which must be of type t (caller frees). */
static struct fg_tui_act *
expect(struct fg_tui *m, enum fg_tui_act_type t)
{
	struct fg_tui_act *a = fg_tui_next_action(m);

	assert_non_null(a);
	assert_int_equal(a->type, t);
	return a;
}

/* The compact JSON of an action's request (caller frees). */
static char *
act_json(const struct fg_tui_act *a)
{
	json_t *j = fg_tui_act_json(a);
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	assert_non_null(s);
	return s;
}

#define PEER_PAT "{\"index\":1,\"nick\":\"Pat\",\"group\":\"dev\"," \
	"\"user\":\"pat\",\"host\":\"pc1\",\"address\":\"127.0.0.40\"," \
	"\"port\":2425,\"away\":false,\"version\":\"1\",\"encoding\":\"utf-8\"}"
#define PEER_ZHANG "{\"index\":2,\"nick\":\"" NIHAO "\",\"group\":\"\"," \
	"\"user\":\"zhang\",\"host\":\"pc2\",\"address\":\"127.0.0.42\"," \
	"\"port\":2425,\"away\":true,\"version\":\"1\",\"encoding\":\"gbk\"}"
#define PEER_PAUL "{\"index\":3,\"nick\":\"Paul\",\"group\":\"ops\"," \
	"\"user\":\"paul\",\"host\":\"pc3\",\"address\":\"127.0.0.43\"," \
	"\"port\":2425,\"away\":false,\"version\":\"1\",\"encoding\":\"utf-8\"}"

/* A model that got its status and a list of three peers. */
static struct fg_tui *
model(void)
{
	struct fg_tui *m = fg_tui_new();
	struct fg_tui_act *a;

	assert_non_null(m);
	assert_int_equal(fg_tui_start(m), 0);
	a = expect(m, FG_TUI_ACT_STATUS);
	fg_tui_act_free(a);
	a = expect(m, FG_TUI_ACT_LIST);
	fg_tui_act_free(a);
	a = expect(m, FG_TUI_ACT_HISTORY);
	assert_string_equal(a->conv, FG_TUI_ALL);
	fg_tui_act_free(a);
	fg_tui_history_end(m, FG_TUI_ALL, 0);
	reply(m, "{\"v\":1,\"id\":1,\"ok\":true,\"user\":\"me\",\"host\":\"box\","
	    "\"nick\":\"Me\",\"group\":\"\",\"port\":2425,\"away\":false,"
	    "\"away_text\":null,\"peers\":3}");
	reply(m, "{\"v\":1,\"id\":2,\"ok\":true,\"peers\":[" PEER_PAT ","
	    PEER_ZHANG "," PEER_PAUL "]}");
	fg_tui_set_connected(m, 1);
	return m;
}

/* The display strings of a conversation's lines, joined by '|' (static). */
static const char *
lines_of(struct fg_tui_conv *c)
{
	static char buf[8192];
	size_t i, o = 0;
	const char *d;

	buf[0] = '\0';
	for (i = 0; i < c->nlines && o < sizeof(buf); i++) {
		d = fg_tui_line_disp(c->lines[i]);
		/* Skip the "HH:MM " time. */
		d = strchr(d, ' ') + 1;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
		    i ? "|" : "", d);
	}
	return buf;
}

static void
test_width(void **state)
{
	size_t adv, n;
	int used;

	(void)state;
	assert_int_equal(fg_tui_width("abc", 3), 3);
	assert_int_equal(fg_tui_width(NIHAO, strlen(NIHAO)), 4);
	assert_int_equal(fg_tui_width(GRIN, strlen(GRIN)), 2);
	assert_int_equal(fg_tui_width(EACUTE, strlen(EACUTE)), 1);
	/* Bad bytes: one column each (shown as U+FFFD). */
	assert_int_equal(fg_tui_width("\xff\xfe", 2), 2);
	assert_int_equal(fg_tui_decode("\xff", 1, &adv), 0xfffd);
	assert_int_equal(adv, 1);
	assert_int_equal(fg_tui_decode(NIHAO, 6, &adv), 0x4f60);
	assert_int_equal(adv, 3);
	/* A truncated sequence is one bad byte. */
	assert_int_equal(fg_tui_decode(NIHAO, 2, &adv), 0xfffd);
	assert_int_equal(adv, 1);
	/* Cutting never splits a wide character. */
	n = fg_tui_fit(NIHAO "a", strlen(NIHAO "a"), 3, &used);
	assert_int_equal(n, 3);
	assert_int_equal(used, 2);
	n = fg_tui_fit(NIHAO "a", strlen(NIHAO "a"), 5, &used);
	assert_int_equal(n, 7);
	assert_int_equal(used, 5);
	/* A combining mark stays with its letter. */
	n = fg_tui_fit(EACUTE "x", strlen(EACUTE "x"), 1, &used);
	assert_int_equal(n, 3);
	assert_int_equal(used, 1);
	n = fg_tui_fit(GRIN, strlen(GRIN), 1, &used);
	assert_int_equal(n, 0);
	assert_int_equal(used, 0);
}

static void
test_sanitize(void **state)
{
	char *s;

	(void)state;
	s = fg_tui_sanitize("a\x1b[31mb\tc\r\nd\x7f\xc2\x9b" "e", 1);
	assert_string_equal(s, "a?[31mb c\nd??e");
	free(s);
	s = fg_tui_sanitize("one\ntwo", 0);
	assert_string_equal(s, "one two");
	free(s);
	s = fg_tui_sanitize("x\xffy" NIHAO, 0);
	assert_string_equal(s, "x\xef\xbf\xbdy" NIHAO);
	free(s);
	/* Bidi overrides could reorder the screen: shown as '?'. */
	s = fg_tui_sanitize("a\xe2\x80\xae" "b", 0);
	assert_string_equal(s, "a?b");
	free(s);
	s = fg_tui_sanitize(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

/* Wraps s and checks the rows against want (rows joined by '|'). */
static void
check_wrap(const char *s, int width, int indent, const char *want)
{
	struct fg_tui_span rows[32];
	char buf[1024];
	size_t n, i, o = 0;

	n = fg_tui_wrap(s, width, indent, rows, 32);
	assert_true(n <= 32);
	assert_int_equal(fg_tui_wrap(s, width, indent, NULL, 0), n);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%.*s",
		    i ? "|" : "", (int)rows[i].len, s + rows[i].off);
		if (width >= 2)
			assert_true(fg_tui_width(s + rows[i].off,
			    rows[i].len) <= (i == 0 ? width : width - indent));
	}
	assert_string_equal(buf, want);
}

static void
test_wrap(void **state)
{
	(void)state;
	check_wrap("", 10, 0, "");
	check_wrap("hello world foo", 11, 0, "hello world|foo");
	check_wrap("hello world foo", 10, 0, "hello|world foo");
	check_wrap("abcdefghij", 4, 0, "abcd|efgh|ij");
	check_wrap("abcdefghij", 4, 2, "abcd|ef|gh|ij");
	check_wrap(NIHAO SHIJIE, 5, 0, NIHAO "|" SHIJIE);
	check_wrap("a" NIHAO, 2, 0, "a|\xe4\xbd\xa0|\xe5\xa5\xbd");
	/* A wide character in a one-column row still makes progress. */
	check_wrap(NIHAO, 1, 0, "\xe4\xbd\xa0|\xe5\xa5\xbd");
	check_wrap("one\ntwo three", 20, 0, "one|two three");
	check_wrap("x\n\ny", 20, 0, "x||y");
	check_wrap(GRIN GRIN GRIN, 5, 0, GRIN GRIN "|" GRIN);
}

static void
test_input(void **state)
{
	struct fg_tui_input in;
	size_t start;
	int col;

	(void)state;
	fg_tui_input_init(&in);
	assert_int_equal(fg_tui_input_key(&in, 'a'), 1);
	assert_int_equal(fg_tui_input_key(&in, 0x4f60), 1);	/* 你 */
	assert_int_equal(fg_tui_input_key(&in, 0x1f600), 1);	/* 😀 */
	assert_string_equal(in.buf, "a\xe4\xbd\xa0" GRIN);
	/* Left moves by a whole character. */
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_LEFT), 1);
	assert_int_equal(in.cur, 4);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_BACKSPACE), 1);
	assert_string_equal(in.buf, "a" GRIN);
	assert_int_equal(in.cur, 1);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_DEL), 1);
	assert_string_equal(in.buf, "a");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_HOME), 1);
	assert_int_equal(in.cur, 0);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_END), 1);
	assert_int_equal(in.cur, 1);
	/* Control keys are not text. */
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('g')), 0);
	assert_int_equal(fg_tui_input_key(&in, 0x9b), 0);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_F(5)), 0);

	assert_int_equal(fg_tui_input_set(&in, "one two three"), 0);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('w')), 1);
	assert_string_equal(in.buf, "one two ");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('y')), 1);
	assert_string_equal(in.buf, "one two three");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_ALT | 'b'), 1);
	assert_int_equal(in.cur, 8);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_ALT | 'b'), 1);
	assert_int_equal(in.cur, 4);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('k')), 1);
	assert_string_equal(in.buf, "one ");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('a')), 1);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_ALT | 'f'), 1);
	assert_int_equal(in.cur, 3);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('u')), 1);
	assert_string_equal(in.buf, " ");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_CTRL('e')), 1);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_ALT | 'd'), 1);
	assert_int_equal(fg_tui_input_set(&in, "ab cd"), 0);
	in.cur = 0;
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_ALT | 'd'), 1);
	assert_string_equal(in.buf, " cd");

	/* History: Up recalls, Down comes back to what was being typed. */
	assert_int_equal(fg_tui_input_remember(&in, "first"), 0);
	assert_int_equal(fg_tui_input_remember(&in, "second"), 0);
	assert_int_equal(fg_tui_input_remember(&in, "second"), 0);
	assert_int_equal(in.nhist, 2);
	assert_int_equal(fg_tui_input_set(&in, "draft"), 0);
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_UP), 1);
	assert_string_equal(in.buf, "second");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_UP), 1);
	assert_string_equal(in.buf, "first");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_UP), 1);
	assert_string_equal(in.buf, "first");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_DOWN), 1);
	assert_string_equal(in.buf, "second");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_DOWN), 1);
	assert_string_equal(in.buf, "draft");
	assert_int_equal(fg_tui_input_key(&in, FG_TUI_KEY_DOWN), 1);
	assert_string_equal(in.buf, "draft");

	/* The view scrolls to keep the cursor in the field. */
	assert_int_equal(fg_tui_input_set(&in, "0123456789"), 0);
	fg_tui_input_view(&in, 20, &start, &col);
	assert_int_equal(start, 0);
	assert_int_equal(col, 10);
	fg_tui_input_view(&in, 5, &start, &col);
	assert_int_equal(start, 6);
	assert_int_equal(col, 4);
	assert_int_equal(fg_tui_input_set(&in, NIHAO SHIJIE), 0);
	fg_tui_input_view(&in, 6, &start, &col);
	assert_int_equal(start, 6);
	assert_int_equal(col, 4);
	fg_tui_input_free(&in);
}

static void
test_input_limit(void **state)
{
	struct fg_tui_input in;
	char *big = malloc(FG_TUI_INPUT_MAX + 1);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', FG_TUI_INPUT_MAX);
	big[FG_TUI_INPUT_MAX] = '\0';
	fg_tui_input_init(&in);
	assert_int_equal(fg_tui_input_set(&in, big), 0);
	assert_int_equal(fg_tui_input_key(&in, 'y'), FG_ERR_LIMIT);
	assert_int_equal(in.len, FG_TUI_INPUT_MAX);
	fg_tui_input_free(&in);
	free(big);
}

static void
test_split_args(void **state)
{
	char **v;
	size_t n;

	(void)state;
	assert_int_equal(fg_tui_split_args("  a \"b c\" d\\ e 'f\\g' ", &v,
	    &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b c");
	assert_string_equal(v[2], "d e");
	assert_string_equal(v[3], "f\\g");
	assert_null(v[4]);
	fg_tui_free_args(v, n);
	assert_int_equal(fg_tui_split_args("   ", &v, &n), 0);
	assert_int_equal(n, 0);
	fg_tui_free_args(v, n);
}

static void
test_format(void **state)
{
	char buf[128];

	(void)state;
	fg_tui_progress(50, 100, 17, buf, sizeof(buf));
	assert_string_equal(buf, "[#####.....]  50%");
	fg_tui_progress(0, 0, 12, buf, sizeof(buf));
	assert_string_equal(buf, "[#####] 100%");
	fg_tui_progress(7, 5, 12, buf, sizeof(buf));
	assert_string_equal(buf, "[#####] 100%");
	fg_tui_progress(1, 3, 4, buf, sizeof(buf));
	assert_string_equal(buf, "33%");
	fg_tui_size_str(512, buf, sizeof(buf));
	assert_string_equal(buf, "512 B");
	fg_tui_size_str(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 KB");
	fg_tui_size_str(3000000, buf, sizeof(buf));
	assert_string_equal(buf, "2.9 MB");
	fg_tui_size_str(50ULL << 30, buf, sizeof(buf));
	assert_string_equal(buf, "50 GB");
}

static void
test_layout(void **state)
{
	struct fg_tui *m = fg_tui_new();

	(void)state;
	assert_non_null(m);
	fg_tui_resize(m, 80, 24);
	assert_int_equal(m->peer_w, 20);
	assert_int_equal(m->conv_x, 21);
	assert_int_equal(m->conv_w, 59);
	assert_int_equal(m->conv_h, 20);
	fg_tui_resize(m, 200, 50);
	assert_int_equal(m->peer_w, 32);
	fg_tui_resize(m, 50, 12);
	assert_int_equal(m->peer_w, 0);
	assert_int_equal(m->conv_x, 0);
	assert_int_equal(m->conv_w, 50);
	assert_int_equal(m->conv_h, 8);
	fg_tui_resize(m, 3, 2);
	assert_int_equal(m->conv_h, 0);
	fg_tui_free(m);
}

static void
test_peers(void **state)
{
	struct fg_tui *m = model();
	char buf[256];

	(void)state;
	assert_int_equal(m->npeers, 3);
	assert_int_equal(m->npview, 3);
	/* By nick: Pat, Paul, 你好 (bytes sort after ASCII). */
	assert_string_equal(m->pview[0]->nick, "Pat");
	assert_string_equal(m->pview[1]->nick, "Paul");
	assert_string_equal(m->pview[2]->nick, NIHAO);
	assert_true(m->pview[2]->away);
	assert_string_equal(m->pview[0]->key, "pat@pc1");
	/* By group: dev, ops, then no group. */
	enter(m, "/sort group");
	assert_string_equal(m->pview[0]->nick, "Pat");
	assert_string_equal(m->pview[1]->nick, "Paul");
	assert_string_equal(m->pview[2]->nick, NIHAO);
	enter(m, "/sort host");
	assert_string_equal(m->pview[0]->host, "pc1");
	assert_string_equal(m->pview[2]->host, "pc3");
	/* F3 cycles to the next order. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_F(3)), 0);
	assert_int_equal(m->sort, FG_TUI_SORT_RECENT);
	enter(m, "/sort bogus");
	assert_non_null(strstr(m->hint, "usage"));
	/* Filters match nick, user, host, group and address. */
	enter(m, "/filter OPS");
	assert_int_equal(m->npview, 1);
	assert_string_equal(m->pview[0]->nick, "Paul");
	enter(m, "/filter 127.0.0.42");
	assert_int_equal(m->npview, 1);
	assert_string_equal(m->pview[0]->user, "zhang");
	enter(m, "/filter");
	assert_int_equal(m->npview, 3);
	/* The row fits its width, CJK included, with away and group shown. */
	fg_tui_peer_text(m, m->pview[2], 20, buf, sizeof(buf));
	assert_true(fg_tui_width(buf, strlen(buf)) <= 20);
	fg_tui_peer_text(m, fg_tui_peer_by_key(m, "zhang@pc2"), 12, buf,
	    sizeof(buf));
	assert_int_equal(fg_tui_width(buf, strlen(buf)), 12);
	assert_int_equal(buf[1], 'z');
	assert_non_null(strstr(buf, NIHAO));
	fg_tui_peer_text(m, fg_tui_peer_by_key(m, "pat@pc1"), 30, buf,
	    sizeof(buf));
	assert_int_equal(fg_tui_width(buf, strlen(buf)), 30);
	assert_non_null(strstr(buf, "dev pc1"));

	/* Presence changes update the table and say so in the conversation. */
	enter(m, "/msg Pat");
	event(m, "{\"v\":1,\"event\":\"peer_change\",\"peer\":{\"index\":1,"
	    "\"nick\":\"Patty\",\"group\":\"dev\",\"user\":\"pat\",\"host\":"
	    "\"pc1\",\"address\":\"127.0.0.40\",\"port\":2425,\"away\":true}}");
	assert_string_equal(fg_tui_conv_current(m)->title, "Patty");
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "Patty is away"));
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "Pat is now known as Patty"));
	event(m, "{\"v\":1,\"event\":\"peer_leave\",\"peer\":{\"index\":1,"
	    "\"nick\":\"Patty\",\"user\":\"pat\",\"host\":\"pc1\"}}");
	assert_int_equal(m->npeers, 2);
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "Patty left"));
	event(m, "{\"v\":1,\"event\":\"peer_join\",\"peer\":" PEER_PAT "}");
	assert_int_equal(m->npeers, 3);
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "Pat joined"));
	fg_tui_status_text(m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Me (me@box:2425)"));
	assert_non_null(strstr(buf, "3 online"));
	fg_tui_free(m);
}

static void
test_send_and_receipts(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_conv *c;
	struct fg_tui_act *a;
	char *s, want[256];

	(void)state;
	drain(m);
	enter(m, "/msg Pat hello " NIHAO);
	c = fg_tui_conv_current(m);
	assert_string_equal(c->key, "pat@pc1");
	assert_int_equal(c->kind, FG_TUI_CONV_PEER);
	a = expect(m, FG_TUI_ACT_HISTORY);
	assert_string_equal(a->conv, "pat@pc1");
	assert_int_equal(a->id, 0);
	fg_tui_act_free(a);
	fg_tui_history_end(m, "pat@pc1", 0);
	a = expect(m, FG_TUI_ACT_SEND);
	assert_string_equal(a->to, "127.0.0.40:2425");
	s = act_json(a);
	snprintf(want, sizeof(want), "{\"cmd\":\"send\",\"id\":%llu,\"text\":"
	    "\"hello " NIHAO "\",\"to\":\"127.0.0.40:2425\",\"v\":1}",
	    (unsigned long long)a->tag);
	assert_string_equal(s, want);
	free(s);
	assert_string_equal(lines_of(c), "Me: hello " NIHAO " (sending)");
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true,"
	    "\"msg\":7,\"acked\":[\"127.0.0.40:2425\"]}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_string_equal(lines_of(c), "Me: hello " NIHAO);
	assert_int_equal(c->lines[0]->msg_id, 7);
	event(m, "{\"v\":1,\"event\":\"read\",\"id\":7,\"address\":"
	    "\"127.0.0.40\",\"port\":2425,\"peer\":null}");
	assert_string_equal(lines_of(c), "Me: hello " NIHAO " (opened)");

	/* Plain text goes to the current conversation; "//" escapes a slash. */
	enter(m, "//not a command");
	a = expect(m, FG_TUI_ACT_SEND);
	assert_string_equal(a->text, "/not a command");
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":false,"
	    "\"code\":\"timeout\",\"error\":\"no acknowledgement from x\"}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_non_null(strstr(lines_of(c), "Me: /not a command (not "
	    "delivered)|* not delivered: no acknowledgement from x"));
	/* A late receipt still counts. */
	c->lines[1]->msg_id = 9;
	event(m, "{\"v\":1,\"event\":\"receipt\",\"id\":9}");
	assert_int_equal(c->lines[1]->state, FG_TUI_ACKED);

	/* Sealed sends carry seal:true. */
	enter(m, "/seal secret");
	a = expect(m, FG_TUI_ACT_SEND);
	assert_int_equal(a->seal, 1);
	s = act_json(a);
	assert_non_null(strstr(s, "\"seal\":true"));
	free(s);
	fg_tui_act_free(a);
	assert_non_null(strstr(lines_of(c), "Me: [sealed] secret (sending)"));

	/* The everyone conversation broadcasts. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '1'), 0);
	assert_int_equal(m->cur, 0);
	enter(m, "hi all");
	a = expect(m, FG_TUI_ACT_BROADCAST);
	s = act_json(a);
	snprintf(want, sizeof(want), "{\"cmd\":\"broadcast\",\"id\":%llu,"
	    "\"text\":\"hi all\",\"v\":1}", (unsigned long long)a->tag);
	assert_string_equal(s, want);
	free(s);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true,"
	    "\"sent\":3}", (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_string_equal(lines_of(m->convs[0]), "Me: hi all");
	enter(m, "/seal nope");
	assert_null(fg_tui_next_action(m));
	enter(m, "/all to everyone");
	a = expect(m, FG_TUI_ACT_BROADCAST);
	assert_string_equal(a->text, "to everyone");
	fg_tui_act_free(a);
	fg_tui_free(m);
}

static void
test_msg_targets(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_act *a;

	(void)state;
	drain(m);
	/* By user@host, index, address. */
	enter(m, "/msg paul@PC3");
	assert_string_equal(fg_tui_conv_current(m)->key, "paul@pc3");
	enter(m, "/msg 2");
	assert_string_equal(fg_tui_conv_current(m)->key, "zhang@pc2");
	assert_string_equal(fg_tui_conv_current(m)->title, NIHAO);
	enter(m, "/msg 127.0.0.40 yo");
	assert_string_equal(fg_tui_conv_current(m)->key, "pat@pc1");
	drain(m);
	/* An address nobody announced: its own conversation, no history. */
	enter(m, "/msg 10.1.2.3 are you there");
	assert_string_equal(fg_tui_conv_current(m)->key, "10.1.2.3:2425");
	a = expect(m, FG_TUI_ACT_SEND);
	assert_string_equal(a->to, "10.1.2.3:2425");
	fg_tui_act_free(a);
	assert_null(fg_tui_next_action(m));
	enter(m, "/msg \"" NIHAO "\" quoted nick");
	assert_string_equal(fg_tui_conv_current(m)->key, "zhang@pc2");
	drain(m);
	enter(m, "/msg nobody hi");
	assert_non_null(strstr(m->hint, "no peer 'nobody'"));
	assert_null(fg_tui_next_action(m));
	enter(m, "/msg");
	assert_non_null(strstr(m->hint, "usage"));
	enter(m, "/bogus");
	assert_non_null(strstr(m->hint, "unknown command /bogus"));
	/* Two peers with one nick: ambiguous. */
	event(m, "{\"v\":1,\"event\":\"peer_join\",\"peer\":{\"index\":9,"
	    "\"nick\":\"Pat\",\"user\":\"pat2\",\"host\":\"pc9\",\"address\":"
	    "\"127.0.0.49\",\"port\":2425}}");
	enter(m, "/msg Pat");
	assert_non_null(strstr(m->hint, "several peers"));
	fg_tui_free(m);
}

static void
test_incoming(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_conv *c;
	struct fg_tui_act *a;
	char buf[512];

	(void)state;
	drain(m);
	m->bell = 0;
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":3,\"pktno\":100,"
	    "\"user\":\"pat\",\"host\":\"pc1\",\"text\":\"hi\\u001b[2J " SHIJIE
	    "\",\"sealed\":false,\"broadcast\":false,\"autoret\":false,"
	    "\"attach\":false,\"address\":\"127.0.0.40\",\"port\":2425,"
	    "\"peer\":" PEER_PAT "}");
	assert_int_equal(m->nconvs, 2);
	c = fg_tui_conv_find(m, "pat@pc1");
	assert_non_null(c);
	assert_int_equal(c->unread, 1);
	assert_ptr_equal(c->mark, c->lines[0]);
	assert_int_equal(m->bell, 1);
	/* The escape sequence is defused. */
	assert_string_equal(lines_of(c), "Pat: hi?[2J " SHIJIE);
	a = expect(m, FG_TUI_ACT_HISTORY);
	fg_tui_act_free(a);
	fg_tui_tab_label(m, 1, buf, sizeof(buf));
	assert_string_equal(buf, "2:Pat(1)");
	fg_tui_status_text(m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Act: 2"));
	/* Ctrl-N switches there and clears the count. */
	assert_int_equal(fg_tui_key(m, FG_TUI_CTRL('n')), 0);
	assert_ptr_equal(fg_tui_conv_current(m), c);
	assert_int_equal(c->unread, 0);
	assert_int_equal(fg_tui_key(m, FG_TUI_CTRL('p')), 0);
	assert_int_equal(m->cur, 0);
	assert_null(c->mark);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '2'), 0);
	assert_int_equal(m->cur, 1);
	/* Alt-9 with fewer conversations: nothing. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '9'), 0);
	assert_int_equal(m->cur, 1);

	/* A message seen as it arrives is not unread. */
	m->bell = 0;
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":4,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"text\":\"again\",\"autoret\":true,\"peer\":"
	    PEER_PAT "}");
	assert_int_equal(c->unread, 0);
	assert_int_equal(m->bell, 0);	/* no bell for auto-replies */
	assert_non_null(strstr(lines_of(c), "Pat: [auto-reply] again"));

	/* A broadcast goes to everyone; the bell can be turned off. */
	enter(m, "/bell off");
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":5,\"user\":\"paul\","
	    "\"host\":\"pc3\",\"text\":\"lunch?\",\"broadcast\":true,\"peer\":"
	    PEER_PAUL "}");
	assert_int_equal(m->bell, 0);
	assert_string_equal(lines_of(m->convs[0]), "Paul: lunch?");
	assert_int_equal(m->convs[0]->unread, 1);
	enter(m, "/bell");
	assert_int_equal(m->bell_on, 1);

	/* A host not in the table gets a conversation by its address. */
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":6,\"user\":\"\","
	    "\"host\":\"\",\"text\":\"anon\",\"address\":\"10.0.0.9\","
	    "\"port\":2425,\"peer\":null}");
	assert_non_null(fg_tui_conv_find(m, "10.0.0.9:2425"));

	/* An info answer. */
	event(m, "{\"v\":1,\"event\":\"info\",\"text\":\"IPMsg 5\","
	    "\"absence\":false,\"address\":\"127.0.0.40\",\"port\":2425,"
	    "\"peer\":" PEER_PAT "}");
	assert_non_null(strstr(lines_of(c), "Pat runs: IPMsg 5"));
	fg_tui_free(m);
}

static void
test_sealed(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_conv *c;
	struct fg_tui_act *a;
	char *s;

	(void)state;
	enter(m, "/msg Pat");
	drain(m);
	c = fg_tui_conv_current(m);
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":11,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"text\":\"the secret\",\"sealed\":true,"
	    "\"peer\":" PEER_PAT "}");
	assert_string_equal(lines_of(c), "Pat: " SEALED);
	/* Searching memory does not reveal it. */
	assert_int_equal(fg_tui_search_begin(m, "secret"), 0);
	assert_int_equal(fg_tui_search_local(m, "secret"), 0);
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "0 messages found"));
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '2'), 0);
	/* Enter on an empty line opens it and sends the read receipt. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ENTER), 0);
	a = expect(m, FG_TUI_ACT_READ);
	s = act_json(a);
	assert_non_null(strstr(s, "\"cmd\":\"read\""));
	assert_non_null(strstr(s, "\"msg\":11"));
	free(s);
	fg_tui_act_free(a);
	assert_string_equal(lines_of(c), "Pat: the secret");
	/* Nothing more to open. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | 'o'), 0);
	assert_null(fg_tui_next_action(m));
	assert_non_null(strstr(m->hint, "no sealed message"));
	fg_tui_free(m);
}

static void
test_commands(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_act *a;
	char *s, want[256];

	(void)state;
	drain(m);
	enter(m, "/away gone fishing");
	a = expect(m, FG_TUI_ACT_AWAY);
	s = act_json(a);
	snprintf(want, sizeof(want), "{\"cmd\":\"away\",\"id\":%llu,\"text\":"
	    "\"gone fishing\",\"v\":1}", (unsigned long long)a->tag);
	assert_string_equal(s, want);
	free(s);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_int_equal(m->away, 1);
	fg_tui_status_text(m, want, sizeof(want));
	assert_non_null(strstr(want, "| away"));
	enter(m, "/away");
	a = expect(m, FG_TUI_ACT_AWAY);
	s = act_json(a);
	assert_null(strstr(s, "text"));
	free(s);
	fg_tui_act_free(a);
	enter(m, "/back");
	a = expect(m, FG_TUI_ACT_BACK);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_int_equal(m->away, 0);
	enter(m, "/nick " NIHAO);
	a = expect(m, FG_TUI_ACT_NICK);
	s = act_json(a);
	assert_non_null(strstr(s, "\"cmd\":\"names\""));
	assert_non_null(strstr(s, "\"nick\":\"" NIHAO "\""));
	free(s);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":false,"
	    "\"code\":\"unknown_command\",\"error\":\"x\"}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_non_null(strstr(lines_of(m->convs[0]), "cannot change names"));
	enter(m, "/group qa");
	a = expect(m, FG_TUI_ACT_GROUP);
	s = act_json(a);
	assert_non_null(strstr(s, "\"group\":\"qa\""));
	free(s);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	a = expect(m, FG_TUI_ACT_STATUS);	/* reloads who we are */
	fg_tui_act_free(a);
	enter(m, "/nick");
	assert_non_null(strstr(m->hint, "usage"));
	enter(m, "/refresh");
	a = expect(m, FG_TUI_ACT_REFRESH);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	a = expect(m, FG_TUI_ACT_LIST);
	fg_tui_act_free(a);
	enter(m, "/info Paul");
	a = expect(m, FG_TUI_ACT_INFO);
	assert_string_equal(a->to, "127.0.0.43:2425");
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true,"
	    "\"version\":\"v9\",\"absence\":null}", (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_non_null(strstr(lines_of(m->convs[0]), "version: v9"));
	enter(m, "/search " SHIJIE " ok");
	a = expect(m, FG_TUI_ACT_SEARCH);
	assert_string_equal(a->text, SHIJIE " ok");
	assert_null(fg_tui_act_json(a));
	fg_tui_act_free(a);
	enter(m, "/search");
	assert_null(fg_tui_next_action(m));
	enter(m, "/help");
	assert_non_null(strstr(lines_of(m->convs[0]), "/file PATH..."));
	assert_non_null(strstr(lines_of(m->convs[0]), "Ctrl-F finds a peer"));
	enter(m, "/transfers");
	assert_int_equal(m->view, FG_TUI_VIEW_XFERS);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ESC), 0);
	assert_int_equal(m->view, FG_TUI_VIEW_CHAT);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_F(2)), 0);
	assert_int_equal(m->view, FG_TUI_VIEW_XFERS);
	enter(m, "/close");
	assert_non_null(strstr(m->hint, "stays open"));
	enter(m, "/msg Pat");
	drain(m);
	assert_int_equal(m->nconvs, 2);
	enter(m, "/close");
	assert_int_equal(m->nconvs, 1);
	enter(m, "/detach");
	a = expect(m, FG_TUI_ACT_QUIT);
	assert_int_equal(a->id, 1);
	fg_tui_act_free(a);
	assert_int_equal(fg_tui_key(m, FG_TUI_CTRL('c')), 0);
	a = expect(m, FG_TUI_ACT_QUIT);
	assert_int_equal(a->id, 0);
	fg_tui_act_free(a);
	/* Replies nobody asked for are ignored. */
	reply(m, "{\"v\":1,\"id\":999,\"ok\":false}");
	fg_tui_free(m);
}

/* Fake path completion: a fixed folder listing. */
static int
paths_cb(void *arg, const char *prefix, char ***out, size_t *n)
{
	static const char *all[] = { "docs/", "docs/a.txt", "docs/b.txt",
	    "dl/", "notes.md" };
	const char *rest, *slash;
	size_t i;

	(void)arg;
	*out = calloc(8, sizeof(**out));
	*n = 0;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strncmp(all[i], prefix, strlen(prefix)) != 0)
			continue;
		/* Entries of the prefix's folder only (a folder ends in '/'). */
		rest = all[i] + strlen(prefix);
		slash = strchr(rest, '/');
		if (slash == NULL || slash[1] == '\0')
			(*out)[(*n)++] = strdup(all[i]);
	}
	return 0;
}

static void
test_complete(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_act *a;

	(void)state;
	drain(m);
	/* A command, unique: completed with a space. */
	type(m, "/he");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/help ");
	fg_tui_input_set(&m->in, "");
	/* Several commands: their common prefix, then cycling. */
	type(m, "/a");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_non_null(strstr(m->hint, "/accept /all /away"));
	assert_string_equal(m->in.buf, "/accept");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/all");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/away");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/accept");
	fg_tui_input_set(&m->in, "");
	type(m, "/se");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/sea");	/* seal, search */
	fg_tui_input_set(&m->in, "");
	/* Nicks: Pa is Pat and Paul. */
	type(m, "/msg Pa");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/msg Pat");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/msg Paul");
	type(m, "x");
	assert_string_equal(m->in.buf, "/msg Paulx");
	fg_tui_input_set(&m->in, "");
	type(m, "hi \xe4\xbd");		/* not a nick prefix: nothing */
	fg_tui_input_set(&m->in, "");
	type(m, "hi \xe4\xbd\xa0");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "hi " NIHAO " ");
	fg_tui_input_set(&m->in, "");
	type(m, "zz");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_non_null(strstr(m->hint, "no completion"));
	fg_tui_input_set(&m->in, "");
	/* Paths for /file, through the callback. */
	fg_tui_set_path_cb(m, paths_cb, NULL);
	type(m, "/file no");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/file notes.md ");
	type(m, "doc");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/file notes.md docs/");
	type(m, "a");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_TAB), 0);
	assert_string_equal(m->in.buf, "/file notes.md docs/a.txt ");
	/* /file needs a peer's conversation. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ENTER), 0);
	assert_null(fg_tui_next_action(m));
	assert_non_null(strstr(m->hint, "/file sends to a peer"));
	enter(m, "/msg Pat");
	drain(m);
	enter(m, "/file notes.md \"my docs/a b.txt\"");
	a = expect(m, FG_TUI_ACT_SEND_FILE);
	assert_int_equal(a->npaths, 2);
	assert_string_equal(a->paths[1], "my docs/a b.txt");
	assert_string_equal(a->to, "127.0.0.40:2425");
	{
		char *s = act_json(a), want[256];

		snprintf(want, sizeof(want), "{\"cmd\":\"send_file\",\"id\":%llu,"
		    "\"paths\":[\"notes.md\",\"my docs/a b.txt\"],\"to\":"
		    "\"127.0.0.40:2425\",\"v\":1}", (unsigned long long)a->tag);
		assert_string_equal(s, want);
		free(s);
		snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true,"
		    "\"offer\":12,\"msg\":13}", (unsigned long long)a->tag);
		reply(m, want);
	}
	fg_tui_act_free(a);
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "files offered (offer 12)"));
	enter(m, "/file");
	assert_non_null(strstr(m->hint, "usage"));
	fg_tui_free(m);
}

static void
test_find(void **state)
{
	struct fg_tui *m = model();

	(void)state;
	drain(m);
	assert_int_equal(fg_tui_key(m, FG_TUI_CTRL('f')), 0);
	assert_int_equal(m->mode, FG_TUI_MODE_FIND);
	assert_string_equal(fg_tui_prompt(m), "find peer> ");
	type(m, "pa");
	assert_int_equal(m->npview, 2);
	assert_int_equal(fg_tui_peer_selected(m), 0);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_DOWN), 0);
	assert_int_equal(fg_tui_peer_selected(m), 1);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_DOWN), 0);
	assert_int_equal(fg_tui_peer_selected(m), 1);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ENTER), 0);
	assert_int_equal(m->mode, FG_TUI_MODE_INPUT);
	assert_int_equal(m->npview, 3);
	assert_string_equal(fg_tui_conv_current(m)->key, "paul@pc3");
	/* The current conversation's peer is the one highlighted. */
	assert_string_equal(m->pview[fg_tui_peer_selected(m)]->key, "paul@pc3");
	/* Esc leaves without opening anything. */
	assert_int_equal(fg_tui_key(m, FG_TUI_CTRL('f')), 0);
	type(m, "zzz");
	assert_int_equal(m->npview, 0);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ENTER), 0);
	assert_int_equal(m->nconvs, 2);
	assert_int_equal(fg_tui_key(m, FG_TUI_CTRL('f')), 0);
	type(m, "x");
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ESC), 0);
	assert_int_equal(m->mode, FG_TUI_MODE_INPUT);
	assert_int_equal(m->npview, 3);
	fg_tui_free(m);
}

static void
test_files(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_conv *c;
	struct fg_tui_act *a;
	char buf[512], *s, want[256];

	(void)state;
	drain(m);
	m->bell = 0;
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":20,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"text\":\"\",\"attach\":true,\"peer\":"
	    PEER_PAT "}");
	event(m, "{\"v\":1,\"event\":\"offer\",\"id\":21,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"address\":\"127.0.0.40\",\"port\":2425,"
	    "\"peer\":" PEER_PAT ",\"text\":\"\",\"count\":2,\"total\":3000000,"
	    "\"files\":[{\"fid\":0,\"name\":\"big.bin\",\"size\":3000000,"
	    "\"type\":\"file\"},{\"fid\":1,\"name\":\"pics\",\"size\":0,"
	    "\"type\":\"folder\"}],\"msg\":20}");
	c = fg_tui_conv_find(m, "pat@pc1");
	assert_non_null(c);
	assert_string_equal(lines_of(c), "* Pat offers 2 files (2.9 MB): "
	    "big.bin, pics/ \xe2\x80\x94 /accept 21 or /decline 21");
	assert_int_equal(c->unread, 1);
	assert_int_equal(m->bell, 1);
	assert_int_equal(m->noffers, 1);
	fg_tui_offer_text(m->offers[0], buf, sizeof(buf));
	assert_string_equal(buf, "offer 21 from Pat: big.bin, pics/ (2 files, "
	    "2.9 MB) [new: /accept or /decline]");
	/* The same offer again changes nothing. */
	event(m, "{\"v\":1,\"event\":\"offer\",\"id\":21,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"files\":[]}");
	assert_int_equal(m->noffers, 1);
	/* /accept (from another conversation) picks the newest new offer. */
	enter(m, "/accept");
	a = expect(m, FG_TUI_ACT_HISTORY);
	fg_tui_act_free(a);
	a = expect(m, FG_TUI_ACT_ACCEPT);
	assert_int_equal(a->id, 21);
	assert_int_equal(m->offers[0]->state, FG_TUI_OFFER_ACCEPTED);
	a->to = strdup("/tmp/dl");
	s = act_json(a);
	snprintf(want, sizeof(want), "{\"cmd\":\"accept\",\"id\":%llu,"
	    "\"offer\":21,\"to\":\"/tmp/dl\",\"v\":1}",
	    (unsigned long long)a->tag);
	assert_string_equal(s, want);
	free(s);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":true,"
	    "\"xfer\":22,\"offer\":21,\"count\":2,\"total\":3000000}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_int_equal(m->nxfers, 1);
	assert_int_equal(m->xfers[0]->id, 22);
	assert_int_equal(m->xfers[0]->total, 3000000);
	event(m, "{\"v\":1,\"event\":\"xfer_progress\",\"id\":22,\"offer\":21,"
	    "\"upload\":false,\"address\":\"127.0.0.40\",\"name\":\"big.bin\","
	    "\"file_done\":1500000,\"file_total\":3000000,\"offset\":0,"
	    "\"done\":1500000,\"total\":3000000,\"files_done\":0,"
	    "\"files_total\":2}");
	fg_tui_xfer_text(m->xfers[0], 70, buf, sizeof(buf));
	assert_non_null(strstr(buf, "recv big.bin from Pat"));
	assert_non_null(strstr(buf, "#.....]  50%  1.4 MB/2.9 MB"));
	assert_true(fg_tui_width(buf, strlen(buf)) <= 70);
	fg_tui_status_text(m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "1 transfer"));
	event(m, "{\"v\":1,\"event\":\"xfer_done\",\"id\":22,\"offer\":21,"
	    "\"upload\":false,\"name\":\"big.bin\",\"done\":3000000,"
	    "\"total\":3000000,\"files_done\":2,\"files_total\":2,"
	    "\"status\":\"ok\",\"error\":null,\"path\":\"/tmp/dl/big.bin\"}");
	assert_int_equal(m->xfers[0]->state, FG_TUI_XFER_DONE);
	assert_int_equal(m->offers[0]->state, FG_TUI_OFFER_DONE);
	assert_non_null(strstr(lines_of(c), "received big.bin (2 files) "
	    "\xe2\x86\x92 /tmp/dl/big.bin"));
	fg_tui_xfer_text(m->xfers[0], 70, buf, sizeof(buf));
	assert_non_null(strstr(buf, "100%"));
	assert_non_null(strstr(buf, "done"));

	/* A failed upload of ours, and an offer of ours ending. */
	event(m, "{\"v\":1,\"event\":\"xfer_done\",\"id\":30,\"offer\":5,"
	    "\"upload\":true,\"name\":\"x.iso\",\"done\":10,\"total\":100,"
	    "\"status\":\"error\",\"error\":\"connection reset\",\"address\":"
	    "\"127.0.0.40\",\"port\":2425,\"peer\":" PEER_PAT "}");
	assert_int_equal(m->xfers[1]->state, FG_TUI_XFER_FAILED);
	assert_non_null(strstr(lines_of(c), "transfer 30 of x.iso failed: "
	    "connection reset"));
	fg_tui_xfer_text(m->xfers[1], 80, buf, sizeof(buf));
	assert_non_null(strstr(buf, "send x.iso to Pat"));
	assert_non_null(strstr(buf, "failed: connection reset"));
	/* Narrow: the name keeps half the room, the error is cut. */
	fg_tui_xfer_text(m->xfers[1], 50, buf, sizeof(buf));
	assert_true(fg_tui_width(buf, strlen(buf)) <= 50);
	assert_non_null(strstr(buf, "30 send x.iso"));
	assert_non_null(strstr(buf, "failed: conn"));
	event(m, "{\"v\":1,\"event\":\"offer_end\",\"id\":5,\"why\":"
	    "\"released\",\"address\":\"127.0.0.40\",\"port\":2425,\"peer\":"
	    PEER_PAT "}");
	assert_non_null(strstr(lines_of(c), "your offer 5 was declined"));

	/* Decline, and a failed accept that puts the offer back. */
	event(m, "{\"v\":1,\"event\":\"offer\",\"id\":40,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"total\":1,\"files\":[{\"name\":\"a\","
	    "\"size\":1,\"type\":\"file\"}]}");
	event(m, "{\"v\":1,\"event\":\"offer\",\"id\":41,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"total\":1,\"files\":[{\"name\":\"b\","
	    "\"size\":1,\"type\":\"file\"}]}");
	enter(m, "/decline 40");
	a = expect(m, FG_TUI_ACT_DECLINE);
	s = act_json(a);
	assert_non_null(strstr(s, "\"offer\":40"));
	free(s);
	fg_tui_act_free(a);
	enter(m, "/accept 41");
	a = expect(m, FG_TUI_ACT_ACCEPT);
	snprintf(want, sizeof(want), "{\"v\":1,\"id\":%llu,\"ok\":false,"
	    "\"code\":\"unknown_offer\",\"error\":\"gone\"}",
	    (unsigned long long)a->tag);
	reply(m, want);
	fg_tui_act_free(a);
	assert_int_equal(m->offers[2]->state, FG_TUI_OFFER_NEW);
	enter(m, "/accept 99");
	assert_non_null(strstr(m->hint, "no such offer"));
	enter(m, "/cancel");
	assert_non_null(strstr(m->hint, "no such transfer"));
	event(m, "{\"v\":1,\"event\":\"xfer_progress\",\"id\":50,\"offer\":41,"
	    "\"done\":1,\"total\":9}");
	enter(m, "/cancel");
	a = expect(m, FG_TUI_ACT_CANCEL);
	s = act_json(a);
	assert_non_null(strstr(s, "\"xfer\":50"));
	free(s);
	fg_tui_act_free(a);
	fg_tui_free(m);
}

/* A history row of conversation pat@pc1. */
static struct fg_history_row
hrow(int64_t id, enum fg_history_dir dir, int64_t t, const char *text)
{
	struct fg_history_row r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.m.user = "pat";
	r.m.host = "pc1";
	r.m.nick = "Pat";
	r.m.dir = dir;
	r.m.time_ms = t;
	r.m.text = text;
	r.m.state = dir == FG_HISTORY_IN ? FG_HISTORY_RECEIVED :
	    FG_HISTORY_ACKED;
	return r;
}

static void
test_history(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_conv *c;
	struct fg_tui_act *a;
	struct fg_history_row r;
	struct fg_tui_row rows[64];
	char buf[32];
	size_t n, i;
	int64_t t0 = m->start_ms - 3600 * 1000;

	(void)state;
	drain(m);
	/* A live message first, then the conversation's history arrives. */
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":77,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"text\":\"live one\",\"peer\":" PEER_PAT "}");
	c = fg_tui_conv_find(m, "pat@pc1");
	a = expect(m, FG_TUI_ACT_HISTORY);
	assert_string_equal(a->conv, "pat@pc1");
	assert_int_equal(a->id, 0);
	fg_tui_act_free(a);
	/* Newest first: the live one (deduplicated), then older ones. */
	r = hrow(60, FG_HISTORY_IN, m->start_ms + 10, "live one");
	r.m.local_id = 77;
	assert_int_equal(fg_tui_history_row(m, "pat@pc1", &r), 1);
	for (i = 0; i < 59; i++) {
		snprintf(buf, sizeof(buf), "old %zu", 59 - i);
		r = hrow((int64_t)(59 - i), i % 2 ? FG_HISTORY_OUT :
		    FG_HISTORY_IN, t0 + (int64_t)(59 - i) * 1000, buf);
		assert_int_equal(fg_tui_history_row(m, "pat@pc1", &r), 1);
	}
	/* A row seen already is not added twice. */
	assert_int_equal(fg_tui_history_row(m, "pat@pc1", &r), 1);
	fg_tui_history_end(m, "pat@pc1", 1);
	assert_int_equal(c->nlines, 60);
	assert_int_equal(c->oldest_hist, 1);
	assert_string_equal(c->lines[0]->text, "old 1");
	assert_string_equal(c->lines[58]->text, "old 59");
	assert_string_equal(c->lines[59]->text, "live one");
	assert_int_equal(c->lines[1]->kind, FG_TUI_LINE_OUT);
	assert_string_equal(c->lines[1]->who, "Me");
	/* An unknown conversation takes nothing; everyone takes broadcasts only. */
	assert_int_equal(fg_tui_history_row(m, "x@y", &r), 0);
	assert_int_equal(fg_tui_history_row(m, FG_TUI_ALL, &r), 0);
	r = hrow(100, FG_HISTORY_BROADCAST, t0, "to all");
	r.m.user = r.m.host = NULL;
	assert_int_equal(fg_tui_history_row(m, FG_TUI_ALL, &r), 1);
	assert_string_equal(lines_of(m->convs[0]), "Me: to all");

	/* Scrolling: the view shows the newest rows, PgUp goes back. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '2'), 0);
	assert_non_null(c->mark);	/* the unread marker stays a while */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '1'), 0);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_ALT | '2'), 0);
	assert_null(c->mark);
	n = fg_tui_conv_rows(m, c, rows, (size_t)m->conv_h);
	assert_int_equal(n, (size_t)m->conv_h);
	assert_non_null(strstr(rows[n - 1].s, "live one"));
	assert_int_equal(rows[n - 1].first, 1);
	assert_true(rows[n - 1].hdr > 0);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_PGUP), 0);
	assert_int_equal(c->scroll, m->conv_h - 1);
	assert_null(fg_tui_next_action(m));
	n = fg_tui_conv_rows(m, c, rows, (size_t)m->conv_h);
	assert_ptr_equal(rows[n - 1].line, c->lines[c->nlines - m->conv_h]);
	/* Reaching the top asks for older history, before the oldest id. */
	for (i = 0; i < 5; i++)
		assert_int_equal(fg_tui_key(m, FG_TUI_KEY_PGUP), 0);
	assert_int_equal(c->scroll, 60 - m->conv_h);
	a = expect(m, FG_TUI_ACT_HISTORY);
	assert_int_equal(a->id, 1);
	fg_tui_act_free(a);
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_PGUP), 0);
	assert_null(fg_tui_next_action(m));	/* one load at a time */
	r = hrow(0, FG_HISTORY_IN, t0 - 5000, "oldest");
	assert_int_equal(fg_tui_history_row(m, "pat@pc1", &r), 1);
	fg_tui_history_end(m, "pat@pc1", 0);
	assert_string_equal(c->lines[0]->text, "oldest");
	/* The view stayed where it was. */
	assert_int_equal(c->scroll, 60 - m->conv_h);
	n = fg_tui_conv_rows(m, c, rows, (size_t)m->conv_h);
	assert_non_null(strstr(rows[0].s, "old 1"));
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_PGUP), 0);
	assert_null(fg_tui_next_action(m));	/* all loaded */
	/* New lines while scrolled up do not move the view. */
	i = (size_t)c->scroll;
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":78,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"text\":\"newer\",\"peer\":" PEER_PAT "}");
	assert_int_equal((size_t)c->scroll, i + 1);
	assert_int_equal(c->unread, 1);
	for (i = 0; i < 10; i++)
		assert_int_equal(fg_tui_key(m, FG_TUI_KEY_PGDN), 0);
	assert_int_equal(c->scroll, 0);
	assert_int_equal(c->unread, 0);
	n = fg_tui_conv_rows(m, c, rows, (size_t)m->conv_h);
	assert_non_null(strstr(rows[n - 1].s, "newer"));
	/* Sending returns to the bottom. */
	assert_int_equal(fg_tui_key(m, FG_TUI_KEY_PGUP), 0);
	enter(m, "back down");
	assert_int_equal(c->scroll, 0);
	fg_tui_free(m);
}

static void
test_rows(void **state)
{
	struct fg_tui *m = model();
	struct fg_tui_conv *c;
	struct fg_tui_row rows[8];
	size_t n, i;

	(void)state;
	drain(m);
	fg_tui_resize(m, 60, 10);	/* no peer pane: 60 columns, 6 rows */
	assert_int_equal(m->conv_h, 6);
	event(m, "{\"v\":1,\"event\":\"message\",\"id\":1,\"user\":\"pat\","
	    "\"host\":\"pc1\",\"text\":\"" NIHAO NIHAO NIHAO NIHAO NIHAO NIHAO
	    NIHAO NIHAO NIHAO NIHAO NIHAO NIHAO NIHAO NIHAO NIHAO NIHAO "\","
	    "\"peer\":" PEER_PAT "}");
	c = fg_tui_conv_find(m, "pat@pc1");
	/* Seen from another conversation: a marker row above the unread. */
	n = fg_tui_conv_rows(m, c, rows, 8);
	assert_int_equal(n, 3);
	assert_null(rows[0].line);
	assert_non_null(rows[1].line);
	assert_int_equal(rows[1].first, 1);
	assert_int_equal(rows[2].first, 0);
	assert_int_equal(rows[2].indent, 6);
	for (i = 1; i < n; i++)
		assert_true(rows[i].indent + fg_tui_width(rows[i].s,
		    rows[i].n) <= 60);
	/* A narrow pane wraps without indent. */
	fg_tui_resize(m, 15, 10);
	n = fg_tui_conv_rows(m, c, rows, 6);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++)
		if (rows[i].line != NULL)
			assert_true(rows[i].indent + fg_tui_width(rows[i].s,
			    rows[i].n) <= 15);
	fg_tui_free(m);
}

static void
test_search(void **state)
{
	struct fg_tui *m = model();
	struct fg_history_row r;
	struct fg_tui_conv *c;

	(void)state;
	drain(m);
	assert_int_equal(fg_tui_search_begin(m, SHIJIE), 0);
	c = fg_tui_conv_current(m);
	assert_int_equal(c->kind, FG_TUI_CONV_SEARCH);
	assert_string_equal(c->title, "search: " SHIJIE);
	assert_string_equal(fg_tui_prompt(m), "search> ");
	r = hrow(5, FG_HISTORY_OUT, 2000000, "b " SHIJIE);
	assert_int_equal(fg_tui_search_row(m, &r), 0);
	r = hrow(4, FG_HISTORY_IN, 1000000, "a " SHIJIE);
	assert_int_equal(fg_tui_search_row(m, &r), 0);
	fg_tui_search_end(m, 2);
	/* Oldest first, with who and the date. */
	assert_string_equal(strstr(fg_tui_line_disp(c->lines[0]), "Pat:"),
	    "Pat: a " SHIJIE);
	assert_non_null(strstr(fg_tui_line_disp(c->lines[1]),
	    "Me \xe2\x86\x92 Pat: b " SHIJIE));
	assert_non_null(strstr(fg_tui_line_disp(c->lines[1]), "01-01 "));
	assert_non_null(strstr(lines_of(c), "2 messages found"));
	/* Text typed here goes nowhere. */
	enter(m, "hello");
	assert_null(fg_tui_next_action(m));
	assert_non_null(strstr(m->hint, "search view"));
	/* A new search replaces the results; the tab is reused. */
	enter(m, "/msg Pat " SHIJIE " live");
	drain(m);
	assert_int_equal(fg_tui_search_begin(m, "LIVE"), 0);
	assert_int_equal(fg_tui_search_local(m, "LIVE"), 0);
	c = fg_tui_conv_current(m);
	assert_int_equal(m->nconvs, 3);
	assert_string_equal(c->title, "search: LIVE");
	assert_non_null(strstr(fg_tui_line_disp(c->lines[0]),
	    "Me \xe2\x86\x92 Pat: " SHIJIE " live"));
	assert_non_null(strstr(lines_of(c), "1 message found"));
	fg_tui_free(m);
}

static void
test_header(void **state)
{
	struct fg_tui *m = model();
	char buf[256];

	(void)state;
	drain(m);
	fg_tui_conv_header(m, m->convs[0], buf, sizeof(buf));
	assert_string_equal(buf, "everyone: messages to and from all 3 peers");
	enter(m, "/msg 2");
	fg_tui_conv_header(m, fg_tui_conv_current(m), buf, sizeof(buf));
	assert_string_equal(buf, NIHAO "  zhang@pc2  127.0.0.42:2425  (away)");
	enter(m, "/msg Pat");
	fg_tui_conv_header(m, fg_tui_conv_current(m), buf, sizeof(buf));
	assert_string_equal(buf, "Pat [dev]  pat@pc1  127.0.0.40:2425");
	event(m, "{\"v\":1,\"event\":\"peer_leave\",\"peer\":" PEER_PAT "}");
	fg_tui_conv_header(m, fg_tui_conv_current(m), buf, sizeof(buf));
	assert_string_equal(buf, "Pat (offline)");
	/* Offline, it is still reached at its last address. */
	drain(m);
	enter(m, "still there?");
	{
		struct fg_tui_act *a = expect(m, FG_TUI_ACT_SEND);

		assert_string_equal(a->to, "127.0.0.40:2425");
		fg_tui_act_free(a);
	}
	/* The daemon goes away with a send in flight: it failed. */
	enter(m, "lost");
	drain(m);
	fg_tui_set_connected(m, 0);
	assert_int_equal(m->npend, 0);
	assert_non_null(strstr(lines_of(fg_tui_conv_current(m)),
	    "Me: lost (not delivered)|* not delivered: the daemon went away"));
	fg_tui_status_text(m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "no daemon"));
	fg_tui_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_input),
		cmocka_unit_test(test_input_limit),
		cmocka_unit_test(test_split_args),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_peers),
		cmocka_unit_test(test_send_and_receipts),
		cmocka_unit_test(test_msg_targets),
		cmocka_unit_test(test_incoming),
		cmocka_unit_test(test_sealed),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_header),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
