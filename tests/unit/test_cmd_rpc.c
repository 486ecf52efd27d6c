/*
 * Unit tests: PEER resolution on a peer table and the rpc request checks,
 * run against a node that is made but never started (so no traffic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <uv.h>

#include "feige/feige.h"
#include "node.h"
#include "peer.h"
#include "rpc.h"

#define ZHANG	"\xe5\xbc\xa0\xe4\xb8\x89"	/* 张三 */
#define ZHUJI	"\xe4\xb8\xbb\xe6\x9c\xba"	/* 主机 */

/* Adds a peer with a nick to t. */
static struct fg_peer *
add(struct fg_peers *t, const char *user, const char *host, const char *ip,
    uint16_t port, const char *nick)
{
	struct fg_peer *p;
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, ip, &in), 1);
	assert_int_equal(fg_peers_add(t, user, host, in.s_addr, port, 0, &p), 0);
	assert_int_equal(fg_peer_set(&p->nick, nick, strlen(nick)), 0);
	return p;
}

/* Resolves s and checks the outcome, the peer and the destination. */
static void
check(const struct fg_peers *t, const char *s, int want,
    const struct fg_peer *want_peer, const char *want_ip, uint16_t want_port)
{
	const struct fg_peer *p = (const struct fg_peer *)1;
	struct fg_dest d = { 0, 0 };
	struct in_addr in;
	char err[512];

	err[0] = '\0';
	assert_int_equal(fg_rpc_resolve(t, 2425, s, &d, &p, err, sizeof(err)),
	    want);
	if (want != FG_RESOLVE_OK) {
		assert_true(strlen(err) > 0);
		return;
	}
	assert_ptr_equal(p, want_peer);
	assert_int_equal(inet_pton(AF_INET, want_ip, &in), 1);
	assert_int_equal(d.ip, in.s_addr);
	assert_int_equal(d.port, want_port);
}

static void
test_resolve(void **state)
{
	struct fg_peers *t = fg_peers_new(16);
	struct fg_peer *alice, *bob, *bob2, *num, *zhang;
	const struct fg_peer *p;
	struct fg_dest d;
	char err[512];

	(void)state;
	assert_non_null(t);
	alice = add(t, "alice", "PC01", "127.0.0.3", 2425, "Alice");
	bob = add(t, "bob", "PC02", "127.0.0.4", 2425, "Bob");
	bob2 = add(t, "bob2", "PC03", "127.0.0.5", 2426, "Bob");
	num = add(t, "carol", "PC04", "127.0.0.6", 2425, "42");
	zhang = add(t, ZHANG, ZHUJI, "127.0.0.7", 2425, ZHANG);

	/* Index. */
	check(t, "1", FG_RESOLVE_OK, alice, "127.0.0.3", 2425);
	check(t, "3", FG_RESOLVE_OK, bob2, "127.0.0.5", 2426);
	check(t, "99", FG_RESOLVE_UNKNOWN, NULL, NULL, 0);
	check(t, "99999999999999999999", FG_RESOLVE_UNKNOWN, NULL, NULL, 0);
	/* An index that matches nothing is tried as a nick. */
	check(t, "42", FG_RESOLVE_OK, num, "127.0.0.6", 2425);

	/* Addresses: known or not, with the default or a given port. */
	check(t, "127.0.0.3", FG_RESOLVE_OK, alice, "127.0.0.3", 2425);
	check(t, "127.0.0.5", FG_RESOLVE_OK, NULL, "127.0.0.5", 2425);
	check(t, "127.0.0.5:2426", FG_RESOLVE_OK, bob2, "127.0.0.5", 2426);
	check(t, "127.0.0.9", FG_RESOLVE_OK, NULL, "127.0.0.9", 2425);
	check(t, "127.0.0.9:24250", FG_RESOLVE_OK, NULL, "127.0.0.9", 24250);
	check(t, "127.0.0.9:0", FG_RESOLVE_BAD, NULL, NULL, 0);
	check(t, "127.0.0.9:65536", FG_RESOLVE_BAD, NULL, NULL, 0);
	check(t, "127.0.0.9:", FG_RESOLVE_BAD, NULL, NULL, 0);
	check(t, "127.0.0.9:x", FG_RESOLVE_BAD, NULL, NULL, 0);
	check(t, "1.2.3", FG_RESOLVE_UNKNOWN, NULL, NULL, 0);

	/* user@host, ASCII case ignored. */
	check(t, "alice@PC01", FG_RESOLVE_OK, alice, "127.0.0.3", 2425);
	check(t, "ALICE@pc01", FG_RESOLVE_OK, alice, "127.0.0.3", 2425);
	check(t, "alice@PC02", FG_RESOLVE_UNKNOWN, NULL, NULL, 0);
	check(t, ZHANG "@" ZHUJI, FG_RESOLVE_OK, zhang, "127.0.0.7", 2425);

	/* Nicks: exact, UTF-8, ambiguity named with the candidates. */
	check(t, "Alice", FG_RESOLVE_OK, alice, "127.0.0.3", 2425);
	check(t, "alice", FG_RESOLVE_UNKNOWN, NULL, NULL, 0);
	check(t, ZHANG, FG_RESOLVE_OK, zhang, "127.0.0.7", 2425);
	assert_int_equal(fg_rpc_resolve(t, 2425, "Bob", &d, &p, err,
	    sizeof(err)), FG_RESOLVE_AMBIGUOUS);
	assert_non_null(strstr(err, " 2 (bob@PC02 127.0.0.4:2425)"));
	assert_non_null(strstr(err, " 3 (bob2@PC03 127.0.0.5:2426)"));
	check(t, "bob@PC02", FG_RESOLVE_OK, bob, "127.0.0.4", 2425);
	check(t, "", FG_RESOLVE_BAD, NULL, NULL, 0);
	check(t, "nobody", FG_RESOLVE_UNKNOWN, NULL, NULL, 0);
	fg_peers_free(t);
}

