/* Unit tests: the directory stream codec against vector V7, split feeds,
 * name escaping, big sizes, hostile headers and long streams. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dirstream.h"
#include "feige/feige.h"
#include "proto.h"
#include "vectors.h"

#define T0	0x6553f100ULL

/* What a run of feeds reported: a text log of the events and the data. */
struct run {
	char		 log[4096];
	size_t		 loglen;
	uint8_t		 data[1024];
	size_t		 datalen;
	uint64_t	 got;		/* data bytes of the current file */
	uint64_t	 files;
	int		 err;
	int		 ended;
	int		 quiet;		/* count only, log nothing */
};

static const char *v7_log =
    "ENTER photos 0 2 m6553f100 c6553f100 d1\n"
    "FILE a.jpg 5 1 m6553f100 c6553f100 d1\n"
    "FILE_END a.jpg got 5 d1\n"
    "ENTER sub 0 2 m6553f100 c6553f100 d2\n"
    "FILE b.txt 3 1 m6553f100 c6553f100 d2\n"
    "FILE_END b.txt got 3 d2\n"
    "LEAVE . 0 3 m6553f100 c6553f100 d1\n"
    "LEAVE . 0 3 m6553f100 c6553f100 d0\n"
    "END d0\n";

/* Appends one formatted line to the run's log. */
static void
logp(struct run *rn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
logp(struct run *rn, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (rn->quiet)
		return;
	va_start(ap, fmt);
	n = vsnprintf(rn->log + rn->loglen, sizeof(rn->log) - rn->loglen, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(rn->log) - rn->loglen);
	rn->loglen += (size_t)n;
}

/* Logs a record event in one line. */
static void
log_ent(struct run *rn, const char *what, const struct fg_dirstream_event *ev)
{
	const struct fg_dirent *e = ev->ent;

	assert_non_null(e);
	logp(rn, "%s %s %llx %x m%llx c%llx d%u\n", what, e->name,
	    (unsigned long long)e->size, (unsigned)e->attr,
	    (unsigned long long)e->mtime, (unsigned long long)e->ctime, ev->depth);
}

/* Feeds one chunk until it is used up, logging events; stops at an error. */
static void
feed(struct fg_dirstream *ds, struct run *rn, const uint8_t *p, size_t len)
{
	struct fg_dirstream_event ev;
	size_t off = 0, used;
	int r;

	if (rn->err != 0)
		return;
	for (;;) {
		r = fg_dirstream_feed(ds, p == NULL ? NULL : p + off, len - off,
		    &used, &ev);
		if (r != 0) {
			rn->err = r;
			assert_int_equal(used, 0);
			assert_int_equal(ev.type, FG_DS_NEED_MORE);
			/* The error sticks. */
			assert_int_equal(fg_dirstream_feed(ds, p, len, &used, &ev), r);
			return;
		}
		assert_true(used <= len - off);
		switch (ev.type) {
		case FG_DS_NEED_MORE:
			assert_int_equal(used, len - off);
			return;
		case FG_DS_ENTER:
			log_ent(rn, "ENTER", &ev);
			break;
		case FG_DS_FILE:
			rn->got = 0;
			rn->files++;
			log_ent(rn, "FILE", &ev);
			break;
		case FG_DS_DATA:
			assert_true(ev.data == p + off);
			assert_true(ev.len == used && ev.len > 0);
			rn->got += ev.len;
			assert_true(rn->got <= ev.ent->size);
			if (!rn->quiet &&
			    rn->datalen + ev.len <= sizeof(rn->data)) {
				memcpy(rn->data + rn->datalen, ev.data, ev.len);
				rn->datalen += ev.len;
			}
			break;
		case FG_DS_FILE_END:
			assert_int_equal(rn->got, ev.ent->size);
			logp(rn, "FILE_END %s got %llu d%u\n", ev.ent->name,
			    (unsigned long long)rn->got, ev.depth);
			break;
		case FG_DS_LEAVE:
			log_ent(rn, "LEAVE", &ev);
			break;
		case FG_DS_END:
			assert_int_equal(used, 0);
			rn->ended = 1;
			logp(rn, "END d%u\n", ev.depth);
			break;
		}
		off += used;
	}
}

/* Decodes len bytes in one go into rn and returns the status. */
static int
decode(const void *p, size_t len, struct run *rn)
{
	struct fg_dirstream *ds;

	memset(rn, 0, sizeof(*rn));
	assert_non_null(ds = fg_dirstream_new());
	feed(ds, rn, p, len);
	fg_dirstream_free(ds);
	return rn->err;
}

/* Writes "%04x:" + body into dst, the length counting the prefix. */
static size_t
mk(char *dst, size_t dstsz, const char *body)
{
	int n = snprintf(dst, dstsz, "%04zx:%s", strlen(body) + 5, body);

	assert_true(n > 0 && (size_t)n < dstsz);
	return (size_t)n;
}

/* Fills a dirent with the given name, size, attr and both V7 times. */
static void
ent(struct fg_dirent *e, const char *name, uint64_t size, uint32_t attr)
{
	memset(e, 0, sizeof(*e));
	assert_true(strlen(name) < sizeof(e->name));
	strcpy(e->name, name);
	e->size = size;
	e->attr = attr;
	e->mtime = e->ctime = T0;
	e->has_mtime = e->has_ctime = 1;
}

static void
test_v7_encode(void **state)
{
	struct fg_buf b;
	struct fg_dirent e;
	uint8_t *v;
	size_t n;

	(void)state;
	assert_int_equal(fgt_vector_load("V7", &v, &n), 0);
	assert_int_equal(n, 265);
	fg_buf_init(&b, 4096);
	ent(&e, "photos", 0, FG_FILE_DIR);
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	ent(&e, "a.jpg", 5, FG_FILE_REGULAR);
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	assert_int_equal(fg_buf_put_str(&b, "ABCDE"), 0);
	ent(&e, "sub", 0, FG_FILE_DIR);
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	ent(&e, "b.txt", 3, FG_FILE_REGULAR);
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	assert_int_equal(fg_buf_put_str(&b, "xyz"), 0);
	ent(&e, ".", 0, FG_FILE_RETPARENT);
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	e.size = 7;	/* RETPARENT always prints "0" */
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	assert_int_equal(fg_buf_len(&b), n);
	assert_memory_equal(fg_buf_ptr(&b), v, n);
	fg_buf_release(&b);
	free(v);
}

static void
test_v7_decode(void **state)
{
	struct fg_dirstream *ds;
	struct fg_dirstream_event ev;
	struct run rn;
	uint8_t *v;
	size_t n, used;

	(void)state;
	assert_int_equal(fgt_vector_load("V7", &v, &n), 0);
	assert_int_equal(decode(v, n, &rn), 0);
	assert_string_equal(rn.log, v7_log);
	assert_int_equal(rn.datalen, 8);
	assert_memory_equal(rn.data, "ABCDExyz", 8);

	/* The first events in detail. */
	assert_non_null(ds = fg_dirstream_new());
	assert_int_equal(fg_dirstream_feed(ds, v, n, &used, &ev), 0);
	assert_int_equal(used, 0x30);
	assert_int_equal(ev.type, FG_DS_ENTER);
	assert_string_equal(ev.ent->name, "photos");
	assert_true(ev.ent->has_mtime && ev.ent->has_ctime);
	assert_false(ev.ent->has_atime || ev.ent->has_perm);
	assert_int_equal(ev.ent->mtime, T0);
	assert_int_equal(ev.depth, 1);
	assert_int_equal(fg_dirstream_feed(ds, v + 0x30, n - 0x30, &used, &ev), 0);
	assert_int_equal(used, 0x2f);
	assert_int_equal(ev.type, FG_DS_FILE);
	assert_int_equal(ev.ent->size, 5);
	assert_int_equal(FG_FILE_TYPE(ev.ent->attr), FG_FILE_REGULAR);
	assert_int_equal(fg_dirstream_feed(ds, v + 0x5f, n - 0x5f, &used, &ev), 0);
	assert_int_equal(ev.type, FG_DS_DATA);
	assert_int_equal(used, 5);
	assert_int_equal(ev.len, 5);
	assert_ptr_equal(ev.data, v + 0x5f);
	assert_int_equal(fg_dirstream_records(ds), 2);
	assert_int_equal(fg_dirstream_bytes(ds), 5);
	assert_false(fg_dirstream_done(ds));
	fg_dirstream_free(ds);
	fg_dirstream_free(NULL);
	free(v);
}

static void
test_v7_splits(void **state)
{
	struct fg_dirstream *ds;
	struct run rn;
	uint8_t *v;
	size_t n, i;

	(void)state;
	assert_int_equal(fgt_vector_load("V7", &v, &n), 0);
	for (i = 0; i <= n; i++) {
		memset(&rn, 0, sizeof(rn));
		assert_non_null(ds = fg_dirstream_new());
		feed(ds, &rn, v, i);
		feed(ds, &rn, v + i, n - i);
		assert_int_equal(rn.err, 0);
		assert_string_equal(rn.log, v7_log);
		assert_int_equal(rn.datalen, 8);
		assert_memory_equal(rn.data, "ABCDExyz", 8);
		assert_true(fg_dirstream_done(ds));
		assert_int_equal(fg_dirstream_records(ds), 6);
		fg_dirstream_free(ds);
	}
	memset(&rn, 0, sizeof(rn));
	assert_non_null(ds = fg_dirstream_new());
	for (i = 0; i < n; i++)
		feed(ds, &rn, v + i, 1);
	feed(ds, &rn, NULL, 0);
	assert_int_equal(rn.err, 0);
	assert_string_equal(rn.log, v7_log);
	assert_memory_equal(rn.data, "ABCDExyz", 8);
	assert_true(rn.ended);
	fg_dirstream_free(ds);
	free(v);
}

static void
test_name_escapes(void **state)
{
	static const char *names[] = {
		"a:b", ":x:", "\xd5\xc5\xc8\xfd", ":", "::", "a::", "x:::y", ".",
		"../evil", "/abs", "sp ace=1,2",
	};
	struct fg_buf b;
	struct fg_dirent e, d;
	struct run rn;
	char want[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fg_buf_init(&b, 4096);
		ent(&e, names[i], 2, FG_FILE_REGULAR);
		assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
		assert_int_equal(fg_dirstream_parse_header(fg_buf_ptr(&b),
		    fg_buf_len(&b), &d), 0);
		assert_string_equal(d.name, names[i]);
		assert_int_equal(d.size, 2);
		assert_int_equal(fg_buf_put_str(&b, "zz"), 0);
		assert_int_equal(decode(fg_buf_ptr(&b), fg_buf_len(&b), &rn), 0);
		snprintf(want, sizeof(want), "FILE %s 2 1 m6553f100 c6553f100 d0\n"
		    "FILE_END %s got 2 d0\nEND d0\n", names[i], names[i]);
		assert_string_equal(rn.log, want);
		fg_buf_release(&b);
	}
	/* The escaped form on the wire. */
	fg_buf_init(&b, 4096);
	ent(&e, ":x:", 0, FG_FILE_DIR);
	e.has_mtime = e.has_ctime = 0;
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	assert_int_equal(fg_buf_len(&b), strlen("0017:::x:::000000000:2:"));
	assert_memory_equal(fg_buf_ptr(&b), "0017:::x:::000000000:2:", fg_buf_len(&b));
	fg_buf_release(&b);
}

static void
test_single_file(void **state)
{
	struct fg_dirstream *ds;
	struct run rn;
	char s[64];
	size_t n;

	(void)state;
	n = mk(s, sizeof(s), "r.txt:000000005:1:14=1:");
	memcpy(s + n, "hello", 5);
	n += 5;
	assert_int_equal(decode(s, n, &rn), 0);
	assert_string_equal(rn.log, "FILE r.txt 5 1 m1 c0 d0\n"
	    "FILE_END r.txt got 5 d0\nEND d0\n");
	assert_memory_equal(rn.data, "hello", 5);
	/* A second record after the single file is an error. */
	assert_non_null(ds = fg_dirstream_new());
	memset(&rn, 0, sizeof(rn));
	feed(ds, &rn, (const uint8_t *)s, n);
	assert_true(fg_dirstream_done(ds));
	feed(ds, &rn, (const uint8_t *)s, n);
	assert_int_equal(rn.err, FG_ERR_FORMAT);
	assert_false(fg_dirstream_done(ds));
	fg_dirstream_free(ds);
	/* A zero-length single file. */
	assert_int_equal(decode("000b:e:0:1:", 11, &rn), 0);
	assert_string_equal(rn.log, "FILE e 0 1 m0 c0 d0\nFILE_END e got 0 d0\nEND d0\n");
}

static void
test_big_size(void **state)
{
	struct fg_dirstream *ds;
	struct fg_dirstream_event ev;
	struct fg_dirent e;
	struct fg_buf b;
	char s[64];
	size_t n, used;

	(void)state;
	n = mk(s, sizeof(s), "big:100000000:1:");
	assert_non_null(ds = fg_dirstream_new());
	assert_int_equal(fg_dirstream_feed(ds, (const uint8_t *)s, n, &used, &ev), 0);
	assert_int_equal(used, n);
	assert_int_equal(ev.type, FG_DS_FILE);
	assert_int_equal(ev.ent->size, 0x100000000ULL);
	assert_int_equal(fg_dirstream_feed(ds, NULL, 0, &used, &ev), 0);
	assert_int_equal(ev.type, FG_DS_NEED_MORE);
	assert_false(fg_dirstream_done(ds));
	assert_int_equal(fg_dirstream_feed(ds, (const uint8_t *)"ab", 2, &used, &ev), 0);
	assert_int_equal(ev.type, FG_DS_DATA);
	assert_int_equal(ev.len, 2);
	assert_int_equal(fg_dirstream_bytes(ds), 0x100000000ULL);
	fg_dirstream_free(ds);

	/* The encoder's "%x%08x" layout. */
	fg_buf_init(&b, 256);
	memset(&e, 0, sizeof(e));
	strcpy(e.name, "big");
	e.size = 0x123456789abULL;
	e.attr = FG_FILE_REGULAR | FG_FILE_RONLY;
	assert_int_equal(fg_dirstream_put_header(&b, &e), 0);
	assert_int_equal(fg_buf_len(&b), 25);
	assert_memory_equal(fg_buf_ptr(&b), "0019:big:123456789ab:101:", 25);
	assert_int_equal(fg_dirstream_parse_header(fg_buf_ptr(&b), 25, &e), 0);
	assert_int_equal(e.size, 0x123456789abULL);
	fg_buf_release(&b);
}

/* Decodes a DIR record then body (prefixed) and returns the status. */
static int
in_dir(const char *body)
{
	char s[2048];
	size_t n;
	struct run rn;

	n = mk(s, sizeof(s), "d:0:2:");
	n += mk(s + n, sizeof(s) - n, body);
	return decode(s, n, &rn);
}

static void
test_hostile(void **state)
{
	static const struct {
		const char	*s;
		int		 r;
	} raw[] = {
		{ "0000:a:0:1:", FG_ERR_FORMAT },	/* length 0 */
		{ "1:a:0:1:", FG_ERR_FORMAT },		/* below its own ':' */
		{ "0005:a:0:1:", FG_ERR_FORMAT },	/* below the minimum */
		{ "0401:", FG_ERR_LIMIT },		/* over FG_MAX_DIRHDR */
		{ "ffffffff:", FG_ERR_LIMIT },
		{ "123456789:", FG_ERR_FORMAT },	/* 9 digits */
		{ "00g0:a:0:2:", FG_ERR_FORMAT },	/* not hex */
		{ ":a:0:2:", FG_ERR_FORMAT },		/* no digits */
		{ "000c:a:0:2:000b:.:0:3:", FG_ERR_FORMAT },	/* longer than it is */
		{ "000a:.:0:3:", FG_ERR_FORMAT },	/* shorter than it is */
		{ "000b:.:0:3:", FG_ERR_FORMAT },	/* RETPARENT at depth 0 */
		{ "000b::00:1:", FG_ERR_FORMAT },	/* empty name */
		{ "000b:a:0:2:000b:.:0:3:x", FG_ERR_FORMAT },	/* after END */
		{ "000b:a:0:2:000b:.:0:3:000b:a:0:2:", FG_ERR_FORMAT },
		{ "000b:a:0:1:X", FG_ERR_FORMAT },	/* after a single file */
	};
	static const struct {
		const char	*body;
		int		 r;
	} bodies[] = {
		{ "a:0:", FG_ERR_FORMAT },		/* no attr */
		{ "abcdefgh:", FG_ERR_FORMAT },		/* no size */
		{ "a:0:1", FG_ERR_FORMAT },		/* no final ':' */
		{ "a:0:1:14=2", FG_ERR_FORMAT },
		{ "a:x:1:", FG_ERR_FORMAT },		/* size not hex */
		{ "a::1:", FG_ERR_FORMAT },		/* that is name "a:1" */
		{ "a:10000000000000000:1:", FG_ERR_RANGE },	/* 17 digits */
		{ "a:0:100000000:", FG_ERR_RANGE },	/* attr over 32 bits */
		{ "a:0:1:14=zz:", FG_ERR_FORMAT },	/* known key, bad value */
		{ "a:0:1:14=:", FG_ERR_FORMAT },
		{ "a:0:1:10=100000000:", FG_ERR_RANGE },
		{ ".:1:3:", FG_ERR_FORMAT },		/* RETPARENT with size */
		{ ":000:2:", FG_ERR_FORMAT },		/* empty name */
	};
	char s[2048];
	struct run rn;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		assert_int_equal(decode(raw[i].s, strlen(raw[i].s), &rn), raw[i].r);
		assert_false(rn.ended);
	}
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		assert_int_equal(in_dir(bodies[i].body), bodies[i].r);
	/* A NUL inside a name. */
	n = mk(s, sizeof(s), "a0b:0:1:");
	s[6] = '\0';
	assert_int_equal(decode(s, n, &rn), FG_ERR_FORMAT);
	/* Leading zeros are fine: 16 significant digits and more zeros. */
	assert_int_equal(in_dir("a:0000ffffffffffffffff:4:"), 0);
	/* Names: 765 bytes fine, 766 too long, 766 with escapes too. */
	memset(s, 'n', FG_MAX_FILENAME);
	strcpy(s + FG_MAX_FILENAME, ":0:2:");
	assert_int_equal(in_dir(s), 0);
	memset(s, 'n', FG_MAX_FILENAME + 1);
	strcpy(s + FG_MAX_FILENAME + 1, ":0:2:");
	assert_int_equal(in_dir(s), FG_ERR_LIMIT);
	memset(s, 'n', FG_MAX_FILENAME);
	strcpy(s + FG_MAX_FILENAME, "::x:0:2:");
	assert_int_equal(in_dir(s), FG_ERR_LIMIT);
	/* A header exactly FG_MAX_DIRHDR long is fine. */
	memset(s, 0, sizeof(s));
	memcpy(s, "n:0:2:", 6);
	for (i = 6; i < FG_MAX_DIRHDR - 5 - 1; i++)
		s[i] = i % 2 ? ':' : '7';	/* "7:" fields, no '=': ignored */
	s[i] = ':';
	assert_int_equal(strlen(s) + 5, FG_MAX_DIRHDR);
	assert_int_equal(in_dir(s), 0);
	s[i + 1] = ':';
	assert_int_equal(in_dir(s), FG_ERR_LIMIT);
}

