/* Unit tests: packet header, entry payloads, file requests and host lists,
 * checked against the vectors in tests/data/vectors.txt. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entry.h"
#include "feige/feige.h"
#include "filereq.h"
#include "hostlist.h"
#include "packet.h"
#include "proto.h"
#include "vectors.h"

struct vec {
	uint8_t	*d;
	size_t	 n;
};

static struct vec
load(const char *id)
{
	struct vec v = { NULL, 0 };

	assert_int_equal(fgt_vector_load(id, &v.d, &v.n), 0);
	return v;
}

static void
assert_span(struct fg_span s, const char *want)
{
	char got[1024];

	assert_int_equal(fg_span_cstr(s, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

static void
assert_bytes(const struct fg_buf *b, const struct vec *v)
{
	assert_int_equal(fg_buf_len(b), v->n);
	assert_memory_equal(fg_buf_ptr(b), v->d, v->n);
}

static void
test_v1_entry(void **state)
{
	struct vec v = load("V1");
	struct fg_packet pkt;
	struct fg_entry e;
	struct fg_buf b;
	struct fg_entry_out eo = { "Alice", "Dev", "alice", "PC01", "Alice", "Dev", NULL, NULL };

	(void)state;
	assert_int_equal(v.n, 76);
	assert_int_equal(fg_packet_parse(v.d, v.n, &pkt), 0);
	assert_int_equal(pkt.ver, 1);
	assert_int_equal(pkt.vendor.len, 0);
	assert_int_equal(pkt.pktno, 1700000000);
	assert_span(pkt.user, "alice");
	assert_span(pkt.host, "PC01");
	assert_int_equal(pkt.command, 0x01200001);
	assert_int_equal(fg_packet_mode(&pkt), FG_CMD_BR_ENTRY);
	assert_true(pkt.command & FG_OPT_CAPUTF8);
	assert_int_equal(fg_entry_parse(&pkt, &e), 0);
	assert_span(e.nick, "Alice");
	assert_span(e.group, "Dev");
	assert_true(e.has_ext && e.has_un && e.has_hn && e.has_nn && e.has_gn);
	assert_false(e.has_vs);
	assert_span(e.un, "alice");
	assert_span(e.hn, "PC01");
	assert_span(e.nn, "Alice");
	assert_span(e.gn, "Dev");

	fg_buf_init(&b, FG_MAX_DATAGRAM);
	assert_int_equal(fg_packet_put_header(&b, 1700000000, "alice", "PC01", 0x01200001), 0);
	assert_int_equal(fg_entry_put(&b, &eo), 0);
	assert_bytes(&b, &v);
	fg_buf_release(&b);
	free(v.d);
}

static void
test_v1b_gbk_nick_no_group(void **state)
{
	struct vec v = load("V1b");
	struct fg_packet pkt;
	struct fg_entry e;
	struct fg_buf b;
	struct fg_entry_out eo = { "\xd5\xc5\xc8\xfd", "", "zhang", "PC03",
	    "\xe5\xbc\xa0\xe4\xb8\x89", "", NULL, NULL };

	(void)state;
	assert_int_equal(fg_packet_parse(v.d, v.n, &pkt), 0);
	assert_int_equal(fg_entry_parse(&pkt, &e), 0);
	assert_span(e.nick, "\xd5\xc5\xc8\xfd");
	assert_int_equal(e.group.len, 0);
	assert_true(e.has_ext);
	assert_span(e.nn, "\xe5\xbc\xa0\xe4\xb8\x89");
	assert_true(e.has_gn);
	assert_int_equal(e.gn.len, 0);

	fg_buf_init(&b, FG_MAX_DATAGRAM);
	assert_int_equal(fg_packet_put_header(&b, 1700000000, "zhang", "PC03", 0x01200001), 0);
	assert_int_equal(fg_entry_put(&b, &eo), 0);
	assert_bytes(&b, &v);
	fg_buf_release(&b);
	free(v.d);
}

static void
test_v2_ansentry(void **state)
{
	struct vec v = load("V2");
	struct fg_packet pkt;
	struct fg_entry e;
	struct fg_buf b;
	struct fg_entry_out eo = { "Bob", "QA", NULL, NULL, NULL, NULL, NULL, NULL };

	(void)state;
	assert_int_equal(fg_packet_parse(v.d, v.n, &pkt), 0);
	assert_int_equal(fg_packet_mode(&pkt), FG_CMD_ANSENTRY);
	assert_int_equal(pkt.command, FG_CMD_ANSENTRY | FG_OPT_FILEATTACH |
	    FG_OPT_UTF8 | FG_OPT_CAPUTF8);
	assert_int_equal(fg_entry_parse(&pkt, &e), 0);
	assert_span(e.nick, "Bob");
	assert_span(e.group, "QA");
	assert_false(e.has_ext);
	assert_int_equal(pkt.nsect, 1);

	fg_buf_init(&b, FG_MAX_DATAGRAM);
	assert_int_equal(fg_packet_put_header(&b, 1700000100, "bob", "PC02", pkt.command), 0);
	assert_int_equal(fg_entry_put(&b, &eo), 0);
	assert_bytes(&b, &v);
	fg_buf_release(&b);
	free(v.d);
}

static void
test_v4_v8_recvmsg_readmsg(void **state)
{
	const char *ids[] = { "V4", "V8" };
	const uint32_t cmds[] = { FG_CMD_RECVMSG, FG_CMD_READMSG | FG_OPT_READCHECK };
	const uint64_t nos[] = { 1700000101, 1700000105 };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct vec v = load(ids[i]);
		struct fg_packet pkt;
		struct fg_buf b;
		uint64_t orig;

		assert_int_equal(fg_packet_parse(v.d, v.n, &pkt), 0);
		assert_int_equal(pkt.command, cmds[i]);
		assert_int_equal(pkt.pktno, nos[i]);
		assert_int_equal(fg_span_dec(pkt.extra, UINT64_MAX, &orig), 0);
		assert_int_equal(orig, 1700000001);
		fg_buf_init(&b, FG_MAX_DATAGRAM);
		assert_int_equal(fg_packet_put_header(&b, nos[i], "bob", "PC02", cmds[i]), 0);
		assert_int_equal(fg_buf_putf(&b, "%u", 1700000001U), 0);
		assert_int_equal(fg_buf_put_u8(&b, 0), 0);
		assert_bytes(&b, &v);
		fg_buf_release(&b);
		free(v.d);
	}
}

static void
test_v5_v6_file_requests(void **state)
{
	const struct {
		const char	*id;
		uint64_t	 no;
		uint32_t	 cmd, fid;
		uint64_t	 off;
	} t[] = {
		{ "V5", 1700000102, FG_CMD_GETFILEDATA | FG_OPT_UTF8, 0, 0 },
		{ "V5b", 1700000104, FG_CMD_GETFILEDATA | FG_OPT_UTF8, 0, 0x1000 },
		{ "V6", 1700000103, FG_CMD_GETDIRFILES | FG_OPT_UTF8, 1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct vec v = load(t[i].id);
		struct fg_packet pkt;
		struct fg_filereq req;
		struct fg_buf b;

		assert_int_equal(fg_packet_parse(v.d, v.n, &pkt), 0);
		assert_int_equal(pkt.command, t[i].cmd);
		assert_int_equal(fg_filereq_parse(&pkt, &req), 0);
		assert_int_equal(req.mode, FG_CMD_MODE(t[i].cmd));
		assert_int_equal(req.pktno, 0x6553f101);
		assert_int_equal(req.fid, t[i].fid);
		assert_int_equal(req.offset, t[i].off);
		fg_buf_init(&b, FG_MAX_DATAGRAM);
		assert_int_equal(fg_packet_put_header(&b, t[i].no, "bob", "PC02", t[i].cmd), 0);
		assert_int_equal(fg_filereq_put(&b, &req), 0);
		assert_int_equal(fg_buf_put_u8(&b, 0), 0);
		assert_bytes(&b, &v);
		fg_buf_release(&b);
		free(v.d);
	}
}

/* iptux's request forms: no trailing ':' and a ":0" after GETDIRFILES. */
static void
test_iptux_request_forms(void **state)
{
	const char *getdata = "1_iptux 0.8.3:7:u:h:2097248:6553f101:2:1a";
	const char *getdir = "1_iptux 0.8.3:8:u:h:98:6553f101:3:0";
	const char *release = "1:9:u:h:97:1700000001";
	struct fg_packet pkt;
	struct fg_filereq req;

	(void)state;
	assert_int_equal(fg_packet_parse(getdata, strlen(getdata), &pkt), 0);
	assert_true(fg_packet_is_iptux(&pkt));
	assert_int_equal(fg_filereq_parse(&pkt, &req), 0);
	assert_int_equal(req.fid, 2);
	assert_int_equal(req.offset, 0x1a);
	assert_int_equal(fg_packet_parse(getdir, strlen(getdir), &pkt), 0);
	assert_int_equal(fg_filereq_parse(&pkt, &req), 0);
	assert_int_equal(req.mode, FG_CMD_GETDIRFILES);
	assert_int_equal(req.fid, 3);
	assert_int_equal(fg_packet_parse(release, strlen(release), &pkt), 0);
	assert_int_equal(fg_filereq_parse(&pkt, &req), 0);
	assert_int_equal(req.pktno, 1700000001);
	/* Malformed: non-hex file ID, missing fields, wrong mode. */
	{
		const char *bad[] = { "1:1:u:h:96:zz:1:0:", "1:1:u:h:96:12", "1:1:u:h:96:",
		    "1:1:u:h:32:1:2:3:", "1:1:u:h:97:12x" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(fg_packet_parse(bad[i], strlen(bad[i]), &pkt), 0);
			assert_int_not_equal(fg_filereq_parse(&pkt, &req), 0);
			assert_int_equal(req.pktno, 0);
		}
	}
}