struct collect {
	json_t	*last;
	int	 n;
};

/* Reply callback: keeps the last message. */
static void
collect_cb(void *ctx, json_t *msg)
{
	struct collect *c = ctx;

	json_decref(c->last);
	c->last = json_incref(msg);
	c->n++;
}

struct fixture {
	uv_loop_t	 loop;
	struct fg_node	*node;
	struct fg_rpc	*rpc;
};

/* Setup: a loop, an unstarted node and its rpc. */
static int
setup(void **state)
{
	static struct fixture f;
	struct fg_node_config cfg;
	char err[256];

	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	cfg.user = "tester";
	cfg.host = "testhost";
	cfg.nick = "Tester";
	cfg.port = 24999;
	if (uv_loop_init(&f.loop) != 0 ||
	    (f.rpc = fg_rpc_new(&f.loop, 100)) == NULL ||
	    fg_node_new(&f.loop, &cfg, NULL, NULL, &f.node, err,
	    sizeof(err)) != 0)
		return -1;
	fg_rpc_set_node(f.rpc, f.node);
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

/* Teardown: stop and free everything, leaving the loop empty. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	fg_node_stop(f->node, done_cb, NULL);
	fg_rpc_close(f->rpc);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	fg_node_free(f->node);
	fg_rpc_free(f->rpc);
	return uv_loop_close(&f->loop) == 0 ? 0 : -1;
}

/* Runs the request text and returns the reply (owned by c). */
static json_t *
ask(struct fixture *f, struct collect *c, const char *text)
{
	json_error_t jerr;
	json_t *req = json_loads(text, JSON_DECODE_ANY, &jerr);

	assert_non_null(req);
	c->n = 0;
	assert_int_equal(fg_rpc_handle(f->rpc, req, collect_cb, c), 0);
	json_decref(req);
	assert_int_equal(c->n, 1);
	assert_int_equal(json_integer_value(json_object_get(c->last, "v")), 1);
	return c->last;
}

/* Checks that the request fails with code. */
static void
expect_error(struct fixture *f, struct collect *c, const char *text,
    const char *code)
{
	json_t *r = ask(f, c, text);

	assert_true(json_is_false(json_object_get(r, "ok")));
	assert_string_equal(json_string_value(json_object_get(r, "code")), code);
	assert_non_null(json_string_value(json_object_get(r, "error")));
}

static void
test_validation(void **state)
{
	struct fixture *f = *state;
	struct collect c = { NULL, 0 };
	json_t *r;
	char big[2048];
	size_t i, len;

	expect_error(f, &c, "[1,2]", "bad_request");
	assert_true(json_is_null(json_object_get(c.last, "id")));
	expect_error(f, &c, "{\"id\":5,\"cmd\":\"list\"}", "bad_version");
	assert_int_equal(json_integer_value(json_object_get(c.last, "id")), 5);
	expect_error(f, &c, "{\"v\":2,\"id\":6,\"cmd\":\"list\"}", "bad_version");
	assert_non_null(strstr(json_string_value(json_object_get(c.last,
	    "error")), "\"v\":1"));
	expect_error(f, &c, "{\"v\":\"1\",\"cmd\":\"list\"}", "bad_version");
	expect_error(f, &c, "{\"v\":1,\"id\":\"abc\"}", "bad_request");
	assert_string_equal(json_string_value(json_object_get(c.last, "id")),
	    "abc");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"fly\"}", "unknown_command");

	/* Missing or mistyped arguments. */
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":\"x\"}",
	    "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"text\":\"x\"}",
	    "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":[],\"text\":\"x\"}",
	    "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":[1],\"text\":\"x\"}",
	    "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":\"x\",\"text\":\"x\","
	    "\"seal\":\"yes\"}", "bad_request");
	len = (size_t)snprintf(big, sizeof(big),
	    "{\"v\":1,\"cmd\":\"send\",\"text\":\"x\",\"to\":[");
	for (i = 0; i <= FG_RPC_MAX_DESTS; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "%s\"1\"",
		    i ? "," : "");
	snprintf(big + len, sizeof(big) - len, "]}");
	expect_error(f, &c, big, "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":\"nobody\","
	    "\"text\":\"x\"}", "unknown_peer");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":\"127.0.0.9:0\","
	    "\"text\":\"x\"}", "bad_request");
	/* The node never started: a valid send is refused, not sent. */
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"send\",\"to\":\"127.0.0.9\","
	    "\"text\":\"x\"}", "closed");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"broadcast\"}", "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"away\",\"text\":5}",
	    "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"info\"}", "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"info\",\"peer\":\"ghost\"}",
	    "unknown_peer");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"read\"}", "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"read\",\"msg\":0}", "bad_request");
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"read\",\"msg\":7}",
	    "unknown_message");

	/* Good requests. */
	r = ask(f, &c, "{\"v\":1,\"id\":9,\"cmd\":\"list\",\"extra\":true}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(json_integer_value(json_object_get(r, "id")), 9);
	assert_int_equal(json_array_size(json_object_get(r, "peers")), 0);
	r = ask(f, &c, "{\"v\":1,\"cmd\":\"status\"}");
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_string_equal(json_string_value(json_object_get(r, "user")),
	    "tester");
	assert_string_equal(json_string_value(json_object_get(r, "nick")),
	    "Tester");
	assert_int_equal(json_integer_value(json_object_get(r, "port")), 24999);
	assert_int_equal(json_integer_value(json_object_get(r, "peers")), 0);
	assert_true(json_is_false(json_object_get(r, "away")));
	json_decref(c.last);
}

