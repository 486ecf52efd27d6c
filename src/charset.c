/*
 * charset: UTF-8 <-> legacy code pages through glibc iconv, with our own
 * strict UTF-8 decoder so that bad input is handled the same way whatever
 * iconv would do with it.
 *
 * Decoding legacy text: iconv runs over the whole input; at a byte it
 * rejects we write U+FFFD, skip one byte and go on, and an incomplete
 * sequence at the end becomes one U+FFFD. GBK is decoded as GB18030, a
 * superset, so GB18030 text from iptux reads right too.
 *
 * Encoding UTF-8: only runs our decoder calls valid are handed to iconv, so
 * an iconv error inside a run means a character the target cannot encode;
 * it becomes '?', as does each maximal invalid subpart between runs.
 * (glibc drops the invisible tag characters U+E0000-E007F instead of
 * rejecting them; we let it.)
 */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "feige/feige.h"
#include "proto.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD in UTF-8 */
#define EURO		"\xe2\x82\xac"	/* U+20AC in UTF-8 */

static const struct {
	const char	*name;
	enum fg_charset	 cs;
} charset_names[] = {
	{ "utf-8", FG_CS_UTF8 },
	{ "utf8", FG_CS_UTF8 },
	{ "gbk", FG_CS_GBK },
	{ "cp936", FG_CS_GBK },
	{ "gb2312", FG_CS_GBK },
	{ "gb18030", FG_CS_GB18030 },
	{ "cp932", FG_CS_CP932 },
	{ "shift_jis", FG_CS_CP932 },
	{ "sjis", FG_CS_CP932 },
};

/* Lower-cases an ASCII letter and leaves every other byte alone. */
static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* 1 when a and b are equal ignoring ASCII case (not locale dependent). */
static int
ascii_caseeq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (ascii_lower((unsigned char)*a) !=
		    ascii_lower((unsigned char)*b))
			return 0;
	}
	return *a == *b;
}

int
fg_charset_from_name(const char *name, enum fg_charset *cs)
{
	size_t i;

	*cs = FG_CS_UTF8;
	if (name == NULL)
		return FG_ERR_INVAL;
	for (i = 0; i < sizeof(charset_names) / sizeof(charset_names[0]); i++) {
		if (ascii_caseeq(name, charset_names[i].name)) {
			*cs = charset_names[i].cs;
			return 0;
		}
	}
	return FG_ERR_CHARSET;
}

const char *
fg_charset_name(enum fg_charset cs)
{
	switch (cs) {
	case FG_CS_UTF8:
		return "utf-8";
	case FG_CS_GBK:
		return "gbk";
	case FG_CS_GB18030:
		return "gb18030";
	case FG_CS_CP932:
		return "cp932";
	}
	return "unknown";
}

/*
 * Looks at the UTF-8 sequence starting at p (len >= 1). Returns 1 when it
 * is a valid character and 0 when not; *n gets the character's length, or
 * for invalid input the length of its maximal subpart (the bytes that could
 * still have begun a valid character, at least 1), which is the unit
 * Unicode recommends replacing with one U+FFFD.
 */
static int
utf8_char(const uint8_t *p, size_t len, size_t *n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	*n = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	for (i = 1; i < need; i++) {
		if (i >= len || p[i] < lo || p[i] > hi) {
			*n = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	*n = need;
	return 1;
}

int
fg_utf8_valid(const void *p, size_t len)
{
	const uint8_t *s = p;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		if (!utf8_char(s + i, len - i, &n))
			return 0;
	}
	return 1;
}

/* Length of the run of valid UTF-8 characters at the start of p. */
static size_t
utf8_valid_prefix(const uint8_t *p, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n) {
		if (!utf8_char(p + i, len - i, &n))
			break;
	}
	return i;
}

/* Appends UTF-8 in to out with each maximal invalid subpart made into rep. */
static int
utf8_sanitize(const uint8_t *in, size_t len, const char *rep,
    struct fg_buf *out)
{
	size_t i = 0, run, n;
	int r;

	while (i < len) {
		run = utf8_valid_prefix(in + i, len - i);
		if ((r = fg_buf_put(out, in + i, run)) != 0)
			return r;
		if ((i += run) == len)
			break;
		(void)utf8_char(in + i, len - i, &n);
		if ((r = fg_buf_put_str(out, rep)) != 0)
			return r;
		i += n;
	}
	return 0;
}

