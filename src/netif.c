/* netif: broadcast targets from the interfaces and from the user's list. */
/* IFF_UP and IFF_BROADCAST are BSD names that glibc shows only with this. */
#define _DEFAULT_SOURCE
#include "netif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "feige/feige.h"

int
fg_netif_add(struct fg_targets *t, uint32_t ip)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ip[i] == ip)
			return 0;
	if (t->n >= FG_MAX_TARGETS)
		return FG_ERR_LIMIT;
	t->ip[t->n++] = ip;
	return 0;
}

int
fg_netif_parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	*ip = 0;
	if (inet_pton(AF_INET, s, &a) != 1)
		return FG_ERR_FORMAT;
	*ip = a.s_addr;
	return 0;
}

int
fg_netif_add_defaults(struct fg_targets *t, char *err, size_t errlen)
{
	struct ifaddrs *ifa, *i;
	int r = 0;

	if (getifaddrs(&ifa) != 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", strerror(errno));
		return FG_ERR_SYSTEM;
	}
	for (i = ifa; i != NULL && r == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (!(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_BROADCAST) ||
		    i->ifa_broadaddr == NULL)
			continue;
		r = fg_netif_add(t,
		    ((const struct sockaddr_in *)(const void *)i->ifa_broadaddr)->sin_addr.s_addr);
	}
	freeifaddrs(ifa);
	if (r == 0)
		r = fg_netif_add(t, htonl(INADDR_BROADCAST));
	if (r != 0)
		snprintf(err, errlen, "too many broadcast targets (at most %d)",
		    FG_MAX_TARGETS);
	return r;
}

int
fg_netif_add_locals(struct fg_targets *t)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) != 0)
		return FG_ERR_SYSTEM;
	for (i = ifa; i != NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET)
			(void)fg_netif_add(t, ((const struct sockaddr_in *)(const void *)
			    i->ifa_addr)->sin_addr.s_addr);
	freeifaddrs(ifa);
	return 0;
}

int
fg_netif_is_local(const struct fg_targets *t, uint32_t ip)
{
	size_t i;

	if ((ntohl(ip) >> 24) == 127)
		return 1;
	for (i = 0; i < t->n; i++)
		if (t->ip[i] == ip)
			return 1;
	return 0;
}

int
fg_netif_add_list(struct fg_targets *t, const char *list, char *err,
    size_t errlen)
{
	char item[64];
	const char *p = list, *e;
	uint32_t ip;
	size_t n;
	int r;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n >= sizeof(item)) {
			snprintf(err, errlen, "bad broadcast target in \"%s\"", list);
			return FG_ERR_FORMAT;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if ((r = fg_netif_parse_ip(item, &ip)) != 0) {
			snprintf(err, errlen, "bad broadcast target \"%s\" (want an IPv4 address)", item);
			return r;
		}
		if ((r = fg_netif_add(t, ip)) != 0) {
			snprintf(err, errlen, "too many broadcast targets (at most %d)",
			    FG_MAX_TARGETS);
			return r;
		}
		p = e != NULL ? e + 1 : NULL;
	}
	return 0;
}
