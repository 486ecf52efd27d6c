/*
 * presence: the entry family and host lists. A peer is one row, keyed by
 * its UTF-8 (user, host): several interfaces, re-entries and echoes update
 * the row instead of adding one. A known host moves to a new address only
 * when its old one is a while old, as the official client does, so copies
 * of one broadcast arriving on two interfaces do not make it flap.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "entry.h"
#include "feige/feige.h"
#include "hostlist.h"
#include "node_int.h"
#include "proto.h"

/* Our status word: what the option bits of our entry packets say. */
static uint32_t
status_opts(const struct fg_node *n)
{
	/* We listen on TCP, so we take attachments. */
	uint32_t o = FG_OPT_CAPUTF8 | FG_OPT_FILEATTACH;

	if (n->away != NULL)
		o |= FG_OPT_ABSENCE;
	/* Bound to one address we miss broadcasts: ask for unicast entries. */
	if (!n->bound_any)
		o |= FG_OPT_DIALUP;
	return o | secure_status_opts(n);
}

/* Appends our entry payload in charset cs (UTF-8 section included). */
static int
put_entry(struct fg_node *n, struct fg_buf *b, enum fg_charset cs)
{
	const struct node_names *nm = node_names_for(n, cs);
	struct fg_entry_out eo;

	if (nm == NULL)
		return FG_ERR_INTERNAL;
	memset(&eo, 0, sizeof(eo));
	eo.nick = (const char *)fg_buf_ptr(&nm->nick);
	eo.group = (const char *)fg_buf_ptr(&nm->group);
	eo.un = n->user;
	eo.hn = n->host;
	eo.nn = n->nick;
	eo.gn = n->group;
	eo.fg = FEIGE_VERSION;
	return fg_entry_put(b, &eo);
}

int
presence_announce(struct fg_node *n, uint32_t mode)
{
	struct fg_buf b;
	struct fg_peer *p;
	size_t i;
	int r;

	/* Entry-family broadcasts never carry UTF8OPT: legacy fields, UTF-8 section. */
	if ((r = node_begin(n, &b, n->legacy, node_next_pktno(n),
	    mode | status_opts(n), FG_MAX_DATAGRAM_LEGACY)) != 0)
		goto out;
	if (mode != FG_CMD_BR_ISGETLIST2 && (r = put_entry(n, &b, n->legacy)) != 0)
		goto out;
	for (i = 0; i < n->targets.n; i++)
		(void)node_sendto(n, n->targets.ip[i], n->port, fg_buf_ptr(&b),
		    fg_buf_len(&b));
	/* Hosts that broadcasts do not reach get their own copy. */
	if (mode != FG_CMD_BR_ISGETLIST2)
		for (p = fg_peers_first(n->peers); p != NULL; p = fg_peers_next(p))
			if (p->dialup)
				(void)node_sendto(n, p->ip, p->port, fg_buf_ptr(&b),
				    fg_buf_len(&b));
 out:
	fg_buf_release(&b);
	return r;
}

/* Sends a unicast entry-family packet (ANSENTRY, or BR_ENTRY as a probe). */
static int
send_entry_to(struct fg_node *n, uint32_t mode, uint32_t ip, uint16_t port,
    const struct fg_peer *p)
{
	struct fg_charset_peer def;
	enum fg_charset cs;
	struct fg_buf b;
	uint32_t cmd = mode | status_opts(n);
	int utf8opt = 0, r;

	fg_charset_peer_init(&def, n->legacy);
	/* Only an answer may be UTF-8; a BR_ENTRY stays legacy. */
	cs = mode == FG_CMD_ANSENTRY ?
	    fg_charset_for_send(p != NULL ? &p->cs : &def, &utf8opt) : n->legacy;
	if (utf8opt)
		cmd |= FG_OPT_UTF8;
	if ((r = node_begin(n, &b, cs, node_next_pktno(n), cmd,
	    FG_MAX_DATAGRAM_LEGACY)) == 0 && (r = put_entry(n, &b, cs)) == 0)
		r = node_sendto(n, ip, port, fg_buf_ptr(&b), fg_buf_len(&b));
	fg_buf_release(&b);
	return r;
}

void
presence_probe(struct fg_node *n, uint32_t ip, uint16_t port)
{
	(void)send_entry_to(n, FG_CMD_BR_ENTRY, ip, port, NULL);
}

