/*
 * dirstream: directory stream codec. The decoder buffers one header at a
 * time in a fixed array (never more than FG_MAX_DIRHDR bytes), so its
 * memory does not depend on the stream; file data is never copied, DATA
 * events point into the caller's chunk.
 *
 * The length prefix is not trusted: it is read byte by byte up to the first
 * ':' (at most HLEN_DIGITS hex digits), and must leave room for the shortest
 * possible rest "n:0:1:" and stay within FG_MAX_DIRHDR before any further
 * byte is buffered.
 */
#include "dirstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "feige/feige.h"

#define HLEN_DIGITS	8	/* most hex digits accepted in the length */
#define HDR_BODY_MIN	6	/* shortest "name:size:attr:" */
#define HDR_PREFIX	5	/* what the encoder writes: "HHHH:" */

enum ds_state {
	DS_HDR,		/* collecting a header */
	DS_DATA,	/* reporting a file's data */
	DS_FILE_END,	/* data complete; FILE_END not yet reported */
	DS_END_PENDING,	/* last record complete; END not yet reported */
	DS_END		/* END reported; only empty feeds are fine */
};

struct fg_dirstream {
	enum ds_state	 state;
	int		 err;		/* sticky error, 0 while healthy */
	unsigned	 depth;
	int		 single;	/* the first record was a file */
	uint8_t		 hdr[FG_MAX_DIRHDR];
	size_t		 have;		/* header bytes buffered */
	size_t		 hlen;		/* header length, 0 until its ':' came */
	uint64_t	 left;		/* data bytes still to report */
	uint64_t	 records;
	uint64_t	 bytes;
	struct fg_dirent ent;
};

struct fg_dirstream *
fg_dirstream_new(void)
{
	return calloc(1, sizeof(struct fg_dirstream));
}

void
fg_dirstream_free(struct fg_dirstream *ds)
{
	free(ds);
}

int
fg_dirstream_done(const struct fg_dirstream *ds)
{
	return ds != NULL && ds->err == 0 &&
	    (ds->state == DS_END_PENDING || ds->state == DS_END);
}

uint64_t
fg_dirstream_records(const struct fg_dirstream *ds)
{
	return ds == NULL ? 0 : ds->records;
}

uint64_t
fg_dirstream_bytes(const struct fg_dirstream *ds)
{
	return ds == NULL ? 0 : ds->bytes;
}

/* Checks the length digits before the first ':' and returns the length. */
static int
header_length(struct fg_span digits, size_t *hlen)
{
	uint64_t v;

	*hlen = 0;
	if (digits.len == 0 || digits.len > HLEN_DIGITS ||
	    fg_span_hex(digits, UINT32_MAX, &v) != 0)
		return FG_ERR_FORMAT;
	if (v > FG_MAX_DIRHDR)
		return FG_ERR_LIMIT;
	if (v < digits.len + 1 + HDR_BODY_MIN)
		return FG_ERR_FORMAT;
	*hlen = (size_t)v;
	return 0;
}

/*
 * Applies one extended attribute field "key=val[,val...]" to e. Empty
 * fields, fields that are not key=val and unknown keys are ignored; a known
 * key must carry a hex value (the first of a list counts).
 */
static int
put_xattr(struct fg_dirent *e, struct fg_span f)
{
	struct fg_buf b;
	struct fg_span key, val;
	uint64_t k, v;
	int r;

	fg_buf_view(&b, f.p, f.len);
	if (fg_buf_get_until(&b, '=', &key) != 0 ||
	    fg_span_hex(key, UINT32_MAX, &k) != 0)
		return 0;
	(void)fg_buf_get_field(&b, ',', &val);
	switch (k) {
	case FG_XATTR_MTIME:
		if ((r = fg_span_hex(val, UINT64_MAX, &v)) != 0)
			return r;
		e->mtime = v;
		e->has_mtime = 1;
		break;
	case FG_XATTR_ATIME:
		if ((r = fg_span_hex(val, UINT64_MAX, &v)) != 0)
			return r;
		e->atime = v;
		e->has_atime = 1;
		break;
	case FG_XATTR_CREATETIME:
		if ((r = fg_span_hex(val, UINT64_MAX, &v)) != 0)
			return r;
		e->ctime = v;
		e->has_ctime = 1;
		break;
	case FG_XATTR_PERM:
		if ((r = fg_span_hex(val, UINT32_MAX, &v)) != 0)
			return r;
		e->perm = (uint32_t)v;
		e->has_perm = 1;
		break;
	default:
		break;
	}
	return 0;
}

