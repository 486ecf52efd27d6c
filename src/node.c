/*
 * node: lifecycle, sockets and dispatch. A datagram is read into the
 * node's buffer, parsed in place, checked for our own echo, and handed to
 * presence.c or message.c by mode. Handles torn down on stop are freed from
 * their close callbacks; the caller's done callback runs after the last.
 */
#include "node.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "feige/feige.h"
#include "node_int.h"
#include "proto.h"

uint64_t
node_now(const struct fg_node *n)
{
	return uv_now(n->loop);
}

uint32_t
node_next_pktno(struct fg_node *n)
{
	return fg_pktno_next(&n->pktno, time(NULL));
}

/* Copies s with every ':' (the header separator) turned into ';'. */
static char *
dup_name(const char *s)
{
	char *d = strdup(s), *c;

	if (d != NULL)
		for (c = d; *c != '\0'; c++)
			if (*c == ':')
				*c = ';';
	return d;
}

/* Converts UTF-8 s into cs as a NUL-terminated buffer. */
static int
encode_name(enum fg_charset cs, const char *s, struct fg_buf *b)
{
	int r;

	fg_buf_init(b, FG_MAX_NAME);
	if ((r = fg_charset_from_utf8(cs, s, strlen(s), b)) != 0)
		return r;
	return fg_buf_terminate(b);
}

/* Drops the cached names in every charset (after a change of nick or group). */
static void
names_clear(struct fg_node *n)
{
	size_t i;

	for (i = 0; i < sizeof(n->names) / sizeof(n->names[0]); i++) {
		fg_buf_release(&n->names[i].user);
		fg_buf_release(&n->names[i].host);
		fg_buf_release(&n->names[i].nick);
		fg_buf_release(&n->names[i].group);
		n->names[i].valid = 0;
	}
}

const struct node_names *
node_names_for(struct fg_node *n, enum fg_charset cs)
{
	struct node_names *nm = &n->names[cs];

	if (nm->valid)
		return nm;
	if (encode_name(cs, n->user, &nm->user) != 0 ||
	    encode_name(cs, n->host, &nm->host) != 0 ||
	    encode_name(cs, n->nick, &nm->nick) != 0 ||
	    encode_name(cs, n->group, &nm->group) != 0) {
		/* Names are checked for length up front; fall back to UTF-8. */
		if (cs != FG_CS_UTF8)
			return node_names_for(n, FG_CS_UTF8);
		return NULL;
	}
	nm->valid = 1;
	return nm;
}

int
node_begin(struct fg_node *n, struct fg_buf *b, enum fg_charset cs,
    uint32_t pktno, uint32_t cmd, size_t max)
{
	const struct node_names *nm = node_names_for(n, cs);

	fg_buf_init(b, max);
	if (nm == NULL)
		return FG_ERR_INTERNAL;
	return fg_packet_put_header(b, pktno, (const char *)fg_buf_ptr(&nm->user),
	    (const char *)fg_buf_ptr(&nm->host), cmd);
}

size_t
node_max_dgram(const struct fg_peer *p)
{
	/* iptux and FeiQ cut datagrams at 8 KiB; the official client takes 32. */
	if (p != NULL && p->cs.caputf8 && !p->cs.iptux)
		return FG_MAX_DATAGRAM - 1;
	return FG_MAX_DATAGRAM_LEGACY;
}

int
node_sendto(struct fg_node *n, uint32_t ip, uint16_t port, const void *p,
    size_t len)
{
	struct sockaddr_in sa;
	uv_buf_t buf;
	int r;

	/* (closing counts handles being closed, outgoing timers too: not a stop.) */
	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = ip;
	sa.sin_port = htons(port);
	buf = uv_buf_init((char *)(uintptr_t)p, (unsigned)len);
	r = uv_udp_try_send(&n->udp, &buf, 1, (const struct sockaddr *)&sa);
	if (r < 0) {
		/* A full socket buffer loses this copy; retries cover messages. */
		n->stats.tx_errors++;
		return FG_ERR_SYSTEM;
	}
	n->stats.tx_packets++;
	return 0;
}