/* The charset a packet's header names are in, before we know the sender. */
static enum fg_charset
header_charset(const struct fg_node *n, const struct fg_packet *pkt)
{
	if (pkt->command & FG_OPT_UTF8)
		return FG_CS_UTF8;
	if (fg_packet_is_iptux(pkt) && fg_utf8_valid(pkt->user.p, pkt->user.len) &&
	    fg_utf8_valid(pkt->host.p, pkt->host.len))
		return FG_CS_UTF8;
	return n->legacy;
}

/* Emits a peer event. */
static void
emit_peer(struct fg_node *n, enum fg_event_type type, const struct fg_peer *p)
{
	struct fg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.peer = p;
	node_emit(n, &ev);
}

/* Removes a peer, telling the caller first. */
static void
drop_peer(struct fg_node *n, struct fg_peer *p)
{
	emit_peer(n, FG_EV_PEER_LEAVE, p);
	fg_peers_remove(n->peers, p);
}

/*
 * Finds (or, with add, makes) the row for a packet's sender, keeping its
 * address, version and charset state current. *isnew says it was made now.
 */
static struct fg_peer *
touch(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port, int add, int *isnew, int *moved)
{
	struct fg_entry e;
	enum fg_charset cs = header_charset(n, pkt);
	char *user = NULL, *host = NULL;
	struct fg_peer *p = NULL, *other;
	int entry = 0;

	*isnew = *moved = 0;
	switch (fg_packet_mode(pkt)) {
	case FG_CMD_BR_ENTRY:
	case FG_CMD_ANSENTRY:
	case FG_CMD_BR_ABSENCE:
	case FG_CMD_BR_EXIT:
		entry = fg_entry_parse(pkt, &e) == 0;
		break;
	}
	/* The UTF-8 section names win over the header's legacy bytes. */
	if (entry && e.has_un && e.has_hn && e.un.len > 0 && e.hn.len > 0 &&
	    fg_utf8_valid(e.un.p, e.un.len) && fg_utf8_valid(e.hn.p, e.hn.len)) {
		user = fg_span_dup(e.un);
		host = fg_span_dup(e.hn);
	} else {
		(void)node_decode(n, cs, pkt->user, &user);
		(void)node_decode(n, cs, pkt->host, &host);
	}
	if (user == NULL || host == NULL || user[0] == '\0' || host[0] == '\0')
		goto out;
	if ((p = fg_peers_find(n->peers, user, host)) == NULL) {
		if (!add)
			goto out;
		/* Someone new at a known address: the old identity is gone. */
		if ((other = fg_peers_find_addr(n->peers, ip, port)) != NULL)
			drop_peer(n, other);
		if (fg_peers_add(n->peers, user, host, ip, port, node_now(n), &p) != 0) {
			n->stats.peers_refused++;
			p = NULL;
			goto out;
		}
		fg_charset_peer_init(&p->cs, n->legacy);
		*isnew = 1;
	} else if (p->ip != ip || p->port != port) {
		if (node_now(n) - p->addr_ms >= FG_MOVE_AFTER_MS) {
			if ((other = fg_peers_find_addr(n->peers, ip, port)) != NULL &&
			    other != p)
				drop_peer(n, other);
			fg_peers_move(n->peers, p, ip, port, node_now(n));
			*moved = 1;
		}
	}
	p->seen_ms = node_now(n);
	if (pkt->version.len != strlen(p->version) ||
	    memcmp(pkt->version.p, p->version, pkt->version.len) != 0)
		(void)fg_peer_set(&p->version, (const char *)pkt->version.p,
		    pkt->version.len);
	fg_charset_peer_learn(&p->cs, pkt->command, p->version, pkt->extra.p,
	    pkt->extra.len);
 out:
	free(user);
	free(host);
	return p;
}

struct fg_peer *
presence_touch(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port, int add)
{
	int isnew, moved;
	struct fg_peer *p = touch(n, pkt, ip, port, add, &isnew, &moved);

	if (p != NULL && isnew) {
		/* Someone we did not know spoke: ask who they are, then list them. */
		(void)send_entry_to(n, FG_CMD_BR_ENTRY, ip, port, p);
		emit_peer(n, FG_EV_PEER_JOIN, p);
		message_peer_known(n, p);
	} else if (p != NULL && moved)
		emit_peer(n, FG_EV_PEER_CHANGE, p);
	return p;
}

