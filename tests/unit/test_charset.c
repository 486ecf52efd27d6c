/*
 * test_charset: conversions, UTF-8 validation, boundary cuts, the FeiQ font
 * block and the per-peer charset rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "charset.h"
#include "feige/feige.h"
#include "proto.h"

#define FFFD		"\xef\xbf\xbd"
#define ZHANG_UTF8	"\xe5\xbc\xa0\xe4\xb8\x89"	/* 张三 */
#define ZHANG_GBK	"\xd5\xc5\xc8\xfd"
#define TESTO_UTF8	"\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"	/* テスト */
#define TESTO_CP932	"\x83\x65\x83\x58\x83\x67"
#define EMOJI		"\xf0\x9f\x98\x80"		/* 😀 */

#define FEIQ_VERSION	"1_lbt6_0#128#001122334455#0#0#0#4001#9"
#define IPTUX_VERSION	"1_iptux 0.8.3"

/* Converts with fn and checks the output bytes are exactly want. */
static void
check_conv(int (*fn)(enum fg_charset, const void *, size_t, struct fg_buf *),
    enum fg_charset cs, const char *in, size_t inlen, const char *want,
    size_t wantlen)
{
	struct fg_buf b;

	fg_buf_init(&b, 65536);
	assert_int_equal(fn(cs, in, inlen, &b), 0);
	assert_int_equal(fg_buf_len(&b), wantlen);
	assert_memory_equal(fg_buf_ptr(&b), want, wantlen);
	fg_buf_release(&b);
}

#define TO_UTF8(cs, in, want) \
	check_conv(fg_charset_to_utf8, cs, in, sizeof(in) - 1, want, sizeof(want) - 1)
#define FROM_UTF8(cs, in, want) \
	check_conv(fg_charset_from_utf8, cs, in, sizeof(in) - 1, want, sizeof(want) - 1)

/* UTF-8 -> cs -> UTF-8 must give back the same bytes. */
static void
check_round_trip(enum fg_charset cs, const char *s)
{
	struct fg_buf enc, dec;
	size_t n = strlen(s);

	fg_buf_init(&enc, 65536);
	fg_buf_init(&dec, 65536);
	assert_int_equal(fg_charset_from_utf8(cs, s, n, &enc), 0);
	assert_int_equal(fg_charset_to_utf8(cs, fg_buf_ptr(&enc),
	    fg_buf_len(&enc), &dec), 0);
	assert_int_equal(fg_buf_len(&dec), n);
	assert_memory_equal(fg_buf_ptr(&dec), s, n);
	fg_buf_release(&enc);
	fg_buf_release(&dec);
}

/* 1 when U+FFFD occurs in p[0..len). */
static int
has_fffd(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++) {
		if (memcmp(p + i, FFFD, 3) == 0)
			return 1;
	}
	return 0;
}

/* GBK 张三 both ways, byte-exact. */
static void
test_gbk_zhang(void **state)
{
	(void)state;
	FROM_UTF8(FG_CS_GBK, ZHANG_UTF8, ZHANG_GBK);
	TO_UTF8(FG_CS_GBK, ZHANG_GBK, ZHANG_UTF8);
	TO_UTF8(FG_CS_GB18030, ZHANG_GBK, ZHANG_UTF8);
	FROM_UTF8(FG_CS_GB18030, ZHANG_UTF8, ZHANG_GBK);
}

/* The seed FeiQ names survive UTF-8 -> GBK -> UTF-8; curly quotes are A1 B0/A1 B1. */
static void
test_gbk_feiq_names(void **state)
{
	(void)state;
	check_round_trip(FG_CS_GBK, "歌者");
	check_round_trip(FG_CS_GBK, "“李相赫”");
	FROM_UTF8(FG_CS_GBK, "“李相赫”", "\xa1\xb0\xc0\xee\xcf\xe0\xba\xd5\xa1\xb1");
	FROM_UTF8(FG_CS_GBK, "歌者", "\xb8\xe8\xd5\xdf");
	check_round_trip(FG_CS_GB18030, "“李相赫”");
}

