/*
 * peer: the host table. Two intrusive hash chains (by name, by address) and
 * a TAILQ in id order; the bucket arrays double when the load passes one.
 */
#include "peer.h"

#include <stdlib.h>
#include <string.h>

#include "feige/feige.h"

TAILQ_HEAD(fg_peer_list, fg_peer);

struct fg_peers {
	struct fg_peer_list	 all;
	struct fg_peer		**by_name;
	struct fg_peer		**by_addr;
	size_t			 nbuckets;	/* a power of two */
	size_t			 count;
	size_t			 max;
	uint32_t		 next_id;
};

/* ASCII lower case, leaving every other byte alone. */
static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* FNV-1a over user, a separator and host, case-folded. */
static size_t
hash_name(const char *user, const char *host)
{
	uint64_t h = 1469598103934665603ULL;
	const char *s;

	for (s = user; *s != '\0'; s++)
		h = (h ^ lower((unsigned char)*s)) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (s = host; *s != '\0'; s++)
		h = (h ^ lower((unsigned char)*s)) * 1099511628211ULL;
	return (size_t)h;
}

static size_t
hash_addr(uint32_t ip, uint16_t port)
{
	uint64_t h = ((uint64_t)ip << 16 | port) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 17);
}

/* 1 when a and b are equal but for ASCII case. */
static int
same_name(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

struct fg_peers *
fg_peers_new(size_t max)
{
	struct fg_peers *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	TAILQ_INIT(&t->all);
	t->nbuckets = 64;
	t->by_name = calloc(t->nbuckets, sizeof(*t->by_name));
	t->by_addr = calloc(t->nbuckets, sizeof(*t->by_addr));
	if (t->by_name == NULL || t->by_addr == NULL) {
		fg_peers_free(t);
		return NULL;
	}
	t->max = max;
	t->next_id = 1;
	return t;
}

/* Frees one peer's memory (it must already be unlinked). */
static void
peer_free(struct fg_peer *p)
{
	free(p->user);
	free(p->host);
	free(p->nick);
	free(p->group);
	free(p->version);
	fg_crypto_key_free(p->key);
	free(p);
}

void
fg_peers_free(struct fg_peers *t)
{
	struct fg_peer *p;

	if (t == NULL)
		return;
	while ((p = TAILQ_FIRST(&t->all)) != NULL) {
		TAILQ_REMOVE(&t->all, p, entry);
		peer_free(p);
	}
	free(t->by_name);
	free(t->by_addr);
	free(t);
}

size_t
fg_peers_count(const struct fg_peers *t)
{
	return t->count;
}

struct fg_peer *
fg_peers_find(const struct fg_peers *t, const char *user, const char *host)
{
	struct fg_peer *p;

	p = t->by_name[hash_name(user, host) & (t->nbuckets - 1)];
	for (; p != NULL; p = p->next_name)
		if (same_name(p->user, user) && same_name(p->host, host))
			return p;
	return NULL;
}

struct fg_peer *
fg_peers_find_addr(const struct fg_peers *t, uint32_t ip, uint16_t port)
{
	struct fg_peer *p;

	p = t->by_addr[hash_addr(ip, port) & (t->nbuckets - 1)];
	for (; p != NULL; p = p->next_addr)
		if (p->ip == ip && p->port == port)
			return p;
	return NULL;
}

struct fg_peer *
fg_peers_find_id(const struct fg_peers *t, uint32_t id)
{
	struct fg_peer *p;

	TAILQ_FOREACH(p, &t->all, entry)
		if (p->id == id)
			return p;
	return NULL;
}

/* Links p into the name and address chains. */
static void
link_peer(struct fg_peers *t, struct fg_peer *p)
{
	size_t n = hash_name(p->user, p->host) & (t->nbuckets - 1);
	size_t a = hash_addr(p->ip, p->port) & (t->nbuckets - 1);

	p->next_name = t->by_name[n];
	t->by_name[n] = p;
	p->next_addr = t->by_addr[a];
	t->by_addr[a] = p;
}

/* Removes p from the address chain. */
static void
unlink_addr(struct fg_peers *t, struct fg_peer *p)
{
	struct fg_peer **pp = &t->by_addr[hash_addr(p->ip, p->port) & (t->nbuckets - 1)];

	for (; *pp != NULL; pp = &(*pp)->next_addr)
		if (*pp == p) {
			*pp = p->next_addr;
			return;
		}
}

/* Removes p from the name chain. */
static void
unlink_name(struct fg_peers *t, struct fg_peer *p)
{
	struct fg_peer **pp = &t->by_name[hash_name(p->user, p->host) & (t->nbuckets - 1)];

	for (; *pp != NULL; pp = &(*pp)->next_name)
		if (*pp == p) {
			*pp = p->next_name;
			return;
		}
}

/* Doubles the bucket arrays and relinks every peer; keeps the old ones on failure. */
static void
grow(struct fg_peers *t)
{
	struct fg_peer **nn, **na, *p;
	size_t n = t->nbuckets * 2;

	nn = calloc(n, sizeof(*nn));
	na = calloc(n, sizeof(*na));
	if (nn == NULL || na == NULL) {
		free(nn);
		free(na);
		return;
	}
	free(t->by_name);
	free(t->by_addr);
	t->by_name = nn;
	t->by_addr = na;
	t->nbuckets = n;
	TAILQ_FOREACH(p, &t->all, entry)
		link_peer(t, p);
}

int
fg_peer_set(char **field, const char *s, size_t len)
{
	char *d;

	if ((d = malloc(len + 1)) == NULL)
		return FG_ERR_ALLOC;
	if (len > 0)
		memcpy(d, s, len);
	d[len] = '\0';
	free(*field);
	*field = d;
	return 0;
}

int
fg_peers_add(struct fg_peers *t, const char *user, const char *host,
    uint32_t ip, uint16_t port, uint64_t now_ms, struct fg_peer **out)
{
	struct fg_peer *p;
	int r = FG_ERR_ALLOC;

	*out = NULL;
	if (t->count >= t->max)
		return FG_ERR_LIMIT;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return FG_ERR_ALLOC;
	if ((r = fg_peer_set(&p->user, user, strlen(user))) != 0 ||
	    (r = fg_peer_set(&p->host, host, strlen(host))) != 0 ||
	    (r = fg_peer_set(&p->nick, "", 0)) != 0 ||
	    (r = fg_peer_set(&p->group, "", 0)) != 0 ||
	    (r = fg_peer_set(&p->version, "", 0)) != 0) {
		peer_free(p);
		return r;
	}
	p->id = t->next_id++;
	p->ip = ip;
	p->port = port;
	p->seen_ms = p->addr_ms = now_ms;
	fg_charset_peer_init(&p->cs, FG_CS_GBK);
	if (t->count + 1 > t->nbuckets)
		grow(t);
	TAILQ_INSERT_TAIL(&t->all, p, entry);
	link_peer(t, p);
	t->count++;
	*out = p;
	return 0;
}

void
fg_peers_move(struct fg_peers *t, struct fg_peer *p, uint32_t ip,
    uint16_t port, uint64_t now_ms)
{
	size_t a;

	unlink_addr(t, p);
	p->ip = ip;
	p->port = port;
	p->addr_ms = now_ms;
	a = hash_addr(ip, port) & (t->nbuckets - 1);
	p->next_addr = t->by_addr[a];
	t->by_addr[a] = p;
}

void
fg_peers_remove(struct fg_peers *t, struct fg_peer *p)
{
	unlink_name(t, p);
	unlink_addr(t, p);
	TAILQ_REMOVE(&t->all, p, entry);
	t->count--;
	peer_free(p);
}

struct fg_peer *
fg_peers_first(const struct fg_peers *t)
{
	return TAILQ_FIRST(&t->all);
}

struct fg_peer *
fg_peers_next(const struct fg_peer *p)
{
	return TAILQ_NEXT(p, entry);
}