/* The packet from the seed notes, with its Chinese names in GBK. */
static void
test_feiq_seed_packet(void **state)
{
	const char raw[] = "1_lbt80_0#128#107D1A0B2AB9#1753#0#0#4000#9:1509276943:"
	    "\xb8\xe8\xd5\xdf:\xa1\xb0\xc0\xee\xcf\xe0\xba\xd5\xa1\xb1:96:59f59258:0:0:";
	struct fg_packet pkt;
	struct fg_filereq req;

	(void)state;
	assert_int_equal(fg_packet_parse(raw, sizeof(raw) - 1, &pkt), 0);
	assert_int_equal(pkt.ver, 1);
	assert_span(pkt.vendor, "_lbt80_0#128#107D1A0B2AB9#1753#0#0#4000#9");
	assert_true(fg_packet_is_feiq(&pkt));
	assert_false(fg_packet_is_iptux(&pkt));
	assert_int_equal(pkt.pktno, 1509276943);
	assert_span(pkt.user, "\xb8\xe8\xd5\xdf");
	assert_span(pkt.host, "\xa1\xb0\xc0\xee\xcf\xe0\xba\xd5\xa1\xb1");
	assert_int_equal(fg_packet_mode(&pkt), FG_CMD_GETFILEDATA);
	assert_int_equal(fg_filereq_parse(&pkt, &req), 0);
	assert_int_equal(req.pktno, 0x59f59258);
	assert_int_equal(req.fid, 0);
	assert_int_equal(req.offset, 0);
}

