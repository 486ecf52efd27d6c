/*
 * message: SENDMSG and its answers. Every copy of a message is
 * acknowledged, but a (sender, packet number) pair is delivered once.
 * Outgoing messages are resent every retry_ms until RECVMSG comes back or
 * the retries run out; to a host we do not know yet, we first send an
 * entry and wait a moment for its answer so the text goes out in a charset
 * it reads.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "crypto.h"
#include "keystore.h"
#include "feige/feige.h"
#include "node_int.h"
#include "proto.h"

#define FG_MAX_TEXT	7000	/* UTF-8 bytes of one message: fits 8 KiB peers */

/* FNV-1a over the case-folded sender names: the dedupe key's "who". */
static uint64_t
who_hash(const char *user, const char *host)
{
	uint64_t h = 1469598103934665603ULL;
	const char *s;

	for (s = user; *s != '\0'; s++)
		h = (h ^ (unsigned char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s)) *
		    1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (s = host; *s != '\0'; s++)
		h = (h ^ (unsigned char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s)) *
		    1099511628211ULL;
	return h;
}

/* 1 when (who, pktno) was delivered recently; otherwise remembers it. */
static int
seen_before(struct fg_node *n, uint64_t who, uint64_t pktno)
{
	size_t i;

	for (i = 0; i < FG_SEEN_RING; i++)
		if (n->seen[i].who == who && n->seen[i].pktno == pktno)
			return 1;
	n->seen[n->seen_next].who = who;
	n->seen[n->seen_next].pktno = pktno;
	n->seen_next = (n->seen_next + 1) % FG_SEEN_RING;
	return 0;
}

void
message_forget_sender(struct fg_node *n, const char *user, const char *host)
{
	uint64_t who = who_hash(user, host);
	size_t i;

	for (i = 0; i < FG_SEEN_RING; i++)
		if (n->seen[i].who == who)
			n->seen[i].who = n->seen[i].pktno = 0;
}

/* Frees an outgoing message once its timer handle is closed. */
static void
out_closed_cb(uv_handle_t *h)
{
	struct outmsg *o = h->data;
	struct fg_node *n = o->node;

	fg_buf_release(&o->dgram);
	free(o->text);
	free(o->attach);
	free(o);
	if (--n->closing == 0 && n->stopping && n->stop_done != NULL)
		n->stop_done(n, n->stop_arg);
}

/* Ends an outgoing message: unlinks it, tells the caller, frees it later. */
static void
out_finish(struct fg_node *n, struct outmsg *o, int status)
{
	struct fg_event ev;

	TAILQ_REMOVE(&n->out, o, entry);
	uv_timer_stop(&o->timer);
	if (o->kind == OUT_MSG && status == 0 && !o->noack) {
		memset(&ev, 0, sizeof(ev));
		ev.type = FG_EV_RECEIPT;
		ev.id = o->id;
		ev.encrypted = o->encrypted;
		ev.ip = o->to.ip;
		ev.port = o->to.port;
		ev.peer = fg_peers_find_addr(n->peers, o->to.ip, o->to.port);
		node_emit(n, &ev);
	}
	if (o->cb != NULL)
		o->cb(n, o->id, &o->to, status, o->arg);
	node_close_handle(n, (uv_handle_t *)&o->timer, out_closed_cb);
}

int
message_put_attach_list(const struct outmsg *o, enum fg_charset cs, struct fg_buf *b)
{
	struct fg_attach a;
	struct fg_buf name;
	size_t i;
	int r = 0;

	for (i = 0; i < o->nattach && r == 0; i++) {
		a = o->attach[i];
		fg_buf_init(&name, FG_MAX_FILENAME);
		if ((r = fg_charset_from_utf8(cs, o->attach[i].name,
		    strlen(o->attach[i].name), &name)) == 0 &&
		    (r = fg_buf_terminate(&name)) == 0) {
			memcpy(a.name, fg_buf_ptr(&name), fg_buf_len(&name) + 1);
			r = fg_attach_put(b, &a);
		}
		fg_buf_release(&name);
	}
	return r;
}