static void
test_endless_header(void **state)
{
	static const char *starts[] = { "", "0400:", "400:n", "0400:n:" };
	struct fg_dirstream *ds;
	struct fg_dirstream_event ev;
	size_t i, fed, used;
	int r;

	(void)state;
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		assert_non_null(ds = fg_dirstream_new());
		fed = strlen(starts[i]);
		r = fg_dirstream_feed(ds, (const uint8_t *)starts[i], fed, &used, &ev);
		assert_int_equal(r, 0);
		assert_int_equal(ev.type, FG_DS_NEED_MORE);
		while ((r = fg_dirstream_feed(ds, (const uint8_t *)"A", 1, &used,
		    &ev)) == 0) {
			assert_int_equal(ev.type, FG_DS_NEED_MORE);
			assert_int_equal(used, 1);
			fed++;
			assert_true(fed < FG_MAX_DIRHDR);
		}
		assert_true(r == FG_ERR_FORMAT || r == FG_ERR_LIMIT);
		if (i == 0)
			assert_int_equal(fed, 8);
		else
			assert_int_equal(fed, FG_MAX_DIRHDR - 1);
		fg_dirstream_free(ds);
	}
}

static void
test_xattr_by_key(void **state)
{
	char s[512];
	struct fg_dirent e;
	size_t n;

	(void)state;
	n = mk(s, sizeof(s), "f:3:4001:16=a:99=1:15=b,c:14=C::zz:x=y:noeq:10=1ed:");
	assert_int_equal(fg_dirstream_parse_header(s, n, &e), 0);
	assert_string_equal(e.name, "f");
	assert_int_equal(e.size, 3);
	assert_int_equal(e.attr, 0x4001);
	assert_true(e.has_mtime && e.has_ctime && e.has_atime && e.has_perm);
	assert_int_equal(e.mtime, 0xc);
	assert_int_equal(e.ctime, 0xa);
	assert_int_equal(e.atime, 0xb);
	assert_int_equal(e.perm, 0x1ed);
	/* Mistakes are rejected and clear the output. */
	n = mk(s, sizeof(s), "f:3:1:14=g:");
	assert_int_equal(fg_dirstream_parse_header(s, n, &e), FG_ERR_FORMAT);
	assert_int_equal(e.name[0], '\0');
	assert_int_equal(fg_dirstream_parse_header(s, n - 1, &e), FG_ERR_FORMAT);
	n = mk(s, sizeof(s), "f:3:1:15=-1:");
	assert_int_equal(fg_dirstream_parse_header(s, n, &e), FG_ERR_FORMAT);
	n = mk(s, sizeof(s), "f:3:1:16=10000000000000000:");
	assert_int_equal(fg_dirstream_parse_header(s, n, &e), FG_ERR_RANGE);
	assert_int_equal(fg_dirstream_parse_header("z:n:0:1:", 8, &e), FG_ERR_FORMAT);
	assert_int_equal(fg_dirstream_parse_header("8", 1, &e), FG_ERR_FORMAT);
	/* A 1-digit length is accepted, as are upper-case digits. */
	assert_int_equal(fg_dirstream_parse_header("8:n:0:1:", 8, &e), 0);
	assert_int_equal(fg_dirstream_parse_header("000D:n:A:1:", 11, &e),
	    FG_ERR_FORMAT);
	assert_int_equal(fg_dirstream_parse_header("000B:n:A:1:", 11, &e), 0);
	assert_int_equal(e.size, 10);
}

