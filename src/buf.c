/*
 * buf: bounded byte buffer and spans. Every length is checked against the
 * buffer's max before memory is touched or allocated.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feige/feige.h"

void
fg_buf_view(struct fg_buf *b, const void *p, size_t len)
{
	b->d = (uint8_t *)(uintptr_t)p;
	b->off = 0;
	b->size = len;
	b->alloc = 0;
	b->max = len;
	b->view = 1;
}

void
fg_buf_init(struct fg_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
fg_buf_release(struct fg_buf *b)
{
	if (b == NULL)
		return;
	if (!b->view)
		free(b->d);
	b->d = NULL;
	b->off = b->size = b->alloc = 0;
}

void
fg_buf_reset(struct fg_buf *b)
{
	b->off = 0;
	if (!b->view)
		b->size = 0;
}

size_t
fg_buf_len(const struct fg_buf *b)
{
	return b->size - b->off;
}

const uint8_t *
fg_buf_ptr(const struct fg_buf *b)
{
	return b->d == NULL ? (const uint8_t *)"" : b->d + b->off;
}

struct fg_span
fg_buf_span(const struct fg_buf *b)
{
	struct fg_span s = { fg_buf_ptr(b), fg_buf_len(b) };

	return s;
}

int
fg_buf_reserve(struct fg_buf *b, size_t n, uint8_t **dp)
{
	size_t need, nalloc;
	uint8_t *nd;

	if (dp != NULL)
		*dp = NULL;
	if (b->view)
		return FG_ERR_INVAL;
	if (n > b->max || b->size > b->max - n)
		return FG_ERR_LIMIT;
	need = b->size + n;
	if (need + 1 > b->alloc) {
		/* Grow geometrically, keeping one spare byte for a NUL. */
		nalloc = b->alloc < 256 ? 256 : b->alloc;
		while (nalloc < need + 1)
			nalloc = nalloc > SIZE_MAX / 2 ? need + 1 : nalloc * 2;
		if (nalloc > b->max + 1)
			nalloc = b->max + 1;
		if ((nd = realloc(b->d, nalloc)) == NULL)
			return FG_ERR_ALLOC;
		b->d = nd;
		b->alloc = nalloc;
	}
	if (dp != NULL)
		*dp = b->d + b->size;
	b->size += n;
	return 0;
}

int
fg_buf_put(struct fg_buf *b, const void *p, size_t n)
{
	uint8_t *dp;
	int r;

	if ((r = fg_buf_reserve(b, n, &dp)) != 0)
		return r;
	if (n > 0)
		memcpy(dp, p, n);
	return 0;
}

int
fg_buf_put_u8(struct fg_buf *b, uint8_t c)
{
	return fg_buf_put(b, &c, 1);
}

int
fg_buf_put_str(struct fg_buf *b, const char *s)
{
	return fg_buf_put(b, s, strlen(s));
}

int
fg_buf_put_span(struct fg_buf *b, struct fg_span s)
{
	return fg_buf_put(b, s.p, s.len);
}

int
fg_buf_putf(struct fg_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n, r;
	uint8_t *dp;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return FG_ERR_INVAL;
	if ((size_t)n < sizeof(small))
		return fg_buf_put(b, small, (size_t)n);
	/* Long output: format straight into the buffer (reserve keeps a NUL byte). */
	if ((r = fg_buf_reserve(b, (size_t)n, &dp)) != 0)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)dp, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return 0;
}

int
fg_buf_terminate(struct fg_buf *b)
{
	int r;

	if (b->view)
		return FG_ERR_INVAL;
	/* reserve always leaves one byte past size allocated. */
	if (b->alloc <= b->size && (r = fg_buf_reserve(b, 0, NULL)) != 0)
		return r;
	b->d[b->size] = '\0';
	return 0;
}

int
fg_buf_consume(struct fg_buf *b, size_t n)
{
	if (n > fg_buf_len(b))
		return FG_ERR_TRUNCATED;
	b->off += n;
	return 0;
}

