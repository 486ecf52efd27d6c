/*
 * packet: the IPMsg datagram header
 *	ver:packetNo:user:host:command:extra[\0section...]
 * parsed in place (spans point into the caller's bytes) and built into an
 * fg_buf. Pure functions, no I/O.
 */
#ifndef FG_PACKET_H
#define FG_PACKET_H

#include <stdint.h>

#include "buf.h"
#include "proto.h"

struct fg_packet {
	struct fg_span	version;	/* whole version field, e.g. "1_iptux 0.8.3" */
	struct fg_span	vendor;		/* what follows the leading digits: "_iptux 0.8.3" */
	uint32_t	ver;		/* the leading decimal digits (1) */
	struct fg_span	pktno_str;	/* packet number as sent (the AES IV uses it) */
	uint64_t	pktno;
	struct fg_span	user;
	struct fg_span	host;
	uint32_t	command;	/* mode | options */
	struct fg_span	extra;		/* section 0: after the 5th ':' up to the first NUL */
	struct fg_span	sect[FG_MAX_SECTIONS]; /* sections 1.. after NULs */
	unsigned	nsect;		/* trailing empty sections are dropped */
};

/* Parses a datagram; spans in *pkt point into data, which must outlive it. */
int	fg_packet_parse(const void *data, size_t len, struct fg_packet *pkt);
/* The command's mode (low 8 bits). */
uint32_t fg_packet_mode(const struct fg_packet *pkt);
/* Section i: 0 is the extra, 1.. the NUL-separated ones; empty when absent. */
struct fg_span fg_packet_section(const struct fg_packet *pkt, unsigned i);
/* 1 when the version field names iptux. */
int	fg_packet_is_iptux(const struct fg_packet *pkt);
/* 1 when the version field has FeiQ's "_lbt" prefix. */
int	fg_packet_is_feiq(const struct fg_packet *pkt);

/*
 * Appends "1:pktno:user:host:command:" to out; the caller appends the extra
 * and any "\0section". user and host must be non-empty and hold no ':'.
 */
int	fg_packet_put_header(struct fg_buf *out, uint64_t pktno,
	    const char *user, const char *host, uint32_t command);

#endif /* FG_PACKET_H */
