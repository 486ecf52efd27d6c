/*
 * Unit tests: the file commands of the CLI's rpc (send_file, offers,
 * accept, decline, cancel) and the JSON of their events. Argument checks
 * run on a node that never starts; one test runs two nodes on loopback
 * (127.0.0.22 and 127.0.0.23) and drives a whole offer through the rpc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <uv.h>

#include "cmd.h"
#include "feige/feige.h"
#include "fetch.h"
#include "jsonev.h"
#include "node.h"
#include "proto.h"
#include "rpc.h"

/* The string field key of o, or NULL. */
static const char *
str_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The integer field key of o, or 0. */
static json_int_t
num_of(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Replies and events one rpc client got. */
struct collect {
	json_t	*last;		/* the last reply */
	int	 n;		/* replies so far */
	json_t	*events;	/* every event, in order */
};

/* Reply callback: keeps replies and events apart. */
static void
collect_cb(void *ctx, json_t *msg)
{
	struct collect *c = ctx;

	if (json_object_get(msg, "event") != NULL) {
		if (c->events != NULL)
			json_array_append(c->events, msg);
		return;
	}
	json_decref(c->last);
	c->last = json_incref(msg);
	c->n++;
}

/* One node and its rpc. */
struct side {
	struct fg_node	*node;
	struct fg_rpc	*rpc;
	struct collect	 c;
};

struct fixture {
	uv_loop_t	 loop;
	struct side	 s[2];
	int		 started;
	char		 src[64], dst[64];
};

/* Node event callback: feeds the side's rpc. */
static void
event_cb(struct fg_node *n, const struct fg_event *ev, void *arg)
{
	struct side *s = arg;

	(void)n;
	fg_rpc_event(s->rpc, ev);
}

/* Setup: a loop and one unstarted node with its rpc. */
static int
setup_one(void **state)
{
	static struct fixture f;
	struct fg_node_config cfg;
	char err[256];

	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	cfg.user = "tester";
	cfg.host = "testhost";
	cfg.port = 24998;
	if (uv_loop_init(&f.loop) != 0 ||
	    (f.s[0].rpc = fg_rpc_new(&f.loop, 100)) == NULL ||
	    fg_node_new(&f.loop, &cfg, NULL, NULL, &f.s[0].node, err,
	    sizeof(err)) != 0)
		return -1;
	fg_rpc_set_node(f.s[0].rpc, f.s[0].node);
	*state = &f;
	return 0;
}

/* Node done callback for teardown. */
static void
done_cb(struct fg_node *n, void *arg)
{
	(void)n;
	(void)arg;
}

/* nftw callback: removes one entry. */
static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Teardown: stops and frees everything, leaving the loop empty. */
static int
teardown(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 2; i++) {
		if (f->s[i].node == NULL)
			continue;
		fg_node_stop(f->s[i].node, done_cb, NULL);
		fg_rpc_close(f->s[i].rpc);
	}
	uv_run(&f->loop, UV_RUN_DEFAULT);
	for (i = 0; i < 2; i++) {
		fg_node_free(f->s[i].node);
		fg_rpc_free(f->s[i].rpc);
		json_decref(f->s[i].c.last);
		json_decref(f->s[i].c.events);
	}
	if (f->src[0] != '\0')
		(void)nftw(f->src, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	if (f->dst[0] != '\0')
		(void)nftw(f->dst, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return uv_loop_close(&f->loop) == 0 ? 0 : -1;
}

/* Sends a request (printf-style JSON) to side s; returns the replies so far. */
static int
request(struct side *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
request(struct side *s, const char *fmt, ...)
{
	json_error_t jerr;
	char text[4096];
	va_list ap;
	json_t *req;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	req = json_loads(text, JSON_DECODE_ANY, &jerr);
	assert_non_null(req);
	assert_int_equal(fg_rpc_handle(s->rpc, req, collect_cb, &s->c), 0);
	json_decref(req);
	return s->c.n;
}

/* Checks that the (immediate) reply is an error with code. */
static void
expect_error(struct side *s, const char *text, const char *code)
{
	int n = s->c.n;

	request(s, "%s", text);
	assert_int_equal(s->c.n, n + 1);
	assert_true(json_is_false(json_object_get(s->c.last, "ok")));
	assert_string_equal(str_of(s->c.last, "code"), code);
	assert_non_null(str_of(s->c.last, "error"));
}

/* Request prefixes for the argument checks. */
#define ACCEPT	"{\"v\":1,\"cmd\":\"accept\","
#define ACCEPT7	ACCEPT "\"offer\":7,\"to\":\"/tmp\","
#define CANCEL	"{\"v\":1,\"cmd\":\"cancel\""

static void
test_validation(void **state)
{
	struct fixture *f = *state;
	struct side *s = &f->s[0];

	/* send_file */
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"paths\":[\"/x\"]}",
	    "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"1.2.3.4\"}",
	    "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9\","
	    "\"paths\":[]}", "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9\","
	    "\"paths\":\"/x\"}", "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9\","
	    "\"paths\":[5]}", "bad_request");
	/* Relative paths mean nothing to a daemon with its own cwd. */
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9\","
	    "\"paths\":[\"/etc/hosts\",\"notes.txt\"]}", "bad_request");
	assert_non_null(strstr(str_of(s->c.last, "error"), "notes.txt"));
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9\","
	    "\"paths\":[\"./x\"]}", "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9\","
	    "\"paths\":[\"/x\"],\"text\":5}", "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"ghost\","
	    "\"paths\":[\"/x\"]}", "unknown_peer");
	expect_error(s, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.9:0\","
	    "\"paths\":[\"/x\"]}", "bad_request");
	/* Valid, but the node never started: refused, nothing offered. */
	expect_error(s, "{\"v\":1,\"id\":4,\"cmd\":\"send_file\",\"to\":"
	    "\"127.0.0.9\",\"paths\":[\"/etc/hosts\"],\"text\":\"hi\"}",
	    "closed");
	assert_int_equal(num_of(s->c.last, "id"), 4);
	assert_int_equal(fg_rpc_pending(f->s[0].rpc, &s->c), 0);

	/* accept */
	expect_error(s, ACCEPT "\"to\":\"/tmp\"}", "bad_request");
	expect_error(s, ACCEPT "\"offer\":0,\"to\":\"/tmp\"}", "bad_request");
	expect_error(s, ACCEPT "\"offer\":-3,\"to\":\"/tmp\"}", "bad_request");
	expect_error(s, ACCEPT "\"offer\":\"7\",\"to\":\"/tmp\"}",
	    "bad_request");
	expect_error(s, ACCEPT "\"offer\":7}", "bad_request");
	expect_error(s, ACCEPT "\"offer\":7,\"to\":\"dl\"}", "bad_request");
	expect_error(s, ACCEPT7 "\"files\":\"a\"}", "bad_request");
	expect_error(s, ACCEPT7 "\"files\":[true]}", "bad_request");
	expect_error(s, ACCEPT7 "\"overwrite\":\"yes\"}", "bad_request");
	expect_error(s, ACCEPT7 "\"max_total\":-1}", "bad_request");
	expect_error(s, ACCEPT7 "\"max_files\":\"9\"}", "bad_request");
	expect_error(s, ACCEPT7 "\"files\":[\"a\",1],\"overwrite\":true,"
	    "\"max_total\":0}", "unknown_offer");

	/* decline, cancel */
	expect_error(s, "{\"v\":1,\"cmd\":\"decline\"}", "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"decline\",\"offer\":null}",
	    "bad_request");
	expect_error(s, "{\"v\":1,\"cmd\":\"decline\",\"offer\":7}",
	    "unknown_offer");
	expect_error(s, CANCEL "}", "bad_request");
	expect_error(s, CANCEL ",\"offer\":0}", "bad_request");
	expect_error(s, CANCEL ",\"offer\":7,\"xfer\":\"7\"}", "bad_request");
	expect_error(s, CANCEL ",\"offer\":7}", "unknown_offer");
	expect_error(s, CANCEL ",\"xfer\":7}", "unknown_xfer");
	expect_error(s, CANCEL ",\"offer\":7,\"xfer\":7}", "unknown_id");

	/* offers: none yet. */
	request(s, "{\"v\":1,\"id\":3,\"cmd\":\"offers\"}");
	assert_true(json_is_true(json_object_get(s->c.last, "ok")));
	assert_int_equal(json_array_size(json_object_get(s->c.last, "offers")),
	    0);
}