static void
test_walk(void **state)
{
	char s[4096];
	struct run rn;
	size_t n = 0, i;

	(void)state;
	/* A REGULAR at depth 1, a SYMLINK reported with its data, a LEAVE. */
	n += mk(s + n, sizeof(s) - n, "top:0:2:");
	n += mk(s + n, sizeof(s) - n, "f:2:1:");
	memcpy(s + n, "hi", 2);
	n += 2;
	n += mk(s + n, sizeof(s) - n, "ln:3:4:");
	memcpy(s + n, "abc", 3);
	n += 3;
	n += mk(s + n, sizeof(s) - n, "e:0:1:");
	n += mk(s + n, sizeof(s) - n, "up:0:3:14=5:");
	assert_int_equal(decode(s, n, &rn), 0);
	assert_string_equal(rn.log,
	    "ENTER top 0 2 m0 c0 d1\n"
	    "FILE f 2 1 m0 c0 d1\nFILE_END f got 2 d1\n"
	    "FILE ln 3 4 m0 c0 d1\nFILE_END ln got 3 d1\n"
	    "FILE e 0 1 m0 c0 d1\nFILE_END e got 0 d1\n"
	    "LEAVE up 0 3 m5 c0 d0\nEND d0\n");
	assert_memory_equal(rn.data, "hiabc", 5);

	/* FG_MAX_DIR_DEPTH levels are fine, one more is not. */
	for (n = 0, i = 0; i < FG_MAX_DIR_DEPTH; i++)
		n += mk(s + n, sizeof(s) - n, "d:0:2:");
	for (i = 0; i < FG_MAX_DIR_DEPTH; i++)
		n += mk(s + n, sizeof(s) - n, ".:0:3:");
	assert_int_equal(decode(s, n, &rn), 0);
	assert_true(rn.ended);
	for (n = 0, i = 0; i < FG_MAX_DIR_DEPTH + 1; i++)
		n += mk(s + n, sizeof(s) - n, "d:0:2:");
	assert_int_equal(decode(s, n, &rn), FG_ERR_LIMIT);
}