int
fg_dirstream_parse_header(const void *p, size_t len, struct fg_dirent *e)
{
	struct fg_buf b;
	struct fg_span tok;
	size_t hlen;
	uint64_t v;
	int r;

	memset(e, 0, sizeof(*e));
	fg_buf_view(&b, p, len);
	if ((r = fg_buf_get_until(&b, ':', &tok)) != 0 ||
	    (r = header_length(tok, &hlen)) != 0)
		goto out;
	if (hlen != len) {
		r = FG_ERR_FORMAT;
		goto out;
	}
	if ((r = fg_attach_get_name(&b, e->name, sizeof(e->name))) != 0 ||
	    (r = fg_buf_get_until(&b, ':', &tok)) != 0 ||
	    (r = fg_span_hex(tok, UINT64_MAX, &e->size)) != 0 ||
	    (r = fg_buf_get_until(&b, ':', &tok)) != 0 ||
	    (r = fg_span_hex(tok, UINT32_MAX, &v)) != 0)
		goto out;
	e->attr = (uint32_t)v;
	/* Every field, the last one too, ends with ':'. */
	while (fg_buf_len(&b) > 0) {
		if ((r = fg_buf_get_until(&b, ':', &tok)) != 0 ||
		    (r = put_xattr(e, tok)) != 0)
			goto out;
	}
	r = 0;
 out:
	if (r != 0) {
		memset(e, 0, sizeof(*e));
		if (r == FG_ERR_TRUNCATED)
			r = FG_ERR_FORMAT;
	}
	return r;
}

/* Applies the record in ds->ent to the walk and reports its event. */
static int
walk(struct fg_dirstream *ds, struct fg_dirstream_event *ev)
{
	const struct fg_dirent *e = &ds->ent;

	switch (FG_FILE_TYPE(e->attr)) {
	case FG_FILE_DIR:
		if (ds->depth >= FG_MAX_DIR_DEPTH)
			return FG_ERR_LIMIT;
		ds->depth++;
		ev->type = FG_DS_ENTER;
		break;
	case FG_FILE_RETPARENT:
		if (ds->depth == 0 || e->size != 0)
			return FG_ERR_FORMAT;
		if (--ds->depth == 0)
			ds->state = DS_END_PENDING;
		ev->type = FG_DS_LEAVE;
		break;
	default:
		/* A file as the first record is a single file, sent alone. */
		if (ds->depth == 0)
			ds->single = 1;
		ds->bytes += e->size < UINT64_MAX - ds->bytes ?
		    e->size : UINT64_MAX - ds->bytes;
		ds->left = e->size;
		ds->state = ds->left > 0 ? DS_DATA : DS_FILE_END;
		ev->type = FG_DS_FILE;
		break;
	}
	ds->records++;
	ev->ent = e;
	ev->depth = ds->depth;
	return 0;
}

/* Buffers header bytes from p; reports the record once its header is whole. */
static int
feed_header(struct fg_dirstream *ds, const uint8_t *p, size_t len,
    size_t *used, struct fg_dirstream_event *ev)
{
	struct fg_span digits;
	size_t n = 0, take;
	int r;

	/* The length, byte by byte: nothing past its ':' is buffered unchecked. */
	while (ds->hlen == 0 && n < len) {
		if (p[n] != ':' && ds->have == HLEN_DIGITS)
			return FG_ERR_FORMAT;
		if (p[n] == ':') {
			digits.p = ds->hdr;
			digits.len = ds->have;
			if ((r = header_length(digits, &ds->hlen)) != 0)
				return r;
		}
		ds->hdr[ds->have++] = p[n++];
	}
	if (ds->hlen != 0 && n < len) {
		take = ds->hlen - ds->have;
		if (take > len - n)
			take = len - n;
		memcpy(ds->hdr + ds->have, p + n, take);
		ds->have += take;
		n += take;
	}
	*used = n;
	if (ds->hlen == 0 || ds->have < ds->hlen)
		return 0;
	if ((r = fg_dirstream_parse_header(ds->hdr, ds->hlen, &ds->ent)) != 0)
		return r;
	ds->have = ds->hlen = 0;
	return walk(ds, ev);
}

