/* rpc: the request handlers shared by the daemon and the short-lived node. */
#include "rpc.h"

#include <sys/queue.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feige/feige.h"
#include "hist.h"
#include "jsonev.h"
#include "keystore.h"
#include "proto.h"

/* How often pending `info` waits are checked against their deadline. */
#define TICK_MS		50

struct rpc_sub {
	TAILQ_ENTRY(rpc_sub)	 link;
	fg_rpc_reply_cb		 reply;
	void			*ctx;
	int			 dead;	/* forgotten during a fan-out */
};

enum op_type { OP_SEND = 1, OP_INFO, OP_OFFER };

struct op_dest {
	struct fg_dest	 d;
	char		*label;		/* the PEER string as given */
	int		 status;
	int		 done;
};

struct rpc_op {
	TAILQ_ENTRY(rpc_op)	 link;
	struct fg_rpc		*rpc;
	enum op_type		 type;
	fg_rpc_reply_cb		 reply;	/* NULL once the client is gone */
	void			*ctx;
	json_t			*id;
	int			 replied;
	/* OP_SEND */
	uint64_t		 msg;
	struct op_dest		*dests;
	size_t			 ndests, pending;
	int			 armed;	/* fg_node_send returned */
	/* OP_INFO */
	struct fg_dest		 at;
	char			*label;
	json_t			*peer;
	char			*version, *absence;
	uint64_t		 deadline;
	/* OP_OFFER (also label, msg) */
	uint64_t		 offer;
};

/* The message text of a received offer, for `offers`. */
struct offer_text {
	uint64_t	 id;
	char		*text;
};

struct sealed_rec {
	uint64_t	id, pktno;
	uint32_t	ip, command;
	uint16_t	port;
};

TAILQ_HEAD(rpc_subs, rpc_sub);
TAILQ_HEAD(rpc_ops, rpc_op);

struct fg_rpc {
	uv_loop_t		*loop;
	struct fg_node		*node;
	struct fg_hist		*hist;		/* or NULL */
	uv_timer_t		 timer;
	int			 timer_on, closing;
	unsigned		 info_ms;
	unsigned		 fanout;	/* depth of event fan-outs */
	struct rpc_subs		 subs;
	struct rpc_ops		 ops;
	struct sealed_rec	 sealed[FG_RPC_SEALED_MAX];
	size_t			 nsealed;	/* total ever stored */
	struct offer_text	 texts[FG_RPC_OFFER_TEXTS];
	size_t			 ntexts;	/* total ever stored */
};

typedef void (*handler_fn)(struct fg_rpc *, json_t *, json_t *,
    fg_rpc_reply_cb, void *);

