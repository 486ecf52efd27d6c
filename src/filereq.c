/*
 * filereq: request codec. Packet numbers are hex here (decimal in the header
 * and in RELEASEFILES), file IDs hex (decimal in the attachment list). iptux
 * leaves off the trailing ':' and appends ":0" to GETDIRFILES; both parse.
 */
#include "filereq.h"

#include <string.h>

#include "feige/feige.h"
#include "proto.h"

int
fg_filereq_parse(const struct fg_packet *pkt, struct fg_filereq *req)
{
	struct fg_buf b;
	struct fg_span f;
	uint64_t v;
	int r;

	memset(req, 0, sizeof(*req));
	req->mode = fg_packet_mode(pkt);
	fg_buf_view(&b, pkt->extra.p, pkt->extra.len);
	switch (req->mode) {
	case FG_CMD_RELEASEFILES:
		if ((r = fg_span_dec(fg_span_trim(pkt->extra), UINT64_MAX,
		    &req->pktno)) != 0)
			goto out;
		return 0;
	case FG_CMD_GETFILEDATA:
	case FG_CMD_GETDIRFILES:
		break;
	default:
		r = FG_ERR_INVAL;
		goto out;
	}
	if ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT64_MAX, &req->pktno)) != 0 ||
	    (r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT32_MAX, &v)) != 0)
		goto out;
	req->fid = (uint32_t)v;
	/* The offset is optional; an empty or absent one means 0. */
	if (req->mode == FG_CMD_GETFILEDATA &&
	    fg_buf_get_field(&b, ':', &f) == 0 && f.len > 0 &&
	    (r = fg_span_hex(f, UINT64_MAX, &req->offset)) != 0)
		goto out;
	return 0;
 out:
	memset(req, 0, sizeof(*req));
	return r == FG_ERR_TRUNCATED ? FG_ERR_FORMAT : r;
}

int
fg_filereq_put(struct fg_buf *out, const struct fg_filereq *req)
{
	switch (req->mode) {
	case FG_CMD_GETFILEDATA:
		return fg_buf_putf(out, "%llx:%lx:%llx:",
		    (unsigned long long)req->pktno, (unsigned long)req->fid,
		    (unsigned long long)req->offset);
	case FG_CMD_GETDIRFILES:
		return fg_buf_putf(out, "%llx:%lx:",
		    (unsigned long long)req->pktno, (unsigned long)req->fid);
	case FG_CMD_RELEASEFILES:
		return fg_buf_putf(out, "%llu", (unsigned long long)req->pktno);
	}
	return FG_ERR_INVAL;
}
