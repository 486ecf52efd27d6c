/* Unit tests: the attachment list (SENDMSG|FILEATTACHOPT). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "buf.h"
#include "feige/feige.h"
#include "packet.h"
#include "proto.h"
#include "vectors.h"

static void
test_v3_decode_encode(void **state)
{
	uint8_t *d;
	size_t n, i;
	struct fg_packet pkt;
	struct fg_attach_list l;
	struct fg_buf b;
	char text[64];

	(void)state;
	assert_int_equal(fgt_vector_load("V3", &d, &n), 0);
	assert_int_equal(n, 104);
	assert_int_equal(fg_packet_parse(d, n, &pkt), 0);
	assert_int_equal(pkt.command, FG_CMD_SENDMSG | FG_OPT_SENDCHECK |
	    FG_OPT_FILEATTACH | FG_OPT_UTF8 | FG_OPT_CAPUTF8);
	assert_int_equal(pkt.pktno, 0x6553f101);
	assert_int_equal(fg_span_cstr(pkt.extra, text, sizeof(text)), 0);
	assert_string_equal(text, "See attached");
	assert_int_equal(pkt.nsect, 1);
	assert_int_equal(fg_attach_parse(pkt.sect[0].p, pkt.sect[0].len, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].fid, 0);
	assert_string_equal(l.v[0].name, "report:v2.txt");
	assert_int_equal(l.v[0].size, 6699);
	assert_int_equal(l.v[0].mtime, 0x6553f100);
	assert_int_equal(FG_FILE_TYPE(l.v[0].attr), FG_FILE_REGULAR);
	assert_int_equal(l.v[1].fid, 1);
	assert_string_equal(l.v[1].name, "photos");
	assert_int_equal(l.v[1].size, 0);
	assert_int_equal(FG_FILE_TYPE(l.v[1].attr), FG_FILE_DIR);

	fg_buf_init(&b, FG_MAX_DATAGRAM);
	assert_int_equal(fg_packet_put_header(&b, 1700000001, "alice", "PC01", pkt.command), 0);
	assert_int_equal(fg_buf_put_str(&b, "See attached"), 0);
	assert_int_equal(fg_buf_put_u8(&b, 0), 0);
	for (i = 0; i < l.n; i++)
		assert_int_equal(fg_attach_put(&b, &l.v[i]), 0);
	assert_int_equal(fg_buf_put_u8(&b, 0), 0);
	assert_int_equal(fg_buf_len(&b), n);
	assert_memory_equal(fg_buf_ptr(&b), d, n);
	fg_buf_release(&b);
	fg_attach_list_free(&l);
	fg_attach_list_free(NULL);
	free(d);
}

/* Every separator the reference clients write between entries parses the same. */
static void
test_separator_variants(void **state)
{
	const char *lists[] = {
		"1:a:10:20:1:\a2:b:0:20:2:\a",		/* official ":\a" */
		"1:a:10:20:1:\a:2:b:0:20:2:\a:",	/* ":\a:" */
		"1:a:10:20:1\a:2:b:0:20:2\a:",		/* "\a:" */
		"1:a:10:20:1\a2:b:0:20:2\a",		/* "\a" */
		"1:a:10:20:1:\a2:b:0:20:2:",		/* last one without '\a' */
		"1:a:10:20:1\a2:b:0:20:2",		/* seed-notes style, no trailing ':' */
		"1:a:10:20:1:\a\a2:b:0:20:2:\a\a",	/* stray empty entries */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct fg_attach_list l;

		assert_int_equal(fg_attach_parse(lists[i], strlen(lists[i]), &l), 0);
		assert_int_equal(l.n, 2);
		assert_int_equal(l.v[0].fid, 1);
		assert_string_equal(l.v[0].name, "a");
		assert_int_equal(l.v[0].size, 0x10);
		assert_int_equal(l.v[0].mtime, 0x20);
		assert_int_equal(l.v[0].attr, 1);
		assert_int_equal(l.v[1].fid, 2);
		assert_string_equal(l.v[1].name, "b");
		assert_int_equal(l.v[1].attr, 2);
		fg_attach_list_free(&l);
	}
}

static void
test_names_colons_cjk(void **state)
{
	const struct {
		const char *wire, *name;
	} t[] = {
		{ "0:a::b:1:2:1:\a", "a:b" },
		{ "0:::x:1:2:1:\a", ":x" },
		{ "0:x:::1:2:1:\a", "x:" },
		{ "0:a::::b:1:2:1:\a", "a::b" },
		/* GBK "报告:v2.txt" */
		{ "0:\xb1\xa8\xb8\xe6::v2.txt:1:2:1:\a", "\xb1\xa8\xb8\xe6:v2.txt" },
		/* UTF-8 "报告:v2.txt" */
		{ "0:\xe6\x8a\xa5\xe5\x91\x8a::v2.txt:1:2:1:\a", "\xe6\x8a\xa5\xe5\x91\x8a:v2.txt" },
		/* GBK trail bytes may be '{' or '|' etc.; never ':' */
		{ "0:\x81\x7b\x81\x7c.txt:1:2:1:\a", "\x81\x7b\x81\x7c.txt" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct fg_attach_list l;
		struct fg_buf b;

		assert_int_equal(fg_attach_parse(t[i].wire, strlen(t[i].wire), &l), 0);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.v[0].name, t[i].name);
		/* Round trip to the same bytes. */
		fg_buf_init(&b, 1024);
		assert_int_equal(fg_attach_put(&b, &l.v[0]), 0);
		assert_int_equal(fg_buf_len(&b), strlen(t[i].wire));
		assert_memory_equal(fg_buf_ptr(&b), t[i].wire, strlen(t[i].wire));
		fg_buf_release(&b);
		fg_attach_list_free(&l);
	}
}

