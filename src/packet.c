/*
 * packet: header codec. The first five ':' split exactly (message text may
 * hold ':'), the rest of the first C string is the extra, and further
 * NUL-separated sections follow. Trailing NULs (the official client pads
 * late retries with 64 of them) are ignored.
 */
#include "packet.h"

#include <string.h>

#include "feige/feige.h"
#include "proto.h"

int
fg_packet_parse(const void *data, size_t len, struct fg_packet *pkt)
{
	struct fg_buf b;
	struct fg_span first, tok, rest;
	uint64_t v;
	int r;

	memset(pkt, 0, sizeof(*pkt));
	if (len > FG_MAX_DATAGRAM)
		return FG_ERR_LIMIT;
	fg_buf_view(&b, data, len);

	/* The header and extra live in the first C string. */
	if ((r = fg_buf_get_field(&b, '\0', &first)) != 0)
		return FG_ERR_TRUNCATED;
	{
		struct fg_buf h;

		fg_buf_view(&h, first.p, first.len);
		if ((r = fg_buf_get_until(&h, ':', &pkt->version)) != 0 ||
		    (r = fg_buf_get_until(&h, ':', &pkt->pktno_str)) != 0 ||
		    (r = fg_buf_get_until(&h, ':', &pkt->user)) != 0 ||
		    (r = fg_buf_get_until(&h, ':', &pkt->host)) != 0)
			goto out;
		/* The command may end the packet when there is no extra. */
		if ((r = fg_buf_get_field(&h, ':', &tok)) != 0)
			goto out;
		fg_buf_get_rest(&h, &pkt->extra);
	}
	if (pkt->version.len > FG_MAX_VERSION || pkt->user.len > FG_MAX_NAME ||
	    pkt->host.len > FG_MAX_NAME) {
		r = FG_ERR_LIMIT;
		goto out;
	}
	if ((r = fg_span_leading_dec(pkt->version, UINT32_MAX, &v, &rest)) != 0)
		goto out;
	pkt->ver = (uint32_t)v;
	pkt->vendor = rest;
	if ((r = fg_span_dec(pkt->pktno_str, UINT64_MAX, &pkt->pktno)) != 0 ||
	    (r = fg_span_dec(tok, UINT32_MAX, &v)) != 0)
		goto out;
	pkt->command = (uint32_t)v;

	/* Sections after the first NUL; keep the last non-empty one's place. */
	while (fg_buf_len(&b) > 0 && pkt->nsect < FG_MAX_SECTIONS) {
		(void)fg_buf_get_field(&b, '\0', &pkt->sect[pkt->nsect]);
		pkt->nsect++;
	}
	while (pkt->nsect > 0 && pkt->sect[pkt->nsect - 1].len == 0)
		pkt->nsect--;
	r = 0;
 out:
	if (r != 0) {
		memset(pkt, 0, sizeof(*pkt));
		if (r == FG_ERR_TRUNCATED)
			r = FG_ERR_FORMAT;
	}
	return r;
}

uint32_t
fg_packet_mode(const struct fg_packet *pkt)
{
	return FG_CMD_MODE(pkt->command);
}

struct fg_span
fg_packet_section(const struct fg_packet *pkt, unsigned i)
{
	if (i == 0)
		return pkt->extra;
	if (i <= pkt->nsect)
		return pkt->sect[i - 1];
	return FG_SPAN_NULL;
}

/* Returns 1 when needle occurs in the span. */
static int
span_contains(struct fg_span s, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= s.len && i <= s.len - n; i++)
		if (memcmp(s.p + i, needle, n) == 0)
			return 1;
	return 0;
}

int
fg_packet_is_iptux(const struct fg_packet *pkt)
{
	return span_contains(pkt->vendor, "iptux");
}

int
fg_packet_is_feiq(const struct fg_packet *pkt)
{
	return pkt->vendor.len >= 4 && memcmp(pkt->vendor.p, "_lbt", 4) == 0;
}

/* 1 when s is a usable header name: non-empty, short, no ':' and no NUL. */
static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= FG_MAX_NAME && strchr(s, ':') == NULL;
}

int
fg_packet_put_header(struct fg_buf *out, uint64_t pktno, const char *user,
    const char *host, uint32_t command)
{
	if (!valid_name(user) || !valid_name(host))
		return FG_ERR_INVAL;
	return fg_buf_putf(out, "1:%llu:%s:%s:%lu:", (unsigned long long)pktno,
	    user, host, (unsigned long)command);
}