/* Builds the SENDMSG datagram for o in the charset its peer reads. */
static int
out_build(struct fg_node *n, struct outmsg *o)
{
	const struct fg_peer *p = fg_peers_find_addr(n->peers, o->to.ip, o->to.port);
	struct fg_charset_peer def;
	enum fg_charset cs;
	uint32_t cmd = o->command;
	int utf8opt, r;

	fg_charset_peer_init(&def, n->legacy);
	cs = fg_charset_for_send(p != NULL ? &p->cs : &def, &utf8opt);
	if (utf8opt)
		cmd |= FG_OPT_UTF8 | FG_OPT_CAPUTF8;
	if (o->nattach > 0)
		cmd |= FG_OPT_FILEATTACH;
	fg_buf_release(&o->dgram);
	if (p != NULL && secure_can_encrypt(n, p)) {
		r = secure_build(n, o, p, cs, cmd);
		if (r == 0)
			return 0;
		/* Cannot encrypt to this key: fall back to clear text, as the official client does. */
	}
	o->encrypted = 0;
	if ((r = node_begin(n, &o->dgram, cs, o->pktno, cmd, node_max_dgram(p))) != 0 ||
	    (r = fg_charset_from_utf8(cs, o->text, strlen(o->text), &o->dgram)) != 0 ||
	    (r = fg_buf_put_u8(&o->dgram, '\0')) != 0)
		return r;
	if (o->nattach > 0) {
		if ((r = message_put_attach_list(o, cs, &o->dgram)) != 0 ||
		    (r = fg_buf_put_u8(&o->dgram, '\0')) != 0)
			return r;
	}
	return 0;
}

/* Sends o now and arms its timer for the next try. */
static void
out_fire(struct fg_node *n, struct outmsg *o, void (*cb)(uv_timer_t *))
{
	int r;

	if (o->kind == OUT_MSG && !o->keyasked && secure_needs_key(n, o)) {
		/* The peer encrypts but we have no key for it yet: ask first. */
		o->keyasked = o->keywait = 1;
		uv_timer_start(&o->timer, cb, n->probe_ms * 4, 0);
		return;
	}
	if (o->kind == OUT_MSG && (r = out_build(n, o)) != 0) {
		out_finish(n, o, r);
		return;
	}
	(void)node_sendto(n, o->to.ip, o->to.port, fg_buf_ptr(&o->dgram),
	    fg_buf_len(&o->dgram));
	uv_timer_start(&o->timer, cb, o->noack ? 0 : o->interval, 0);
}

/* The retry timer: probe over, resend, or give up. */
static void
out_timer_cb(uv_timer_t *t)
{
	struct outmsg *o = t->data;
	struct fg_node *n = o->node;

	if (o->probing || o->keywait) {
		/* No answer, or no key, in time: send as we can. */
		o->probing = o->keywait = 0;
		out_fire(n, o, out_timer_cb);
	} else if (o->noack)
		out_finish(n, o, 0);
	else if (o->left > 0) {
		o->left--;
		n->stats.retries++;
		(void)node_sendto(n, o->to.ip, o->to.port, fg_buf_ptr(&o->dgram),
		    fg_buf_len(&o->dgram));
		uv_timer_start(&o->timer, out_timer_cb, o->interval, 0);
	} else
		out_finish(n, o, FG_ERR_TIMEOUT);
}

/* Makes an outgoing record and links it into the node's list. */
static struct outmsg *
out_new(struct fg_node *n, enum out_kind kind, const struct fg_dest *to)
{
	struct outmsg *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->node = n;
	o->kind = kind;
	o->to = *to;
	uv_timer_init(n->loop, &o->timer);
	o->timer.data = o;
	TAILQ_INSERT_TAIL(&n->out, o, entry);
	return o;
}

/*
 * Sends text (and, when attach is set, an attachment list) to each
 * destination under one packet number.
 */