int
node_send_simple(struct fg_node *n, uint32_t ip, uint16_t port,
    const struct fg_peer *p, uint32_t cmd, const char *extra)
{
	struct fg_charset_peer def;
	enum fg_charset cs;
	struct fg_buf b;
	int utf8opt, r;

	fg_charset_peer_init(&def, n->legacy);
	cs = fg_charset_for_send(p != NULL ? &p->cs : &def, &utf8opt);
	if (utf8opt)
		cmd |= FG_OPT_UTF8 | FG_OPT_CAPUTF8;
	if ((r = node_begin(n, &b, cs, node_next_pktno(n), cmd,
	    node_max_dgram(p))) == 0 &&
	    (r = fg_charset_from_utf8(cs, extra, strlen(extra), &b)) == 0 &&
	    (r = fg_buf_put_u8(&b, '\0')) == 0)
		r = node_sendto(n, ip, port, fg_buf_ptr(&b), fg_buf_len(&b));
	fg_buf_release(&b);
	return r;
}

void
node_emit(struct fg_node *n, const struct fg_event *ev)
{
	if (n->cb != NULL)
		n->cb(n, ev, n->cb_arg);
}

int
node_decode(struct fg_node *n, enum fg_charset cs, struct fg_span in, char **out)
{
	struct fg_buf b;
	size_t i;
	int r;

	(void)n;
	*out = NULL;
	for (i = 0; i < in.len && in.p[i] < 0x80; i++)
		;
	if (i == in.len) {	/* ASCII reads the same in every charset */
		if ((*out = fg_span_dup(in)) == NULL)
			return FG_ERR_ALLOC;
		return 0;
	}
	fg_buf_init(&b, in.len * 3 + 8);
	if ((r = fg_charset_to_utf8(cs, in.p, in.len, &b)) != 0 ||
	    (r = fg_buf_terminate(&b)) != 0) {
		fg_buf_release(&b);
		return r;
	}
	*out = (char *)b.d;	/* hand the storage over */
	return 0;
}

/* Gives the receive callback the node's buffer. */
static void
alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct fg_node *n = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)n->rxbuf, sizeof(n->rxbuf));
}

/*
 * 1 when the packet is our own broadcast coming back: our names, from our
 * port on one of our addresses. Names alone are not enough: cloned machines
 * share a login and a host name.
 */
static int
is_own_echo(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	enum fg_charset cs = (pkt->command & FG_OPT_UTF8) ? FG_CS_UTF8 : n->legacy;
	const struct node_names *nm = node_names_for(n, cs);

	if (nm == NULL || port != n->port || !fg_netif_is_local(&n->locals, ip))
		return 0;
	return pkt->user.len == fg_buf_len(&nm->user) &&
	    memcmp(pkt->user.p, fg_buf_ptr(&nm->user), pkt->user.len) == 0 &&
	    pkt->host.len == fg_buf_len(&nm->host) &&
	    memcmp(pkt->host.p, fg_buf_ptr(&nm->host), pkt->host.len) == 0;
}

