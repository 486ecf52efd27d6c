/*
 * jsonev: peers and node events as JSON objects, the one rendering shared
 * by the daemon's replies, `watch` streams and `list --json`. Every string
 * put out is valid UTF-8: bad bytes become U+FFFD.
 */
#ifndef FG_CMD_JSONEV_H
#define FG_CMD_JSONEV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "node.h"
#include "peer.h"

/* The protocol version spoken between the CLI and the daemon. */
#define FG_PROTO_VERSION	1

/* A JSON string from len bytes of (supposed) UTF-8; NULL when out of memory. */
json_t	*fg_jsonev_str(const char *s, size_t len);
/* Same for a C string; NULL s gives JSON null. */
json_t	*fg_jsonev_cstr(const char *s);
/* Writes a network-order IPv4 address as dotted decimal into buf. */
void	 fg_jsonev_ip(uint32_t ip, char *buf, size_t len);
/* The encoding we use towards a peer: "utf-8" or its legacy charset's name. */
const char *fg_jsonev_encoding(const struct fg_peer *p);
/* A peer as {"index","nick","group","user","host","address","port","away","version","encoding"}. */
json_t	*fg_jsonev_peer(const struct fg_peer *p);
/* A node event as {"v":1,"event":...}; NULL when out of memory or unknown. */
json_t	*fg_jsonev_event(const struct fg_event *ev);
/* Sets key in obj to a new reference v; fails (and drops v) when v is NULL. */
int	 fg_jsonev_set(json_t *obj, const char *key, json_t *v);
/* An incoming file's state on the wire: "new", "fetching", "done"... */
const char *fg_jsonev_file_state(int state);
/* Why an outgoing offer ended: "fetched", "released", "cancelled", "expired". */
const char *fg_jsonev_offer_why(int why);
/*
 * A received offer as {"id","pktno","user","host","address","port","peer",
 * "time","age","text","count","total","files":[{"fid","name","size",
 * "mtime","type","state"}]}; p is the sender (NULL: unknown), text the
 * message's (NULL: ""), age_ms how long ago it came.
 */
json_t	*fg_jsonev_offer(const struct fg_offer *o, const struct fg_peer *p,
	    const char *text, uint64_t age_ms);

#endif /* FG_CMD_JSONEV_H */
