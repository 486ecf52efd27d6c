/*
 * attach: attachment-list codec. The list is first cut at '\a' (a byte that
 * cannot occur inside GBK, CP932 or UTF-8 names), then each entry is read
 * field by field; only the name knows the "::" escape.
 */
#include "attach.h"

#include <stdlib.h>
#include <string.h>

#include "feige/feige.h"

int
fg_attach_get_name(struct fg_buf *b, char *dst, size_t dstsz)
{
	const uint8_t *p = fg_buf_ptr(b);
	size_t n = fg_buf_len(b), i, o = 0;

	if (dstsz == 0)
		return FG_ERR_INVAL;
	dst[0] = '\0';
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '\0')
			break;
		if (c == ':') {
			if (i + 1 < n && p[i + 1] == ':') {
				i++;	/* "::" is one literal ':' */
			} else {
				dst[o] = '\0';
				b->off += i + 1;
				return o == 0 ? FG_ERR_FORMAT : 0;
			}
		}
		if (o + 1 >= dstsz) {
			dst[0] = '\0';
			return FG_ERR_LIMIT;
		}
		dst[o++] = (char)c;
	}
	dst[0] = '\0';
	return i < n ? FG_ERR_FORMAT : FG_ERR_TRUNCATED;
}

int
fg_attach_put_name(struct fg_buf *out, const char *name)
{
	const char *c;
	int r;

	for (c = name; *c != '\0'; c++) {
		if ((r = fg_buf_put_u8(out, (uint8_t)*c)) != 0)
			return r;
		if (*c == ':' && (r = fg_buf_put_u8(out, ':')) != 0)
			return r;
	}
	return 0;
}

/* Reads one "key=val[,val]" extended attribute into a; unknown keys are ignored. */
static int
parse_xattr(struct fg_span f, struct fg_attach *a)
{
	struct fg_buf b;
	struct fg_span key, val;
	uint64_t k, v;
	int r;

	fg_buf_view(&b, f.p, f.len);
	if ((r = fg_buf_get_until(&b, '=', &key)) != 0)
		return FG_ERR_FORMAT;
	(void)fg_buf_get_field(&b, ',', &val);	/* first value of a list */
	if ((r = fg_span_hex(key, UINT32_MAX, &k)) != 0)
		return r;
	if (val.len == 0)
		return 0;
	if ((r = fg_span_hex(val, UINT64_MAX, &v)) != 0)
		return r;
	switch (k) {
	case FG_XATTR_CREATETIME:
		a->ctime = v;
		a->has_ctime = 1;
		break;
	case FG_XATTR_PERM:
		a->perm = (uint32_t)v;
		a->has_perm = 1;
		break;
	case FG_XATTR_CLIPBOARDPOS:
		a->clip_pos = (uint32_t)v;
		a->has_clip_pos = 1;
		break;
	case FG_XATTR_MTIME:
		a->mtime = v;
		break;
	}
	return 0;
}

/* Parses one entry (the bytes between separators) into a. */
static int
parse_one(struct fg_span ent, struct fg_attach *a)
{
	struct fg_buf b;
	struct fg_span f;
	uint64_t v;
	int r;

	memset(a, 0, sizeof(*a));
	fg_buf_view(&b, ent.p, ent.len);
	if ((r = fg_buf_get_until(&b, ':', &f)) != 0 ||
	    (r = fg_span_dec(f, UINT32_MAX, &v)) != 0)
		return FG_ERR_FORMAT;
	a->fid = (uint32_t)v;
	if ((r = fg_attach_get_name(&b, a->name, sizeof(a->name))) != 0)
		return r == FG_ERR_LIMIT ? r : FG_ERR_FORMAT;
	if ((r = fg_buf_get_until(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT64_MAX, &a->size)) != 0 ||
	    (r = fg_buf_get_until(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT64_MAX, &a->mtime)) != 0)
		return FG_ERR_FORMAT;
	/* attr may end the entry without a ':' (seen from simple senders). */
	if ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT32_MAX, &v)) != 0)
		return FG_ERR_FORMAT;
	a->attr = (uint32_t)v;
	while (fg_buf_get_field(&b, ':', &f) == 0) {
		if (f.len == 0)
			continue;
		if ((r = parse_xattr(f, a)) != 0)
			return FG_ERR_FORMAT;
	}
	return 0;
}

int
fg_attach_next(struct fg_buf *b, struct fg_attach *a)
{
	struct fg_span ent;
	int r;

	memset(a, 0, sizeof(*a));
	for (;;) {
		if (fg_buf_len(b) == 0)
			return FG_ERR_NOT_FOUND;
		/* The last entry may lack its '\a'. */
		(void)fg_buf_get_field(b, FG_SEP_LIST, &ent);
		/* "\a:" and ":\a:" put a ':' before the next entry. */
		if (ent.len > 0 && ent.p[0] == ':') {
			ent.p++;
			ent.len--;
		}
		if (ent.len > 0)
			break;
	}
	if ((r = parse_one(ent, a)) != 0)
		memset(a, 0, sizeof(*a));
	return r;
}

int
fg_attach_parse(const void *p, size_t len, struct fg_attach_list *list)
{
	struct fg_buf b;
	struct fg_attach a;
	struct fg_attach *v = NULL, *nv;
	size_t n = 0, cap = 0;
	int r;

	list->v = NULL;
	list->n = 0;
	fg_buf_view(&b, p, len);
	while ((r = fg_attach_next(&b, &a)) == 0) {
		if (n == FG_MAX_ATTACH) {
			r = FG_ERR_LIMIT;
			goto out;
		}
		if (n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			if (cap > FG_MAX_ATTACH)
				cap = FG_MAX_ATTACH;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				r = FG_ERR_ALLOC;
				goto out;
			}
			v = nv;
		}
		v[n++] = a;
	}
	if (r != FG_ERR_NOT_FOUND)
		goto out;
	list->v = v;
	list->n = n;
	v = NULL;
	r = 0;
 out:
	free(v);
	return r;
}

void
fg_attach_list_free(struct fg_attach_list *list)
{
	if (list == NULL)
		return;
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

int
fg_attach_put(struct fg_buf *out, const struct fg_attach *a)
{
	int r;

	if (a->name[0] == '\0' || memchr(a->name, FG_SEP_LIST, strlen(a->name)) != NULL)
		return FG_ERR_INVAL;
	if ((r = fg_buf_putf(out, "%lu:", (unsigned long)a->fid)) != 0 ||
	    (r = fg_attach_put_name(out, a->name)) != 0 ||
	    (r = fg_buf_putf(out, ":%llx:%llx:%lx:", (unsigned long long)a->size,
	    (unsigned long long)a->mtime, (unsigned long)a->attr)) != 0)
		return r;
	if (a->has_ctime && (r = fg_buf_putf(out, "%x=%llx:",
	    FG_XATTR_CREATETIME, (unsigned long long)a->ctime)) != 0)
		return r;
	if (a->has_perm && (r = fg_buf_putf(out, "%x=%lx:",
	    FG_XATTR_PERM, (unsigned long)a->perm)) != 0)
		return r;
	if (a->has_clip_pos && (r = fg_buf_putf(out, "%x=%lx:",
	    FG_XATTR_CLIPBOARDPOS, (unsigned long)a->clip_pos)) != 0)
		return r;
	return fg_buf_put_u8(out, FG_SEP_LIST);
}
