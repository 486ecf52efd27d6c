/*
 * netif: where entry broadcasts go. The default targets are the directed
 * broadcast address of every IPv4 interface that is up, plus
 * 255.255.255.255; the user may add targets (unicast hosts or subnet
 * broadcasts) or use only those.
 */
#ifndef FG_NETIF_H
#define FG_NETIF_H

#include <stddef.h>
#include <stdint.h>

#define FG_MAX_TARGETS	64

struct fg_targets {
	uint32_t	ip[FG_MAX_TARGETS];	/* network byte order, no duplicates */
	size_t		n;
};

/* Adds the default targets (interfaces that are up, then 255.255.255.255). */
int	fg_netif_add_defaults(struct fg_targets *t, char *err, size_t errlen);
/* Adds the address of every IPv4 interface (to know our own packets). */
int	fg_netif_add_locals(struct fg_targets *t);
/* 1 when ip (network byte order) is in t or on loopback (127/8). */
int	fg_netif_is_local(const struct fg_targets *t, uint32_t ip);
/* Adds the targets of a comma-separated list of IPv4 addresses. */
int	fg_netif_add_list(struct fg_targets *t, const char *list, char *err,
	    size_t errlen);
/* Adds one address unless it is there already; FG_ERR_LIMIT when full. */
int	fg_netif_add(struct fg_targets *t, uint32_t ip);
/* Parses dotted IPv4 text (network byte order out). */
int	fg_netif_parse_ip(const char *s, uint32_t *ip);

#endif /* FG_NETIF_H */