static void
test_extended_attributes(void **state)
{
	const char *wire = "7:pic.png:400:6553f100:20:8=1f:16=6553f0ff:10=1a4:99=5,6:14=6553f101:\a";
	struct fg_attach_list l;
	struct fg_buf b;
	struct fg_attach a;

	(void)state;
	assert_int_equal(fg_attach_parse(wire, strlen(wire), &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].attr, FG_FILE_CLIPBOARD);
	assert_true(l.v[0].has_clip_pos);
	assert_int_equal(l.v[0].clip_pos, 0x1f);
	assert_true(l.v[0].has_ctime);
	assert_int_equal(l.v[0].ctime, 0x6553f0ff);
	assert_true(l.v[0].has_perm);
	assert_int_equal(l.v[0].perm, 0644);
	assert_int_equal(l.v[0].mtime, 0x6553f101);	/* by key, over the field */
	fg_attach_list_free(&l);

	memset(&a, 0, sizeof(a));
	a.fid = 3;
	snprintf(a.name, sizeof(a.name), "x");
	a.size = 0x100000000ULL;
	a.mtime = 1;
	a.attr = FG_FILE_REGULAR;
	a.ctime = 2;
	a.has_ctime = 1;
	fg_buf_init(&b, 1024);
	assert_int_equal(fg_attach_put(&b, &a), 0);
	assert_int_equal(fg_buf_terminate(&b), 0);
	assert_string_equal((const char *)fg_buf_ptr(&b), "3:x:100000000:1:1:16=2:\a");
	fg_buf_release(&b);
}

static void
test_malformed_lists(void **state)
{
	const char *bad[] = {
		"x:a:1:2:1:\a",		/* non-decimal ID */
		"1::1:2:1:\a",		/* empty name reads as an escape, then runs out */
		"1:a:zz:2:1:\a",	/* non-hex size */
		"1:a:1:2:\a",		/* missing attr */
		"1:a:1\a",		/* too few fields */
		"1:a:1:2:1:k:\a",	/* xattr without '=' */
		"1:a:1:2:1:zz=1:\a",	/* non-hex xattr key */
		"1:a:11111111111111111:2:1:\a",	/* size over 64 bits */
		"4294967296:a:1:2:1:\a",	/* ID over 32 bits */
		"1:a:1:2:1:\a2:b:1:2",	/* a broken second entry */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fg_attach_list l;

		assert_int_not_equal(fg_attach_parse(bad[i], strlen(bad[i]), &l), 0);
		assert_null(l.v);
		assert_int_equal(l.n, 0);
	}
}

static void
test_limits(void **state)
{
	struct fg_buf b;
	struct fg_attach_list l;
	struct fg_attach a;
	size_t i;
	char *name;

	(void)state;
	/* Empty list. */
	assert_int_equal(fg_attach_parse("", 0, &l), 0);
	assert_int_equal(l.n, 0);
	/* FG_MAX_ATTACH entries parse; one more is refused. */
	fg_buf_init(&b, 1 << 20);
	for (i = 0; i <= FG_MAX_ATTACH; i++) {
		if (i == FG_MAX_ATTACH) {
			assert_int_equal(fg_attach_parse(fg_buf_ptr(&b), fg_buf_len(&b), &l), 0);
			assert_int_equal(l.n, FG_MAX_ATTACH);
			fg_attach_list_free(&l);
		}
		assert_int_equal(fg_buf_putf(&b, "%zu:f%zu:1:2:1:\a", i, i), 0);
	}
	assert_int_equal(fg_attach_parse(fg_buf_ptr(&b), fg_buf_len(&b), &l), FG_ERR_LIMIT);
	assert_null(l.v);
	fg_buf_release(&b);
	/* A name of FG_MAX_FILENAME bytes fits; one more byte does not. */
	name = malloc(FG_MAX_FILENAME + 2);
	assert_non_null(name);
	memset(name, 'n', FG_MAX_FILENAME + 1);
	name[FG_MAX_FILENAME] = '\0';
	fg_buf_init(&b, 4096);
	assert_int_equal(fg_buf_putf(&b, "1:%s:1:2:1:\a", name), 0);
	assert_int_equal(fg_attach_parse(fg_buf_ptr(&b), fg_buf_len(&b), &l), 0);
	assert_int_equal(strlen(l.v[0].name), FG_MAX_FILENAME);
	fg_attach_list_free(&l);
	fg_buf_reset(&b);
	name[FG_MAX_FILENAME] = 'n';
	name[FG_MAX_FILENAME + 1] = '\0';
	assert_int_equal(fg_buf_putf(&b, "1:%s:1:2:1:\a", name), 0);
	assert_int_equal(fg_attach_parse(fg_buf_ptr(&b), fg_buf_len(&b), &l), FG_ERR_LIMIT);
	fg_buf_release(&b);
	free(name);
	/* The encoder refuses names that would break the list. */
	memset(&a, 0, sizeof(a));
	fg_buf_init(&b, 64);
	assert_int_equal(fg_attach_put(&b, &a), FG_ERR_INVAL);
	snprintf(a.name, sizeof(a.name), "a\ab");
	assert_int_equal(fg_attach_put(&b, &a), FG_ERR_INVAL);
	fg_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v3_decode_encode),
		cmocka_unit_test(test_separator_variants),
		cmocka_unit_test(test_names_colons_cjk),
		cmocka_unit_test(test_extended_attributes),
		cmocka_unit_test(test_malformed_lists),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