/* Reads one datagram and dispatches it by mode. */
static void
recv_cb(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
    const struct sockaddr *addr, unsigned flags)
{
	struct fg_node *n = h->data;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)addr;
	struct fg_packet pkt;
	uint32_t mode;

	if (nread <= 0 || addr == NULL || n->stopping)
		return;	/* nothing more to read, or a receive error */
	n->stats.rx_packets++;
	if (n->rx_filter != NULL && addr->sa_family == AF_INET &&
	    n->rx_filter(n->rx_filter_arg, buf->base, (size_t)nread,
	    sin->sin_addr.s_addr, ntohs(sin->sin_port))) {
		n->stats.rx_dropped++;
		return;
	}
	if ((flags & UV_UDP_PARTIAL) || addr->sa_family != AF_INET ||
	    (size_t)nread > FG_MAX_DATAGRAM ||
	    fg_packet_parse(buf->base, (size_t)nread, &pkt) != 0 || pkt.ver != 1) {
		n->stats.rx_bad++;
		return;
	}
	if (is_own_echo(n, &pkt, sin->sin_addr.s_addr, ntohs(sin->sin_port))) {
		n->stats.rx_dropped++;
		return;
	}
	mode = fg_packet_mode(&pkt);
	switch (mode) {
	case FG_CMD_NOOPERATION:
		break;
	case FG_CMD_BR_ENTRY:
	case FG_CMD_BR_EXIT:
	case FG_CMD_ANSENTRY:
	case FG_CMD_BR_ABSENCE:
	case FG_CMD_BR_ISGETLIST:
	case FG_CMD_OKGETLIST:
	case FG_CMD_GETLIST:
	case FG_CMD_ANSLIST:
	case FG_CMD_BR_ISGETLIST2:
		presence_on_packet(n, &pkt, sin->sin_addr.s_addr, ntohs(sin->sin_port));
		break;
	case FG_CMD_SENDMSG:
	case FG_CMD_RECVMSG:
	case FG_CMD_READMSG:
	case FG_CMD_DELMSG:
	case FG_CMD_ANSREADMSG:
	case FG_CMD_GETINFO:
	case FG_CMD_SENDINFO:
	case FG_CMD_GETABSENCEINFO:
	case FG_CMD_SENDABSENCEINFO:
	case FG_CMD_RELEASEFILES:
		message_on_packet(n, &pkt, sin->sin_addr.s_addr, ntohs(sin->sin_port));
		break;
	case FG_CMD_GETPUBKEY:
	case FG_CMD_ANSPUBKEY:
		secure_on_packet(n, &pkt, sin->sin_addr.s_addr, ntohs(sin->sin_port));
		break;
	default:
		/* Unknown, FeiQ and iptux private modes: dropped without reply. */
		n->stats.rx_dropped++;
		break;
	}
}

/* Accepts a TCP connection: a file request (offer.c reads it). */
static void
tcp_conn_cb(uv_stream_t *server, int status)
{
	struct fg_node *n = server->data;

	if (status < 0 || n->stopping)
		return;
	offer_on_connection(n, server);
}

/* The second entry round, five seconds after the first. */
static void
entry_timer_cb(uv_timer_t *t)
{
	struct fg_node *n = t->data;

	(void)presence_announce(n, FG_CMD_BR_ENTRY);
}

/* Fills in a default login name. */
static const char *
default_user(void)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *u = getenv("USER");

	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0')
		return pw->pw_name;
	return u != NULL && u[0] != '\0' ? u : "feige";
}

/* Checks that a UTF-8 name fits the wire limits. */
static int
check_name(const char *what, const char *s, int may_be_empty, char *err,
    size_t errlen)
{
	size_t len = strlen(s);

	if ((!may_be_empty && len == 0) || len > FG_MAX_NAME / 2 ||
	    !fg_utf8_valid(s, len) || strchr(s, '\n') != NULL) {
		snprintf(err, errlen, "bad %s \"%s\" (1 to %d bytes of UTF-8, no newline)",
		    what, s, FG_MAX_NAME / 2);
		return FG_ERR_INVAL;
	}
	return 0;
}