static void
test_many_entries(void **state)
{
	enum { PER = 1000, ROUNDS = 100 };
	static uint8_t chunk[PER * 12];
	struct fg_dirstream *ds;
	struct run rn;
	char h[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < PER; i++)
		memcpy(chunk + i * 12, "000b:a:1:1:x", 12);
	memset(&rn, 0, sizeof(rn));
	rn.quiet = 1;
	assert_non_null(ds = fg_dirstream_new());
	n = mk(h, sizeof(h), "d:0:2:");
	feed(ds, &rn, (const uint8_t *)h, n);
	for (i = 0; i < ROUNDS; i++) {
		/* Odd chunking so headers straddle chunk ends. */
		feed(ds, &rn, chunk, 7);
		feed(ds, &rn, chunk + 7, sizeof(chunk) - 7);
	}
	n = mk(h, sizeof(h), ".:0:3:");
	feed(ds, &rn, (const uint8_t *)h, n);
	feed(ds, &rn, NULL, 0);
	assert_int_equal(rn.err, 0);
	assert_true(rn.ended);
	assert_int_equal(rn.files, PER * ROUNDS);
	assert_int_equal(fg_dirstream_records(ds), PER * ROUNDS + 2);
	assert_int_equal(fg_dirstream_bytes(ds), PER * ROUNDS);
	fg_dirstream_free(ds);
}