/* CP932 テスト both ways. */
static void
test_cp932(void **state)
{
	(void)state;
	FROM_UTF8(FG_CS_CP932, TESTO_UTF8, TESTO_CP932);
	TO_UTF8(FG_CS_CP932, TESTO_CP932, TESTO_UTF8);
	check_round_trip(FG_CS_CP932, "テスト ｶﾀｶﾅ 漢字 abc");
	/* A bad trail byte: the lead becomes U+FFFD, the rest survives. */
	TO_UTF8(FG_CS_CP932, "a\x83\x20z", "a" FFFD " z");
	TO_UTF8(FG_CS_CP932, "ab\x83", "ab" FFFD);
}

/* Bad GBK: lone lead at the end, bad trail, bytes no GBK text has. */
static void
test_gbk_invalid(void **state)
{
	(void)state;
	TO_UTF8(FG_CS_GBK, ZHANG_GBK "\xd5", ZHANG_UTF8 FFFD);
	TO_UTF8(FG_CS_GBK, "\xd5\x20" "abc", FFFD " abc");
	TO_UTF8(FG_CS_GBK, "x\xff" ZHANG_GBK, "x" FFFD ZHANG_UTF8);
	TO_UTF8(FG_CS_GB18030, "\x80" "a", FFFD "a");
	/* An unfinished GB18030 four-byte sequence at the end. */
	TO_UTF8(FG_CS_GB18030, "ok\x81\x30\x81", "ok" FFFD);
	/* CP936's euro sign at 0x80 (not in GB18030, where it is A2 E3). */
	check_round_trip(FG_CS_GBK, "5€");
	TO_UTF8(FG_CS_GBK, "5\x80", "5€");
	TO_UTF8(FG_CS_GB18030, "5\x80", "5" FFFD);
	FROM_UTF8(FG_CS_GB18030, "€", "\xa2\xe3");
	/* NUL is data. */
	TO_UTF8(FG_CS_GBK, "a\0" ZHANG_GBK, "a\0" ZHANG_UTF8);
	TO_UTF8(FG_CS_GBK, "", "");
	FROM_UTF8(FG_CS_GBK, "", "");
}

/* Emoji: not in GBK or CP932 ('?'), round trip through GB18030 (94 39 FC 36). */
static void
test_emoji(void **state)
{
	(void)state;
	FROM_UTF8(FG_CS_GBK, "a" EMOJI "b", "a?b");
	FROM_UTF8(FG_CS_CP932, EMOJI, "?");
	FROM_UTF8(FG_CS_GB18030, EMOJI, "\x94\x39\xfc\x36");
	TO_UTF8(FG_CS_GB18030, "\x94\x39\xfc\x36", EMOJI);
	TO_UTF8(FG_CS_GBK, "\x94\x39\xfc\x36", EMOJI);
	check_round_trip(FG_CS_GB18030, "a" EMOJI ZHANG_UTF8 "€");
}

/* Invalid UTF-8 handed to from_utf8 becomes '?' (or U+FFFD for UTF-8). */
static void
test_from_utf8_invalid(void **state)
{
	(void)state;
	FROM_UTF8(FG_CS_GBK, "a\xc0\xaf" "b", "a??b");
	FROM_UTF8(FG_CS_GBK, "a\xff" ZHANG_UTF8, "a?" ZHANG_GBK);
	/* A truncated character is one maximal subpart: one '?'. */
	FROM_UTF8(FG_CS_GBK, "\xe5\xbc" "x", "?x");
	FROM_UTF8(FG_CS_GBK, ZHANG_UTF8 "\xe5\xbc", ZHANG_GBK "?");
	FROM_UTF8(FG_CS_CP932, "\xed\xa0\x80", "???");
	FROM_UTF8(FG_CS_UTF8, "a\xed\xa0\x80" "b", "a" FFFD FFFD FFFD "b");
	FROM_UTF8(FG_CS_UTF8, "a\xf4\x90\x80\x80", "a" FFFD FFFD FFFD FFFD);
	FROM_UTF8(FG_CS_UTF8, ZHANG_UTF8 "\xe4\xb8", ZHANG_UTF8 FFFD);
	TO_UTF8(FG_CS_UTF8, "\x80" EMOJI, FFFD EMOJI);
	FROM_UTF8(FG_CS_UTF8, "a\0b", "a\0b");
}