int
fg_dirstream_feed(struct fg_dirstream *ds, const uint8_t *p, size_t len,
    size_t *used, struct fg_dirstream_event *ev)
{
	size_t n;
	int r = 0;

	if (used != NULL)
		*used = 0;
	if (ev != NULL)
		memset(ev, 0, sizeof(*ev));
	if (ds == NULL || used == NULL || ev == NULL || (p == NULL && len > 0))
		return FG_ERR_INVAL;
	if (ds->err != 0)
		return ds->err;
	ev->type = FG_DS_NEED_MORE;
	ev->depth = ds->depth;
	switch (ds->state) {
	case DS_HDR:
		r = feed_header(ds, p, len, used, ev);
		break;
	case DS_DATA:
		if (len == 0)
			break;
		n = len < ds->left ? len : (size_t)ds->left;
		ds->left -= n;
		if (ds->left == 0)
			ds->state = DS_FILE_END;
		ev->type = FG_DS_DATA;
		ev->ent = &ds->ent;
		ev->data = p;
		ev->len = n;
		*used = n;
		break;
	case DS_FILE_END:
		ds->state = ds->single ? DS_END_PENDING : DS_HDR;
		ev->type = FG_DS_FILE_END;
		ev->ent = &ds->ent;
		break;
	case DS_END_PENDING:
	case DS_END:
		/* Nothing may follow the last record. */
		if (len > 0) {
			r = FG_ERR_FORMAT;
			break;
		}
		if (ds->state == DS_END_PENDING)
			ev->type = FG_DS_END;
		ds->state = DS_END;
		break;
	}
	if (r != 0) {
		ds->err = r;
		*used = 0;
		memset(ev, 0, sizeof(*ev));
	}
	return r;
}

int
fg_dirstream_put_header(struct fg_buf *out, const struct fg_dirent *e)
{
	struct fg_buf body;
	char pre[HDR_PREFIX + 1];
	uint8_t *dp;
	size_t nlen, n;
	int r;

	fg_buf_init(&body, FG_MAX_DIRHDR - HDR_PREFIX);
	nlen = strnlen(e->name, sizeof(e->name));
	if (nlen == 0) {
		r = FG_ERR_INVAL;
		goto out;
	}
	if (nlen > FG_MAX_FILENAME) {
		r = FG_ERR_LIMIT;
		goto out;
	}
	if ((r = fg_attach_put_name(&body, e->name)) != 0 ||
	    (r = fg_buf_put_u8(&body, ':')) != 0)
		goto out;
	/* The official sender prints the size as "%x%08x" of its two halves. */
	if (FG_FILE_TYPE(e->attr) == FG_FILE_RETPARENT)
		r = fg_buf_put_str(&body, "0:");
	else
		r = fg_buf_putf(&body, "%x%08x:", (unsigned)(e->size >> 32),
		    (unsigned)(e->size & 0xffffffffU));
	if (r != 0 || (r = fg_buf_putf(&body, "%x:", (unsigned)e->attr)) != 0)
		goto out;
	if (e->has_mtime && (r = fg_buf_putf(&body, "%x=%llx:",
	    FG_XATTR_MTIME, (unsigned long long)e->mtime)) != 0)
		goto out;
	if (e->has_ctime && (r = fg_buf_putf(&body, "%x=%llx:",
	    FG_XATTR_CREATETIME, (unsigned long long)e->ctime)) != 0)
		goto out;
	/* Reserve the whole header at once so out is untouched on failure. */
	n = HDR_PREFIX + fg_buf_len(&body);
	snprintf(pre, sizeof(pre), "%04zx:", n);
	if ((r = fg_buf_reserve(out, n, &dp)) != 0)
		goto out;
	memcpy(dp, pre, HDR_PREFIX);
	memcpy(dp + HDR_PREFIX, fg_buf_ptr(&body), fg_buf_len(&body));
	r = 0;
 out:
	fg_buf_release(&body);
	return r;
}
