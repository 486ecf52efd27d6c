/*
 * peer: the table of known hosts. A peer is keyed by (user, host), decoded
 * to UTF-8 whatever charset a packet used, and compared without regard to
 * ASCII case as the official client does. It is also found
 * by address. Rows keep a stable id for the life of the table; the table
 * has a cap so that no sender can grow it without bound.
 */
#ifndef FG_PEER_H
#define FG_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "charset.h"
#include "crypto.h"

struct fg_peer {
	uint32_t	id;		/* stable, 1-based, never reused */
	char		*user, *host;	/* UTF-8, decoded from the wire: the key */
	char		*nick, *group;	/* UTF-8, for display; never NULL */
	char		*version;	/* the version field, e.g. "1_iptux 0.8.3" */
	uint32_t	ip;		/* IPv4, network byte order */
	uint16_t	port;		/* host byte order */
	uint32_t	status;		/* last entry-family command word */
	struct fg_charset_peer cs;
	uint64_t	seen_ms;	/* when we last heard from it */
	uint64_t	addr_ms;	/* when its address was last set */
	unsigned	dialup : 1;	/* wants entry packets by unicast */
	unsigned	absent : 1;	/* away, as far as we can tell */
	unsigned	feige : 1;	/* a feige node: honours file offsets */
	unsigned	key_refused : 1; /* its key did not match the pinned one */
	struct fg_key	*key;		/* its public key, once fetched and pinned */
	uint32_t	key_capa;	/* the capabilities it sent with the key */

	TAILQ_ENTRY(fg_peer) entry;	/* in id order */
	struct fg_peer	*next_name;	/* hash chains */
	struct fg_peer	*next_addr;
};

struct fg_peers;

/* Makes an empty table that holds at most max peers; NULL when out of memory. */
struct fg_peers *fg_peers_new(size_t max);
/* Frees the table and every peer; NULL is a no-op. */
void	fg_peers_free(struct fg_peers *t);
/* Number of peers. */
size_t	fg_peers_count(const struct fg_peers *t);
/* The peer with (user, host), or NULL. */
struct fg_peer *fg_peers_find(const struct fg_peers *t, const char *user,
	    const char *host);
/* The first peer at ip:port (network-order ip), or NULL. */
struct fg_peer *fg_peers_find_addr(const struct fg_peers *t, uint32_t ip,
	    uint16_t port);
/* The peer with this id, or NULL. */
struct fg_peer *fg_peers_find_id(const struct fg_peers *t, uint32_t id);
/* Adds a peer with empty display fields; FG_ERR_LIMIT when the table is full. */
int	fg_peers_add(struct fg_peers *t, const char *user, const char *host,
	    uint32_t ip, uint16_t port, uint64_t now_ms, struct fg_peer **out);
/* Moves a peer to a new address. */
void	fg_peers_move(struct fg_peers *t, struct fg_peer *p, uint32_t ip,
	    uint16_t port, uint64_t now_ms);
/* Removes and frees a peer. */
void	fg_peers_remove(struct fg_peers *t, struct fg_peer *p);
/* Iterates in id order: first, then next until NULL. */
struct fg_peer *fg_peers_first(const struct fg_peers *t);
struct fg_peer *fg_peers_next(const struct fg_peer *p);
/* Replaces a peer's string field with a copy of s[0..len); 0 or FG_ERR_ALLOC. */
int	fg_peer_set(char **field, const char *s, size_t len);

#endif /* FG_PEER_H */