static int
send_common(struct fg_node *n, const struct fg_dest *to, size_t nto,
    const char *text, unsigned flags, const struct fg_attach *attach,
    size_t nattach, uint32_t pktno, fg_node_send_cb cb, void *arg, uint64_t *id)
{
	struct outmsg *o;
	uint32_t cmd = FG_CMD_SENDMSG;
	size_t i, len = strlen(text);

	*id = 0;
	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	if (nto == 0)
		return FG_ERR_INVAL;
	if (len > FG_MAX_TEXT)
		return FG_ERR_LIMIT;
	if (!(flags & FG_SEND_NOACK))
		cmd |= FG_OPT_SENDCHECK;
	if (flags & FG_SEND_SEAL)
		cmd |= FG_OPT_SECRET | FG_OPT_READCHECK;
	if (nto > 1)
		cmd |= FG_OPT_MULTICAST;
	*id = n->next_id++;
	for (i = 0; i < nto; i++) {
		if ((o = out_new(n, OUT_MSG, &to[i])) == NULL)
			return FG_ERR_ALLOC;
		o->id = *id;
		o->pktno = pktno;
		o->command = cmd;
		o->interval = n->retry_ms;
		o->left = n->retries;
		o->noack = (flags & FG_SEND_NOACK) != 0;
		o->cb = cb;
		o->arg = arg;
		if (nattach > 0 && (o->attach = calloc(nattach, sizeof(*attach))) != NULL) {
			memcpy(o->attach, attach, nattach * sizeof(*attach));
			o->nattach = nattach;
		}
		if ((o->text = strdup(text)) == NULL || (nattach > 0 && o->attach == NULL)) {
			TAILQ_REMOVE(&n->out, o, entry);
			node_close_handle(n, (uv_handle_t *)&o->timer, out_closed_cb);
			return FG_ERR_ALLOC;
		}
		if (flags & FG_SEND_SEAL) {
			n->sealed[n->sealed_next].id = *id;
			n->sealed[n->sealed_next].pktno = pktno;
			n->sealed[n->sealed_next].ip = to[i].ip;
			n->sealed_next = (n->sealed_next + 1) % FG_SEALED_SENT_MAX;
		}
		if (fg_peers_find_addr(n->peers, to[i].ip, to[i].port) != NULL)
			out_fire(n, o, out_timer_cb);
		else {
			o->probing = 1;
			presence_probe(n, to[i].ip, to[i].port);
			uv_timer_start(&o->timer, out_timer_cb, n->probe_ms, 0);
		}
	}
	return 0;
}

int
fg_node_send(struct fg_node *n, const struct fg_dest *to, size_t nto,
    const char *text, unsigned flags, fg_node_send_cb cb, void *arg,
    uint64_t *id)
{
	*id = 0;
	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	return send_common(n, to, nto, text, flags, NULL, 0, node_next_pktno(n),
	    cb, arg, id);
}

int
message_send_attach(struct fg_node *n, const struct fg_dest *to,
    const char *text, const struct out_offer *off, fg_node_send_cb cb,
    void *arg, uint64_t *id)
{
	struct fg_attach *a;
	size_t i;
	int r;

	*id = 0;
	if ((a = calloc(off->nfiles, sizeof(*a))) == NULL)
		return FG_ERR_ALLOC;
	for (i = 0; i < off->nfiles; i++) {
		a[i].fid = off->files[i].fid;
		snprintf(a[i].name, sizeof(a[i].name), "%s", off->files[i].name);
		a[i].size = off->files[i].size;
		a[i].mtime = off->files[i].mtime;
		a[i].attr = off->files[i].attr;
	}
	r = send_common(n, to, 1, text, 0, a, off->nfiles, off->pktno, cb, arg, id);
	free(a);
	return r;
}

void
message_peer_known(struct fg_node *n, const struct fg_peer *p)
{
	struct outmsg *o, *next;

	for (o = TAILQ_FIRST(&n->out); o != NULL; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (o->probing && o->to.ip == p->ip && o->to.port == p->port) {
			o->probing = 0;
			uv_timer_stop(&o->timer);
			out_fire(n, o, out_timer_cb);
		}
	}
}

void
message_peer_keyed(struct fg_node *n, const struct fg_peer *p)
{
	struct outmsg *o, *next;

	for (o = TAILQ_FIRST(&n->out); o != NULL; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (o->keywait && o->to.ip == p->ip && o->to.port == p->port) {
			o->keywait = 0;
			uv_timer_stop(&o->timer);
			out_fire(n, o, out_timer_cb);
		}
	}
}

void
message_cancel_all(struct fg_node *n)
{
	struct outmsg *o;

	while ((o = TAILQ_FIRST(&n->out)) != NULL)
		out_finish(n, o, FG_ERR_CLOSED);
}