/* A reply skeleton {"v":1,"id":id,"ok":ok}; NULL when out of memory. */
static json_t *
reply_new(json_t *id, int ok)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		return NULL;
	if (fg_jsonev_set(o, "v", json_integer(FG_PROTO_VERSION)) != 0 ||
	    fg_jsonev_set(o, "id", id != NULL ? json_incref(id) :
	    json_null()) != 0 ||
	    fg_jsonev_set(o, "ok", json_boolean(ok)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
fg_rpc_error(json_t *id, const char *code, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	json_t *o;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if ((o = reply_new(id, 0)) == NULL)
		return NULL;
	if (fg_jsonev_set(o, "code", json_string(code)) != 0 ||
	    fg_jsonev_set(o, "error", fg_jsonev_cstr(text)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Hands msg to reply (if any) and drops our reference; 0 or FG_ERR_ALLOC. */
static int
answer(fg_rpc_reply_cb reply, void *ctx, json_t *msg)
{
	if (msg == NULL)
		return FG_ERR_ALLOC;
	if (reply != NULL)
		reply(ctx, msg);
	json_decref(msg);
	return 0;
}

/* Writes "a.b.c.d:port" for a destination. */
static void
dest_str(const struct fg_dest *d, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	fg_jsonev_ip(d->ip, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, (unsigned)d->port);
}

/* ASCII-case-insensitive string equality. */
static int
caseeq(const char *a, const char *b)
{
	unsigned char x, y;

	for (;; a++, b++) {
		x = (unsigned char)*a;
		y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y + 32);
		if (x != y)
			return 0;
		if (x == '\0')
			return 1;
	}
}

/* 1 when s is a non-empty run of ASCII digits. */
static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Parses "a.b.c.d" or "a.b.c.d:port": 1 when it is an address, -1 when the port is bad. */
static int
parse_addr(const char *s, uint16_t defport, struct fg_dest *d)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strchr(s, ':');
	struct in_addr in;
	size_t hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
	unsigned long port = defport;

	if (hlen == 0 || hlen >= sizeof(host))
		return 0;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &in) != 1)
		return 0;
	if (colon != NULL) {
		if (!all_digits(colon + 1) || strlen(colon + 1) > 5 ||
		    (port = strtoul(colon + 1, NULL, 10)) < 1 || port > 65535)
			return -1;
	}
	d->ip = in.s_addr;
	d->port = (uint16_t)port;
	return 1;
}

/* Looks s up as "user@host" (split at the last '@'); returns matches found. */
static size_t
match_userhost(const struct fg_peers *t, const char *s,
    const struct fg_peer **found)
{
	const char *at = strrchr(s, '@');
	const struct fg_peer *p;
	char *user;
	size_t n = 0;

	if (at == NULL || at == s || at[1] == '\0')
		return 0;
	if ((user = strndup(s, (size_t)(at - s))) == NULL)
		return 0;
	for (p = fg_peers_first(t); p != NULL; p = fg_peers_next(p)) {
		if (caseeq(p->user, user) && caseeq(p->host, at + 1) &&
		    n++ == 0)
			*found = p;
	}
	free(user);
	return n;
}

int
fg_rpc_resolve(const struct fg_peers *t, uint16_t defport, const char *s,
    struct fg_dest *dest, const struct fg_peer **peer, char *err,
    size_t errlen)
{
	const struct fg_peer *p, *found = NULL;
	size_t n = 0, len;
	unsigned long long idx;
	int r;

	*peer = NULL;
	if (s == NULL || *s == '\0') {
		snprintf(err, errlen, "empty peer name");
		return FG_RESOLVE_BAD;
	}
	if (all_digits(s)) {
		if (strlen(s) <= 10 && (idx = strtoull(s, NULL, 10)) <= UINT32_MAX &&
		    (p = fg_peers_find_id(t, (uint32_t)idx)) != NULL) {
			found = p;
			goto ok;
		}
	} else if ((r = parse_addr(s, defport, dest)) != 0) {
		if (r < 0) {
			snprintf(err, errlen, "bad port in '%s' (1 to 65535)", s);
			return FG_RESOLVE_BAD;
		}
		*peer = fg_peers_find_addr(t, dest->ip, dest->port);
		return FG_RESOLVE_OK;
	} else if ((n = match_userhost(t, s, &found)) == 1)
		goto ok;
	else if (n > 1) {
		snprintf(err, errlen, "'%s' matches %zu peers", s, n);
		return FG_RESOLVE_AMBIGUOUS;
	}
	/* A nick, exactly. */
	n = 0;
	for (p = fg_peers_first(t); p != NULL; p = fg_peers_next(p))
		if (p->nick != NULL && strcmp(p->nick, s) == 0 && n++ == 0)
			found = p;
	if (n == 0) {
		snprintf(err, errlen, "unknown peer '%s'", s);
		return FG_RESOLVE_UNKNOWN;
	}
	if (n > 1) {
		len = (size_t)snprintf(err, errlen, "'%s' is the nick of %zu "
		    "peers; use an index, user@host or address:", s, n);
		for (p = fg_peers_first(t); p != NULL; p = fg_peers_next(p)) {
			char ip[INET_ADDRSTRLEN];

			if (p->nick == NULL || strcmp(p->nick, s) != 0)
				continue;
			if (len >= errlen)
				break;
			fg_jsonev_ip(p->ip, ip, sizeof(ip));
			len += (size_t)snprintf(err + len, errlen - len,
			    " %u (%s@%s %s:%u)", (unsigned)p->id, p->user,
			    p->host, ip, (unsigned)p->port);
		}
		return FG_RESOLVE_AMBIGUOUS;
	}
 ok:
	dest->ip = found->ip;
	dest->port = found->port;
	*peer = found;
	return FG_RESOLVE_OK;
}

/* The reply code for a FG_RESOLVE_ outcome. */
static const char *
resolve_code(int r)
{
	switch (r) {
	case FG_RESOLVE_UNKNOWN:	return "unknown_peer";
	case FG_RESOLVE_AMBIGUOUS:	return "ambiguous_peer";
	}
	return "bad_request";
}

/* The reply code for a node status. */
static const char *
status_code(int r)
{
	switch (r) {
	case FG_ERR_LIMIT:	return "too_long";
	case FG_ERR_CLOSED:	return "closed";
	case FG_ERR_TIMEOUT:	return "timeout";
	case FG_ERR_INVAL:
	case FG_ERR_FORMAT:
	case FG_ERR_CHARSET:	return "bad_request";
	}
	return "internal";
}

/* Frees an operation (already unlinked). */
static void
op_free(struct rpc_op *op)
{
	size_t i;

	if (op == NULL)
		return;
	for (i = 0; i < op->ndests; i++)
		free(op->dests[i].label);
	free(op->dests);
	free(op->label);
	free(op->version);
	free(op->absence);
	json_decref(op->peer);
	json_decref(op->id);
	free(op);
}

/* Makes an operation owed to (reply, ctx) and links it. */
static struct rpc_op *
op_new(struct fg_rpc *rpc, enum op_type type, json_t *id,
    fg_rpc_reply_cb reply, void *ctx)
{
	struct rpc_op *op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		return NULL;
	op->rpc = rpc;
	op->type = type;
	op->reply = reply;
	op->ctx = ctx;
	op->id = id != NULL ? json_incref(id) : NULL;
	TAILQ_INSERT_TAIL(&rpc->ops, op, link);
	return op;
}

/* Unlinks and frees an operation. */
static void
op_done(struct rpc_op *op)
{
	TAILQ_REMOVE(&op->rpc->ops, op, link);
	op_free(op);
}

/* Replies to a finished send: every destination acknowledged, or which did not. */
static void
send_finish(struct rpc_op *op)
{
	json_t *acked = NULL, *failed = NULL, *msg = NULL;
	char addr[64], who[512];
	size_t i, len = 0;
	int timeout = 0, closed = 0;

	if (op->replied || op->reply == NULL)
		goto out;
	op->replied = 1;
	if ((acked = json_array()) == NULL || (failed = json_array()) == NULL)
		goto out;
	who[0] = '\0';
	for (i = 0; i < op->ndests; i++) {
		dest_str(&op->dests[i].d, addr, sizeof(addr));
		if (op->dests[i].status == 0) {
			if (json_array_append_new(acked, json_string(addr)) != 0)
				goto out;
			continue;
		}
		if (op->dests[i].status == FG_ERR_TIMEOUT)
			timeout = 1;
		if (op->dests[i].status == FG_ERR_CLOSED)
			closed = 1;
		if (json_array_append_new(failed, json_string(addr)) != 0)
			goto out;
		if (len < sizeof(who))
			len += (size_t)snprintf(who + len, sizeof(who) - len,
			    "%s%s", len ? ", " : "", op->dests[i].label);
	}
	if (json_array_size(failed) == 0)
		msg = reply_new(op->id, 1);
	else if (timeout)
		msg = fg_rpc_error(op->id, "timeout",
		    "no acknowledgement from %s", who);
	else if (closed)
		msg = fg_rpc_error(op->id, "closed", "the node stopped before "
		    "%s acknowledged", who);
	else
		msg = fg_rpc_error(op->id, "send_failed",
		    "sending to %s failed", who);
	if (msg == NULL ||
	    fg_jsonev_set(msg, "msg", json_integer((json_int_t)op->msg)) != 0 ||
	    fg_jsonev_set(msg, "acked", json_incref(acked)) != 0 ||
	    (json_array_size(failed) > 0 &&
	    fg_jsonev_set(msg, "failed", json_incref(failed)) != 0)) {
		json_decref(msg);
		msg = fg_rpc_error(op->id, "internal", "out of memory");
	}
	(void)answer(op->reply, op->ctx, msg);
 out:
	json_decref(acked);
	json_decref(failed);
	op_done(op);
}

/* Node callback: one destination of a send acknowledged or gave up. */
static void
send_cb(struct fg_node *n, uint64_t id, const struct fg_dest *to, int status,
    void *arg)
{
	struct rpc_op *op = arg;
	struct op_dest *d = NULL;
	size_t i;

	(void)n;
	op->msg = id;
	for (i = 0; i < op->ndests && d == NULL; i++)
		if (!op->dests[i].done && to != NULL &&
		    op->dests[i].d.ip == to->ip && op->dests[i].d.port == to->port)
			d = &op->dests[i];
	for (i = 0; i < op->ndests && d == NULL; i++)
		if (!op->dests[i].done)
			d = &op->dests[i];
	if (d == NULL)
		return;
	d->done = 1;
	d->status = status;
	fg_hist_send_result(op->rpc->hist, id, &d->d, status);
	if (--op->pending == 0 && (op->armed || op->replied))
		send_finish(op);
}

/* Copies the "to" field's PEER strings: one string or an array of them. */
static int
send_targets(json_t *to, const char **v, size_t *n)
{
	size_t i;

	*n = 0;
	if (json_is_string(to)) {
		v[(*n)++] = json_string_value(to);
		return 0;
	}
	if (!json_is_array(to) || json_array_size(to) == 0 ||
	    json_array_size(to) > FG_RPC_MAX_DESTS)
		return FG_ERR_INVAL;
	for (i = 0; i < json_array_size(to); i++) {
		if (!json_is_string(json_array_get(to, i)))
			return FG_ERR_INVAL;
		v[(*n)++] = json_string_value(json_array_get(to, i));
	}
	return 0;
}

/* send: resolves every destination, sends, and replies when all are settled. */
static void
h_send(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	const char *names[FG_RPC_MAX_DESTS], *labels[FG_RPC_MAX_DESTS];
	struct fg_dest dests[FG_RPC_MAX_DESTS];
	json_t *text = json_object_get(req, "text");
	json_t *seal = json_object_get(req, "seal");
	const struct fg_peer *peer;
	struct rpc_op *op = NULL;
	struct fg_dest d;
	char err[1024];
	size_t i, j, n, nd = 0;
	int r;

	if (send_targets(json_object_get(req, "to"), names, &n) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "send needs \"to\": a peer or a list of 1 to %d peers",
		    FG_RPC_MAX_DESTS));
		return;
	}
	if (!json_is_string(text) || (seal != NULL && !json_is_boolean(seal))) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "send needs \"text\" (a string) and takes \"seal\" (a boolean)"));
		return;
	}
	for (i = 0; i < n; i++) {
		r = fg_rpc_resolve(fg_node_peers(rpc->node),
		    fg_node_port(rpc->node), names[i], &d, &peer, err, sizeof(err));
		if (r != FG_RESOLVE_OK) {
			(void)answer(reply, ctx, fg_rpc_error(id,
			    resolve_code(r), "%s", err));
			return;
		}
		for (j = 0; j < nd; j++)
			if (dests[j].ip == d.ip && dests[j].port == d.port)
				break;
		if (j == nd) {
			labels[nd] = names[i];
			dests[nd++] = d;
		}
	}
	if ((op = op_new(rpc, OP_SEND, id, reply, ctx)) == NULL ||
	    (op->dests = calloc(nd, sizeof(*op->dests))) == NULL)
		goto oom;
	op->ndests = op->pending = nd;
	for (j = 0; j < nd; j++) {
		op->dests[j].d = dests[j];
		op->dests[j].status = FG_ERR_TIMEOUT;
		if ((op->dests[j].label = strdup(labels[j])) == NULL)
			goto oom;
	}
	r = fg_node_send(rpc->node, dests, nd, json_string_value(text),
	    json_is_true(seal) ? FG_SEND_SEAL : 0, send_cb, op, &op->msg);
	if (r != 0) {
		op->replied = 1;
		(void)answer(reply, ctx, fg_rpc_error(id, status_code(r),
		    "cannot send: %s", r == FG_ERR_LIMIT ?
		    "the text is too long for one message" : fg_strerror(r)));
		/*
		 * With one destination no callback will come. With several,
		 * those already queued still call back: the op lives on
		 * (or until fg_rpc_free) so that they never see freed memory.
		 */
		if (op->ndests == 1)
			op_done(op);
		return;
	}
	op->armed = 1;
	fg_hist_sent(rpc->hist, fg_node_peers(rpc->node), op->msg, dests, nd,
	    json_string_value(text), json_is_true(seal));
	if (op->pending == 0)
		send_finish(op);
	return;
 oom:
	if (op != NULL)
		op_done(op);
	(void)answer(reply, ctx, fg_rpc_error(id, "internal", "out of memory"));
}

