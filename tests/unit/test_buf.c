/* Unit tests: the bounded buffer, spans, and the packet-number generator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "feige/feige.h"
#include "pktno.h"
#include "proto.h"

static void
test_put_respects_max(void **state)
{
	struct fg_buf b;
	uint8_t *p;

	(void)state;
	fg_buf_init(&b, 10);
	assert_int_equal(fg_buf_put_str(&b, "0123456789"), 0);
	assert_int_equal(fg_buf_put_u8(&b, 'x'), FG_ERR_LIMIT);
	assert_int_equal(fg_buf_len(&b), 10);
	assert_int_equal(fg_buf_reserve(&b, SIZE_MAX, &p), FG_ERR_LIMIT);
	assert_null(p);
	assert_int_equal(fg_buf_terminate(&b), 0);
	assert_string_equal((const char *)fg_buf_ptr(&b), "0123456789");
	fg_buf_reset(&b);
	assert_int_equal(fg_buf_len(&b), 0);
	assert_int_equal(fg_buf_putf(&b, "%d-%s", 42, "ab"), 0);
	assert_int_equal(fg_buf_len(&b), 5);
	assert_int_equal(fg_buf_putf(&b, "%s", "toolong"), FG_ERR_LIMIT);
	fg_buf_release(&b);
	fg_buf_release(&b);
	fg_buf_release(NULL);
}

static void
test_putf_long(void **state)
{
	struct fg_buf b;
	char big[1000];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fg_buf_init(&b, 4096);
	assert_int_equal(fg_buf_putf(&b, "<%s>", big), 0);
	assert_int_equal(fg_buf_len(&b), 1001);
	assert_int_equal(fg_buf_ptr(&b)[0], '<');
	assert_int_equal(fg_buf_ptr(&b)[1000], '>');
	fg_buf_release(&b);
}

static void
test_view_and_tokens(void **state)
{
	struct fg_buf b;
	struct fg_span t;
	uint8_t c;

	(void)state;
	fg_buf_view(&b, "ab:cd:ef", 8);
	assert_int_equal(fg_buf_put_u8(&b, 'x'), FG_ERR_INVAL);
	assert_int_equal(fg_buf_get_until(&b, ':', &t), 0);
	assert_true(fg_span_eq(t, "ab"));
	assert_int_equal(fg_buf_get_until(&b, ':', &t), 0);
	assert_true(fg_span_eq(t, "cd"));
	assert_int_equal(fg_buf_get_until(&b, ':', &t), FG_ERR_TRUNCATED);
	assert_null(t.p);
	assert_int_equal(fg_buf_get_field(&b, ':', &t), 0);
	assert_true(fg_span_eq(t, "ef"));
	assert_int_equal(fg_buf_get_field(&b, ':', &t), FG_ERR_TRUNCATED);
	assert_int_equal(fg_buf_get_u8(&b, &c), FG_ERR_TRUNCATED);
	assert_int_equal(fg_buf_consume(&b, 1), FG_ERR_TRUNCATED);
}

static void
test_numbers(void **state)
{
	uint64_t v;
	struct fg_span rest;

	(void)state;
	assert_int_equal(fg_span_dec(fg_span_str("18446744073709551615"), UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(fg_span_dec(fg_span_str("18446744073709551616"), UINT64_MAX, &v), FG_ERR_RANGE);
	assert_int_equal(v, 0);
	assert_int_equal(fg_span_dec(fg_span_str("256"), 255, &v), FG_ERR_RANGE);
	assert_int_equal(fg_span_dec(fg_span_str("255"), 255, &v), 0);
	assert_int_equal(fg_span_dec(fg_span_str(""), 255, &v), FG_ERR_FORMAT);
	assert_int_equal(fg_span_dec(fg_span_str("-1"), 255, &v), FG_ERR_FORMAT);
	assert_int_equal(fg_span_dec(fg_span_str("1 "), 255, &v), FG_ERR_FORMAT);
	assert_int_equal(fg_span_hex(fg_span_str("ffffffffffffffff"), UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(fg_span_hex(fg_span_str("10000000000000000"), UINT64_MAX, &v), FG_ERR_RANGE);
	assert_int_equal(fg_span_hex(fg_span_str("00000000000000000001"), UINT64_MAX, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(fg_span_hex(fg_span_str("6553F1aB"), UINT64_MAX, &v), 0);
	assert_int_equal(v, 0x6553f1ab);
	assert_int_equal(fg_span_hex(fg_span_str("0x1"), UINT64_MAX, &v), FG_ERR_FORMAT);
	assert_int_equal(fg_span_leading_dec(fg_span_str("1_iptux"), 9, &v, &rest), 0);
	assert_int_equal(v, 1);
	assert_true(fg_span_eq(rest, "_iptux"));
	assert_true(fg_span_eq(fg_span_trim(fg_span_str("   5 ")), "5"));
}

static void
test_span_copies(void **state)
{
	char small[4];
	char *d;

	(void)state;
	assert_int_equal(fg_span_cstr(fg_span_str("abc"), small, sizeof(small)), 0);
	assert_string_equal(small, "abc");
	assert_int_equal(fg_span_cstr(fg_span_str("abcd"), small, sizeof(small)), FG_ERR_LIMIT);
	assert_string_equal(small, "");
	d = fg_span_dup(fg_span_str("hello"));
	assert_string_equal(d, "hello");
	free(d);
	assert_string_equal(fg_strerror(FG_ERR_LIMIT), "size limit exceeded");
	assert_string_equal(fg_strerror(12345), "unknown error");
}

static void
test_pktno(void **state)
{
	struct fg_pktno g;
	uint32_t a, b, c;

	(void)state;
	fg_pktno_init(&g);
	a = fg_pktno_next(&g, 1700000000);
	assert_int_equal(a, 1700000000);
	/* Faster than the clock: still rising by one. */
	b = fg_pktno_next(&g, 1700000000);
	assert_int_equal(b, 1700000001);
	/* The clock went back: never falls. */
	c = fg_pktno_next(&g, 1600000000);
	assert_int_equal(c, 1700000002);
	/* The clock jumped ahead: follow it. */
	assert_int_equal(fg_pktno_next(&g, 1800000000), 1800000000);
	/* Never above 2^31-1; past it, wrap to 1. */
	g.last = FG_MAX_PKTNO - 1;
	assert_int_equal(fg_pktno_next(&g, (time_t)FG_MAX_PKTNO + 100), FG_MAX_PKTNO);
	assert_int_equal(fg_pktno_next(&g, (time_t)FG_MAX_PKTNO + 100), 1);
	assert_int_equal(fg_pktno_next(&g, (time_t)FG_MAX_PKTNO + 100), 2);
	fg_pktno_init(&g);
	assert_int_equal(fg_pktno_next(&g, -5), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_respects_max),
		cmocka_unit_test(test_putf_long),
		cmocka_unit_test(test_view_and_tokens),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_span_copies),
		cmocka_unit_test(test_pktno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