int
fg_node_broadcast(struct fg_node *n, const char *text, size_t *sent)
{
	struct fg_peer *p;
	struct fg_buf b;
	enum fg_charset cs;
	uint32_t pktno, cmd;
	int utf8opt, r = 0;

	*sent = 0;
	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	if (strlen(text) > FG_MAX_TEXT)
		return FG_ERR_LIMIT;
	pktno = node_next_pktno(n);
	/* One unicast copy per peer, each in the charset that peer reads. */
	for (p = fg_peers_first(n->peers); p != NULL; p = fg_peers_next(p)) {
		cmd = FG_CMD_SENDMSG | FG_OPT_BROADCAST;
		cs = fg_charset_for_send(&p->cs, &utf8opt);
		if (utf8opt)
			cmd |= FG_OPT_UTF8 | FG_OPT_CAPUTF8;
		if ((r = node_begin(n, &b, cs, pktno, cmd, node_max_dgram(p))) == 0 &&
		    (r = fg_charset_from_utf8(cs, text, strlen(text), &b)) == 0 &&
		    (r = fg_buf_put_u8(&b, '\0')) == 0 &&
		    node_sendto(n, p->ip, p->port, fg_buf_ptr(&b), fg_buf_len(&b)) == 0)
			(*sent)++;
		fg_buf_release(&b);
		if (r != 0)
			return r;
	}
	return 0;
}

int
fg_node_open_sealed_at(struct fg_node *n, uint32_t ip, uint16_t port,
    uint64_t pktno, uint32_t command)
{
	struct fg_dest to = { ip, port };
	struct outmsg *o;
	char extra[24];
	int r;

	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	if ((o = out_new(n, OUT_READ, &to)) == NULL)
		return FG_ERR_ALLOC;
	o->pktno = node_next_pktno(n);
	o->command = FG_CMD_READMSG | (command & FG_OPT_READCHECK);
	o->interval = FG_READ_RETRY_MS;
	o->left = FG_READ_RETRIES;
	o->noack = !(command & FG_OPT_READCHECK);
	snprintf(extra, sizeof(extra), "%llu", (unsigned long long)pktno);
	if ((r = node_begin(n, &o->dgram, FG_CS_UTF8, o->pktno, o->command,
	    FG_MAX_DATAGRAM_LEGACY)) != 0 ||
	    (r = fg_buf_put_str(&o->dgram, extra)) != 0 ||
	    (r = fg_buf_put_u8(&o->dgram, '\0')) != 0) {
		out_finish(n, o, r);
		return r;
	}
	out_fire(n, o, out_timer_cb);
	return 0;
}

int
fg_node_open_sealed(struct fg_node *n, const struct fg_message *msg)
{
	if (!msg->sealed)
		return FG_ERR_INVAL;
	return fg_node_open_sealed_at(n, msg->ip, msg->port, msg->pktno, msg->command);
}

int
fg_node_query_info(struct fg_node *n, const struct fg_dest *to)
{
	const struct fg_peer *p = fg_peers_find_addr(n->peers, to->ip, to->port);
	int r;

	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	if ((r = node_send_simple(n, to->ip, to->port, p, FG_CMD_GETINFO, "")) != 0)
		return r;
	return node_send_simple(n, to->ip, to->port, p, FG_CMD_GETABSENCEINFO, "");
}

/* Copies text, turning CRLF into LF; returns the new length. */
static size_t
crlf_to_lf(char *s)
{
	char *r = s, *w = s;

	for (; *r != '\0'; r++)
		if (!(r[0] == '\r' && r[1] == '\n'))
			*w++ = *r;
	*w = '\0';
	return (size_t)(w - s);
}