/* The iconv name to decode cs with, or NULL for UTF-8 and unknowns. */
static const char *
iconv_decoder(enum fg_charset cs)
{
	switch (cs) {
	case FG_CS_GBK:
	case FG_CS_GB18030:
		return "GB18030";
	case FG_CS_CP932:
		return "CP932";
	case FG_CS_UTF8:
		break;
	}
	return NULL;
}

/* The iconv name to encode into cs with, or NULL for UTF-8 and unknowns. */
static const char *
iconv_encoder(enum fg_charset cs)
{
	switch (cs) {
	case FG_CS_GBK:
		return "GBK";
	case FG_CS_GB18030:
		return "GB18030";
	case FG_CS_CP932:
		return "CP932";
	case FG_CS_UTF8:
		break;
	}
	return NULL;
}

/*
 * Runs cd over *left bytes at *inp, appending to out, until the input is
 * used up or iconv stops at a sequence it rejects; *stop gets 0, EILSEQ or
 * EINVAL, and *inp and *left then point at that sequence. Output space is
 * reserved in generous chunks (4 bytes per input byte covers every charset
 * here) and the unused tail is handed back by lowering out->size.
 */
static int
iconv_run(iconv_t cd, const uint8_t **inp, size_t *left, struct fg_buf *out,
    int *stop)
{
	size_t want, avail, oleft, rc;
	uint8_t *dp;
	char *ip, *op;
	int r, e;

	*stop = 0;
	while (*left > 0) {
		avail = out->max > out->size ? out->max - out->size : 0;
		want = *left > (SIZE_MAX - 64) / 4 ? SIZE_MAX : *left * 4 + 64;
		if (want > avail)
			want = avail;
		if (want == 0)
			return FG_ERR_LIMIT;
		if ((r = fg_buf_reserve(out, want, &dp)) != 0)
			return r;
		ip = (char *)(uintptr_t)*inp;
		op = (char *)dp;
		oleft = want;
		rc = iconv(cd, &ip, left, &op, &oleft);
		e = errno;
		out->size -= oleft;
		*inp = (const uint8_t *)ip;
		if (rc != (size_t)-1)
			break;
		if (e == EILSEQ || e == EINVAL) {
			*stop = e;
			break;
		}
		if (e != E2BIG)
			return FG_ERR_SYSTEM;
		/* Out of room: fatal only when out's max is the bound. */
		if (want == avail)
			return FG_ERR_LIMIT;
		if (oleft == want)
			return FG_ERR_INTERNAL;	/* stuck with room to spare */
	}
	return 0;
}

/*
 * iconv_open costs far more than a short conversion, so each thread keeps
 * the few descriptors it has opened (there are at most eight pairs) and
 * resets one before use. Thread-local: transfer threads convert names too.
 * A thread that ends calls fg_charset_thread_end to close its own.
 */
#define CD_CACHE	8

static _Thread_local struct {
	const char	*to, *from;
	iconv_t		 cd;
} cd_cache[CD_CACHE];

/* Gets a reset iconv descriptor from one charset to another. */
static int
iconv_start(const char *to, const char *from, iconv_t *cd)
{
	size_t i;

	for (i = 0; i < CD_CACHE && cd_cache[i].to != NULL; i++)
		if (cd_cache[i].to == to && cd_cache[i].from == from) {
			*cd = cd_cache[i].cd;
			(void)iconv(*cd, NULL, NULL, NULL, NULL);
			return 0;
		}
	*cd = iconv_open(to, from);
	if (*cd == (iconv_t)-1)
		return FG_ERR_CHARSET;
	if (i < CD_CACHE) {
		cd_cache[i].to = to;
		cd_cache[i].from = from;
		cd_cache[i].cd = *cd;
	}
	return 0;
}

void
fg_charset_thread_end(void)
{
	size_t i;

	for (i = 0; i < CD_CACHE; i++)
		if (cd_cache[i].to != NULL) {
			iconv_close(cd_cache[i].cd);
			cd_cache[i].to = cd_cache[i].from = NULL;
		}
}

/* Gives a descriptor back: cached ones stay open, others are closed. */
static void
iconv_done(iconv_t cd)
{
	size_t i;

	if (cd == (iconv_t)-1)
		return;
	for (i = 0; i < CD_CACHE; i++)
		if (cd_cache[i].to != NULL && cd_cache[i].cd == cd)
			return;
	iconv_close(cd);
}

int
fg_charset_to_utf8(enum fg_charset cs, const void *in, size_t len,
    struct fg_buf *out)
{
	const uint8_t *p = in;
	const char *from, *rep;
	iconv_t cd = (iconv_t)-1;
	size_t start, left = len;
	int r, stop;