/* list: every peer in index order. */
static void
h_list(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	const struct fg_peer *p;
	json_t *msg, *arr;

	(void)req;
	if ((msg = reply_new(id, 1)) == NULL || (arr = json_array()) == NULL ||
	    json_object_set_new(msg, "peers", arr) != 0)
		goto oom;
	for (p = fg_peers_first(fg_node_peers(rpc->node)); p != NULL;
	    p = fg_peers_next(p))
		if (json_array_append_new(arr, fg_jsonev_peer(p)) != 0)
			goto oom;
	(void)answer(reply, ctx, msg);
	return;
 oom:
	json_decref(msg);
	(void)answer(reply, ctx, fg_rpc_error(id, "internal", "out of memory"));
}

/* status: our own names and state. */
static void
h_status(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	struct fg_node *n = rpc->node;
	const char *away = fg_node_away(n);
	struct fg_node_stats st;
	json_t *msg;

	(void)req;
	fg_node_stats(n, &st);
	if ((msg = reply_new(id, 1)) == NULL ||
	    fg_jsonev_set(msg, "stats", json_pack("{s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I}", "rx_packets", (json_int_t)st.rx_packets,
	    "rx_bad", (json_int_t)st.rx_bad, "rx_dropped",
	    (json_int_t)st.rx_dropped, "tx_packets", (json_int_t)st.tx_packets,
	    "tx_errors", (json_int_t)st.tx_errors, "retries",
	    (json_int_t)st.retries, "duplicates", (json_int_t)st.duplicates,
	    "peers_refused", (json_int_t)st.peers_refused)) != 0 ||
	    fg_jsonev_set(msg, "user", fg_jsonev_cstr(fg_node_user(n))) != 0 ||
	    fg_jsonev_set(msg, "host", fg_jsonev_cstr(fg_node_host(n))) != 0 ||
	    fg_jsonev_set(msg, "nick", fg_jsonev_cstr(fg_node_nick(n))) != 0 ||
	    fg_jsonev_set(msg, "group", fg_jsonev_cstr(fg_node_group(n) ?
	    fg_node_group(n) : "")) != 0 ||
	    fg_jsonev_set(msg, "port", json_integer(fg_node_port(n))) != 0 ||
	    fg_jsonev_set(msg, "away", json_boolean(away != NULL)) != 0 ||
	    fg_jsonev_set(msg, "away_text", fg_jsonev_cstr(away)) != 0 ||
	    fg_jsonev_set(msg, "peers",
	    json_integer((json_int_t)fg_peers_count(fg_node_peers(n)))) != 0 ||
	    fg_jsonev_set(msg, "version", json_string(FEIGE_VERSION)) != 0 ||
	    fg_jsonev_set(msg, "pid", json_integer((json_int_t)getpid())) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
}

/* Replies ok (nothing else) or with the node's error. */
static void
simple_reply(json_t *id, int r, const char *what, fg_rpc_reply_cb reply,
    void *ctx)
{
	if (r == 0)
		(void)answer(reply, ctx, reply_new(id, 1));
	else
		(void)answer(reply, ctx, fg_rpc_error(id, status_code(r),
		    "%s failed: %s", what, fg_strerror(r)));
}

/* broadcast: text to every known peer, unacknowledged. */
static void
h_broadcast(struct fg_rpc *rpc, json_t *req, json_t *id,
    fg_rpc_reply_cb reply, void *ctx)
{
	json_t *text = json_object_get(req, "text"), *msg;
	size_t sent = 0;
	int r;

	if (!json_is_string(text)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "broadcast needs \"text\" (a string)"));
		return;
	}
	if ((r = fg_node_broadcast(rpc->node, json_string_value(text),
	    &sent)) != 0) {
		simple_reply(id, r, "broadcast", reply, ctx);
		return;
	}
	fg_hist_broadcast(rpc->hist, json_string_value(text), sent);
	if ((msg = reply_new(id, 1)) == NULL ||
	    fg_jsonev_set(msg, "sent", json_integer((json_int_t)sent)) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
}