/* Renders ev and returns it (caller decrefs). */
static json_t *
render(const struct fg_event *ev)
{
	json_t *j = fg_jsonev_event(ev);

	assert_non_null(j);
	assert_int_equal(num_of(j, "v"), 1);
	return j;
}

static void
test_event_json(void **state)
{
	struct fg_offer_file files[2];
	struct fg_xfer_info x;
	struct fg_message m;
	struct fg_offer o;
	struct fg_event ev;
	const char *why[] = { "fetched", "released", "cancelled", "expired" };
	json_t *j, *fj;
	int i;

	(void)state;
	memset(files, 0, sizeof(files));
	files[0].fid = 0;
	files[0].name = (char *)"\xe6\x8a\xa5\xe5\x91\x8a.txt";	/* 报告.txt */
	files[0].size = 300000;
	files[0].mtime = 1600000000;
	files[0].attr = FG_FILE_REGULAR;
	files[1].fid = 7;
	files[1].name = (char *)"pics";
	files[1].attr = FG_FILE_DIR;
	files[1].state = FG_OFFER_FETCHING;
	memset(&o, 0, sizeof(o));
	o.id = 12;
	o.pktno = 777;
	o.ip = htonl(0x7f000009);
	o.port = 2425;
	o.user = (char *)"alice";
	o.host = (char *)"PC01";
	o.files = files;
	o.nfiles = 2;
	memset(&m, 0, sizeof(m));
	m.id = 11;
	m.text = "see \xff attached";
	m.len = strlen(m.text);
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_OFFER;
	ev.offer = &o;
	ev.msg = &m;
	j = render(&ev);
	assert_string_equal(str_of(j, "event"), "offer");
	assert_int_equal(num_of(j, "id"), 12);
	assert_int_equal(num_of(j, "msg"), 11);
	assert_int_equal(num_of(j, "pktno"), 777);
	assert_string_equal(str_of(j, "user"), "alice");
	assert_string_equal(str_of(j, "address"), "127.0.0.9");
	assert_true(json_is_null(json_object_get(j, "peer")));
	assert_string_equal(str_of(j, "text"), "see \xef\xbf\xbd attached");
	assert_int_equal(num_of(j, "count"), 2);
	assert_int_equal(num_of(j, "total"), 300000);
	assert_int_equal(num_of(j, "age"), 0);
	fj = json_object_get(j, "files");
	assert_int_equal(json_array_size(fj), 2);
	assert_string_equal(str_of(json_array_get(fj, 0), "name"),
	    "\xe6\x8a\xa5\xe5\x91\x8a.txt");
	assert_string_equal(str_of(json_array_get(fj, 0), "type"), "file");
	assert_string_equal(str_of(json_array_get(fj, 0), "state"), "new");
	assert_int_equal(num_of(json_array_get(fj, 0), "mtime"), 1600000000);
	assert_int_equal(num_of(json_array_get(fj, 1), "fid"), 7);
	assert_string_equal(str_of(json_array_get(fj, 1), "type"), "folder");
	assert_string_equal(str_of(json_array_get(fj, 1), "state"), "fetching");
	json_decref(j);
	/* A listed offer says how old it is. */
	j = fg_jsonev_offer(&o, NULL, NULL, 125000);
	assert_non_null(j);
	assert_int_equal(num_of(j, "age"), 125);
	assert_string_equal(str_of(j, "text"), "");
	assert_null(json_object_get(j, "event"));
	json_decref(j);
	/* No offer: refused rather than rendered half. */
	ev.offer = NULL;
	assert_null(fg_jsonev_event(&ev));

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_OFFER_END;
	ev.id = 5;
	ev.ip = htonl(0x7f000003);
	ev.port = 2425;
	for (i = 0; i < 4; i++) {
		ev.status = i;
		j = render(&ev);
		assert_string_equal(str_of(j,
		    "event"), "offer_end");
		assert_int_equal(num_of(j, "id"), 5);
		assert_string_equal(str_of(j, "why"),
		    why[i]);
		assert_string_equal(str_of(j,
		    "address"), "127.0.0.3");
		json_decref(j);
	}

	memset(&x, 0, sizeof(x));
	x.id = 30;
	x.offer_id = 12;
	x.ip = htonl(0x7f000009);
	x.name = "a.txt";
	x.file_done = 10;
	x.file_total = 20;
	x.offset = 4;
	x.done = 110;
	x.total = 220;
	x.files_done = 1;
	x.files_total = 3;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_XFER_PROGRESS;
	ev.xfer = &x;
	j = render(&ev);
	assert_string_equal(str_of(j, "event"), "xfer_progress");
	assert_int_equal(num_of(j, "id"), 30);
	assert_int_equal(num_of(j, "offer"), 12);
	assert_true(json_is_false(json_object_get(j, "upload")));
	assert_int_equal(num_of(j, "file_done"), 10);
	assert_int_equal(num_of(j, "file_total"), 20);
	assert_int_equal(num_of(j, "offset"), 4);
	assert_int_equal(num_of(j, "done"), 110);
	assert_int_equal(num_of(j, "total"), 220);
	assert_int_equal(num_of(j, "files_done"), 1);
	assert_int_equal(num_of(j, "files_total"), 3);
	assert_null(json_object_get(j, "status"));
	json_decref(j);

	ev.type = FG_EV_XFER_DONE;
	x.upload = 1;
	x.path = "/tmp/dl/a.txt";
	j = render(&ev);
	assert_string_equal(str_of(j, "event"), "xfer_done");
	assert_true(json_is_true(json_object_get(j, "upload")));
	assert_string_equal(str_of(j, "status"), "ok");
	assert_true(json_is_null(json_object_get(j, "error")));
	assert_string_equal(str_of(j, "path"), "/tmp/dl/a.txt");
	json_decref(j);
	x.status = FG_ERR_CLOSED;
	x.error = "cancelled";
	x.path = NULL;
	j = render(&ev);
	assert_string_equal(str_of(j, "status"), "cancelled");
	assert_true(json_is_null(json_object_get(j, "path")));
	json_decref(j);
	x.status = FG_ERR_TRUNCATED;
	x.error = "a.txt: the sender closed after 3 of 20 bytes";
	j = render(&ev);
	assert_string_equal(str_of(j, "status"), "error");
	assert_string_equal(str_of(j, "error"), x.error);
	json_decref(j);

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_LOG;
	ev.text = "file request from 127.0.0.5: malformed, closed";
	j = render(&ev);
	assert_string_equal(str_of(j, "event"), "log");
	assert_string_equal(str_of(j, "text"), ev.text);
	json_decref(j);
}