static void
test_header_edge_cases(void **state)
{
	struct fg_packet pkt;
	const char text[] = "1:5:u:h:32:a:b:c\0";
	char padded[128];
	struct fg_buf b;

	(void)state;
	/* Message text keeps its colons. */
	assert_int_equal(fg_packet_parse(text, sizeof(text) - 1, &pkt), 0);
	assert_span(pkt.extra, "a:b:c");
	/* 64 NULs of padding after the last section are ignored. */
	memset(padded, 0, sizeof(padded));
	memcpy(padded, "1:5:u:h:32:hi", 13);
	assert_int_equal(fg_packet_parse(padded, sizeof(padded), &pkt), 0);
	assert_span(pkt.extra, "hi");
	assert_int_equal(pkt.nsect, 0);
	/* No extra at all. */
	assert_int_equal(fg_packet_parse("1:5:u:h:64", 10, &pkt), 0);
	assert_int_equal(pkt.command, FG_CMD_GETINFO);
	assert_int_equal(pkt.extra.len, 0);
	/* Malformed headers are refused and leave the output cleared. */
	{
		const char *bad[] = { "", "1", "1:2:3:4", "x:1:u:h:32:", "1:x:u:h:32:",
		    "1:1:u:h:zz:", "1:1:u:h:4294967296:", "1:99999999999999999999999:u:h:1:",
		    "\0:1:u:h:1:" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_not_equal(fg_packet_parse(bad[i], strlen(bad[i]) +
			    (i == 8 ? 9 : 0), &pkt), 0);
			assert_int_equal(pkt.command, 0);
			assert_null(pkt.user.p);
		}
	}
	/* Too long: a datagram over the limit, a user name over the limit. */
	{
		char *big = calloc(1, FG_MAX_DATAGRAM + 2);

		assert_non_null(big);
		memcpy(big, "1:1:u:h:32:", 11);
		memset(big + 11, 'a', FG_MAX_DATAGRAM - 11);
		assert_int_equal(fg_packet_parse(big, FG_MAX_DATAGRAM, &pkt), 0);
		assert_int_equal(fg_packet_parse(big, FG_MAX_DATAGRAM + 1, &pkt), FG_ERR_LIMIT);
		memcpy(big, "1:1:", 4);
		memset(big + 4, 'u', FG_MAX_NAME + 1);
		memcpy(big + 4 + FG_MAX_NAME + 1, ":h:32:", 6);
		assert_int_equal(fg_packet_parse(big, 4 + FG_MAX_NAME + 7, &pkt), FG_ERR_LIMIT);
		free(big);
	}
	/* Building refuses names the official parser would misread. */
	fg_buf_init(&b, 64);
	assert_int_equal(fg_packet_put_header(&b, 1, "", "h", 1), FG_ERR_INVAL);
	assert_int_equal(fg_packet_put_header(&b, 1, "a:b", "h", 1), FG_ERR_INVAL);
	assert_int_equal(fg_packet_put_header(&b, 1, "u", "h", 1), 0);
	/* The buffer's max bounds what a builder may write. */
	assert_int_equal(fg_buf_putf(&b, "%070d", 0), FG_ERR_LIMIT);
	fg_buf_release(&b);
}