/* away: sets the away state with the given or the default text. */
static void
h_away(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	json_t *text = json_object_get(req, "text");

	if (text != NULL && !json_is_string(text) && !json_is_null(text)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "\"text\" must be a string"));
		return;
	}
	simple_reply(id, fg_node_set_away(rpc->node, json_is_string(text) ?
	    json_string_value(text) : FG_RPC_AWAY_TEXT), "away", reply, ctx);
}

/* back: clears the away state. */
static void
h_back(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	(void)req;
	simple_reply(id, fg_node_set_away(rpc->node, NULL), "back", reply, ctx);
}

/* names [nick:S] [group:S]: changes our nick and/or group and announces them. */
static void
h_names(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	json_t *nick = json_object_get(req, "nick");
	json_t *group = json_object_get(req, "group");

	if ((nick != NULL && !json_is_string(nick)) ||
	    (group != NULL && !json_is_string(group)) ||
	    (nick == NULL && group == NULL)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "names takes \"nick\" and/or \"group\" (strings)"));
		return;
	}
	simple_reply(id, fg_node_set_names(rpc->node, json_string_value(nick),
	    json_string_value(group)), "names", reply, ctx);
}

/* refresh: announces us again, which makes peers answer. */
static void
h_refresh(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	(void)req;
	simple_reply(id, fg_node_refresh(rpc->node), "refresh", reply, ctx);
}

/* read: opens a remembered sealed message (sends the read receipt). */
static void
h_read(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	json_t *m = json_object_get(req, "msg"), *msg;
	const struct sealed_rec *s = NULL;
	json_int_t want;
	size_t i;
	int r;

	if (!json_is_integer(m) || (want = json_integer_value(m)) < 1) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "read needs \"msg\" (a message id)"));
		return;
	}
	for (i = 0; i < FG_RPC_SEALED_MAX && i < rpc->nsealed; i++)
		if (rpc->sealed[i].id == (uint64_t)want)
			s = &rpc->sealed[i];
	if (s == NULL) {
		(void)answer(reply, ctx, fg_rpc_error(id, "unknown_message",
		    "no sealed message %lld (the last %d are remembered)",
		    (long long)want, FG_RPC_SEALED_MAX));
		return;
	}
	if ((r = fg_node_open_sealed_at(rpc->node, s->ip, s->port, s->pktno,
	    s->command)) != 0) {
		simple_reply(id, r, "read", reply, ctx);
		return;
	}
	fg_hist_opened(rpc->hist, (uint64_t)want);
	if ((msg = reply_new(id, 1)) == NULL ||
	    fg_jsonev_set(msg, "msg", json_integer(want)) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
}

/* keys: our fingerprint, the pins, and what each listed peer's key is. */
static void
h_keys(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	const struct fg_keystore *ks = fg_node_keystore(rpc->node);
	const struct fg_peer *p;
	const struct fg_ks_pin *pin;
	json_t *msg, *pins = json_array(), *peers = json_array(), *o;
	char kid[FG_KS_ID_MAX];
	size_t i;

	(void)req;
	if (ks == NULL) {
		json_decref(pins);
		json_decref(peers);
		(void)answer(reply, ctx, fg_rpc_error(id, "no_keys",
		    "encryption is off on this node (no keystore)"));
		return;
	}
	for (i = 0; pins != NULL && i < fg_keystore_npins(ks); i++) {
		pin = fg_keystore_pin(ks, i);
		o = json_pack("{s:s, s:s, s:s}", "user", pin->user, "host", pin->host,
		    "id", pin->id);
		if (o == NULL || json_array_append_new(pins, o) != 0)
			break;
	}
	for (p = fg_peers_first(fg_node_peers(rpc->node)); peers != NULL && p != NULL;
	    p = fg_peers_next(p)) {
		if (p->key == NULL && !(p->status & FG_OPT_ENCRYPT))
			continue;
		kid[0] = '\0';
		if (p->key != NULL)
			(void)fg_keystore_key_id(p->key, kid);
		o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "index", (json_int_t)p->id,
		    "user", p->user, "host", p->host, "key", kid,
		    "state", p->key == NULL ? "not fetched" : p->key_refused ?
		    "REFUSED (differs from the pinned key)" : "pinned");
		if (o == NULL || json_array_append_new(peers, o) != 0)
			break;
	}
	if ((msg = reply_new(id, 1)) == NULL ||
	    fg_jsonev_set(msg, "fingerprint", json_string(
	    fg_keystore_my_fingerprint(ks) != NULL ? fg_keystore_my_fingerprint(ks) : "")) != 0 ||
	    fg_jsonev_set(msg, "pins", pins) != 0 ||
	    fg_jsonev_set(msg, "peers", peers) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
}

/* keys_trust / keys_forget: {peer}: pin the key a peer sent, or drop its pin. */
static void
h_keys_change(struct fg_rpc *rpc, json_t *req, json_t *id,
    fg_rpc_reply_cb reply, void *ctx, int trust)
{
	json_t *name = json_object_get(req, "peer"), *msg;
	const struct fg_peer *peer = NULL;
	struct fg_dest d;
	char err[1024], user[256], host[256];
	const char *s, *at;
	int r;

	if (!json_is_string(name)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "keys needs \"peer\" (a string)"));
		return;
	}
	s = json_string_value(name);
	r = fg_rpc_resolve(fg_node_peers(rpc->node), fg_node_port(rpc->node), s,
	    &d, &peer, err, sizeof(err));
	if (peer == NULL && !trust && (at = strchr(s, '@')) != NULL &&
	    (size_t)(at - s) < sizeof(user) && strlen(at + 1) < sizeof(host)) {
		/* A pin of someone not online: forget works by name alone. */
		snprintf(user, sizeof(user), "%.*s", (int)(at - s), s);
		snprintf(host, sizeof(host), "%s", at + 1);
	} else if (peer == NULL) {
		(void)answer(reply, ctx, fg_rpc_error(id, r == 0 ?
		    "unknown_peer" : resolve_code(r), "%s", r == 0 ?
		    "that address is not a listed peer" : err));
		return;
	} else {
		snprintf(user, sizeof(user), "%s", peer->user);
		snprintf(host, sizeof(host), "%s", peer->host);
	}
	if (trust)
		r = fg_node_key_trust(rpc->node, (struct fg_peer *)(uintptr_t)peer,
		    err, sizeof(err));
	else
		r = fg_node_key_forget(rpc->node, user, host, err, sizeof(err));
	if (r != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, r == FG_ERR_NOT_FOUND ?
		    "unknown_key" : "key_error", "%s", err));
		return;
	}
	if ((msg = reply_new(id, 1)) == NULL ||
	    fg_jsonev_set(msg, "user", json_string(user)) != 0 ||
	    fg_jsonev_set(msg, "host", json_string(host)) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
}

static void
h_keys_trust(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	h_keys_change(rpc, req, id, reply, ctx, 1);
}

static void
h_keys_forget(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	h_keys_change(rpc, req, id, reply, ctx, 0);
}

