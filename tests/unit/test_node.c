/*
 * Engine tests: several nodes in one process on 127.0.0.2, .3 and .4 (and
 * raw sockets standing in for legacy peers), each node sending its entry
 * only to the others' addresses. Traffic stays on loopback.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "feige/feige.h"
#include "node.h"
#include "packet.h"
#include "proto.h"

#include "tnode.h"

#define NNODES	3

static struct tn_env *E;

static int
setup(void **state)
{
	E = tn_setup(NNODES);
	assert_non_null(E);
	*state = E;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tn_teardown(E);
	E = NULL;
	return 0;
}

static int
run_until(int (*cond)(void *), void *arg, unsigned ms)
{
	return tn_run_until(E, cond, arg, ms);
}

static void
settle(unsigned ms)
{
	tn_settle(E, ms);
}

static struct fg_dest
dest_of(int i)
{
	return tn_dest(E, i);
}

struct sendres {
	int	done;
	int	status;
	int	count;
};

static void
send_cb(struct fg_node *n, uint64_t id, const struct fg_dest *to, int status,
    void *arg)
{
	struct sendres *s = arg;

	(void)n;
	(void)id;
	(void)to;
	s->count++;
	s->done = 1;
	s->status = status;
}

static int
send_done(void *arg)
{
	return ((struct sendres *)arg)->done;
}

static int
has_msgs(void *arg)
{
	(void)arg;
	return 0;
}

static void
test_discovery_one_row_each(void **state)
{
	const struct fg_peer *p;
	int i, n;

	(void)state;
	(void)has_msgs;
	/* The 5 s repeat and re-entries must not add rows. */
	assert_int_equal(fg_node_refresh(E->t[0].node), 0);
	settle(300);
	for (i = 0; i < NNODES; i++) {
		n = 0;
		for (p = fg_peers_first(fg_node_peers(E->t[i].node)); p != NULL;
		    p = fg_peers_next(p)) {
			n++;
			assert_string_equal(p->host, "testhost");
			assert_string_not_equal(p->user, E->t[i].user);
			assert_string_equal(p->nick, p->user);
			assert_true(p->cs.caputf8);
		}
		assert_int_equal(n, NNODES - 1);
		assert_int_equal(E->t[i].rec.joins, NNODES - 1);
	}
}

static void
test_message_with_ack(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d = dest_of(1);
	uint64_t id;

	(void)state;
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "你好, feige: 1", 0,
	    send_cb, &s, &id), 0);
	assert_true(id != 0);
	assert_true(run_until(send_done, &s, 3000));
	assert_int_equal(s.status, 0);
	assert_int_equal(E->t[1].rec.nmsg, 1);
	assert_string_equal(E->t[1].rec.text[0], "你好, feige: 1");
	assert_true(E->t[1].rec.cmd[0] & FG_OPT_UTF8);
	assert_int_equal(E->t[0].rec.receipts, 1);
}

static void
test_dropped_datagram_recovered(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d = dest_of(2);
	struct fg_node_stats st;
	uint64_t id;

	(void)state;
	E->t[2].drop_mode = FG_CMD_SENDMSG;
	E->t[2].drop_left = 2;
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "lost twice", 0,
	    send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 3000));
	assert_int_equal(s.status, 0);
	assert_int_equal(E->t[2].rec.nmsg, 1);
	assert_string_equal(E->t[2].rec.text[0], "lost twice");
	fg_node_stats(E->t[0].node, &st);
	assert_true(st.retries >= 2);
}

static void
test_duplicate_delivered_once(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d = dest_of(1);
	struct fg_node_stats st;
	uint64_t id;
	int before = E->t[1].rec.nmsg;

	(void)state;
	/* The acknowledgement is lost: the sender resends, the copy is acked again. */
	E->t[0].drop_mode = FG_CMD_RECVMSG;
	E->t[0].drop_left = 1;
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "once", 0, send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 3000));
	assert_int_equal(s.status, 0);
	settle(200);
	assert_int_equal(E->t[1].rec.nmsg, before + 1);
	fg_node_stats(E->t[1].node, &st);
	assert_true(st.duplicates >= 1);
}