	if (out == NULL || out->view || (in == NULL && len > 0))
		return FG_ERR_INVAL;
	start = out->size;
	if (cs == FG_CS_UTF8) {
		r = utf8_sanitize(p, len, REPLACEMENT, out);
		goto out;
	}
	if ((from = iconv_decoder(cs)) == NULL) {
		r = FG_ERR_CHARSET;
		goto out;
	}
	if ((r = iconv_start("UTF-8", from, &cd)) != 0)
		goto out;
	while (left > 0) {
		if ((r = iconv_run(cd, &p, &left, out, &stop)) != 0)
			goto out;
		if (stop == 0)
			break;
		(void)iconv(cd, NULL, NULL, NULL, NULL);
		/*
		 * Windows' GBK (CP936) has the euro sign at 0x80, a byte
		 * GB18030 rejects; glibc's GBK encoder writes it there too.
		 */
		rep = cs == FG_CS_GBK && stop == EILSEQ && *p == 0x80 ?
		    EURO : REPLACEMENT;
		if ((r = fg_buf_put_str(out, rep)) != 0)
			goto out;
		if (stop == EINVAL)
			break;		/* the input ends inside a character */
		p++;
		left--;
	}
	r = 0;
 out:
	iconv_done(cd);
	if (r != 0)
		out->size = start;	/* leave out as it was */
	return r;
}

int
fg_charset_from_utf8(enum fg_charset cs, const void *in, size_t len,
    struct fg_buf *out)
{
	const uint8_t *p = in, *q;
	const char *to;
	iconv_t cd = (iconv_t)-1;
	size_t start, i = 0, run, left, n;
	int r, stop;

	if (out == NULL || out->view || (in == NULL && len > 0))
		return FG_ERR_INVAL;
	start = out->size;
	if (cs == FG_CS_UTF8) {
		r = utf8_sanitize(p, len, REPLACEMENT, out);
		goto out;
	}
	if ((to = iconv_encoder(cs)) == NULL) {
		r = FG_ERR_CHARSET;
		goto out;
	}
	if ((r = iconv_start(to, "UTF-8", &cd)) != 0)
		goto out;
	while (i < len) {
		run = utf8_valid_prefix(p + i, len - i);
		q = p + i;
		left = run;
		while (left > 0) {
			if ((r = iconv_run(cd, &q, &left, out, &stop)) != 0)
				goto out;
			if (stop == 0)
				break;
			/* A valid character that cs has no code for. */
			(void)iconv(cd, NULL, NULL, NULL, NULL);
			if ((r = fg_buf_put_u8(out, '?')) != 0)
				goto out;
			(void)utf8_char(q, left, &n);
			q += n;
			left -= n;
		}
		if ((i += run) == len)
			break;
		(void)utf8_char(p + i, len - i, &n);
		if ((r = fg_buf_put_u8(out, '?')) != 0)
			goto out;
		i += n;
	}
	r = 0;
 out:
	iconv_done(cd);
	if (r != 0)
		out->size = start;	/* leave out as it was */
	return r;
}

/*
 * Length of the GB18030 (or GBK, its two-byte subset) unit at p: a valid
 * 1, 2 or 4 byte character, a single bad byte (1, as the decoder skips
 * it), or, when the input ends inside a character, all that is left.
 */
static size_t
gb18030_unit(const uint8_t *p, size_t len)
{
	uint8_t c = p[0];

	if (c < 0x81 || c == 0xff)
		return 1;
	if (len < 2)
		return len;
	if (p[1] >= 0x30 && p[1] <= 0x39) {
		if (len < 3)
			return len;
		if (p[2] < 0x81 || p[2] == 0xff)
			return 1;
		if (len < 4)
			return len;
		return p[3] >= 0x30 && p[3] <= 0x39 ? 4 : 1;
	}
	if ((p[1] >= 0x40 && p[1] <= 0x7e) || (p[1] >= 0x80 && p[1] <= 0xfe))
		return 2;
	return 1;
}

/* Length of the CP932 unit at p, on the same terms as gb18030_unit. */
static size_t
cp932_unit(const uint8_t *p, size_t len)
{
	uint8_t c = p[0];

	if (!((c >= 0x81 && c <= 0x9f) || (c >= 0xe0 && c <= 0xfc)))
		return 1;	/* ASCII, half-width katakana or a bad byte */
	if (len < 2)
		return len;
	if ((p[1] >= 0x40 && p[1] <= 0x7e) || (p[1] >= 0x80 && p[1] <= 0xfc))
		return 2;
	return 1;
}