/* Replies to a finished info wait with what arrived. */
static void
info_finish(struct rpc_op *op)
{
	char ip[INET_ADDRSTRLEN];
	json_t *msg;

	if (op->replied || op->reply == NULL)
		goto out;
	op->replied = 1;
	if (op->version == NULL && op->absence == NULL) {
		(void)answer(op->reply, op->ctx, fg_rpc_error(op->id, "timeout",
		    "no answer from %s", op->label));
		goto out;
	}
	fg_jsonev_ip(op->at.ip, ip, sizeof(ip));
	if ((msg = reply_new(op->id, 1)) == NULL ||
	    fg_jsonev_set(msg, "peer", op->peer != NULL ?
	    json_incref(op->peer) : json_null()) != 0 ||
	    fg_jsonev_set(msg, "address", json_string(ip)) != 0 ||
	    fg_jsonev_set(msg, "port", json_integer(op->at.port)) != 0 ||
	    fg_jsonev_set(msg, "version", fg_jsonev_cstr(op->version)) != 0 ||
	    fg_jsonev_set(msg, "absence", fg_jsonev_cstr(op->absence)) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(op->id, "internal", "out of memory");
	}
	(void)answer(op->reply, op->ctx, msg);
 out:
	op_done(op);
}

/* 1 while some info wait is pending. */
static int
info_waiting(const struct fg_rpc *rpc)
{
	const struct rpc_op *op;

	TAILQ_FOREACH(op, &rpc->ops, link)
		if (op->type == OP_INFO)
			return 1;
	return 0;
}

/* Timer: ends the info waits whose time is up. */
static void
tick_cb(uv_timer_t *t)
{
	struct fg_rpc *rpc = t->data;
	struct rpc_op *op, *next;
	uint64_t now = uv_now(rpc->loop);

	for (op = TAILQ_FIRST(&rpc->ops); op != NULL; op = next) {
		next = TAILQ_NEXT(op, link);
		if (op->type == OP_INFO && now >= op->deadline)
			info_finish(op);
	}
	if (!info_waiting(rpc) && rpc->timer_on) {
		uv_timer_stop(&rpc->timer);
		rpc->timer_on = 0;
	}
}

/* info: asks a host for its version and absence text, and waits for them. */
static void
h_info(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	json_t *name = json_object_get(req, "peer");
	const struct fg_peer *peer;
	struct rpc_op *op;
	struct fg_dest d;
	char err[1024];
	int r;

	if (!json_is_string(name)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "info needs \"peer\" (a string)"));
		return;
	}
	if ((r = fg_rpc_resolve(fg_node_peers(rpc->node), fg_node_port(rpc->node),
	    json_string_value(name), &d, &peer, err, sizeof(err))) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, resolve_code(r), "%s",
		    err));
		return;
	}
	if ((r = fg_node_query_info(rpc->node, &d)) != 0) {
		simple_reply(id, r, "info", reply, ctx);
		return;
	}
	if ((op = op_new(rpc, OP_INFO, id, reply, ctx)) == NULL ||
	    (op->label = strdup(json_string_value(name))) == NULL ||
	    (peer != NULL && (op->peer = fg_jsonev_peer(peer)) == NULL)) {
		if (op != NULL)
			op_done(op);
		(void)answer(reply, ctx, fg_rpc_error(id, "internal",
		    "out of memory"));
		return;
	}
	op->at = d;
	op->deadline = uv_now(rpc->loop) + rpc->info_ms;
	if (!rpc->timer_on && !rpc->closing) {
		uv_timer_start(&rpc->timer, tick_cb, TICK_MS, TICK_MS);
		rpc->timer_on = 1;
	}
}

/* watch: subscribes ctx to every event. */
static void
h_watch(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	struct rpc_sub *s;

	(void)req;
	if (fg_rpc_watching(rpc, ctx)) {
		(void)answer(reply, ctx, reply_new(id, 1));
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		(void)answer(reply, ctx, fg_rpc_error(id, "internal",
		    "out of memory"));
		return;
	}
	s->reply = reply;
	s->ctx = ctx;
	(void)answer(reply, ctx, reply_new(id, 1));
	TAILQ_INSERT_TAIL(&rpc->subs, s, link);
}

/* 1 when v is absent, null or a JSON boolean. */
static int
opt_bool(json_t *v)
{
	return v == NULL || json_is_null(v) || json_is_boolean(v);
}

/* Reads an id field (an integer >= 1) into *out; 0 when it is one. */
static int
get_id(json_t *req, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(req, key);

	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return FG_ERR_INVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* Reads an optional count field (absent, null or an integer >= 0). */
static int
get_cap(json_t *req, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(req, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return FG_ERR_INVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* The text that came with received offer id, or NULL. */
static const char *
offer_text_find(const struct fg_rpc *rpc, uint64_t id)
{
	size_t i;

	for (i = 0; i < FG_RPC_OFFER_TEXTS && i < rpc->ntexts; i++)
		if (rpc->texts[i].id == id)
			return rpc->texts[i].text;
	return NULL;
}

/* Remembers the message text of a received offer. */
static void
offer_text_remember(struct fg_rpc *rpc, const struct fg_event *ev)
{
	struct offer_text *t = &rpc->texts[rpc->ntexts % FG_RPC_OFFER_TEXTS];

	free(t->text);
	t->id = ev->offer->id;
	t->text = ev->msg != NULL && ev->msg->text != NULL ?
	    strdup(ev->msg->text) : NULL;
	rpc->ntexts++;
}

/* Node callback: the offer's message was acknowledged, or never was. */
static void
offer_cb(struct fg_node *n, uint64_t id, const struct fg_dest *to, int status,
    void *arg)
{
	struct rpc_op *op = arg;
	json_t *msg;

	op->msg = id;
	fg_hist_send_result(op->rpc->hist, op->offer, to, status);
	/* Files nobody heard of are not served for a day: withdraw them. */
	if (status == FG_ERR_TIMEOUT)
		(void)fg_node_cancel_offer(n, op->offer);
	if (op->reply == NULL || op->replied)
		goto out;
	op->replied = 1;
	if (status == 0)
		msg = reply_new(op->id, 1);
	else if (status == FG_ERR_TIMEOUT)
		msg = fg_rpc_error(op->id, "timeout", "no acknowledgement from "
		    "%s; the offer is withdrawn", op->label);
	else if (status == FG_ERR_CLOSED)
		msg = fg_rpc_error(op->id, "closed", "the node stopped before "
		    "%s acknowledged", op->label);
	else
		msg = fg_rpc_error(op->id, "send_failed", "offering to %s "
		    "failed", op->label);
	if (msg != NULL && (fg_jsonev_set(msg, "offer",
	    json_integer((json_int_t)op->offer)) != 0 ||
	    fg_jsonev_set(msg, "msg", json_integer((json_int_t)id)) != 0)) {
		json_decref(msg);
		msg = fg_rpc_error(op->id, "internal", "out of memory");
	}
	(void)answer(op->reply, op->ctx, msg);
 out:
	op_done(op);
}

/* send_file: offers files and folders to a peer; replies once acknowledged. */
static void
h_send_file(struct fg_rpc *rpc, json_t *req, json_t *id,
    fg_rpc_reply_cb reply, void *ctx)
{
	json_t *to = json_object_get(req, "to"), *paths = json_object_get(req,
	    "paths"), *text = json_object_get(req, "text");
	const struct fg_peer *peer;
	const char **pv = NULL, *p;
	struct rpc_op *op = NULL;
	struct fg_dest d;
	char err[1024];
	size_t i, n;
	int r;

	if (!json_is_string(to)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "send_file needs \"to\" (a peer)"));
		return;
	}
	if (!json_is_array(paths) || (n = json_array_size(paths)) == 0 ||
	    n > FG_MAX_ATTACH) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "send_file needs \"paths\": 1 to %d absolute paths",
		    FG_MAX_ATTACH));
		return;
	}
	for (i = 0; i < n; i++) {
		p = json_string_value(json_array_get(paths, i));
		if (p == NULL || p[0] != '/') {
			(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
			    "\"paths\" must be absolute (the daemon's working "
			    "folder is not the client's): %s", p != NULL ? p :
			    "(not a string)"));
			return;
		}
	}
	if (text != NULL && !json_is_null(text) && !json_is_string(text)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "\"text\" must be a string"));
		return;
	}
	if ((r = fg_rpc_resolve(fg_node_peers(rpc->node),
	    fg_node_port(rpc->node), json_string_value(to), &d, &peer, err,
	    sizeof(err))) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, resolve_code(r), "%s",
		    err));
		return;
	}
	if ((pv = calloc(n, sizeof(*pv))) == NULL ||
	    (op = op_new(rpc, OP_OFFER, id, reply, ctx)) == NULL ||
	    (op->label = strdup(json_string_value(to))) == NULL) {
		(void)answer(reply, ctx, fg_rpc_error(id, "internal",
		    "out of memory"));
		goto out;
	}
	for (i = 0; i < n; i++)
		pv[i] = json_string_value(json_array_get(paths, i));
	err[0] = '\0';
	r = fg_node_offer_files(rpc->node, &d, pv, n, json_is_string(text) ?
	    json_string_value(text) : "", offer_cb, op, &op->offer, err,
	    sizeof(err));
	if (r != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, r == FG_ERR_SYSTEM ||
		    r == FG_ERR_INVAL ? "file_error" : status_code(r),
		    "cannot offer: %s", err[0] != '\0' ? err : fg_strerror(r)));
		goto out;
	}
	fg_hist_record_offer_out(rpc->hist, fg_node_peers(rpc->node), op->offer,
	    &d, json_is_string(text) ? json_string_value(text) : "", pv, n);
	op = NULL;		/* offer_cb answers and frees it */
 out:
	if (op != NULL)
		op_done(op);
	free(pv);
}