static void
test_iptux_entry_sections(void **state)
{
	const char raw[] = "1_iptux 0.8.3:3:me:box:16777473:Nick\0Grp\0icon.png\0utf-8";
	struct fg_packet pkt;
	struct fg_entry e;

	(void)state;
	assert_int_equal(fg_packet_parse(raw, sizeof(raw) - 1, &pkt), 0);
	assert_true(fg_packet_is_iptux(&pkt));
	assert_span(pkt.vendor, "_iptux 0.8.3");
	assert_int_equal(fg_entry_parse(&pkt, &e), 0);
	assert_span(e.nick, "Nick");
	assert_span(e.group, "Grp");
	assert_false(e.has_ext);
	assert_span(e.icon, "icon.png");
	assert_span(e.charset, "utf-8");
}

static void
test_v9_anslist(void **state)
{
	struct vec v = load("V9");
	struct fg_packet pkt;
	struct fg_hostlist hl;
	struct fg_hostent he[2], x;
	struct fg_buf b;
	int i;

	(void)state;
	assert_int_equal(fg_packet_parse(v.d, v.n, &pkt), 0);
	assert_int_equal(fg_packet_mode(&pkt), FG_CMD_ANSLIST);
	assert_int_equal(fg_hostlist_begin(&hl, pkt.extra), 0);
	assert_int_equal(hl.cont, 0);
	assert_int_equal(hl.count, 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(fg_hostlist_next(&hl, &he[i]), 0);
	assert_int_equal(fg_hostlist_next(&hl, &x), FG_ERR_NOT_FOUND);
	assert_span(he[0].user, "bob");
	assert_span(he[0].host, "PC02");
	assert_int_equal(he[0].status, 18874371);
	assert_span(he[0].addr, "192.168.1.20");
	assert_int_equal(he[0].port, 2425);
	assert_span(he[0].nick, "Bob");
	assert_span(he[0].group, "QA");
	assert_span(he[1].user, "carol");
	assert_int_equal(he[1].nick.len, 0);
	assert_int_equal(he[1].group.len, 0);

	fg_buf_init(&b, FG_MAX_DATAGRAM);
	assert_int_equal(fg_packet_put_header(&b, 1700000300, "bob", "PC02", pkt.command), 0);
	assert_int_equal(fg_hostlist_put_header(&b, 0, 2), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(fg_hostlist_put_host(&b, &he[i]), 0);
	assert_int_equal(fg_buf_put_u8(&b, 0), 0);
	assert_bytes(&b, &v);
	fg_buf_release(&b);
	free(v.d);
}

static void
test_hostlist_hostile(void **state)
{
	struct fg_hostlist hl;
	struct fg_hostent he;
	uint32_t start;

	(void)state;
	/* A count over the limit is refused before any host is read. */
	assert_int_equal(fg_hostlist_begin(&hl, fg_span_str("    0\a99999\a")), FG_ERR_LIMIT);
	/* A count larger than what follows ends with an error, not a read past the end. */
	assert_int_equal(fg_hostlist_begin(&hl, fg_span_str("    0\a    3\au\ah\a1\a1.2.3.4\a30985\an\ag\a")), 0);
	assert_int_equal(fg_hostlist_next(&hl, &he), 0);
	assert_int_equal(fg_hostlist_next(&hl, &he), FG_ERR_FORMAT);
	assert_int_equal(fg_hostlist_next(&hl, &he), FG_ERR_NOT_FOUND);
	/* Bad port, bad status. */
	assert_int_equal(fg_hostlist_begin(&hl, fg_span_str("0\a1\au\ah\a1\a1.2.3.4\a70000\an\ag\a")), 0);
	assert_int_equal(fg_hostlist_next(&hl, &he), FG_ERR_RANGE);
	assert_int_equal(fg_hostlist_begin(&hl, fg_span_str("0\a1\au\ah\ax\a1.2.3.4\a1\an\ag\a")), 0);
	assert_int_equal(fg_hostlist_next(&hl, &he), FG_ERR_FORMAT);
	assert_int_equal(fg_hostlist_parse_start(fg_span_str(""), &start), 0);
	assert_int_equal(start, 0);
	assert_int_equal(fg_hostlist_parse_start(fg_span_str("12"), &start), 0);
	assert_int_equal(start, 12);
	assert_int_not_equal(fg_hostlist_parse_start(fg_span_str("1x"), &start), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_entry),
		cmocka_unit_test(test_v1b_gbk_nick_no_group),
		cmocka_unit_test(test_v2_ansentry),
		cmocka_unit_test(test_v4_v8_recvmsg_readmsg),
		cmocka_unit_test(test_v5_v6_file_requests),
		cmocka_unit_test(test_iptux_request_forms),
		cmocka_unit_test(test_feiq_seed_packet),
		cmocka_unit_test(test_header_edge_cases),
		cmocka_unit_test(test_iptux_entry_sections),
		cmocka_unit_test(test_v9_anslist),
		cmocka_unit_test(test_hostlist_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