int
fg_buf_get_u8(struct fg_buf *b, uint8_t *v)
{
	if (fg_buf_len(b) < 1)
		return FG_ERR_TRUNCATED;
	*v = b->d[b->off++];
	return 0;
}

int
fg_buf_get_until(struct fg_buf *b, uint8_t sep, struct fg_span *tok)
{
	const uint8_t *p = fg_buf_ptr(b), *e;
	size_t n = fg_buf_len(b);

	*tok = FG_SPAN_NULL;
	if ((e = memchr(p, sep, n)) == NULL)
		return FG_ERR_TRUNCATED;
	tok->p = p;
	tok->len = (size_t)(e - p);
	b->off += tok->len + 1;
	return 0;
}

int
fg_buf_get_field(struct fg_buf *b, uint8_t sep, struct fg_span *tok)
{
	if (fg_buf_len(b) == 0) {
		*tok = FG_SPAN_NULL;
		return FG_ERR_TRUNCATED;
	}
	if (fg_buf_get_until(b, sep, tok) == 0)
		return 0;
	fg_buf_get_rest(b, tok);
	return 0;
}

void
fg_buf_get_rest(struct fg_buf *b, struct fg_span *tok)
{
	*tok = fg_buf_span(b);
	b->off = b->size;
}

struct fg_span
fg_span_str(const char *s)
{
	struct fg_span sp = { (const uint8_t *)s, s == NULL ? 0 : strlen(s) };

	return sp;
}

int
fg_span_eq(struct fg_span s, const char *str)
{
	size_t n = strlen(str);

	return s.len == n && (n == 0 || memcmp(s.p, str, n) == 0);
}

int
fg_span_dec(struct fg_span s, uint64_t max, uint64_t *v)
{
	struct fg_span rest;
	int r;

	*v = 0;
	if ((r = fg_span_leading_dec(s, max, v, &rest)) != 0)
		return r;
	if (rest.len != 0) {
		*v = 0;
		return FG_ERR_FORMAT;
	}
	return 0;
}

int
fg_span_leading_dec(struct fg_span s, uint64_t max, uint64_t *v,
    struct fg_span *rest)
{
	uint64_t acc = 0;
	size_t i;

	*v = 0;
	*rest = FG_SPAN_NULL;
	for (i = 0; i < s.len && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
		unsigned d = (unsigned)(s.p[i] - '0');

		if (acc > (max - d) / 10)
			return FG_ERR_RANGE;
		acc = acc * 10 + d;
	}
	if (i == 0)
		return FG_ERR_FORMAT;
	*v = acc;
	rest->p = s.p + i;
	rest->len = s.len - i;
	return 0;
}

int
fg_span_hex(struct fg_span s, uint64_t max, uint64_t *v)
{
	uint64_t acc = 0;
	size_t i;
	unsigned d;

	*v = 0;
	if (s.len == 0)
		return FG_ERR_FORMAT;
	for (i = 0; i < s.len; i++) {
		uint8_t c = s.p[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return FG_ERR_FORMAT;
		if (acc > (max - d) / 16)
			return FG_ERR_RANGE;
		acc = acc * 16 + d;
	}
	*v = acc;
	return 0;
}

struct fg_span
fg_span_trim(struct fg_span s)
{
	while (s.len > 0 && s.p[0] == ' ') {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && s.p[s.len - 1] == ' ')
		s.len--;
	return s;
}

int
fg_span_cstr(struct fg_span s, char *dst, size_t dstsz)
{
	if (dstsz == 0)
		return FG_ERR_INVAL;
	dst[0] = '\0';
	if (s.len >= dstsz)
		return FG_ERR_LIMIT;
	if (s.len > 0)
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return 0;
}

char *
fg_span_dup(struct fg_span s)
{
	char *d;

	if (s.len == SIZE_MAX || (d = malloc(s.len + 1)) == NULL)
		return NULL;
	if (s.len > 0)
		memcpy(d, s.p, s.len);
	d[s.len] = '\0';
	return d;
}
