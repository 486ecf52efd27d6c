/*
 * fuzz_charset: the first byte picks the charset (bits 0-1), which way the
 * rest is treated first (bit 2: legacy text to decode, or UTF-8 to encode)
 * and where to cut (bits 3-7, a fraction of the length). Every conversion,
 * the validator, the cutter and the font stripper run on the rest, and
 * their invariants are checked.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "feige/feige.h"

#define FUZZ_MAX	65536

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when U+FFFD occurs in p[0..len). */
static int
has_fffd(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 3 <= len; i++) {
		if (memcmp(p + i, "\xef\xbf\xbd", 3) == 0)
			return 1;
	}
	return 0;
}

/* glibc's own UTF-8 decoder as an oracle: 1 when it takes all of p. */
static int
iconv_utf8_ok(const uint8_t *p, size_t len)
{
	static iconv_t cd = (iconv_t)-1;
	char obuf[1024], *ip = (char *)(uintptr_t)p, *op;
	size_t ileft = len, oleft, rc;

	if (cd == (iconv_t)-1 && (cd = iconv_open("UTF-32LE", "UTF-8")) ==
	    (iconv_t)-1)
		abort();
	(void)iconv(cd, NULL, NULL, NULL, NULL);
	do {
		op = obuf;
		oleft = sizeof(obuf);
		rc = iconv(cd, &ip, &ileft, &op, &oleft);
	} while (rc == (size_t)-1 && errno == E2BIG);
	return rc != (size_t)-1 && ileft == 0;
}

/* Checks the cutter on p[0..len) at max. */
static void
check_cut(enum fg_charset cs, const uint8_t *p, size_t len, size_t max)
{
	struct fg_buf whole, parts;
	size_t n;

	n = fg_charset_cut(cs, p, len, max);
	CHECK(n <= max && n <= len);
	if (max >= len)
		CHECK(n == len);
	else
		CHECK(n + 4 > max);	/* no unit is longer than 4 bytes */
	CHECK(fg_charset_cut(cs, p, len, n) == n);
	if (cs != FG_CS_UTF8)
		return;
	/* UTF-8 cuts at replacement units too: decoding splits cleanly. */
	fg_buf_init(&whole, FUZZ_MAX * 3);
	fg_buf_init(&parts, FUZZ_MAX * 3);
	CHECK(fg_charset_to_utf8(cs, p, len, &whole) == 0);
	CHECK(fg_charset_to_utf8(cs, p, n, &parts) == 0);
	CHECK(fg_charset_to_utf8(cs, p + n, len - n, &parts) == 0);
	CHECK(fg_buf_len(&whole) == fg_buf_len(&parts));
	CHECK(memcmp(fg_buf_ptr(&whole), fg_buf_ptr(&parts),
	    fg_buf_len(&whole)) == 0);
	fg_buf_release(&whole);
	fg_buf_release(&parts);
}

/* Checks the font stripper on UTF-8 text. */
static void
check_strip(const uint8_t *p, size_t len)
{
	size_t n = len;

	if (fg_feiq_strip_font((const char *)p, &n)) {
		CHECK(n + 8 <= len);
		CHECK(memcmp(p + n, "{/font;", 7) == 0);
		CHECK(p[len - 1] == '}');
		CHECK(memchr(p + n, '}', len - n - 1) == NULL);
	} else
		CHECK(n == len);
}

/* Decodes legacy text; the result is valid UTF-8 and cuts cleanly. */
static void
run_decode(enum fg_charset cs, const uint8_t *p, size_t len, size_t max)
{
	struct fg_buf out;
	int r;

	fg_buf_init(&out, FUZZ_MAX);
	r = fg_charset_to_utf8(cs, p, len, &out);
	CHECK(r == 0 || r == FG_ERR_LIMIT);
	CHECK(out.size <= out.max);
	if (r == 0) {
		CHECK(len == 0 || fg_buf_len(&out) > 0);
		CHECK(fg_utf8_valid(fg_buf_ptr(&out), fg_buf_len(&out)));
		check_strip(fg_buf_ptr(&out), fg_buf_len(&out));
	} else
		CHECK(fg_buf_len(&out) == 0);
	check_cut(cs, p, len, max);
	fg_buf_release(&out);
}

/* Encodes UTF-8 to cs; well-formed results decode and cut cleanly. */
static void
run_encode(enum fg_charset cs, const uint8_t *p, size_t len, size_t max)
{
	struct fg_buf enc, dec;
	size_t cut;
	int r, valid, clean;

	valid = fg_utf8_valid(p, len);
	CHECK(valid == iconv_utf8_ok(p, len));
	check_strip(p, len);
	fg_buf_init(&enc, FUZZ_MAX);
	fg_buf_init(&dec, FUZZ_MAX * 2);
	r = fg_charset_from_utf8(cs, p, len, &enc);
	CHECK(r == 0 || r == FG_ERR_LIMIT);
	if (r != 0) {
		CHECK(fg_buf_len(&enc) == 0);
		goto out;
	}
	if (cs == FG_CS_UTF8) {
		CHECK(fg_utf8_valid(fg_buf_ptr(&enc), fg_buf_len(&enc)));
		if (valid)
			CHECK(fg_buf_len(&enc) == len &&
			    memcmp(fg_buf_ptr(&enc), p, len) == 0);
	}
	CHECK(fg_charset_to_utf8(cs, fg_buf_ptr(&enc), fg_buf_len(&enc),
	    &dec) == 0);
	/* Our own output must decode without a replacement... */
	clean = !has_fffd(p, len) && (valid || cs != FG_CS_UTF8);
	if (clean)
		CHECK(!has_fffd(fg_buf_ptr(&dec), fg_buf_len(&dec)));
	/* ...and GB18030 covers all of Unicode: valid text comes back. */
	if (cs == FG_CS_GB18030 && valid)
		CHECK(fg_buf_len(&dec) == len &&
		    memcmp(fg_buf_ptr(&dec), p, len) == 0);
	/* A cut of well-formed legacy text decodes without replacement. */
	cut = fg_charset_cut(cs, fg_buf_ptr(&enc), fg_buf_len(&enc),
	    max < fg_buf_len(&enc) ? max : fg_buf_len(&enc));
	fg_buf_reset(&dec);
	CHECK(fg_charset_to_utf8(cs, fg_buf_ptr(&enc), cut, &dec) == 0);
	if (clean)
		CHECK(!has_fffd(fg_buf_ptr(&dec), fg_buf_len(&dec)));
	check_cut(cs, fg_buf_ptr(&enc), fg_buf_len(&enc), max);
 out:
	fg_buf_release(&enc);
	fg_buf_release(&dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fg_charset cs;
	const uint8_t *p;
	size_t len, max;

	if (size < 1 || size > FUZZ_MAX)
		return 0;
	cs = (enum fg_charset)(data[0] & 3);
	p = data + 1;
	len = size - 1;
	max = len * (data[0] >> 3) / 31;
	if (data[0] & 4) {
		run_encode(cs, p, len, max);
		run_decode(cs, p, len, max);
	} else {
		run_decode(cs, p, len, max);
		run_encode(cs, p, len, max);
	}
	return 0;
}