/* offers: the offers received and not yet finished, oldest first. */
static void
h_offers(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	const struct fg_peers *peers = fg_node_peers(rpc->node);
	const struct fg_offer *o;
	uint64_t now = uv_now(rpc->loop);
	json_t *msg, *arr;

	(void)req;
	if ((msg = reply_new(id, 1)) == NULL || (arr = json_array()) == NULL ||
	    json_object_set_new(msg, "offers", arr) != 0)
		goto oom;
	for (o = fg_node_offers_first(rpc->node); o != NULL;
	    o = fg_node_offers_next(o))
		if (json_array_append_new(arr, fg_jsonev_offer(o,
		    fg_peers_find_addr(peers, o->ip, o->port),
		    offer_text_find(rpc, o->id), now > o->time_ms ?
		    now - o->time_ms : 0)) != 0)
			goto oom;
	(void)answer(reply, ctx, msg);
	return;
 oom:
	json_decref(msg);
	(void)answer(reply, ctx, fg_rpc_error(id, "internal", "out of memory"));
}

/*
 * Turns accept's "files" (fids, or names and then decimal fids) into fids
 * of offer o; err names the first that matches nothing. *nfids may be 0.
 */
static int
pick_files(const struct fg_offer *o, json_t *files, uint32_t *fids,
    size_t *nfids, char *err, size_t errlen)
{
	json_t *v;
	const char *s;
	size_t i, k, m;
	int found;

	*nfids = 0;
	for (i = 0; i < json_array_size(files); i++) {
		v = json_array_get(files, i);
		s = json_string_value(v);
		found = 0;
		for (k = 0; k < o->nfiles; k++) {
			if (json_is_integer(v) ? json_integer_value(v) ==
			    (json_int_t)o->files[k].fid : (s != NULL &&
			    strcmp(s, o->files[k].name) == 0))
				found = 1;
			else
				continue;
			for (m = 0; m < *nfids; m++)
				if (fids[m] == o->files[k].fid)
					break;
			if (m == *nfids)
				fids[(*nfids)++] = o->files[k].fid;
		}
		/* No such name: a decimal string is a fid. */
		for (k = 0; !found && s != NULL && all_digits(s) &&
		    strlen(s) <= 10 && k < o->nfiles; k++) {
			if (strtoull(s, NULL, 10) != o->files[k].fid)
				continue;
			found = 1;
			for (m = 0; m < *nfids; m++)
				if (fids[m] == o->files[k].fid)
					break;
			if (m == *nfids)
				fids[(*nfids)++] = o->files[k].fid;
		}
		if (!found) {
			if (s != NULL)
				snprintf(err, errlen, "offer %llu has no file "
				    "'%s'", (unsigned long long)o->id, s);
			else
				snprintf(err, errlen, "offer %llu has no file "
				    "%lld", (unsigned long long)o->id,
				    (long long)json_integer_value(v));
			return FG_ERR_NOT_FOUND;
		}
	}
	return 0;
}