static int
got_read(void *arg)
{
	return ((struct tn_rec *)arg)->reads > 0;
}

static void
test_sealed_and_read_receipt(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d = dest_of(1);
	struct tn_rec *rb = &E->t[1].rec;
	uint64_t id;
	int k;

	(void)state;
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "secret", FG_SEND_SEAL,
	    send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 3000));
	k = rb->nmsg - 1;
	assert_string_equal(rb->text[k], "secret");
	assert_true(rb->cmd[k] & FG_OPT_SECRET);
	assert_true(rb->cmd[k] & FG_OPT_READCHECK);
	assert_int_equal(E->t[0].rec.reads, 0);
	/* B opens it: A hears, once, even though B may resend its READMSG. */
	assert_int_equal(fg_node_open_sealed_at(E->t[1].node, rb->ip[k], rb->port[k],
	    rb->pktno[k], rb->cmd[k]), 0);
	assert_true(run_until(got_read, &E->t[0].rec, 3000));
	assert_int_equal(E->t[0].rec.read_id, id);
	settle(1000);
	assert_int_equal(E->t[0].rec.reads, 1);
}

static int
got_two(void *arg)
{
	return ((struct tn_rec *)arg)->nmsg >= 2;
}

static void
test_away_and_auto_reply(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d = dest_of(2);
	struct tn_rec *ra = &E->t[0].rec;
	const struct fg_peer *p;
	uint64_t id;
	int base = ra->nmsg, changes = ra->changes;

	(void)state;
	assert_int_equal(fg_node_set_away(E->t[2].node, "out to lunch"), 0);
	settle(200);
	assert_true(ra->changes > changes);
	p = fg_peers_find(fg_node_peers(E->t[0].node), E->t[2].user, "testhost");
	assert_non_null(p);
	assert_true(p->absent);
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "are you there?", 0,
	    send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 3000));
	settle(300);
	assert_int_equal(ra->nmsg, base + 1);
	assert_string_equal(ra->text[base], "out to lunch");
	assert_true(ra->cmd[base] & FG_OPT_AUTORET);
	/* An auto-reply is never answered: B got nothing back from A. */
	(void)got_two;
	assert_int_equal(fg_node_set_away(E->t[2].node, NULL), 0);
	settle(200);
	assert_false(p->absent);
}

static int
got_info(void *arg)
{
	return ((struct tn_rec *)arg)->infos >= 2;
}

static void
test_info_queries(void **state)
{
	struct fg_dest d = dest_of(1);

	(void)state;
	E->t[0].rec.infos = 0;
	assert_int_equal(fg_node_query_info(E->t[0].node, &d), 0);
	assert_true(run_until(got_info, &E->t[0].rec, 2000));
}

static void
test_multicast_to_two(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d[2] = { dest_of(1), dest_of(2) };
	int b = E->t[1].rec.nmsg, c = E->t[2].rec.nmsg;
	uint64_t id;
	size_t sent;

	(void)state;
	assert_int_equal(fg_node_send(E->t[0].node, d, 2, "to both", 0, send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 3000));
	settle(200);
	assert_int_equal(s.count, 2);
	assert_int_equal(E->t[1].rec.nmsg, b + 1);
	assert_int_equal(E->t[2].rec.nmsg, c + 1);
	assert_true(E->t[1].rec.cmd[b] & FG_OPT_MULTICAST);
	assert_int_equal(E->t[1].rec.pktno[b], E->t[2].rec.pktno[c]);
	/* A message to everyone: no acknowledgements asked for. */
	assert_int_equal(fg_node_broadcast(E->t[0].node, "hello all", &sent), 0);
	assert_int_equal(sent, 2);
	settle(200);
	assert_string_equal(E->t[1].rec.text[b + 1], "hello all");
	assert_true(E->t[1].rec.cmd[b + 1] & FG_OPT_BROADCAST);
	assert_false(E->t[1].rec.cmd[b + 1] & FG_OPT_SENDCHECK);
}