/* Timer callback: only wakes the loop. */
static void
tick_cb(uv_timer_t *t)
{
	(void)t;
}

/* A condition on the fixture for run_until. */
typedef int (*cond_fn)(struct fixture *, const void *);

/* Runs the loop until cond holds or ms pass; returns cond's last value. */
static int
run_until(struct fixture *f, cond_fn cond, const void *arg, unsigned ms)
{
	uv_timer_t t;
	uint64_t end;

	uv_update_time(&f->loop);
	end = uv_now(&f->loop) + ms;
	uv_timer_init(&f->loop, &t);
	uv_timer_start(&t, tick_cb, 10, 10);
	while (!cond(f, arg) && uv_now(&f->loop) < end)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	return cond(f, arg);
}

/* 1 when both nodes know each other. */
static int
both_see(struct fixture *f, const void *arg)
{
	(void)arg;
	return fg_peers_count(fg_node_peers(f->s[0].node)) >= 1 &&
	    fg_peers_count(fg_node_peers(f->s[1].node)) >= 1;
}

/* What to wait for: n replies on a side, or an event there. */
struct want {
	int		 side;
	int		 replies;
	const char	*event;
	json_int_t	 id;	/* the event's "id", or 0 for any */
};

/* 1 when the wanted reply count or event arrived. */
static int
wanted(struct fixture *f, const void *arg)
{
	const struct want *w = arg;
	struct collect *c = &f->s[w->side].c;
	json_t *e;
	size_t i;

	if (w->event == NULL)
		return c->n >= w->replies;
	json_array_foreach(c->events, i, e)
		if (strcmp(str_of(e, "event"),
		    w->event) == 0 && (w->id == 0 ||
		    num_of(e, "id") == w->id))
			return 1;
	return 0;
}

