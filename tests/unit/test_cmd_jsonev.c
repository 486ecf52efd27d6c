/* Unit tests: JSON renderings of peers and node events for the CLI. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "charset.h"
#include "feige/feige.h"
#include "jsonev.h"
#include "node.h"
#include "peer.h"

#define ZHANG	"\xe5\xbc\xa0\xe4\xb8\x89"	/* 张三 */

/* The compact JSON text of j (caller frees). */
static char *
dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	assert_non_null(s);
	return s;
}

static void
test_peer(void **state)
{
	struct fg_peers *t = fg_peers_new(4);
	struct fg_peer *p;
	json_t *j;
	char *s;

	(void)state;
	assert_int_equal(fg_peers_add(t, ZHANG, "PC01", htonl(0x7f000003),
	    2425, 0, &p), 0);
	assert_int_equal(fg_peer_set(&p->nick, "Zh\xff", 3), 0);
	assert_int_equal(fg_peer_set(&p->group, "dev", 3), 0);
	assert_int_equal(fg_peer_set(&p->version, "1_iptux 0.8.3", 13), 0);
	p->absent = 1;
	/* Never heard UTF-8 from it: the legacy charset is used. */
	fg_charset_peer_init(&p->cs, FG_CS_GB18030);
	j = fg_jsonev_peer(p);
	assert_non_null(j);
	s = dump(j);
	assert_string_equal(s, "{\"index\":1,\"nick\":\"Zh\xef\xbf\xbd\","
	    "\"group\":\"dev\",\"user\":\"" ZHANG "\",\"host\":\"PC01\","
	    "\"address\":\"127.0.0.3\",\"port\":2425,\"away\":true,"
	    "\"version\":\"1_iptux 0.8.3\",\"encoding\":\"gb18030\"}");
	free(s);
	json_decref(j);
	/* A peer that advertised UTF-8 gets it. */
	p->cs.caputf8 = 1;
	assert_string_equal(fg_jsonev_encoding(p), "utf-8");
	fg_peers_free(t);
}

static void
test_events(void **state)
{
	struct fg_peers *t = fg_peers_new(4);
	struct fg_peer *p;
	struct fg_event ev;
	struct fg_message m;
	json_t *j;
	char *s;

	(void)state;
	assert_int_equal(fg_peers_add(t, "bob", "PC02", htonl(0x7f000004),
	    2425, 0, &p), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_PEER_LEAVE;
	ev.peer = p;
	j = fg_jsonev_event(&ev);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "event")),
	    "peer_leave");
	assert_int_equal(json_integer_value(json_object_get(j, "v")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j,
	    "peer"), "user")), "bob");
	json_decref(j);

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_RECEIPT;
	ev.id = 12;
	ev.ip = htonl(0x7f000009);
	ev.port = 2426;
	j = fg_jsonev_event(&ev);
	s = dump(j);
	assert_string_equal(s, "{\"v\":1,\"event\":\"receipt\",\"id\":12,"
	    "\"encrypted\":false,\"address\":\"127.0.0.9\",\"port\":2426,"
	    "\"peer\":null}");
	free(s);
	json_decref(j);

	memset(&m, 0, sizeof(m));
	m.id = 3;
	m.pktno = 99;
	m.ip = p->ip;
	m.port = p->port;
	m.peer = p;
	m.user = "bob";
	m.host = "PC02";
	m.text = "hi\nthere";
	m.len = 8;
	m.broadcast = 1;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_MESSAGE;
	ev.msg = &m;
	j = fg_jsonev_event(&ev);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    "hi\nthere");
	assert_true(json_is_true(json_object_get(j, "broadcast")));
	assert_true(json_is_false(json_object_get(j, "sealed")));
	assert_true(json_is_false(json_object_get(j, "encrypted")));
	assert_true(json_is_null(json_object_get(j, "key")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "peer"), "index")), 1);
	json_decref(j);

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_INFO;
	ev.ip = p->ip;
	ev.port = 2425;
	ev.text = "Not absence mode";
	ev.absence = 1;
	j = fg_jsonev_event(&ev);
	assert_true(json_is_true(json_object_get(j, "absence")));
	assert_string_equal(json_string_value(json_object_get(j, "text")),
	    "Not absence mode");
	json_decref(j);

	/* A join without a peer is refused rather than rendered half. */
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_PEER_JOIN;
	assert_null(fg_jsonev_event(&ev));
	fg_peers_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer),
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