static int
c_gone(void *arg)
{
	(void)arg;
	return fg_peers_find(fg_node_peers(E->t[0].node), E->t[2].user, "testhost") == NULL &&
	    fg_peers_find(fg_node_peers(E->t[1].node), E->t[2].user, "testhost") == NULL;
}

static void
test_exit_and_reentry(void **state)
{
	int la = E->t[0].rec.leaves;

	(void)state;
	tn_stop(E, 2);
	assert_true(run_until(c_gone, NULL, 2000));
	assert_int_equal(E->t[0].rec.leaves, la + 1);
	assert_int_equal(tn_start(E, 2), 0);
	assert_true(run_until(tn_all_see_all, E, 3000));
}

static void
test_unknown_host_times_out(void **state)
{
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d;
	uint64_t id;

	(void)state;
	inet_pton(AF_INET, "127.0.0.9", &d.ip);
	d.port = E->port;
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "anyone?", 0, send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 5000));
	assert_int_equal(s.status, FG_ERR_TIMEOUT);
}

/* A raw socket on 127.0.0.5 that speaks like FeiQ: GBK, no UTF-8 options. */
static int
legacy_socket(struct sockaddr_in *self)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(self, 0, sizeof(*self));
	self->sin_family = AF_INET;
	self->sin_port = htons(E->port);
	inet_pton(AF_INET, "127.0.0.5", &self->sin_addr);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)self, sizeof(*self)), 0);
	return fd;
}

static void
legacy_send(int fd, int to, const void *p, size_t len)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(E->port);
	inet_pton(AF_INET, E->t[to].addr, &sa.sin_addr);
	assert_true(sendto(fd, p, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)len);
}

/* Reads datagrams until one of mode arrives (pumping the loop meanwhile). */
static ssize_t
legacy_recv(int fd, uint32_t mode, char *buf, size_t sz, struct fg_packet *pkt)
{
	int i;
	ssize_t n;

	for (i = 0; i < 200; i++) {
		settle(10);
		while ((n = recv(fd, buf, sz, MSG_DONTWAIT)) > 0)
			if (fg_packet_parse(buf, (size_t)n, pkt) == 0 &&
			    fg_packet_mode(pkt) == mode)
				return n;
	}
	return -1;
}

static void
test_cjk_with_gbk_peer(void **state)
{
	/* FeiQ-style entry: nick 张三 in GBK, no CAPUTF8OPT. */
	const char entry[] = "1_lbt6_0#128#001122334455#0#0#0#4001#9:100:zhang:PC03:"
	    "1:\xd5\xc5\xc8\xfd\0\xb2\xe2\xca\xd4";
	const char msg[] = "1_lbt6_0#128#001122334455#0#0#0#4001#9:101:zhang:PC03:"
	    "288:\xc4\xe3\xba\xc3{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 x 8404992;}";
	struct sockaddr_in self;
	struct fg_packet pkt;
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d;
	const struct fg_peer *p;
	char buf[8192], ack[128];
	int fd = legacy_socket(&self);
	int base = E->t[0].rec.nmsg;
	uint64_t id;

	(void)state;
	legacy_send(fd, 0, entry, sizeof(entry) - 1);
	/* The answer to a legacy peer is legacy: no UTF8OPT, GBK names. */
	assert_true(legacy_recv(fd, FG_CMD_ANSENTRY, buf, sizeof(buf), &pkt) > 0);
	assert_false(pkt.command & FG_OPT_UTF8);
	p = fg_peers_find(fg_node_peers(E->t[0].node), "zhang", "PC03");
	assert_non_null(p);
	assert_string_equal(p->nick, "张三");
	assert_string_equal(p->group, "测试");
	/* Its GBK message arrives as UTF-8 without the font block, and is acked. */
	legacy_send(fd, 0, msg, sizeof(msg) - 1);
	assert_true(legacy_recv(fd, FG_CMD_RECVMSG, buf, sizeof(buf), &pkt) > 0);
	assert_int_equal(fg_span_cstr(pkt.extra, ack, sizeof(ack)), 0);
	assert_string_equal(ack, "101");
	assert_int_equal(E->t[0].rec.nmsg, base + 1);
	assert_string_equal(E->t[0].rec.text[base], "你好");
	/* Our CJK reply goes out in GBK. */
	d.ip = self.sin_addr.s_addr;
	d.port = E->port;
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "收到", 0, send_cb, &s, &id), 0);
	assert_true(legacy_recv(fd, FG_CMD_SENDMSG, buf, sizeof(buf), &pkt) > 0);
	assert_false(pkt.command & FG_OPT_UTF8);
	assert_int_equal(pkt.extra.len, 4);
	assert_memory_equal(pkt.extra.p, "\xca\xd5\xb5\xbd", 4);
	snprintf(ack, sizeof(ack), "1_lbt6_0#128#001122334455#0#0#0#4001#9:102:zhang:PC03:33:%llu",
	    (unsigned long long)pkt.pktno);
	legacy_send(fd, 0, ack, strlen(ack) + 1);
	assert_true(run_until(send_done, &s, 2000));
	assert_int_equal(s.status, 0);
	close(fd);
}

