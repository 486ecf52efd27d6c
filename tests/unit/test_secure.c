/*
 * Engine tests for encryption: nodes with keystores exchange encrypted,
 * signed messages and offers; a tampered datagram, a changed key and an
 * impostor are refused; a node without a keystore (as iptux) is unaffected.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feige/feige.h"
#include "keystore.h"
#include "node.h"
#include "packet.h"
#include "proto.h"
#include "tnode.h"

static struct tn_env *E;
static char homes[3][64];

/* What the last SENDMSG seen by a filter looked like. */
static uint8_t captured[8192];
static size_t captured_len;
static int seen_encrypted, seen_clear;

/* 1 when needle occurs in the first len bytes of hay. */
static int
contains(const uint8_t *hay, size_t len, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Watches SENDMSGs arriving at a node without dropping any. */
static int
spy_filter(void *arg, const void *p, size_t len, uint32_t ip, uint16_t port)
{
	struct fg_packet pkt;

	(void)arg;
	(void)ip;
	(void)port;
	if (fg_packet_parse(p, len, &pkt) == 0 && fg_packet_mode(&pkt) == FG_CMD_SENDMSG &&
	    !(pkt.command & FG_OPT_AUTORET)) {
		if (pkt.command & FG_OPT_ENCRYPT)
			seen_encrypted++;
		else
			seen_clear++;
		if (len <= sizeof(captured)) {
			memcpy(captured, p, len);
			captured_len = len;
		}
	}
	return 0;
}

/* Nodes 0 and 1 get keystores; node 2 stays plain, like iptux. */
static int
setup(void **state)
{
	char err[256];
	int i;

	E = tn_setup(3);
	assert_non_null(E);
	for (i = 0; i < 2; i++) {
		tn_stop(E, i);
		snprintf(homes[i], sizeof(homes[i]), "/tmp/fgsec-XXXXXX");
		assert_non_null(mkdtemp(homes[i]));
		assert_int_equal(fg_keystore_open(homes[i], &E->t[i].ks, err, sizeof(err)), 0);
		assert_int_equal(tn_start(E, i), 0);
	}
	fg_node_set_rx_filter(E->t[1].node, spy_filter, NULL);
	assert_true(tn_run_until(E, tn_all_see_all, E, 5000));
	*state = E;
	return 0;
}

static int
teardown(void **state)
{
	int i;

	struct fg_keystore *ks[3];

	(void)state;
	for (i = 0; i < 3; i++)
		ks[i] = E->t[i].ks;
	tn_teardown(E);
	for (i = 0; i < 3; i++)
		fg_keystore_free(ks[i]);
	for (i = 0; i < 3; i++)
		if (homes[i][0] != '\0')
			(void)nftw(homes[i], rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

struct sendres {
	int	done, status;
};

static void
send_cb(struct fg_node *n, uint64_t id, const struct fg_dest *to, int status, void *arg)
{
	struct sendres *s = arg;

	(void)n;
	(void)id;
	(void)to;
	s->done = 1;
	s->status = status;
}

static int
send_done(void *arg)
{
	return ((struct sendres *)arg)->done;
}

static int
send_text(int from, int to, const char *text)
{
	struct sendres s = { 0, -1 };
	struct fg_dest d = tn_dest(E, to);
	uint64_t id;

	assert_int_equal(fg_node_send(E->t[from].node, &d, 1, text, 0, send_cb, &s, &id), 0);
	assert_true(tn_run_until(E, send_done, &s, 5000));
	return s.status;
}

static void
test_encrypted_and_signed(void **state)
{
	struct tn_rec *rb = &E->t[1].rec;
	int base = rb->nmsg;

	(void)state;
	seen_encrypted = seen_clear = 0;
	/* The first message fetches B's key first, then goes out encrypted. */
	assert_int_equal(send_text(0, 1, "机密: the first one"), 0);
	assert_int_equal(rb->nmsg, base + 1);
	assert_string_equal(rb->text[base], "机密: the first one");
	assert_true(seen_encrypted >= 1);
	assert_int_equal(seen_clear, 0);
	assert_true(E->t[1].last_encrypted);
	assert_int_equal(E->t[0].receipts_encrypted, 1);
	/* B asked for A's key on the way (signed, no key yet); now it verifies. */
	tn_settle(E, 300);
	assert_int_equal(send_text(0, 1, "second"), 0);
	assert_true(E->t[1].last_encrypted);
	assert_true(E->t[1].last_verified);
}

static void
test_offer_list_inside_ciphertext(void **state)
{
	char dir[64], path[128], err[128];
	const char *paths[1];
	struct tn_rec *rb = &E->t[1].rec;
	struct fg_dest d = tn_dest(E, 1);
	uint64_t offer;
	int offers = rb->offers;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/fgsec-f-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/秘密.txt", dir);
	f = fopen(path, "w");
	fputs("hush", f);
	fclose(f);
	paths[0] = path;
	seen_encrypted = 0;
	assert_int_equal(fg_node_offer_files(E->t[0].node, &d, paths, 1, "file",
	    NULL, NULL, &offer, err, sizeof(err)), 0);
	tn_settle(E, 500);
	assert_int_equal(rb->offers, offers + 1);
	assert_true(seen_encrypted >= 1);
	/* The file name is not in the datagram: the list travels encrypted. */
	assert_false(contains(captured, captured_len, "\xe7\xa7\x98", 3));
	assert_true(captured_len > 0);
	{
		struct fg_packet pkt;

		assert_int_equal(fg_packet_parse(captured, captured_len, &pkt), 0);
		assert_true(pkt.command & FG_OPT_ENCEXTMSG);
	}
	(void)nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* Re-sends a captured datagram from another port of node 0's address. */
static void
inject(const uint8_t *p, size_t len, int to)
{
	struct sockaddr_in me, sa;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	inet_pton(AF_INET, E->t[0].addr, &me.sin_addr);
	assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
	sa = me;
	sa.sin_port = htons(E->port);
	inet_pton(AF_INET, E->t[to].addr, &sa.sin_addr);
	assert_true(sendto(s, p, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)len);
	close(s);
}

static void
test_tampered_ciphertext_rejected(void **state)
{
	struct tn_rec *rb = &E->t[1].rec;
	uint8_t copy[8192];
	char *c, *last;
	size_t len;
	int base, sec = E->t[1].security;
	struct fg_packet pkt;

	(void)state;
	assert_int_equal(send_text(0, 1, "original"), 0);
	len = captured_len;
	memcpy(copy, captured, len);
	base = rb->nmsg;
	/* A new packet number (not a duplicate), and one changed byte of the body. */
	assert_int_equal(fg_packet_parse(copy, len, &pkt), 0);
	/* A number far from any sent before, so it is not taken for a duplicate. */
	c = (char *)(uintptr_t)pkt.pktno_str.p;
	c[1] = c[1] == '1' ? '2' : '1';
	last = memchr(pkt.extra.p, ':', pkt.extra.len);
	assert_non_null(last);
	last = memchr(last + 1, ':', (size_t)(pkt.extra.p + pkt.extra.len - (uint8_t *)last - 1));
	assert_non_null(last);
	last[3] = last[3] == 'A' ? 'B' : 'A';
	inject(copy, len, 1);
	tn_settle(E, 400);
	assert_int_equal(rb->nmsg, base);
	assert_true(E->t[1].security > sec);
}

static void
test_plain_peer_unaffected(void **state)
{
	struct tn_rec *rc = &E->t[2].rec;
	int base = rc->nmsg;

	(void)state;
	/* Node 2 has no keys: A talks to it in clear, and it answers in clear. */
	assert_int_equal(send_text(0, 2, "in the clear"), 0);
	assert_int_equal(rc->nmsg, base + 1);
	assert_string_equal(rc->text[base], "in the clear");
	seen_encrypted = seen_clear = 0;
	assert_int_equal(send_text(2, 1, "plain to B"), 0);
	assert_int_equal(seen_clear, 1);
	assert_false(E->t[1].last_encrypted);
}

static int
xfers_done(void *arg)
{
	return E->t[1].rec.xfers_done >= *(int *)arg;
}

/* Files between two nodes that both can: signed requests, encrypted data. */
static void
test_encrypted_file_data(void **state)
{
	char dir[64], path[2][160], dst[64], out[256], err[128], sub[200];
	const char *paths[2];
	struct tn_rec *rb = &E->t[1].rec;
	struct fg_dest d = tn_dest(E, 1);
	uint64_t offer, xfer;
	int offers = rb->offers, want, i, ups = E->t[0].uploads_encrypted;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/fgsec-e-XXXXXX");
	snprintf(dst, sizeof(dst), "/tmp/fgsec-d-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(dst));
	snprintf(path[0], sizeof(path[0]), "%s/大文件.bin", dir);
	f = fopen(path[0], "w");
	for (i = 0; i < 700000; i++)
		fputc(i * 7 % 251, f);
	fclose(f);
	snprintf(path[1], sizeof(path[1]), "%s/文件夹", dir);
	assert_int_equal(mkdir(path[1], 0755), 0);
	snprintf(sub, sizeof(sub), "%s/小.txt", path[1]);
	f = fopen(sub, "w");
	fputs("small and secret", f);
	fclose(f);
	paths[0] = path[0];
	paths[1] = path[1];
	assert_int_equal(fg_node_offer_files(E->t[0].node, &d, paths, 2, "files",
	    NULL, NULL, &offer, err, sizeof(err)), 0);
	tn_settle(E, 500);
	assert_int_equal(rb->offers, offers + 1);
	want = rb->xfers_done + 1;
	assert_int_equal(fg_node_accept(E->t[1].node, rb->last_offer, NULL, 0, dst,
	    0, NULL, &xfer, err, sizeof(err)), 0);
	assert_true(tn_run_until(E, xfers_done, &want, 10000));
	assert_int_equal(rb->xfer_status, 0);
	assert_true(rb->xfer_encrypted);
	tn_settle(E, 300);
	assert_int_equal(E->t[0].uploads_encrypted, ups + 2);
	snprintf(out, sizeof(out), "%s/大文件.bin", dst);
	{
		FILE *a = fopen(path[0], "rb"), *b = fopen(out, "rb");
		int ca, cb;

		assert_non_null(a);
		assert_non_null(b);
		do {
			ca = fgetc(a);
			cb = fgetc(b);
			assert_int_equal(ca, cb);
		} while (ca != EOF);
		fclose(a);
		fclose(b);
	}
	snprintf(out, sizeof(out), "%s/文件夹/小.txt", dst);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(sub, sizeof(sub), f));
	fclose(f);
	assert_string_equal(sub, "small and secret");
	(void)nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	(void)nftw(dst, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static void
test_changed_key_refused(void **state)
{
	char err[256];
	int sec = E->t[1].security, i = 0;

	(void)state;
	/* A comes back with a new key under the same name: B refuses it. */
	tn_stop(E, i);
	fg_keystore_free(E->t[i].ks);
	(void)nftw(homes[i], rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	assert_non_null(mkdtemp(strcpy(homes[i], "/tmp/fgsec-XXXXXX")));
	assert_int_equal(fg_keystore_open(homes[i], &E->t[i].ks, err, sizeof(err)), 0);
	assert_int_equal(tn_start(E, i), 0);
	assert_true(tn_run_until(E, tn_all_see_all, E, 5000));
	/* B's held message to A asks for A's key; the answer is refused. */
	(void)send_text(1, 0, "who are you now?");
	tn_settle(E, 300);
	assert_true(E->t[1].security > sec);
	{
		const struct fg_peer *p = fg_peers_find(fg_node_peers(E->t[1].node),
		    E->t[0].user, "testhost");

		assert_non_null(p);
		assert_true(p->key_refused);
		/* Trusting it explicitly pins the new key; forgetting drops the pin. */
		assert_int_equal(fg_node_key_trust(E->t[1].node, (struct fg_peer *)(uintptr_t)p,
		    err, sizeof(err)), 0);
		assert_false(p->key_refused);
		assert_int_equal(fg_node_key_forget(E->t[1].node, p->user, p->host,
		    err, sizeof(err)), 0);
		assert_int_equal(fg_node_key_forget(E->t[1].node, E->t[0].user, "testhost",
		    err, sizeof(err)), FG_ERR_NOT_FOUND);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encrypted_and_signed),
		cmocka_unit_test(test_offer_list_inside_ciphertext),
		cmocka_unit_test(test_tampered_ciphertext_rejected),
		cmocka_unit_test(test_plain_peer_unaffected),
		cmocka_unit_test(test_encrypted_file_data),
		cmocka_unit_test(test_changed_key_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