int
fg_node_new(uv_loop_t *loop, const struct fg_node_config *cfg,
    fg_node_event_cb cb, void *arg, struct fg_node **out, char *err,
    size_t errlen)
{
	struct fg_node *n;
	char hostbuf[256];
	int r;

	*out = NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	n->loop = loop;
	n->cb = cb;
	n->cb_arg = arg;
	TAILQ_INIT(&n->out);
	fg_pktno_init(&n->pktno);
	n->next_id = 1;
	n->legacy = cfg->legacy;
	n->port = cfg->port != 0 ? cfg->port : FEIGE_DEFAULT_PORT;
	n->retry_ms = cfg->retry_ms != 0 ? cfg->retry_ms : 1000;
	n->retries = cfg->retries != 0 ? cfg->retries : 4;
	n->probe_ms = cfg->probe_ms != 0 ? cfg->probe_ms : 500;
	n->get_list = cfg->get_list;
	n->ks = cfg->keystore;
	n->offer_lifetime_s = cfg->offer_lifetime_s != 0 ? cfg->offer_lifetime_s : 86400;
	if ((r = offer_init(n)) != 0) {
		snprintf(err, errlen, "out of memory");
		free(n);
		return r;
	}
	if (cfg->host == NULL) {
		if (gethostname(hostbuf, sizeof(hostbuf)) != 0 || hostbuf[0] == '\0')
			snprintf(hostbuf, sizeof(hostbuf), "localhost");
		hostbuf[sizeof(hostbuf) - 1] = '\0';
	}
	n->user = dup_name(cfg->user != NULL ? cfg->user : default_user());
	n->host = dup_name(cfg->host != NULL ? cfg->host : hostbuf);
	n->nick = strdup(cfg->nick != NULL ? cfg->nick : n->user != NULL ? n->user : "");
	n->group = strdup(cfg->group != NULL ? cfg->group : "");
	n->peers = fg_peers_new(cfg->max_peers != 0 ? cfg->max_peers : FG_NODE_MAX_PEERS);
	if (n->user == NULL || n->host == NULL || n->nick == NULL ||
	    n->group == NULL || n->peers == NULL) {
		snprintf(err, errlen, "out of memory");
		r = FG_ERR_ALLOC;
		goto out;
	}
	if ((r = check_name("user name", n->user, 0, err, errlen)) != 0 ||
	    (r = check_name("host name", n->host, 0, err, errlen)) != 0 ||
	    (r = check_name("nickname", n->nick, 1, err, errlen)) != 0 ||
	    (r = check_name("group", n->group, 1, err, errlen)) != 0)
		goto out;
	if (cfg->bind != NULL && (r = fg_netif_parse_ip(cfg->bind, &n->bind_ip)) != 0) {
		snprintf(err, errlen, "bad bind address \"%s\"", cfg->bind);
		goto out;
	}
	n->bound_any = cfg->bind == NULL;
	if (!cfg->broadcast_only &&
	    (r = fg_netif_add_defaults(&n->targets, err, errlen)) != 0)
		goto out;
	if (cfg->broadcast != NULL &&
	    (r = fg_netif_add_list(&n->targets, cfg->broadcast, err, errlen)) != 0)
		goto out;
	if (n->targets.n == 0) {
		snprintf(err, errlen, "no broadcast targets (--broadcast-only needs --broadcast)");
		r = FG_ERR_INVAL;
		goto out;
	}
	*out = n;
	return 0;
 out:
	fg_node_free(n);
	return r;
}

int
fg_node_start(struct fg_node *n, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = n->bind_ip;
	sa.sin_port = htons(n->port);
	uv_udp_init(n->loop, &n->udp);
	uv_tcp_init(n->loop, &n->tcp);
	uv_timer_init(n->loop, &n->entry_timer);
	n->udp.data = n->tcp.data = n->entry_timer.data = n;
	n->started = 1;
	/*
	 * TCP first: its bind fails when another node owns the port, while
	 * UDP with SO_REUSEADDR would quietly share it.
	 */
	if ((r = uv_tcp_bind(&n->tcp, (const struct sockaddr *)&sa, 0)) != 0 ||
	    (r = uv_listen((uv_stream_t *)&n->tcp, 64, tcp_conn_cb)) != 0) {
		snprintf(err, errlen, "cannot listen on TCP port %u: %s",
		    (unsigned)n->port, uv_strerror(r));
		return FG_ERR_SYSTEM;
	}
	if ((r = uv_udp_bind(&n->udp, (const struct sockaddr *)&sa, UV_UDP_REUSEADDR)) != 0 ||
	    (r = uv_udp_set_broadcast(&n->udp, 1)) != 0 ||
	    (r = uv_udp_recv_start(&n->udp, alloc_cb, recv_cb)) != 0) {
		snprintf(err, errlen, "cannot use UDP port %u: %s",
		    (unsigned)n->port, uv_strerror(r));
		return FG_ERR_SYSTEM;
	}
	{
		/* Room for bursts of entries from a large LAN. */
		int sz = 4 << 20;

		(void)uv_recv_buffer_size((uv_handle_t *)&n->udp, &sz);
		sz = 4 << 20;
		(void)uv_send_buffer_size((uv_handle_t *)&n->udp, &sz);
	}
	n->start_ms = node_now(n);
	(void)fg_netif_add_locals(&n->locals);
	offer_start(n);
	if (n->get_list) {
		n->getting_list = 1;
		(void)presence_announce(n, FG_CMD_BR_ISGETLIST2);
	}
	(void)presence_announce(n, FG_CMD_BR_ENTRY);
	uv_timer_start(&n->entry_timer, entry_timer_cb, FG_ENTRY_REPEAT_MS, 0);
	return 0;
}

