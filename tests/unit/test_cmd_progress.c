/*
 * Unit tests: the progress module of the CLI. Sizes, rates and time left
 * as text, size options with suffixes, the status line, the smoothed rate
 * and the redraw throttle, all on an injected clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feige/feige.h"
#include "progress.h"

/* Test clock: the time is whatever the test sets. */
static uint64_t
fake_clock(void *arg)
{
	return *(uint64_t *)arg;
}

/* Checks fg_progress_bytes(n) against want. */
static void
bytes_is(uint64_t n, const char *want)
{
	char buf[32];

	fg_progress_bytes(n, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
test_bytes(void **state)
{
	(void)state;
	bytes_is(0, "0 B");
	bytes_is(1, "1 B");
	bytes_is(1023, "1023 B");
	bytes_is(1024, "1.0 KiB");
	bytes_is(1536, "1.5 KiB");
	bytes_is(10 * 1024, "10 KiB");
	bytes_is(1000 * 1024, "1000 KiB");
	/* 1023.99 KiB would read "1024 KiB": the next unit instead. */
	bytes_is(1048575, "1.0 MiB");
	bytes_is(3000000, "2.9 MiB");
	bytes_is((uint64_t)4 << 30, "4.0 GiB");
	bytes_is((uint64_t)123 << 40, "123 TiB");
	bytes_is(UINT64_MAX, "16 EiB");
}

static void
test_rate_and_eta(void **state)
{
	char buf[32];

	(void)state;
	fg_progress_rate(-1, buf, sizeof(buf));
	assert_string_equal(buf, "--");
	fg_progress_rate(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 B/s");
	fg_progress_rate(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5 KiB/s");
	fg_progress_rate(52428800, buf, sizeof(buf));
	assert_string_equal(buf, "50 MiB/s");

	fg_progress_eta(-1, buf, sizeof(buf));
	assert_string_equal(buf, "--:--");
	fg_progress_eta(0, buf, sizeof(buf));
	assert_string_equal(buf, "0:00");
	fg_progress_eta(5, buf, sizeof(buf));
	assert_string_equal(buf, "0:05");
	fg_progress_eta(754, buf, sizeof(buf));
	assert_string_equal(buf, "12:34");
	fg_progress_eta(3723, buf, sizeof(buf));
	assert_string_equal(buf, "1:02:03");
	fg_progress_eta(100 * 3600, buf, sizeof(buf));
	assert_string_equal(buf, ">99h");

	assert_int_equal(fg_progress_eta_secs(0, -1), 0);
	assert_int_equal(fg_progress_eta_secs(100, -1), -1);
	assert_int_equal(fg_progress_eta_secs(100, 0.5), -1);
	assert_int_equal(fg_progress_eta_secs(1000, 100), 10);
	assert_int_equal(fg_progress_eta_secs(1049, 100), 10);
	assert_int_equal(fg_progress_eta_secs(1051, 100), 11);
}

/* Checks that s parses to want. */
static void
size_is(const char *s, uint64_t want)
{
	char err[256];
	uint64_t v = 12345;

	assert_int_equal(fg_progress_parse_size(s, &v, err, sizeof(err)), 0);
	assert_true(v == want);
}

/* Checks that s is refused with a message that quotes it. */
static void
size_bad(const char *s)
{
	char err[256];
	uint64_t v = 12345;

	err[0] = '\0';
	assert_int_not_equal(fg_progress_parse_size(s, &v, err, sizeof(err)),
	    0);
	assert_non_null(strstr(err, s));
	assert_true(v == 12345);
}

static void
test_parse_size(void **state)
{
	(void)state;
	size_is("0", 0);
	size_is("1000000", 1000000);
	size_is("7B", 7);
	size_is("512k", 512 * 1024);
	size_is("512K", 512 * 1024);
	size_is("1KB", 1024);
	size_is("100MiB", (uint64_t)100 << 20);
	size_is("100mib", (uint64_t)100 << 20);
	size_is("4G", (uint64_t)4 << 30);
	size_is("2T", (uint64_t)2 << 40);
	size_is("18446744073709551615", UINT64_MAX);
	size_is("16777215T", (uint64_t)16777215 << 40);
	size_bad("");
	size_bad("G");
	size_bad("-1");
	size_bad("1.5G");
	size_bad("12Q");
	size_bad("4 G");
	size_bad("4Gi");
	size_bad("4GiBs");
	size_bad("18446744073709551616");
	size_bad("16777216T");
}

static void
test_cols_and_line(void **state)
{
	struct fg_progress p;
	char line[256], wide[64];
	char *dot;
	int i;

	(void)state;
	assert_int_equal(fg_progress_cols(""), 0);
	assert_int_equal(fg_progress_cols("abc"), 3);
	assert_int_equal(fg_progress_cols("\xe5\xbc\xa0\xe4\xb8\x89"), 4);
	assert_int_equal(fg_progress_cols("a\xff"), 2);

	fg_progress_init(&p, NULL, 0);
	fg_progress_line(&p, "a.txt", 1536, 3072, line, sizeof(line));
	assert_string_equal(line,
	    "a.txt  1.5 KiB / 3.0 KiB  50%  --  ETA --:--");
	p.rate = 512;
	fg_progress_line(&p, "a.txt", 1536, 3072, line, sizeof(line));
	assert_string_equal(line,
	    "a.txt  1.5 KiB / 3.0 KiB  50%  512 B/s  ETA 0:03");
	/* Unknown total (a folder): bytes and rate only. */
	fg_progress_line(&p, "pics", 2048, 0, line, sizeof(line));
	assert_string_equal(line, "pics  2.0 KiB  512 B/s");
	/* Control characters are never drawn; long names are cut. */
	fg_progress_line(&p, "bad\x1b[2Jname", 1, 2, line, sizeof(line));
	assert_null(strchr(line, '\x1b'));
	assert_non_null(strstr(line, "bad?[2Jname"));
	fg_progress_line(&p, "a-very-long-file-name-that-goes-on-and-on.tar.gz",
	    1, 2, line, sizeof(line));
	dot = strstr(line, "...");
	assert_non_null(dot);
	assert_int_equal(dot - line + 3, FG_PROGRESS_NAME_COLS);
	/* Wide characters count two columns each. */
	for (i = 0; i < 20; i++)
		memcpy(wide + i * 3, "\xe5\xbc\xa0", 3);
	wide[60] = '\0';
	fg_progress_line(&p, wide, 1, 2, line, sizeof(line));
	dot = strstr(line, "...");
	assert_non_null(dot);
	*dot = '\0';
	assert_true(fg_progress_cols(line) <= FG_PROGRESS_NAME_COLS - 3);
}

static void
test_rate_smoothing(void **state)
{
	struct fg_progress p;
	uint64_t now = 1000;
	double first, want;

	(void)state;
	fg_progress_init(&p, NULL, 0);
	fg_progress_set_clock(&p, fake_clock, &now);
	fg_progress_sample(&p, 0);
	assert_true(p.rate < 0);
	now += FG_PROGRESS_SAMPLE_MS / 2;
	fg_progress_sample(&p, 1000);
	assert_true(p.rate < 0);		/* too soon for a sample */
	now = 1000 + FG_PROGRESS_SAMPLE_MS;
	fg_progress_sample(&p, 2000);
	first = 2000 * 1000.0 / FG_PROGRESS_SAMPLE_MS;
	assert_true(p.rate > first - 1 && p.rate < first + 1);
	/* The next sample is twice as fast: the average moves by alpha. */
	now += FG_PROGRESS_SAMPLE_MS;
	fg_progress_sample(&p, 2000 + 4000);
	want = (FG_PROGRESS_ALPHA * 2 * first +
	    (100 - FG_PROGRESS_ALPHA) * first) / 100;
	assert_true(p.rate > want - 1 && p.rate < want + 1);
	/* Fewer bytes than before (a new job): sampling begins again. */
	now += FG_PROGRESS_SAMPLE_MS;
	fg_progress_sample(&p, 10);
	assert_int_equal(p.sample_bytes, 10);
	assert_true(p.rate > 0);
}

/* Counts the redraws ("\r" followed by text) written to f so far. */
static int
redraws(FILE *f)
{
	char buf[4096];
	size_t n, i;
	int count = 0;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	for (i = 0; i + 1 < n; i++)
		if (buf[i] == '\r' && buf[i + 1] != '\033')
			count++;
	fseek(f, 0, SEEK_END);
	return count;
}

static void
test_throttle(void **state)
{
	struct fg_progress p;
	uint64_t now = 5000;
	FILE *f = tmpfile();

	(void)state;
	assert_non_null(f);
	fg_progress_init(&p, f, 1);
	fg_progress_set_clock(&p, fake_clock, &now);
	/* The first update draws at once. */
	assert_int_equal(fg_progress_update(&p, "x", 1, 10, 1, 0), 1);
	now += 50;
	assert_int_equal(fg_progress_update(&p, "x", 2, 10, 2, 0), 0);
	now = 5000 + FG_PROGRESS_REDRAW_MS - 1;
	assert_int_equal(fg_progress_update(&p, "x", 3, 10, 3, 0), 0);
	now = 5000 + FG_PROGRESS_REDRAW_MS;
	assert_int_equal(fg_progress_update(&p, "x", 4, 10, 4, 0), 1);
	/* A forced redraw comes at once and restarts the interval. */
	now += 20;
	assert_int_equal(fg_progress_update(&p, "x", 5, 10, 5, 1), 1);
	now += FG_PROGRESS_REDRAW_MS - 1;
	assert_int_equal(fg_progress_update(&p, "x", 6, 10, 6, 0), 0);
	now += 1;
	assert_int_equal(fg_progress_update(&p, "x", 7, 10, 7, 0), 1);
	assert_int_equal(redraws(f), 4);
	/* At most ten a second, however many updates come. */
	for (now = 100000; now < 101000; now += 7)
		(void)fg_progress_update(&p, "x", now, 200000, now, 0);
	assert_true(redraws(f) - 4 <= 1000 / FG_PROGRESS_REDRAW_MS + 1);
	/* Clearing leaves an erased line; clearing twice writes nothing. */
	fg_progress_clear(&p);
	assert_int_equal(p.drawn, 0);
	fg_progress_clear(&p);
	fclose(f);

	/* Off (not a terminal): nothing drawn, the rate still kept. */
	fg_progress_init(&p, stderr, 0);
	fg_progress_set_clock(&p, fake_clock, &now);
	assert_int_equal(fg_progress_update(&p, "x", 1, 10, 1, 1), 0);
	now += FG_PROGRESS_SAMPLE_MS;
	assert_int_equal(fg_progress_update(&p, "x", 2, 10, 1001, 1), 0);
	assert_true(p.rate > 0);
	assert_int_equal(p.drawn, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_rate_and_eta),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_cols_and_line),
		cmocka_unit_test(test_rate_smoothing),
		cmocka_unit_test(test_throttle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
