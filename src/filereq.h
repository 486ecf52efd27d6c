/*
 * filereq: the file requests and releases.
 *	GETFILEDATA  (TCP)  extra "pktno:fid:offset[:]"  all hex
 *	GETDIRFILES  (TCP)  extra "pktno:fid[:...]"      hex
 *	RELEASEFILES (UDP)  extra "pktno"                decimal
 */
#ifndef FG_FILEREQ_H
#define FG_FILEREQ_H

#include <stdint.h>

#include "buf.h"
#include "packet.h"

struct fg_filereq {
	uint32_t	mode;		/* FG_CMD_GETFILEDATA, _GETDIRFILES or _RELEASEFILES */
	uint64_t	pktno;		/* the offer's packet number */
	uint32_t	fid;		/* file ID (not for RELEASEFILES) */
	uint64_t	offset;		/* GETFILEDATA only */
};

/* Reads the request in pkt's extra, by pkt's mode. */
int	fg_filereq_parse(const struct fg_packet *pkt, struct fg_filereq *req);
/* Appends the extra for req (by req->mode), in the official layout. */
int	fg_filereq_put(struct fg_buf *out, const struct fg_filereq *req);

#endif /* FG_FILEREQ_H */