static void
test_watch_and_sealed(void **state)
{
	struct fixture *f = *state;
	struct collect c = { NULL, 0 }, w = { NULL, 0 };
	struct fg_message m;
	struct fg_event ev;
	json_t *req, *r;
	int i;

	req = json_pack("{s:i, s:s}", "v", 1, "cmd", "watch");
	assert_int_equal(fg_rpc_handle(f->rpc, req, collect_cb, &w), 0);
	json_decref(req);
	assert_int_equal(w.n, 1);
	assert_true(json_is_true(json_object_get(w.last, "ok")));
	assert_int_equal(fg_rpc_watching(f->rpc, &w), 1);
	assert_int_equal(fg_rpc_watching(f->rpc, &c), 0);

	/* A sealed message goes to the watcher and is remembered. */
	memset(&m, 0, sizeof(m));
	m.id = 7;
	m.pktno = 1234;
	m.command = 0x120;
	m.ip = htonl(0x7f000009);
	m.port = 2425;
	m.user = "u";
	m.host = "h";
	m.text = "sealed \xff text";
	m.len = strlen(m.text);
	m.sealed = 1;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_MESSAGE;
	ev.msg = &m;
	fg_rpc_event(f->rpc, &ev);
	assert_int_equal(w.n, 2);
	assert_string_equal(json_string_value(json_object_get(w.last, "event")),
	    "message");
	assert_int_equal(json_integer_value(json_object_get(w.last, "id")), 7);
	assert_string_equal(json_string_value(json_object_get(w.last, "text")),
	    "sealed \xef\xbf\xbd text");
	assert_true(json_is_null(json_object_get(w.last, "peer")));
	/* read finds it now (the unstarted node refuses to send the receipt). */
	r = ask(f, &c, "{\"v\":1,\"cmd\":\"read\",\"msg\":7}");
	assert_string_equal(json_string_value(json_object_get(r, "code")),
	    "closed");

	/* Only the last FG_RPC_SEALED_MAX are remembered. */
	for (i = 0; i < FG_RPC_SEALED_MAX; i++) {
		m.id = 100 + (uint64_t)i;
		fg_rpc_event(f->rpc, &ev);
	}
	expect_error(f, &c, "{\"v\":1,\"cmd\":\"read\",\"msg\":7}",
	    "unknown_message");

	/* After forget no more events arrive. */
	fg_rpc_forget(f->rpc, &w);
	assert_int_equal(fg_rpc_watching(f->rpc, &w), 0);
	w.n = 0;
	fg_rpc_event(f->rpc, &ev);
	assert_int_equal(w.n, 0);
	json_decref(c.last);
	json_decref(w.last);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_and_sealed, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