/* fg_utf8_valid is strict. */
static void
test_utf8_valid(void **state)
{
	(void)state;
	assert_true(fg_utf8_valid("", 0));
	assert_true(fg_utf8_valid(NULL, 0));
	assert_true(fg_utf8_valid("a\0b", 3));
	assert_true(fg_utf8_valid(ZHANG_UTF8 EMOJI, 10));
	assert_true(fg_utf8_valid("\xef\xbf\xbf\xf4\x8f\xbf\xbf\xc2\x80", 9));
	assert_true(fg_utf8_valid("\xed\x9f\xbf\xee\x80\x80", 6)); /* around surrogates */
	assert_false(fg_utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	assert_false(fg_utf8_valid("\xe0\x80\xaf", 3));	/* overlong */
	assert_false(fg_utf8_valid("\xf0\x8f\xbf\xbf", 4));	/* overlong */
	assert_false(fg_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(fg_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(fg_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(fg_utf8_valid("\xe5\xbc", 2));		/* truncated */
	assert_false(fg_utf8_valid(EMOJI, 3));
	assert_false(fg_utf8_valid("\x80", 1));
	assert_false(fg_utf8_valid("a\xfe", 2));
}

/* Cuts at every max of text (in cs) never split a character. */
static void
check_cuts(enum fg_charset cs, const char *utf8)
{
	struct fg_buf enc, dec;
	size_t len, max, n, prev = 0;

	fg_buf_init(&enc, 65536);
	fg_buf_init(&dec, 65536);
	assert_int_equal(fg_charset_from_utf8(cs, utf8, strlen(utf8), &enc), 0);
	len = fg_buf_len(&enc);
	for (max = 0; max <= len + 2; max++) {
		n = fg_charset_cut(cs, fg_buf_ptr(&enc), len, max);
		assert_true(n <= max && n <= len);
		assert_true(n >= prev);		/* monotonic */
		if (max >= len)
			assert_int_equal(n, len);
		/* No cut loses more than one (four-byte) character. */
		assert_true(n + 4 > (max < len ? max : len));
		fg_buf_reset(&dec);
		assert_int_equal(fg_charset_to_utf8(cs, fg_buf_ptr(&enc), n,
		    &dec), 0);
		assert_false(has_fffd(fg_buf_ptr(&dec), fg_buf_len(&dec)));
		/* The decoded prefix is a prefix of the text. */
		assert_memory_equal(fg_buf_ptr(&dec), utf8, fg_buf_len(&dec));
		prev = n;
	}
	fg_buf_release(&enc);
	fg_buf_release(&dec);
}

/* fg_charset_cut for each charset on mixed text. */
static void
test_cut(void **state)
{
	(void)state;
	check_cuts(FG_CS_UTF8, "a张" EMOJI "b三é\x01x");
	check_cuts(FG_CS_GBK, "a张“李相赫”b@三x0");
	check_cuts(FG_CS_GB18030, "a张" EMOJI "0€é1三" EMOJI);
	check_cuts(FG_CS_CP932, "aテストｶﾀｶﾅ@漢字\\x");
	/* Bad input still gives a bounded result. */
	assert_int_equal(fg_charset_cut(FG_CS_GBK, "ab\xd5", 3, 2), 2);
	assert_int_equal(fg_charset_cut(FG_CS_GB18030, "\x81\x30\x81\x30", 4, 3), 0);
	assert_int_equal(fg_charset_cut(FG_CS_CP932, "\x83\x20z", 3, 2), 2);
	assert_int_equal(fg_charset_cut(FG_CS_UTF8, "\x80\x80", 2, 1), 1);
	assert_int_equal(fg_charset_cut(FG_CS_UTF8, NULL, 0, 5), 0);
}

/* Strips only a trailing {/font;...} block. */
static void
check_strip(const char *text, int want, const char *rest)
{
	size_t len = strlen(text);

	assert_int_equal(fg_feiq_strip_font(text, &len), want);
	assert_int_equal(len, strlen(rest));
	assert_memory_equal(text, rest, len);
}

/* The FeiQ font block. */
static void
test_feiq_font(void **state)
{
	size_t len = 0;

	(void)state;
	check_strip("hi{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}",
	    1, "hi");
	check_strip("hi \n{/font;-12 0 0 0 400 0 0 0 134 0 0 2 32 宋体 0;}",
	    1, "hi \n");
	check_strip("{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 微软雅黑 8404992;}",
	    1, "");
	check_strip("{/font;}", 1, "");
	check_strip("a{/font;x;}b", 0, "a{/font;x;}b");
	check_strip("a{/font;x;}b}", 0, "a{/font;x;}b}");
	check_strip("a{/font;x;}{/font;y;}", 1, "a{/font;x;}");
	check_strip("set {a}", 0, "set {a}");
	check_strip("plain text", 0, "plain text");
	check_strip("}", 0, "}");
	check_strip("", 0, "");
	assert_int_equal(fg_feiq_strip_font(NULL, &len), 0);
}

/* A FeiQ peer: GBK both ways, no UTF8OPT. */
static void
test_peer_feiq(void **state)
{
	struct fg_charset_peer p;
	int opt = -1;

	(void)state;
	fg_charset_peer_init(&p, FG_CS_GBK);
	fg_charset_peer_learn(&p, FG_CMD_BR_ENTRY, FEIQ_VERSION, "feiq", 4);
	fg_charset_peer_learn(&p, FG_CMD_SENDMSG | FG_OPT_SENDCHECK,
	    FEIQ_VERSION, ZHANG_GBK, 4);
	assert_int_equal(fg_charset_for_recv(&p, FG_CMD_SENDMSG, ZHANG_GBK, 4),
	    FG_CS_GBK);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_GBK);
	assert_int_equal(opt, 0);
	/* Even text that happens to be valid UTF-8 is GBK from FeiQ. */
	assert_int_equal(fg_charset_for_recv(&p, FG_CMD_SENDMSG, "\xc3\xa9", 2),
	    FG_CS_GBK);
}

/* The official client: CAPUTF8OPT in the entry, then UTF8OPT both ways. */
static void
test_peer_official(void **state)
{
	struct fg_charset_peer p;
	int opt = -1;

	(void)state;
	fg_charset_peer_init(&p, FG_CS_CP932);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_CP932);
	assert_int_equal(opt, 0);
	fg_charset_peer_learn(&p, FG_CMD_BR_ENTRY | FG_OPT_CAPUTF8 |
	    FG_OPT_FILEATTACH, "1", "Alice", 5);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_UTF8);
	assert_int_equal(opt, 1);
	assert_int_equal(fg_charset_for_recv(&p, FG_CMD_SENDMSG | FG_OPT_UTF8 |
	    FG_OPT_CAPUTF8, ZHANG_UTF8, 6), FG_CS_UTF8);
	/* A message without UTF8OPT is still in the legacy code page. */
	assert_int_equal(fg_charset_for_recv(&p, FG_CMD_SENDMSG, ZHANG_UTF8, 6),
	    FG_CS_CP932);
	/* CAPUTF8OPT on a non-entry packet proves nothing. */
	fg_charset_peer_init(&p, FG_CS_GBK);
	fg_charset_peer_learn(&p, FG_CMD_SENDMSG | FG_OPT_CAPUTF8, "1", "x", 1);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_GBK);
	/* UTF8OPT on any packet does. */
	fg_charset_peer_learn(&p, FG_CMD_RECVMSG | FG_OPT_UTF8, "1", "1", 1);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_UTF8);
	assert_int_equal(opt, 1);
	/* A new entry without the flags (another client on that address). */
	fg_charset_peer_learn(&p, FG_CMD_BR_ENTRY, "1", "x", 1);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_GBK);
	assert_int_equal(opt, 0);
}