/* Counts down the handles being closed; the last one finishes the stop. */
static void
handle_closed_cb(uv_handle_t *h)
{
	struct fg_node *n = h->data;

	if (--n->closing == 0 && n->stop_done != NULL)
		n->stop_done(n, n->stop_arg);
}

void
node_close_handle(struct fg_node *n, uv_handle_t *h, uv_close_cb cb)
{
	n->closing++;
	uv_close(h, cb != NULL ? cb : handle_closed_cb);
}

void
fg_node_stop(struct fg_node *n, void (*done)(struct fg_node *, void *), void *arg)
{
	if (n->stopping)
		return;
	n->stop_done = done;
	n->stop_arg = arg;
	if (n->started)
		(void)presence_announce(n, FG_CMD_BR_EXIT);
	n->stopping = 1;
	message_cancel_all(n);
	offer_stop(n);
	if (n->started) {
		node_close_handle(n, (uv_handle_t *)&n->udp, NULL);
		node_close_handle(n, (uv_handle_t *)&n->tcp, NULL);
		node_close_handle(n, (uv_handle_t *)&n->entry_timer, NULL);
	}
	/* Nothing to close: finish on the next turn all the same. */
	if (n->closing == 0) {
		uv_timer_init(n->loop, &n->entry_timer);
		n->entry_timer.data = n;
		node_close_handle(n, (uv_handle_t *)&n->entry_timer, NULL);
	}
}

void
fg_node_free(struct fg_node *n)
{
	if (n == NULL)
		return;
	names_clear(n);
	offer_free_all(n);
	fg_peers_free(n->peers);
	free(n->user);
	free(n->host);
	free(n->nick);
	free(n->group);
	free(n->away);
	free(n);
}

int
fg_node_set_away(struct fg_node *n, const char *text)
{
	char *a = NULL;

	if (text != NULL && (a = strdup(text)) == NULL)
		return FG_ERR_ALLOC;
	free(n->away);
	n->away = a;
	return presence_announce(n, FG_CMD_BR_ABSENCE);
}

int
fg_node_set_names(struct fg_node *n, const char *nick, const char *group)
{
	char err[128], *nn = NULL, *ng = NULL;

	if ((nick != NULL && check_name("nickname", nick, 1, err, sizeof(err)) != 0) ||
	    (group != NULL && check_name("group", group, 1, err, sizeof(err)) != 0))
		return FG_ERR_INVAL;
	if ((nick != NULL && (nn = strdup(nick)) == NULL) ||
	    (group != NULL && (ng = strdup(group)) == NULL)) {
		free(nn);
		return FG_ERR_ALLOC;
	}
	if (nn != NULL) {
		free(n->nick);
		n->nick = nn;
	}
	if (ng != NULL) {
		free(n->group);
		n->group = ng;
	}
	names_clear(n);
	return presence_announce(n, FG_CMD_BR_ABSENCE);
}

int
fg_node_refresh(struct fg_node *n)
{
	return presence_announce(n, FG_CMD_BR_ENTRY);
}

const struct fg_peers *
fg_node_peers(const struct fg_node *n)
{
	return n->peers;
}

const char *
fg_node_user(const struct fg_node *n)
{
	return n->user;
}

const char *
fg_node_host(const struct fg_node *n)
{
	return n->host;
}

const char *
fg_node_nick(const struct fg_node *n)
{
	return n->nick;
}

const char *
fg_node_group(const struct fg_node *n)
{
	return n->group;
}

const char *
fg_node_away(const struct fg_node *n)
{
	return n->away;
}

uint16_t
fg_node_port(const struct fg_node *n)
{
	return n->port;
}

void
fg_node_set_rx_filter(struct fg_node *n, fg_node_rx_filter f, void *arg)
{
	n->rx_filter = f;
	n->rx_filter_arg = arg;
}

void
fg_node_stats(const struct fg_node *n, struct fg_node_stats *st)
{
	*st = n->stats;
}