/* accept: downloads (some files of) an offer into a folder; replies at once. */
static void
h_accept(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	json_t *to = json_object_get(req, "to"), *files = json_object_get(req,
	    "files"), *over = json_object_get(req, "overwrite"), *msg;
	const struct fg_offer *o;
	struct fg_accept_caps caps;
	uint64_t oid, xid, total = 0, count = 0;
	uint32_t *fids = NULL;
	size_t i, k, nfids = 0;
	struct stat st;
	char err[1024];
	int r, pick;

	if (get_id(req, "offer", &oid) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "accept needs \"offer\" (an offer id)"));
		return;
	}
	if (!json_is_string(to) || json_string_value(to)[0] != '/') {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "accept needs \"to\": an absolute folder path"));
		return;
	}
	if ((files != NULL && !json_is_null(files) && (!json_is_array(files) ||
	    json_array_size(files) > FG_MAX_ATTACH)) || !opt_bool(over) ||
	    get_cap(req, "max_total", &caps.max_total) != 0 ||
	    get_cap(req, "max_files", &caps.max_files) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "accept takes \"files\" (fids or names), \"overwrite\" (a "
		    "boolean), \"max_total\" and \"max_files\" (numbers)"));
		return;
	}
	for (i = 0; json_is_array(files) && i < json_array_size(files); i++)
		if (!json_is_integer(json_array_get(files, i)) &&
		    !json_is_string(json_array_get(files, i))) {
			(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
			    "\"files\" holds fids (numbers) or names "
			    "(strings)"));
			return;
		}
	if ((o = fg_node_offer_find(rpc->node, oid)) == NULL) {
		(void)answer(reply, ctx, fg_rpc_error(id, "unknown_offer",
		    "no offer %llu (see 'feige offers')",
		    (unsigned long long)oid));
		return;
	}
	if (stat(json_string_value(to), &st) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, "file_error",
		    "%s: %s", json_string_value(to), strerror(errno)));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "file_error",
		    "%s: not a folder", json_string_value(to)));
		return;
	}
	if (json_array_size(files) > 0) {
		if ((fids = calloc(o->nfiles, sizeof(*fids))) == NULL) {
			(void)answer(reply, ctx, fg_rpc_error(id, "internal",
			    "out of memory"));
			return;
		}
		if (pick_files(o, files, fids, &nfids, err, sizeof(err)) != 0) {
			(void)answer(reply, ctx, fg_rpc_error(id,
			    "unknown_file", "%s", err));
			goto out;
		}
	}
	/* What the node will fetch, as announced (folders say 0 bytes). */
	for (i = 0; i < o->nfiles; i++) {
		pick = fids == NULL;
		for (k = 0; k < nfids && !pick; k++)
			pick = fids[k] == o->files[i].fid;
		if (pick && o->files[i].state != FG_OFFER_DONE &&
		    o->files[i].state != FG_OFFER_FETCHING) {
			total += o->files[i].size;
			count++;
		}
	}
	if ((caps.max_total != 0 && total > caps.max_total) ||
	    (caps.max_files != 0 && count > caps.max_files)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "too_large",
		    "offer %llu has %llu files of %llu bytes, over the caps "
		    "(%llu files, %llu bytes)", (unsigned long long)oid,
		    (unsigned long long)count, (unsigned long long)total,
		    (unsigned long long)caps.max_files,
		    (unsigned long long)caps.max_total));
		goto out;
	}
	err[0] = '\0';
	if ((r = fg_node_accept(rpc->node, oid, fids, nfids,
	    json_string_value(to), json_is_true(over) ? FG_ACCEPT_OVERWRITE : 0,
	    &caps, &xid, err, sizeof(err))) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id,
		    r == FG_ERR_NOT_FOUND ? "unknown_offer" :
		    r == FG_ERR_LIMIT ? "busy" : status_code(r), "%s",
		    err[0] != '\0' ? err : fg_strerror(r)));
		goto out;
	}
	fg_hist_offer_accepted(rpc->hist, oid, json_string_value(to));
	if ((msg = reply_new(id, 1)) == NULL ||
	    fg_jsonev_set(msg, "xfer", json_integer((json_int_t)xid)) != 0 ||
	    fg_jsonev_set(msg, "offer", json_integer((json_int_t)oid)) != 0 ||
	    fg_jsonev_set(msg, "count", json_integer((json_int_t)count)) != 0 ||
	    fg_jsonev_set(msg, "total", json_integer((json_int_t)total)) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
 out:
	free(fids);
}

/* decline: tells the sender we do not want an offer, and forgets it. */
static void
h_decline(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	uint64_t oid;
	json_t *msg;
	int r;

	if (get_id(req, "offer", &oid) != 0) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "decline needs \"offer\" (an offer id)"));
		return;
	}
	if ((r = fg_node_decline(rpc->node, oid)) == FG_ERR_NOT_FOUND)
		msg = fg_rpc_error(id, "unknown_offer", "no offer %llu (see "
		    "'feige offers')", (unsigned long long)oid);
	else if (r == FG_ERR_INVAL)
		msg = fg_rpc_error(id, "busy", "offer %llu is being "
		    "downloaded; cancel that transfer first",
		    (unsigned long long)oid);
	else if (r != 0)
		msg = fg_rpc_error(id, status_code(r), "decline failed: %s",
		    fg_strerror(r));
	else if ((msg = reply_new(id, 1)) != NULL &&
	    fg_jsonev_set(msg, "offer", json_integer((json_int_t)oid)) != 0) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	if (r == 0)
		fg_hist_offer_declined(rpc->hist, oid);
	(void)answer(reply, ctx, msg);
}

/* cancel: withdraws an offer of ours or stops a transfer. */
static void
h_cancel(struct fg_rpc *rpc, json_t *req, json_t *id, fg_rpc_reply_cb reply,
    void *ctx)
{
	uint64_t oid = 0, xid = 0, which;
	const char *what = NULL;
	json_t *msg;
	int has_o, has_x;

	has_o = json_object_get(req, "offer") != NULL;
	has_x = json_object_get(req, "xfer") != NULL;
	if ((!has_o && !has_x) || (has_o && get_id(req, "offer", &oid) != 0) ||
	    (has_x && get_id(req, "xfer", &xid) != 0)) {
		(void)answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "cancel needs \"offer\" (an offer of ours) or \"xfer\" (a "
		    "transfer id)"));
		return;
	}
	if (has_o && fg_node_cancel_offer(rpc->node, oid) == 0)
		what = "offer";
	else if (has_x && fg_node_cancel_xfer(rpc->node, xid) == 0)
		what = "xfer";
	which = has_o ? oid : xid;
	if (what == NULL) {
		if (fg_node_offer_find(rpc->node, which) != NULL)
			msg = fg_rpc_error(id, "unknown_offer", "%llu is an "
			    "offer made to us: decline it instead",
			    (unsigned long long)which);
		else
			msg = fg_rpc_error(id, !has_x ? "unknown_offer" :
			    !has_o ? "unknown_xfer" : "unknown_id",
			    "no %s %llu", !has_x ? "outgoing offer" : !has_o ?
			    "transfer" : "outgoing offer or transfer",
			    (unsigned long long)which);
	} else if ((msg = reply_new(id, 1)) != NULL &&
	    (fg_jsonev_set(msg, "cancelled", json_string(what)) != 0 ||
	    fg_jsonev_set(msg, what, json_integer((json_int_t)(what[0] == 'o' ?
	    oid : xid))) != 0)) {
		json_decref(msg);
		msg = fg_rpc_error(id, "internal", "out of memory");
	}
	(void)answer(reply, ctx, msg);
}

static const struct {
	const char	*name;
	handler_fn	 fn;
} handlers[] = {
	{ "status",	h_status },
	{ "list",	h_list },
	{ "send",	h_send },
	{ "broadcast",	h_broadcast },
	{ "away",	h_away },
	{ "back",	h_back },
	{ "refresh",	h_refresh },
	{ "names",	h_names },
	{ "info",	h_info },
	{ "read",	h_read },
	{ "keys",	h_keys },
	{ "keys_trust",	h_keys_trust },
	{ "keys_forget", h_keys_forget },
	{ "watch",	h_watch },
	{ "send_file",	h_send_file },
	{ "offers",	h_offers },
	{ "accept",	h_accept },
	{ "decline",	h_decline },
	{ "cancel",	h_cancel },
};

