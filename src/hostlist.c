/* hostlist: GETLIST/ANSLIST codec. */
#include "hostlist.h"

#include <string.h>

#include "feige/feige.h"
#include "proto.h"

/* Swaps the two bytes of a 16-bit value (the wire's htons round trip). */
static uint16_t
swap16(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

int
fg_hostlist_begin(struct fg_hostlist *hl, struct fg_span extra)
{
	struct fg_span f;
	uint64_t v;
	int r;

	memset(hl, 0, sizeof(*hl));
	fg_buf_view(&hl->b, extra.p, extra.len);
	if ((r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &f)) != 0 ||
	    (r = fg_span_dec(fg_span_trim(f), UINT32_MAX, &v)) != 0)
		goto out;
	hl->cont = (uint32_t)v;
	if ((r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &f)) != 0 ||
	    (r = fg_span_dec(fg_span_trim(f), FG_MAX_HOSTLIST, &v)) != 0)
		goto out;
	hl->count = (uint32_t)v;
	return 0;
 out:
	memset(hl, 0, sizeof(*hl));
	if (r == FG_ERR_RANGE)
		return FG_ERR_LIMIT;
	return r == FG_ERR_TRUNCATED ? FG_ERR_FORMAT : r;
}

/* Reads a nick or group field: '\b' means empty. */
static int
get_name(struct fg_buf *b, struct fg_span *s)
{
	int r;

	if ((r = fg_buf_get_until(b, FG_SEP_LIST, s)) != 0)
		return r;
	if (s->len == 1 && s->p[0] == FG_SEP_DUMMY)
		*s = FG_SPAN_NULL;
	return s->len > FG_MAX_NAME ? FG_ERR_LIMIT : 0;
}

int
fg_hostlist_next(struct fg_hostlist *hl, struct fg_hostent *he)
{
	struct fg_span f;
	uint64_t v;
	int r;

	memset(he, 0, sizeof(*he));
	if (hl->seen >= hl->count)
		return FG_ERR_NOT_FOUND;
	if ((r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &he->user)) != 0 ||
	    (r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &he->host)) != 0 ||
	    (r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &f)) != 0 ||
	    (r = fg_span_dec(f, UINT32_MAX, &v)) != 0)
		goto out;
	he->status = (uint32_t)v;
	if ((r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &he->addr)) != 0 ||
	    (r = fg_buf_get_until(&hl->b, FG_SEP_LIST, &f)) != 0 ||
	    (r = fg_span_dec(f, UINT16_MAX, &v)) != 0)
		goto out;
	he->port = swap16((uint16_t)v);
	if ((r = get_name(&hl->b, &he->nick)) != 0 ||
	    (r = get_name(&hl->b, &he->group)) != 0)
		goto out;
	if (he->user.len == 0 || he->user.len > FG_MAX_NAME ||
	    he->host.len == 0 || he->host.len > FG_MAX_NAME ||
	    he->addr.len == 0 || he->addr.len > 15) {
		r = FG_ERR_FORMAT;
		goto out;
	}
	hl->seen++;
	return 0;
 out:
	memset(he, 0, sizeof(*he));
	hl->seen = hl->count;	/* a broken part yields nothing more */
	return r == FG_ERR_TRUNCATED ? FG_ERR_FORMAT : r;
}

int
fg_hostlist_parse_start(struct fg_span extra, uint32_t *start)
{
	uint64_t v;
	int r;

	*start = 0;
	extra = fg_span_trim(extra);
	if (extra.len == 0)
		return 0;
	if ((r = fg_span_dec(extra, UINT32_MAX, &v)) != 0)
		return r;
	*start = (uint32_t)v;
	return 0;
}

int
fg_hostlist_put_header(struct fg_buf *out, uint32_t cont, uint32_t count)
{
	return fg_buf_putf(out, "%5lu\a%5lu\a", (unsigned long)cont,
	    (unsigned long)count);
}

/* Appends a name field, or '\b' when it is empty. */
static int
put_name(struct fg_buf *out, struct fg_span s)
{
	int r;

	if (s.len == 0)
		r = fg_buf_put_u8(out, FG_SEP_DUMMY);
	else if (memchr(s.p, FG_SEP_LIST, s.len) != NULL)
		return FG_ERR_INVAL;
	else
		r = fg_buf_put_span(out, s);
	return r != 0 ? r : fg_buf_put_u8(out, FG_SEP_LIST);
}

int
fg_hostlist_put_host(struct fg_buf *out, const struct fg_hostent *he)
{
	int r;

	if (he->user.len == 0 || he->host.len == 0 || he->addr.len == 0)
		return FG_ERR_INVAL;
	if ((r = put_name(out, he->user)) != 0 ||
	    (r = put_name(out, he->host)) != 0 ||
	    (r = fg_buf_putf(out, "%lu\a", (unsigned long)he->status)) != 0 ||
	    (r = put_name(out, he->addr)) != 0 ||
	    (r = fg_buf_putf(out, "%u\a", (unsigned)swap16(he->port))) != 0 ||
	    (r = put_name(out, he->nick)) != 0 ||
	    (r = put_name(out, he->group)) != 0)
		return r;
	return 0;
}