/* SENDMSG: acknowledge, deduplicate, decode and deliver. */
static void
on_sendmsg(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	uint32_t cmd = pkt->command;
	int noadd = (cmd & FG_OPT_NOADDLIST) != 0;
	int quiet = (cmd & (FG_OPT_BROADCAST | FG_OPT_AUTORET)) != 0;
	struct fg_peer *p;
	struct fg_charset_peer tmp;
	const struct fg_charset_peer *pcs;
	struct fg_message m;
	struct fg_event ev;
	char *user = NULL, *host = NULL, *text = NULL, ack[24];
	char key_id[FG_KS_ID_MAX];
	struct fg_span body = pkt->extra, attach = FG_SPAN_NULL;
	struct fg_buf plain;
	unsigned sec = 0;
	enum fg_charset cs;
	size_t len;

	key_id[0] = '\0';
	fg_buf_init(&plain, FG_MAX_DATAGRAM);

	p = presence_touch(n, pkt, ip, port, !noadd);
	if (p != NULL) {
		pcs = &p->cs;
		user = strdup(p->user);
		host = strdup(p->host);
	} else {
		fg_charset_peer_init(&tmp, n->legacy);
		fg_charset_peer_learn(&tmp, cmd, "", pkt->extra.p, pkt->extra.len);
		pcs = &tmp;
		cs = fg_charset_for_recv(pcs, cmd, pkt->user.p, pkt->user.len);
		(void)node_decode(n, cs, pkt->user, &user);
		(void)node_decode(n, cs, pkt->host, &host);
	}
	if (user == NULL || host == NULL)
		goto out;
	snprintf(ack, sizeof(ack), "%llu", (unsigned long long)pkt->pktno);
	if (seen_before(n, who_hash(user, host), pkt->pktno)) {
		n->stats.duplicates++;
		if ((cmd & FG_OPT_SENDCHECK) && !quiet)
			(void)node_send_simple(n, ip, port, p, FG_CMD_RECVMSG, ack);
		goto out;
	}
	/* Acknowledge first, as the reference clients do. */
	if ((cmd & FG_OPT_SENDCHECK) && !quiet)
		(void)node_send_simple(n, ip, port, p, FG_CMD_RECVMSG, ack);
	if ((cmd & FG_OPT_FILEATTACH) && pkt->nsect > 0)
		attach = pkt->sect[0];
	if (cmd & FG_OPT_ENCRYPT) {
		struct fg_crypto_ext x;

		if (secure_open(n, pkt, p, &plain, &sec, key_id, sizeof(key_id)) != 0)
			goto out;
		fg_crypto_split_ext(fg_buf_ptr(&plain), fg_buf_len(&plain), &x);
		body = x.text;
		if ((cmd & FG_OPT_ENCEXTMSG) && x.attach.len > 0)
			attach = x.attach;
	}
	cs = fg_charset_for_recv(pcs, cmd, body.p, body.len);
	if (node_decode(n, cs, body, &text) != 0)
		goto out;
	len = crlf_to_lf(text);
	(void)fg_feiq_strip_font(text, &len);
	text[len] = '\0';

	memset(&m, 0, sizeof(m));
	m.id = n->next_id++;
	m.pktno = pkt->pktno;
	m.command = cmd;
	m.ip = ip;
	m.port = port;
	m.peer = p;
	m.user = user;
	m.host = host;
	m.text = text;
	m.len = len;
	m.sealed = (cmd & FG_OPT_SECRET) != 0;
	m.broadcast = (cmd & FG_OPT_BROADCAST) != 0;
	m.autoret = (cmd & FG_OPT_AUTORET) != 0;
	m.multicast = (cmd & FG_OPT_MULTICAST) != 0;
	m.encrypted = (sec & FG_DEC_DECRYPTED) != 0;
	m.verified = (sec & FG_DEC_VERIFIED) != 0;
	m.key_id = key_id[0] != '\0' ? key_id : NULL;
	if (attach.len > 0) {
		m.attach = attach.p;
		m.attach_len = attach.len;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_MESSAGE;
	ev.peer = p;
	ev.msg = &m;
	node_emit(n, &ev);
	/*
	 * The names' charset is judged on the names themselves: iptux's offers
	 * come with an empty text, which would read as UTF-8 whatever they are.
	 */
	if (m.attach != NULL)
		offer_on_message(n, &m, p,
		    fg_charset_for_recv(pcs, cmd, attach.p, attach.len));
	/* Away: answer once per message, never to an answer. */
	if (!quiet && n->away != NULL)
		(void)node_send_simple(n, ip, port, p,
		    FG_CMD_SENDMSG | FG_OPT_AUTORET, n->away);
 out:
	if (plain.d != NULL)
		OPENSSL_cleanse(plain.d, plain.alloc);
	fg_buf_release(&plain);
	free(user);
	free(host);
	if (text != NULL && (sec & FG_DEC_DECRYPTED))
		OPENSSL_cleanse(text, strlen(text));
	free(text);
}

/* RECVMSG: the peer got one of our messages. */
static void
on_recvmsg(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip)
{
	struct outmsg *o;
	uint64_t no;

	if (fg_span_dec(fg_span_trim(pkt->extra), UINT64_MAX, &no) != 0) {
		n->stats.rx_bad++;
		return;
	}
	TAILQ_FOREACH(o, &n->out, entry)
		if (o->kind == OUT_MSG && o->pktno == no && o->to.ip == ip &&
		    !o->probing) {
			out_finish(n, o, 0);
			return;
		}
}

/* READMSG: a sealed message of ours was opened. */
static void
on_readmsg(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	const struct fg_peer *p = fg_peers_find_addr(n->peers, ip, port);
	struct fg_event ev;
	uint64_t no;
	size_t i;
	char ans[24];

	if (fg_span_dec(fg_span_trim(pkt->extra), UINT64_MAX, &no) != 0) {
		n->stats.rx_bad++;
		return;
	}
	if (pkt->command & FG_OPT_READCHECK) {
		snprintf(ans, sizeof(ans), "%llu", (unsigned long long)pkt->pktno);
		(void)node_send_simple(n, ip, port, p, FG_CMD_ANSREADMSG, ans);
	}
	for (i = 0; i < FG_SEALED_SENT_MAX; i++) {
		if (n->sealed[i].id == 0 || n->sealed[i].pktno != no ||
		    n->sealed[i].ip != ip)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = FG_EV_READ;
		ev.id = n->sealed[i].id;
		ev.ip = ip;
		ev.port = port;
		ev.peer = p;
		node_emit(n, &ev);
		/* Retries of the READMSG must not report it twice. */
		n->sealed[i].id = 0;
		return;
	}
}

/* ANSREADMSG: stop resending our READMSG. */
static void
on_ansreadmsg(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip)
{
	struct outmsg *o;
	uint64_t no;

	if (fg_span_dec(fg_span_trim(pkt->extra), UINT64_MAX, &no) != 0)
		return;
	TAILQ_FOREACH(o, &n->out, entry)
		if (o->kind == OUT_READ && o->pktno == no && o->to.ip == ip) {
			out_finish(n, o, 0);
			return;
		}
}

/* SENDINFO, SENDABSENCEINFO: show the answer. */
static void
on_info(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	const struct fg_peer *p = fg_peers_find_addr(n->peers, ip, port);
	struct fg_charset_peer def;
	struct fg_event ev;
	char *text = NULL;
	size_t len;

	fg_charset_peer_init(&def, n->legacy);
	if (node_decode(n, fg_charset_for_recv(p != NULL ? &p->cs : &def,
	    pkt->command, pkt->extra.p, pkt->extra.len), pkt->extra, &text) != 0)
		return;
	len = crlf_to_lf(text);
	(void)len;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_INFO;
	ev.ip = ip;
	ev.port = port;
	ev.peer = p;
	ev.text = text;
	ev.absence = fg_packet_mode(pkt) == FG_CMD_SENDABSENCEINFO;
	node_emit(n, &ev);
	free(text);
}

void
message_on_packet(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	const struct fg_peer *p;

	switch (fg_packet_mode(pkt)) {
	case FG_CMD_SENDMSG:
		on_sendmsg(n, pkt, ip, port);
		break;
	case FG_CMD_RECVMSG:
		on_recvmsg(n, pkt, ip);
		break;
	case FG_CMD_READMSG:
		on_readmsg(n, pkt, ip, port);
		break;
	case FG_CMD_ANSREADMSG:
		on_ansreadmsg(n, pkt, ip);
		break;
	case FG_CMD_GETINFO:
		p = fg_peers_find_addr(n->peers, ip, port);
		(void)node_send_simple(n, ip, port, p, FG_CMD_SENDINFO,
		    "feige Ver" FEIGE_VERSION);
		break;
	case FG_CMD_GETABSENCEINFO:
		p = fg_peers_find_addr(n->peers, ip, port);
		(void)node_send_simple(n, ip, port, p, FG_CMD_SENDABSENCEINFO,
		    n->away != NULL ? n->away : "Not absence mode");
		break;
	case FG_CMD_SENDINFO:
	case FG_CMD_SENDABSENCEINFO:
		on_info(n, pkt, ip, port);
		break;
	case FG_CMD_RELEASEFILES:
		offer_on_release(n, pkt, ip);
		break;
	case FG_CMD_DELMSG:
		break;
	}
}