static void
test_put_header_limits(void **state)
{
	struct fg_dirstream *ds;
	struct fg_dirstream_event ev;
	struct fg_buf b;
	struct fg_dirent e;
	size_t used;

	(void)state;
	/* Caller mistakes are refused but do not break the decoder. */
	assert_non_null(ds = fg_dirstream_new());
	assert_int_equal(fg_dirstream_feed(NULL, NULL, 0, &used, &ev), FG_ERR_INVAL);
	assert_int_equal(fg_dirstream_feed(ds, NULL, 1, &used, &ev), FG_ERR_INVAL);
	assert_int_equal(fg_dirstream_feed(ds, NULL, 0, &used, &ev), 0);
	assert_int_equal(ev.type, FG_DS_NEED_MORE);
	assert_false(fg_dirstream_done(NULL));
	assert_int_equal(fg_dirstream_records(NULL), 0);
	fg_dirstream_free(ds);

	fg_buf_init(&b, 4096);
	memset(&e, 0, sizeof(e));
	e.attr = FG_FILE_REGULAR;
	assert_int_equal(fg_dirstream_put_header(&b, &e), FG_ERR_INVAL);
	memset(e.name, ':', FG_MAX_FILENAME);
	assert_int_equal(fg_dirstream_put_header(&b, &e), FG_ERR_LIMIT);
	memset(e.name, 'n', sizeof(e.name));
	assert_int_equal(fg_dirstream_put_header(&b, &e), FG_ERR_LIMIT);
	assert_int_equal(fg_buf_len(&b), 0);
	/* Out of room in out leaves out untouched. */
	fg_buf_release(&b);
	fg_buf_init(&b, 10);
	strcpy(e.name, "abc");
	assert_int_equal(fg_dirstream_put_header(&b, &e), FG_ERR_LIMIT);
	assert_int_equal(fg_buf_len(&b), 0);
	fg_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v7_encode),
		cmocka_unit_test(test_v7_decode),
		cmocka_unit_test(test_v7_splits),
		cmocka_unit_test(test_name_escapes),
		cmocka_unit_test(test_single_file),
		cmocka_unit_test(test_big_size),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_endless_header),
		cmocka_unit_test(test_xattr_by_key),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_put_header_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