/* Waits for an event on side s and returns it (borrowed). */
static json_t *
wait_event(struct fixture *f, int s, const char *event, json_int_t id)
{
	struct want w = { s, 0, event, id };
	json_t *e;
	size_t i;

	assert_true(run_until(f, wanted, &w, 10000));
	json_array_foreach(f->s[s].c.events, i, e)
		if (strcmp(str_of(e, "event"),
		    event) == 0 && (id == 0 ||
		    num_of(e, "id") == id))
			return e;
	return NULL;
}

/* Sends a request to side s and waits for its reply (borrowed). */
static json_t *
call(struct fixture *f, int s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static json_t *
call(struct fixture *f, int s, const char *fmt, ...)
{
	struct want w = { s, 0, NULL, 0 };
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	w.replies = f->s[s].c.n + 1;
	(void)request(&f->s[s], "%s", text);
	assert_true(run_until(f, wanted, &w, 15000));
	return f->s[s].c.last;
}

/* Writes text to path. */
static void
put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* 1 when path holds exactly text. */
static int
holds(const char *path, const char *text)
{
	char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strcmp(buf, text) == 0;
}

/* Setup: two started nodes on loopback that know each other, and folders. */
static int
setup_two(void **state)
{
	static struct fixture f;
	static const char *addr[2] = { "127.0.0.22", "127.0.0.23" };
	static const char *user[2] = { "alice", "bob" };
	struct fg_node_config cfg;
	char err[256], p[128];
	int i, tries;

	memset(&f, 0, sizeof(f));
	if (uv_loop_init(&f.loop) != 0)
		return -1;
	for (tries = 0; tries < 5 && !f.started; tries++) {
		for (i = 0; i < 2; i++) {
			memset(&cfg, 0, sizeof(cfg));
			cfg.user = user[i];
			cfg.host = "test";
			cfg.bind = addr[i];
			cfg.broadcast = addr[1 - i];
			cfg.broadcast_only = 1;
			/* A port of our own: parallel runs do not meet. */
			cfg.port = (uint16_t)(20000 + (getpid() * 11 + 3 +
			    tries * 577) % 20000);
			cfg.retry_ms = 300;
			if ((f.s[i].rpc = fg_rpc_new(&f.loop, 500)) == NULL ||
			    fg_node_new(&f.loop, &cfg, event_cb, &f.s[i],
			    &f.s[i].node, err, sizeof(err)) != 0)
				return -1;
			fg_rpc_set_node(f.s[i].rpc, f.s[i].node);
			f.s[i].c.events = json_array();
		}
		if (fg_node_start(f.s[0].node, err, sizeof(err)) == 0 &&
		    fg_node_start(f.s[1].node, err, sizeof(err)) == 0) {
			f.started = 1;
			break;
		}
		*state = &f;
		(void)teardown(state);
		memset(&f, 0, sizeof(f));
		if (uv_loop_init(&f.loop) != 0)
			return -1;
	}
	if (!f.started)
		return -1;
	snprintf(f.src, sizeof(f.src), "/tmp/fgcf-src-XXXXXX");
	snprintf(f.dst, sizeof(f.dst), "/tmp/fgcf-dst-XXXXXX");
	if (mkdtemp(f.src) == NULL || mkdtemp(f.dst) == NULL)
		return -1;
	snprintf(p, sizeof(p), "%s/a.txt", f.src);
	put_file(p, "alpha\n");
	snprintf(p, sizeof(p), "%s/sub", f.src);
	if (mkdir(p, 0755) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/sub/b.txt", f.src);
	put_file(p, "beta\n");
	for (i = 0; i < 2; i++)
		request(&f.s[i], "{\"v\":1,\"cmd\":\"watch\"}");
	*state = &f;
	return run_until(&f, both_see, NULL, 5000) ? 0 : -1;
}

static void
test_offer_round_trip(void **state)
{
	struct fixture *f = *state;
	json_t *r, *e, *o, *fl;
	json_int_t oa, ob, x;
	char p[128];

	/* Alice offers a file and a folder; it is acknowledged. */
	r = call(f, 0, "{\"v\":1,\"id\":8,\"cmd\":\"send_file\",\"to\":"
	    "\"127.0.0.23\",\"paths\":[\"%s/a.txt\",\"%s/sub/\"],\"text\":"
	    "\"hello\"}", f->src, f->src);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(num_of(r, "id"), 8);
	oa = num_of(r, "offer");
	assert_true(oa > 0);
	assert_true(num_of(r, "msg") > 0);

	/* Bob sees it as an event and in `offers`, with its text. */
	e = wait_event(f, 1, "offer", 0);
	ob = num_of(e, "id");
	assert_string_equal(str_of(e, "text"), "hello");
	assert_string_equal(str_of(json_object_get(e, "peer"), "user"),
	    "alice");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"offers\"}");
	assert_int_equal(json_array_size(json_object_get(r, "offers")), 1);
	o = json_array_get(json_object_get(r, "offers"), 0);
	assert_int_equal(num_of(o, "id"), ob);
	assert_string_equal(str_of(o, "text"), "hello");
	fl = json_object_get(o, "files");
	assert_int_equal(json_array_size(fl), 2);
	assert_string_equal(str_of(json_array_get(fl, 0), "name"), "a.txt");
	assert_string_equal(str_of(json_array_get(fl, 1), "name"), "sub");
	assert_string_equal(str_of(json_array_get(fl, 1), "type"), "folder");

	/* Picks that match nothing, caps too small, a folder that is not. */
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s\",\"files\":[\"nope.txt\"]}", (long long)ob, f->dst);
	assert_string_equal(str_of(r, "code"), "unknown_file");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s\",\"max_total\":3}", (long long)ob, f->dst);
	assert_string_equal(str_of(r, "code"), "too_large");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s\",\"max_files\":1}", (long long)ob, f->dst);
	assert_string_equal(str_of(r, "code"), "too_large");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s/a.txt\"}", (long long)ob, f->src);
	assert_string_equal(str_of(r, "code"), "file_error");

	/* The file by name first. */
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s\",\"files\":[\"a.txt\"]}", (long long)ob, f->dst);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(num_of(r, "count"), 1);
	assert_int_equal(num_of(r, "total"), 6);
	x = num_of(r, "xfer");
	e = wait_event(f, 1, "xfer_done", x);
	assert_string_equal(str_of(e, "status"), "ok");
	assert_int_equal(num_of(e, "offer"), ob);
	snprintf(p, sizeof(p), "%s/a.txt", f->dst);
	assert_string_equal(str_of(e, "path"), p);
	assert_true(holds(p, "alpha\n"));
	r = call(f, 1, "{\"v\":1,\"cmd\":\"offers\"}");
	fl = json_object_get(json_array_get(json_object_get(r, "offers"), 0),
	    "files");
	assert_string_equal(str_of(json_array_get(fl, 0), "state"), "done");
	assert_string_equal(str_of(json_array_get(fl, 1), "state"), "new");

	/* Then the folder by its fid, as a decimal string. */
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s\",\"files\":[\"1\"]}", (long long)ob, f->dst);
	assert_true(json_is_true(json_object_get(r, "ok")));
	x = num_of(r, "xfer");
	e = wait_event(f, 1, "xfer_done", x);
	assert_string_equal(str_of(e, "status"), "ok");
	snprintf(p, sizeof(p), "%s/sub/b.txt", f->dst);
	assert_true(holds(p, "beta\n"));

	/* Everything fetched: Alice's offer ends, naming Bob; Bob's is gone. */
	e = wait_event(f, 0, "offer_end", oa);
	assert_string_equal(str_of(e, "why"), "fetched");
	assert_string_equal(str_of(json_object_get(e, "peer"), "user"), "bob");
	e = wait_event(f, 0, "xfer_done", 0);
	assert_true(json_is_true(json_object_get(e, "upload")));
	assert_int_equal(num_of(e, "offer"), oa);
	r = call(f, 1, "{\"v\":1,\"cmd\":\"offers\"}");
	assert_int_equal(json_array_size(json_object_get(r, "offers")), 0);
	r = call(f, 1, "{\"v\":1,\"cmd\":\"decline\",\"offer\":%lld}",
	    (long long)ob);
	assert_string_equal(str_of(r, "code"), "unknown_offer");

	/* The same file again: not overwritten, a numbered copy. */
	json_array_clear(f->s[1].c.events);
	r = call(f, 0, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.23\","
	    "\"paths\":[\"%s/a.txt\"]}", f->src);
	assert_true(json_is_true(json_object_get(r, "ok")));
	e = wait_event(f, 1, "offer", 0);
	ob = num_of(e, "id");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"accept\",\"offer\":%lld,\"to\":"
	    "\"%s\",\"files\":[0]}", (long long)ob, f->dst);
	x = num_of(r, "xfer");
	e = wait_event(f, 1, "xfer_done", x);
	snprintf(p, sizeof(p), "%s/a (1).txt", f->dst);
	assert_string_equal(str_of(e, "path"), p);
	assert_true(holds(p, "alpha\n"));

	/* Declined: Alice hears "released". */
	json_array_clear(f->s[1].c.events);
	r = call(f, 0, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.23\","
	    "\"paths\":[\"%s/a.txt\"]}", f->src);
	oa = num_of(r, "offer");
	e = wait_event(f, 1, "offer", 0);
	ob = num_of(e, "id");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"decline\",\"offer\":%lld}",
	    (long long)ob);
	assert_true(json_is_true(json_object_get(r, "ok")));
	e = wait_event(f, 0, "offer_end", oa);
	assert_string_equal(str_of(e, "why"), "released");

	/* Cancelled by Alice: ends at once; a second cancel finds nothing. */
	r = call(f, 0, "{\"v\":1,\"cmd\":\"send_file\",\"to\":\"127.0.0.23\","
	    "\"paths\":[\"%s/sub\"]}", f->src);
	oa = num_of(r, "offer");
	r = call(f, 0, "{\"v\":1,\"cmd\":\"cancel\",\"offer\":%lld,\"xfer\":"
	    "%lld}", (long long)oa, (long long)oa);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_string_equal(str_of(r, "cancelled"), "offer");
	e = wait_event(f, 0, "offer_end", oa);
	assert_string_equal(str_of(e, "why"), "cancelled");
	r = call(f, 0, "{\"v\":1,\"cmd\":\"cancel\",\"offer\":%lld}",
	    (long long)oa);
	assert_string_equal(str_of(r, "code"), "unknown_offer");
	/* Bob's id for it is an offer made to him: cancel says decline. */
	r = call(f, 1, "{\"v\":1,\"cmd\":\"offers\"}");
	ob = num_of(json_array_get(json_object_get(r, "offers"), 0), "id");
	r = call(f, 1, "{\"v\":1,\"cmd\":\"cancel\",\"offer\":%lld}",
	    (long long)ob);
	assert_non_null(strstr(str_of(r, "error"), "decline"));
}