static void
test_malformed_flood_survived(void **state)
{
	struct sockaddr_in self;
	struct fg_node_stats before, after;
	struct sendres s = { 0, -1, 0 };
	struct fg_dest d = dest_of(1);
	char junk[600];
	int fd = legacy_socket(&self), i, j, sent = 0;
	uint64_t id;

	(void)state;
	fg_node_stats(E->t[0].node, &before);
	srand(7);
	for (i = 0; i < 5000; i++) {
		size_t len = (size_t)(rand() % (int)sizeof(junk));

		for (j = 0; j < (int)len; j++)
			junk[j] = (char)(rand() % 256);
		if (i % 3 == 0 && len > 12)
			memcpy(junk, "1:1:u:h:", 8);	/* a header start, then garbage */
		legacy_send(fd, 0, junk, len);
		sent++;
		if (i % 200 == 0)
			settle(1);
	}
	settle(300);
	fg_node_stats(E->t[0].node, &after);
	assert_true(after.rx_packets > before.rx_packets);
	assert_true(after.rx_bad + after.rx_dropped > before.rx_bad + before.rx_dropped);
	/* Still works. */
	assert_int_equal(fg_node_send(E->t[0].node, &d, 1, "after the flood", 0,
	    send_cb, &s, &id), 0);
	assert_true(run_until(send_done, &s, 3000));
	assert_int_equal(s.status, 0);
	assert_true(fg_peers_count(fg_node_peers(E->t[0].node)) < 100);
	close(fd);
	(void)sent;
}

static int
c_knows_b(void *arg)
{
	(void)arg;
	return fg_peers_find(fg_node_peers(E->t[2].node), E->t[1].user,
	    "testhost") != NULL;
}

/* A host that broadcasts do not reach learns the others from a host list. */
static void
test_host_list_exchange(void **state)
{
	(void)state;
	/* Peers answer list requests only a while after they started. */
	tn_settle(E, 3100);
	tn_stop(E, 2);
	E->t[2].targets = E->t[0].addr;	/* C reaches only A */
	E->t[2].get_list = 1;
	assert_int_equal(tn_start(E, 2), 0);
	/* A answers C's entry; B never hears it, but C gets B from A's list. */
	assert_true(run_until(c_knows_b, NULL, 4000));
	E->t[2].targets = NULL;
	E->t[2].get_list = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery_one_row_each),
		cmocka_unit_test(test_message_with_ack),
		cmocka_unit_test(test_dropped_datagram_recovered),
		cmocka_unit_test(test_duplicate_delivered_once),
		cmocka_unit_test(test_sealed_and_read_receipt),
		cmocka_unit_test(test_away_and_auto_reply),
		cmocka_unit_test(test_info_queries),
		cmocka_unit_test(test_multicast_to_two),
		cmocka_unit_test(test_unknown_host_times_out),
		cmocka_unit_test(test_cjk_with_gbk_peer),
		cmocka_unit_test(test_malformed_flood_survived),
		cmocka_unit_test(test_exit_and_reentry),
		cmocka_unit_test(test_host_list_exchange),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