/*
 * iptux: GB18030 (which it reads whatever it is set to) until it has shown
 * it writes UTF-8, then UTF-8 without the flag; GB18030 again once it
 * writes legacy text.
 */
static void
test_peer_iptux(void **state)
{
	struct fg_charset_peer p;
	int opt = -1;

	(void)state;
	fg_charset_peer_init(&p, FG_CS_GBK);
	fg_charset_peer_learn(&p, FG_CMD_BR_ENTRY | FG_OPT_ABSENCE,
	    IPTUX_VERSION, "bob", 3);
	assert_true(p.iptux);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_GB18030);
	assert_int_equal(opt, 0);
	fg_charset_peer_learn(&p, FG_CMD_SENDMSG, IPTUX_VERSION, ZHANG_UTF8, 6);
	assert_true(p.sent_utf8);
	assert_int_equal(fg_charset_for_recv(&p, FG_CMD_SENDMSG, ZHANG_UTF8, 6),
	    FG_CS_UTF8);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_UTF8);
	assert_int_equal(opt, 0);

	/* An iptux set to GB18030. */
	fg_charset_peer_init(&p, FG_CS_GBK);
	fg_charset_peer_learn(&p, FG_CMD_SENDMSG, IPTUX_VERSION, ZHANG_GBK, 4);
	assert_false(p.sent_utf8);
	assert_int_equal(fg_charset_for_recv(&p, FG_CMD_SENDMSG, ZHANG_GBK, 4),
	    FG_CS_GBK);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_GB18030);
	assert_int_equal(opt, 0);
	/* ASCII tells nothing; UTF-8 again switches back. */
	fg_charset_peer_learn(&p, FG_CMD_SENDMSG, IPTUX_VERSION, "hello", 5);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_GB18030);
	fg_charset_peer_learn(&p, FG_CMD_SENDMSG, IPTUX_VERSION, ZHANG_UTF8, 6);
	assert_int_equal(fg_charset_for_send(&p, &opt), FG_CS_UTF8);
}