/* Sets *field to UTF-8 from the UTF-8 section or the legacy field; 1 if it changed. */
static int
update_name(struct fg_node *n, char **field, int has_utf8, struct fg_span utf8,
    enum fg_charset cs, struct fg_span legacy)
{
	char *v = NULL;
	int changed;

	if (has_utf8 && fg_utf8_valid(utf8.p, utf8.len))
		v = fg_span_dup(utf8);
	else
		(void)node_decode(n, cs, legacy, &v);
	if (v == NULL)
		return 0;
	changed = strcmp(v, *field) != 0;
	if (changed) {
		free(*field);
		*field = v;
	} else
		free(v);
	return changed;
}

/* BR_ENTRY, ANSENTRY, BR_ABSENCE: add or update the sender. */
static void
on_entry(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	struct fg_entry e;
	struct fg_peer *p;
	enum fg_charset cs;
	int isnew, moved, changed, absent;
	uint32_t mode = fg_packet_mode(pkt);

	if ((p = touch(n, pkt, ip, port, 1, &isnew, &moved)) == NULL)
		goto reply;
	if (fg_entry_parse(pkt, &e) != 0) {
		n->stats.rx_bad++;
		goto reply;
	}
	cs = fg_charset_for_recv(&p->cs, pkt->command, pkt->extra.p, pkt->extra.len);
	changed = moved;
	changed |= update_name(n, &p->nick, e.has_nn && e.nn.len > 0, e.nn, cs, e.nick);
	changed |= update_name(n, &p->group, e.has_gn, e.gn, cs, e.group);
	if (p->nick[0] == '\0')
		(void)fg_peer_set(&p->nick, p->user, strlen(p->user));
	/* iptux sets ABSENCEOPT on every entry packet: it means nothing there. */
	absent = (pkt->command & FG_OPT_ABSENCE) && !p->cs.iptux;
	changed |= absent != p->absent;
	p->absent = absent;
	p->dialup = (pkt->command & FG_OPT_DIALUP) != 0;
	p->feige = e.has_fg;
	p->status = pkt->command;
	/*
	 * A BR_ENTRY comes from a process that (re)starts: its packet
	 * numbers (from 1 for iptux, from the clock for the others) may repeat
	 * those of the one before, so what we saw from it is forgotten.
	 */
	if (mode == FG_CMD_BR_ENTRY)
		message_forget_sender(n, p->user, p->host);
	if (isnew) {
		emit_peer(n, FG_EV_PEER_JOIN, p);
		message_peer_known(n, p);
	} else if (changed)
		emit_peer(n, FG_EV_PEER_CHANGE, p);
 reply:
	if (mode == FG_CMD_BR_ENTRY)
		(void)send_entry_to(n, FG_CMD_ANSENTRY, ip, port, p);
}

/* GETLIST: answer one part of our host list, from the asked-for index. */
static void
on_getlist(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	struct fg_buf b, hosts;
	struct fg_hostent he;
	struct fg_peer *p;
	uint32_t start, idx = 0, count = 0, cont = 0;
	char addr[INET_ADDRSTRLEN];
	uint32_t cmd = FG_CMD_ANSLIST;
	int r;

	if (fg_hostlist_parse_start(pkt->extra, &start) != 0) {
		n->stats.rx_bad++;
		return;
	}
	/*
	 * Our table holds UTF-8, so the list always goes out as UTF-8; every
	 * client that asks for host lists (the official one) reads UTF8OPT.
	 */
	cmd |= FG_OPT_UTF8;
	fg_buf_init(&hosts, FG_MAX_DATAGRAM_LEGACY - 600);
	for (p = fg_peers_first(n->peers); p != NULL; p = fg_peers_next(p), idx++) {
		size_t mark = hosts.size;
		struct in_addr a;

		if (idx < start)
			continue;
		a.s_addr = p->ip;
		inet_ntop(AF_INET, &a, addr, sizeof(addr));
		memset(&he, 0, sizeof(he));
		he.user = fg_span_str(p->user);
		he.host = fg_span_str(p->host);
		he.status = p->status;
		he.addr = fg_span_str(addr);
		he.port = p->port;
		he.nick = fg_span_str(p->nick);
		he.group = fg_span_str(p->group);
		if (count == FG_MAX_HOSTLIST || fg_hostlist_put_host(&hosts, &he) != 0) {
			hosts.size = mark;	/* this one goes in the next part */
			cont = idx;
			break;
		}
		count++;
	}
	if ((r = node_begin(n, &b, FG_CS_UTF8, node_next_pktno(n), cmd,
	    FG_MAX_DATAGRAM_LEGACY)) == 0 &&
	    (r = fg_hostlist_put_header(&b, cont, count)) == 0 &&
	    (r = fg_buf_put(&b, fg_buf_ptr(&hosts), fg_buf_len(&hosts))) == 0 &&
	    (r = fg_buf_put_u8(&b, '\0')) == 0)
		(void)node_sendto(n, ip, port, fg_buf_ptr(&b), fg_buf_len(&b));
	fg_buf_release(&b);
	fg_buf_release(&hosts);
}