static void
test_cli_operands(void **state)
{
	struct fg_cmd_ctx ctx;
	uint64_t v = 99;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cmd = fg_cmd_find("accept");
	assert_non_null(ctx.cmd);
	assert_int_equal(fg_fetch_parse_id(&ctx, "OFFER", "12", &v), -1);
	assert_true(v == 12);
	assert_int_equal(fg_fetch_parse_id(&ctx, "OFFER", "0", &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_id(&ctx, "OFFER", "", &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_id(&ctx, "OFFER", "x", &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_id(&ctx, "ID", "12a", &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_id(&ctx, "ID", "-3", &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_id(&ctx, "ID",
	    "123456789012345678901", &v), FG_EXIT_USAGE);
	assert_true(v == 12);
	assert_int_equal(fg_fetch_parse_cap(&ctx, "--max-size", "4G", 1, &v),
	    -1);
	assert_true(v == (uint64_t)4 << 30);
	assert_int_equal(fg_fetch_parse_cap(&ctx, "--max-size", "0", 1, &v),
	    -1);
	assert_true(v == 0);
	assert_int_equal(fg_fetch_parse_cap(&ctx, "--max-size", "4X", 1, &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_cap(&ctx, "--max-files", "10000", 0,
	    &v), -1);
	assert_true(v == 10000);
	assert_int_equal(fg_fetch_parse_cap(&ctx, "--max-files", "1K", 0, &v),
	    FG_EXIT_USAGE);
	assert_int_equal(fg_fetch_parse_cap(&ctx, "--max-files", "-1", 0, &v),
	    FG_EXIT_USAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_validation, setup_one,
		    teardown),
		cmocka_unit_test(test_event_json),
		cmocka_unit_test(test_cli_operands),
		cmocka_unit_test_setup_teardown(test_offer_round_trip,
		    setup_two, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