/* Names, aliases and unknowns. */
static void
test_names(void **state)
{
	static const struct {
		const char	*name;
		enum fg_charset	 cs;
	} ok[] = {
		{ "utf-8", FG_CS_UTF8 }, { "UTF8", FG_CS_UTF8 },
		{ "gbk", FG_CS_GBK }, { "CP936", FG_CS_GBK },
		{ "GB2312", FG_CS_GBK }, { "Gb18030", FG_CS_GB18030 },
		{ "cp932", FG_CS_CP932 }, { "Shift_JIS", FG_CS_CP932 },
		{ "SJIS", FG_CS_CP932 },
	};
	enum fg_charset cs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(fg_charset_from_name(ok[i].name, &cs), 0);
		assert_int_equal(cs, ok[i].cs);
		assert_int_equal(fg_charset_from_name(fg_charset_name(cs), &cs), 0);
		assert_int_equal(cs, ok[i].cs);
	}
	assert_string_equal(fg_charset_name(FG_CS_UTF8), "utf-8");
	assert_string_equal(fg_charset_name(FG_CS_GBK), "gbk");
	assert_string_equal(fg_charset_name(FG_CS_GB18030), "gb18030");
	assert_string_equal(fg_charset_name(FG_CS_CP932), "cp932");
	assert_int_equal(fg_charset_from_name("latin1", &cs), FG_ERR_CHARSET);
	assert_int_equal(fg_charset_from_name("", &cs), FG_ERR_CHARSET);
	assert_int_equal(fg_charset_from_name("utf-8x", &cs), FG_ERR_CHARSET);
	assert_int_equal(fg_charset_from_name("utf", &cs), FG_ERR_CHARSET);
	assert_int_equal(fg_charset_from_name(NULL, &cs), FG_ERR_INVAL);
}

