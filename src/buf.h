/*
 * buf: the bounded byte buffer that every parser and builder goes through.
 *
 * A struct fg_buf is either a read-only view over bytes the caller owns
 * (fg_buf_view) or a growable buffer that never grows past its max
 * (fg_buf_init). Reads move a cursor; typed gets check bounds before they
 * touch a byte. A struct fg_span names bytes inside someone else's storage.
 */
#ifndef FG_BUF_H
#define FG_BUF_H

#include <stddef.h>
#include <stdint.h>

struct fg_span {
	const uint8_t	*p;
	size_t		 len;
};

struct fg_buf {
	uint8_t		*d;	/* storage, or the viewed bytes */
	size_t		 off;	/* read cursor */
	size_t		 size;	/* end of the data */
	size_t		 alloc;	/* bytes allocated; 0 for a view */
	size_t		 max;	/* size never exceeds this */
	int		 view;	/* 1 when d belongs to the caller */
};

#define FG_SPAN_NULL ((struct fg_span){ NULL, 0 })

/* Makes b a read-only view over len bytes at p. */
void	fg_buf_view(struct fg_buf *b, const void *p, size_t len);
/* Makes b an empty buffer that may hold up to max bytes. */
void	fg_buf_init(struct fg_buf *b, size_t max);
/* Frees b's storage and leaves b empty; a view just forgets its bytes. */
void	fg_buf_release(struct fg_buf *b);
/* Drops all data and rewinds the cursor; keeps the storage. */
void	fg_buf_reset(struct fg_buf *b);

/* Unread bytes. */
size_t	fg_buf_len(const struct fg_buf *b);
/* Pointer to the first unread byte. */
const uint8_t *fg_buf_ptr(const struct fg_buf *b);
/* The unread bytes as a span. */
struct fg_span fg_buf_span(const struct fg_buf *b);

/* Makes room for n more bytes and returns where they go in *dp. */
int	fg_buf_reserve(struct fg_buf *b, size_t n, uint8_t **dp);
/* Appends n bytes. */
int	fg_buf_put(struct fg_buf *b, const void *p, size_t n);
/* Appends one byte. */
int	fg_buf_put_u8(struct fg_buf *b, uint8_t c);
/* Appends a C string without its NUL. */
int	fg_buf_put_str(struct fg_buf *b, const char *s);
/* Appends a span. */
int	fg_buf_put_span(struct fg_buf *b, struct fg_span s);
/* Appends printf-formatted text without its NUL. */
int	fg_buf_putf(struct fg_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends a NUL and takes it back off the length: the data reads as a C string. */
int	fg_buf_terminate(struct fg_buf *b);

/* Skips n unread bytes. */
int	fg_buf_consume(struct fg_buf *b, size_t n);
/* Reads one byte. */
int	fg_buf_get_u8(struct fg_buf *b, uint8_t *v);
/* Reads the bytes before the next sep into *tok and consumes the sep too. */
int	fg_buf_get_until(struct fg_buf *b, uint8_t sep, struct fg_span *tok);
/* Like fg_buf_get_until, but the end of the data also ends the token. */
int	fg_buf_get_field(struct fg_buf *b, uint8_t sep, struct fg_span *tok);
/* Reads everything left. */
void	fg_buf_get_rest(struct fg_buf *b, struct fg_span *tok);

/* Makes a span over a C string. */
struct fg_span fg_span_str(const char *s);
/* 1 when the span's bytes equal the C string. */
int	fg_span_eq(struct fg_span s, const char *str);
/* Parses an unsigned decimal (digits only) no larger than max. */
int	fg_span_dec(struct fg_span s, uint64_t max, uint64_t *v);
/* Parses unsigned hex digits (either case) into a value no larger than max. */
int	fg_span_hex(struct fg_span s, uint64_t max, uint64_t *v);
/* Parses the leading decimal digits; *rest gets what follows them. */
int	fg_span_leading_dec(struct fg_span s, uint64_t max, uint64_t *v,
	    struct fg_span *rest);
/* Strips ASCII spaces from both ends. */
struct fg_span fg_span_trim(struct fg_span s);
/* Copies the span into a NUL-terminated string of at most max bytes. */
int	fg_span_cstr(struct fg_span s, char *dst, size_t dstsz);
/* Returns a malloc'd NUL-terminated copy, or NULL when out of memory. */
char	*fg_span_dup(struct fg_span s);

#endif /* FG_BUF_H */