struct fg_rpc *
fg_rpc_new(uv_loop_t *loop, unsigned info_ms)
{
	struct fg_rpc *rpc;

	if ((rpc = calloc(1, sizeof(*rpc))) == NULL)
		return NULL;
	rpc->loop = loop;
	rpc->info_ms = info_ms;
	TAILQ_INIT(&rpc->subs);
	TAILQ_INIT(&rpc->ops);
	uv_timer_init(loop, &rpc->timer);
	rpc->timer.data = rpc;
	return rpc;
}

void
fg_rpc_set_node(struct fg_rpc *rpc, struct fg_node *node)
{
	rpc->node = node;
}

void
fg_rpc_set_hist(struct fg_rpc *rpc, struct fg_hist *hist)
{
	rpc->hist = hist;
}

int
fg_rpc_handle(struct fg_rpc *rpc, json_t *req, fg_rpc_reply_cb reply,
    void *ctx)
{
	json_t *id, *v, *cmd;
	const char *name;
	size_t i;

	if (!json_is_object(req))
		return answer(reply, ctx, fg_rpc_error(NULL, "bad_request",
		    "a request must be a JSON object"));
	id = json_object_get(req, "id");
	v = json_object_get(req, "v");
	if (!json_is_integer(v) || json_integer_value(v) != FG_PROTO_VERSION)
		return answer(reply, ctx, fg_rpc_error(id, "bad_version",
		    "unsupported protocol version; this side speaks "
		    "{\"v\":%d}", FG_PROTO_VERSION));
	if (!json_is_string((cmd = json_object_get(req, "cmd"))))
		return answer(reply, ctx, fg_rpc_error(id, "bad_request",
		    "a request needs \"cmd\" (a string)"));
	name = json_string_value(cmd);
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].name, name) == 0)
			break;
	if (i == sizeof(handlers) / sizeof(handlers[0]))
		return answer(reply, ctx, fg_rpc_error(id, "unknown_command",
		    "unknown command '%s'", name));
	if (rpc->closing)
		return answer(reply, ctx, fg_rpc_error(id, "closed",
		    "the node is shutting down"));
	if (rpc->node == NULL)
		return answer(reply, ctx, fg_rpc_error(id, "internal",
		    "no node"));
	handlers[i].fn(rpc, req, id, reply, ctx);
	return 0;
}

/* Remembers a received sealed message for `read`. */
static void
remember_sealed(struct fg_rpc *rpc, const struct fg_message *m)
{
	struct sealed_rec *s = &rpc->sealed[rpc->nsealed % FG_RPC_SEALED_MAX];

	s->id = m->id;
	s->pktno = m->pktno;
	s->ip = m->ip;
	s->port = m->port;
	s->command = m->command;
	rpc->nsealed++;
}

/* Records an INFO answer in the waits for that host. */
static void
info_event(struct fg_rpc *rpc, const struct fg_event *ev)
{
	struct rpc_op *op, *next;
	char **field;

	for (op = TAILQ_FIRST(&rpc->ops); op != NULL; op = next) {
		next = TAILQ_NEXT(op, link);
		if (op->type != OP_INFO || op->at.ip != ev->ip ||
		    op->at.port != ev->port)
			continue;
		field = ev->absence ? &op->absence : &op->version;
		if (*field == NULL)
			*field = strdup(ev->text != NULL ? ev->text : "");
		if (op->version != NULL && op->absence != NULL)
			info_finish(op);
	}
}

/* Removes the subscriptions marked dead. */
static void
sweep_subs(struct fg_rpc *rpc)
{
	struct rpc_sub *s, *next;

	for (s = TAILQ_FIRST(&rpc->subs); s != NULL; s = next) {
		next = TAILQ_NEXT(s, link);
		if (s->dead) {
			TAILQ_REMOVE(&rpc->subs, s, link);
			free(s);
		}
	}
}

void
fg_rpc_event(struct fg_rpc *rpc, const struct fg_event *ev)
{
	struct fg_event copy;
	struct rpc_sub *s;
	json_t *j;

	fg_hist_event(rpc->hist, ev);
	if (ev->type == FG_EV_MESSAGE && ev->msg != NULL && ev->msg->sealed)
		remember_sealed(rpc, ev->msg);
	if (ev->type == FG_EV_INFO)
		info_event(rpc, ev);
	if (ev->type == FG_EV_OFFER && ev->offer != NULL)
		offer_text_remember(rpc, ev);
	if (ev->type == FG_EV_OFFER_END && ev->peer == NULL &&
	    rpc->node != NULL) {
		/* Name the peer the offer went to, when it is known. */
		copy = *ev;
		copy.peer = fg_peers_find_addr(fg_node_peers(rpc->node), ev->ip,
		    ev->port);
		ev = &copy;
	}
	if (TAILQ_EMPTY(&rpc->subs) || (j = fg_jsonev_event(ev)) == NULL)
		return;
	rpc->fanout++;
	TAILQ_FOREACH(s, &rpc->subs, link)
		if (!s->dead)
			s->reply(s->ctx, j);
	if (--rpc->fanout == 0)
		sweep_subs(rpc);
	json_decref(j);
}

void
fg_rpc_forget(struct fg_rpc *rpc, const void *ctx)
{
	struct rpc_op *op;
	struct rpc_sub *s;

	TAILQ_FOREACH(op, &rpc->ops, link)
		if (op->ctx == ctx) {
			op->reply = NULL;
			op->ctx = NULL;
		}
	TAILQ_FOREACH(s, &rpc->subs, link)
		if (s->ctx == ctx)
			s->dead = 1;
	if (rpc->fanout == 0)
		sweep_subs(rpc);
}

size_t
fg_rpc_pending(const struct fg_rpc *rpc, const void *ctx)
{
	const struct rpc_op *op;
	size_t n = 0;

	TAILQ_FOREACH(op, &rpc->ops, link)
		if (op->ctx == ctx && op->reply != NULL && !op->replied)
			n++;
	return n;
}

int
fg_rpc_watching(const struct fg_rpc *rpc, const void *ctx)
{
	const struct rpc_sub *s;

	TAILQ_FOREACH(s, &rpc->subs, link)
		if (s->ctx == ctx && !s->dead)
			return 1;
	return 0;
}

void
fg_rpc_close(struct fg_rpc *rpc)
{
	if (rpc == NULL || rpc->closing)
		return;
	rpc->closing = 1;
	rpc->timer_on = 0;
	uv_close((uv_handle_t *)&rpc->timer, NULL);
}

void
fg_rpc_free(struct fg_rpc *rpc)
{
	struct rpc_op *op;
	struct rpc_sub *s;
	size_t i;

	if (rpc == NULL)
		return;
	while ((op = TAILQ_FIRST(&rpc->ops)) != NULL)
		op_done(op);
	while ((s = TAILQ_FIRST(&rpc->subs)) != NULL) {
		TAILQ_REMOVE(&rpc->subs, s, link);
		free(s);
	}
	for (i = 0; i < FG_RPC_OFFER_TEXTS; i++)
		free(rpc->texts[i].text);
	free(rpc);
}