size_t
fg_charset_cut(enum fg_charset cs, const void *p, size_t len, size_t max)
{
	const uint8_t *s = p;
	size_t i, n;

	if (max >= len)
		return len;
	for (i = 0; i < max; i += n) {
		switch (cs) {
		case FG_CS_GBK:
		case FG_CS_GB18030:
			n = gb18030_unit(s + i, len - i);
			break;
		case FG_CS_CP932:
			n = cp932_unit(s + i, len - i);
			break;
		case FG_CS_UTF8:
		default:
			(void)utf8_char(s + i, len - i, &n);
			break;
		}
		if (n > max - i)
			break;
	}
	return i;
}

int
fg_feiq_strip_font(const char *text, size_t *len)
{
	static const char tag[] = "{/font;";
	const size_t taglen = sizeof(tag) - 1;
	size_t n = *len, i;

	if (text == NULL || n < taglen + 1 || text[n - 1] != '}')
		return 0;
	/*
	 * Look back from the final '}' for the tag. Another '}' on the way
	 * means the final brace closes something else: the text has a block
	 * in the middle, or none, and is left alone.
	 */
	for (i = n - 1; i-- > 0;) {
		if (text[i] == '}')
			return 0;
		if (text[i] == '{' && n - 1 - i >= taglen &&
		    memcmp(text + i, tag, taglen) == 0) {
			*len = i;
			return 1;
		}
	}
	return 0;
}

void
fg_charset_peer_init(struct fg_charset_peer *p, enum fg_charset legacy)
{
	memset(p, 0, sizeof(*p));
	p->legacy = legacy;
}

/* 1 when p[0..len) holds a byte outside ASCII. */
static int
has_non_ascii(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] >= 0x80)
			return 1;
	}
	return 0;
}

void
fg_charset_peer_learn(struct fg_charset_peer *p, uint32_t cmd,
    const char *version, const void *raw, size_t rawlen)
{
	uint32_t mode = FG_CMD_MODE(cmd);

	if (cmd & FG_OPT_UTF8)
		p->caputf8 = 1;
	else if (mode == FG_CMD_BR_ENTRY || mode == FG_CMD_ANSENTRY ||
	    mode == FG_CMD_BR_ABSENCE)
		p->caputf8 = (cmd & FG_OPT_CAPUTF8) != 0;
	if (version != NULL)
		p->iptux = strstr(version, "iptux") != NULL;
	/*
	 * iptux sends its (by default UTF-8) text without UTF8OPT; remember
	 * which way its last telling packet went. Pure ASCII tells nothing.
	 */
	if (p->iptux && !(cmd & FG_OPT_UTF8) && raw != NULL &&
	    has_non_ascii(raw, rawlen)) {
		p->sent_utf8 = fg_utf8_valid(raw, rawlen);
		p->sent_legacy = !p->sent_utf8;
	}
}

enum fg_charset
fg_charset_for_recv(const struct fg_charset_peer *p, uint32_t cmd,
    const void *raw, size_t rawlen)
{
	if (cmd & FG_OPT_UTF8)
		return FG_CS_UTF8;
	if (p->iptux && (raw != NULL || rawlen == 0) &&
	    fg_utf8_valid(raw, rawlen))
		return FG_CS_UTF8;
	return p->legacy;
}

enum fg_charset
fg_charset_for_send(const struct fg_charset_peer *p, int *utf8opt)
{
	if (utf8opt != NULL)
		*utf8opt = 0;
	if (p->caputf8) {
		if (utf8opt != NULL)
			*utf8opt = 1;
		return FG_CS_UTF8;
	}
	/*
	 * iptux marks no packet and always calls itself "utf-8" whatever it
	 * is set to; it reads valid UTF-8 as UTF-8 and everything else as
	 * GB18030 (set to utf-8) or in its own legacy charset (set to gbk).
	 * GB18030 reads right either way, so it is what an iptux gets until
	 * it has shown it writes UTF-8. Plain GBK would not do: glibc writes
	 * the euro sign as 0x80, which GB18030 rejects, and iptux then drops
	 * the packet and falls back to UTF-16 for good.
	 */
	if (p->iptux)
		return p->sent_utf8 ? FG_CS_UTF8 : FG_CS_GB18030;
	return p->legacy;
}