/* ANSLIST: add the hosts we did not know, then ask for the next part. */
static void
on_anslist(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	struct fg_hostlist hl;
	struct fg_hostent he;
	struct fg_peer *p;
	enum fg_charset cs = (pkt->command & FG_OPT_UTF8) ? FG_CS_UTF8 : n->legacy;
	char *user = NULL, *host = NULL, addr[INET_ADDRSTRLEN], cont[16];
	uint32_t hip;
	int r;

	if (!n->getting_list)
		return;
	if (fg_hostlist_begin(&hl, pkt->extra) != 0) {
		n->stats.rx_bad++;
		return;
	}
	while ((r = fg_hostlist_next(&hl, &he)) == 0) {
		if (FG_CMD_MODE(he.status) == FG_CMD_BR_EXIT || he.status == 0)
			continue;
		if (fg_span_cstr(he.addr, addr, sizeof(addr)) != 0 ||
		    fg_netif_parse_ip(addr, &hip) != 0)
			continue;
		free(user);
		free(host);
		user = host = NULL;
		if (node_decode(n, cs, he.user, &user) != 0 ||
		    node_decode(n, cs, he.host, &host) != 0 ||
		    fg_peers_find(n->peers, user, host) != NULL ||
		    fg_peers_find_addr(n->peers, hip, he.port) != NULL ||
		    (strcmp(user, n->user) == 0 && strcmp(host, n->host) == 0))
			continue;
		if (fg_peers_add(n->peers, user, host, hip, he.port, node_now(n), &p) != 0) {
			n->stats.peers_refused++;
			break;
		}
		fg_charset_peer_init(&p->cs, n->legacy);
		(void)update_name(n, &p->nick, 0, FG_SPAN_NULL, cs, he.nick);
		(void)update_name(n, &p->group, 0, FG_SPAN_NULL, cs, he.group);
		if (p->nick[0] == '\0')
			(void)fg_peer_set(&p->nick, p->user, strlen(p->user));
		p->status = he.status;
		p->dialup = (he.status & FG_OPT_DIALUP) != 0;
		emit_peer(n, FG_EV_PEER_JOIN, p);
	}
	free(user);
	free(host);
	if (r == FG_ERR_NOT_FOUND && hl.cont != 0) {
		snprintf(cont, sizeof(cont), "%lu", (unsigned long)hl.cont);
		(void)node_send_simple(n, ip, port, NULL, FG_CMD_GETLIST, cont);
	} else
		n->getting_list = 0;
}

void
presence_on_packet(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	struct fg_peer *p;
	int isnew, moved;

	switch (fg_packet_mode(pkt)) {
	case FG_CMD_BR_ENTRY:
	case FG_CMD_ANSENTRY:
	case FG_CMD_BR_ABSENCE:
		on_entry(n, pkt, ip, port);
		break;
	case FG_CMD_BR_EXIT:
		if ((p = touch(n, pkt, ip, port, 0, &isnew, &moved)) != NULL) {
			message_forget_sender(n, p->user, p->host);
			drop_peer(n, p);
		}
		break;
	case FG_CMD_BR_ISGETLIST:
	case FG_CMD_BR_ISGETLIST2:
		if (node_now(n) - n->start_ms >= FG_GETLIST_AFTER_MS)
			(void)node_send_simple(n, ip, port, NULL, FG_CMD_OKGETLIST, "");
		break;
	case FG_CMD_OKGETLIST:
		if (n->getting_list)
			(void)node_send_simple(n, ip, port, NULL, FG_CMD_GETLIST, "");
		break;
	case FG_CMD_GETLIST:
		on_getlist(n, pkt, ip, port);
		break;
	case FG_CMD_ANSLIST:
		on_anslist(n, pkt, ip, port);
		break;
	}
}