/* The output buffer's max holds; a failed call leaves it as it was. */
static void
test_limit(void **state)
{
	struct fg_buf b;
	char big[3000];
	size_t i;

	(void)state;
	fg_buf_init(&b, 8);
	assert_int_equal(fg_buf_put_str(&b, "ab"), 0);
	/* 张三 is 6 bytes of UTF-8: fits exactly. */
	assert_int_equal(fg_charset_to_utf8(FG_CS_GBK, ZHANG_GBK, 4, &b), 0);
	assert_int_equal(fg_buf_len(&b), 8);
	fg_buf_reset(&b);
	assert_int_equal(fg_buf_put_str(&b, "abc"), 0);
	assert_int_equal(fg_charset_to_utf8(FG_CS_GBK, ZHANG_GBK, 4, &b),
	    FG_ERR_LIMIT);
	assert_int_equal(fg_buf_len(&b), 3);
	assert_int_equal(fg_charset_to_utf8(FG_CS_GBK, "\xd5\xd5\xd5", 3, &b),
	    FG_ERR_LIMIT);		/* the replacements overflow */
	assert_int_equal(fg_charset_to_utf8(FG_CS_UTF8, ZHANG_UTF8, 6, &b),
	    FG_ERR_LIMIT);
	assert_int_equal(fg_charset_from_utf8(FG_CS_UTF8, ZHANG_UTF8, 6, &b),
	    FG_ERR_LIMIT);
	assert_int_equal(fg_charset_from_utf8(FG_CS_GBK, ZHANG_UTF8 "ab", 8,
	    &b), FG_ERR_LIMIT);
	assert_int_equal(fg_charset_from_utf8(FG_CS_GBK, EMOJI EMOJI EMOJI
	    EMOJI EMOJI EMOJI, 24, &b), FG_ERR_LIMIT);
	assert_int_equal(fg_buf_len(&b), 3);
	assert_int_equal(fg_charset_from_utf8(FG_CS_GBK, ZHANG_UTF8 "a", 7,
	    &b), 0);
	assert_int_equal(fg_buf_len(&b), 8);
	fg_buf_release(&b);

	/* Many chunks: a long text in a buffer just big enough. */
	for (i = 0; i + 4 <= sizeof(big); i += 4)
		memcpy(big + i, ZHANG_GBK, 4);
	fg_buf_init(&b, sizeof(big) / 4 * 6);
	assert_int_equal(fg_charset_to_utf8(FG_CS_GBK, big, sizeof(big), &b), 0);
	assert_int_equal(fg_buf_len(&b), sizeof(big) / 4 * 6);
	assert_true(fg_utf8_valid(fg_buf_ptr(&b), fg_buf_len(&b)));
	fg_buf_reset(&b);
	b.max--;
	assert_int_equal(fg_charset_to_utf8(FG_CS_GBK, big, sizeof(big), &b),
	    FG_ERR_LIMIT);
	assert_int_equal(fg_buf_len(&b), 0);
	fg_buf_release(&b);

	/* A view cannot be written to. */
	fg_buf_view(&b, "x", 1);
	assert_int_equal(fg_charset_to_utf8(FG_CS_GBK, "a", 1, &b),
	    FG_ERR_INVAL);
	assert_int_equal(fg_buf_len(&b), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gbk_zhang),
		cmocka_unit_test(test_gbk_feiq_names),
		cmocka_unit_test(test_cp932),
		cmocka_unit_test(test_gbk_invalid),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_from_utf8_invalid),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_feiq_font),
		cmocka_unit_test(test_peer_feiq),
		cmocka_unit_test(test_peer_official),
		cmocka_unit_test(test_peer_iptux),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
