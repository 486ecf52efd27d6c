/*
 * secure: the node's side of IPMsg encryption (protocol v3). With a
 * keystore, we advertise ENCRYPTOPT and ENCEXTMSGOPT, answer GETPUBKEY with
 * our key, fetch a peer's key when we first write to it (holding the
 * message a moment for the answer), pin every key on first sight and
 * refuse a different one later, encrypt and sign what we send to peers
 * that encrypt, and decrypt and verify what they send. Peers that do not
 * encrypt (iptux, FeiQ) are untouched: they get clear text as before.
 */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "feige/feige.h"
#include "keystore.h"
#include "node_int.h"
#include "proto.h"

uint32_t
secure_status_opts(const struct fg_node *n)
{
	return n->ks != NULL ?
	    FG_OPT_ENCRYPT | FG_OPT_ENCEXTMSG | FG_OPT_CAPFILEENC : 0;
}

int
secure_file_capable(const struct fg_node *n, const struct fg_peer *p)
{
	return p != NULL && secure_can_encrypt(n, p) &&
	    (p->status & FG_OPT_CAPFILEENC) != 0;
}

int
secure_file_request(struct fg_node *n, const struct fg_peer *p,
    uint64_t offer_pktno, struct xfer_file *f)
{
	struct fg_crypto_filereq q;
	struct fg_buf plain, extra;
	char no[24];
	uint32_t used;
	int r;

	memset(&q, 0, sizeof(q));
	fg_buf_init(&plain, 1024);
	fg_buf_init(&extra, FG_MAX_DATAGRAM);
	/*
	 * Folders come as a stream; a file as its bytes from f->offset, so a
	 * download between feige nodes resumes encrypted too.
	 */
	q.mode = f->attr == FG_FILE_DIR ? FG_CMD_GETDIRFILES : FG_CMD_GETFILEDATA;
	q.offset = f->attr == FG_FILE_DIR ? 0 : f->offset;
	q.pktno = offer_pktno;
	q.fid = f->fid;
	q.file_capa = FG_CAPA_AES_256 | FG_CAPA_PACKETNO_IV;
	q.req_pktno = f->req_pktno;
	if (RAND_bytes(q.key, sizeof(q.key)) != 1) {
		r = FG_ERR_CRYPTO;
		goto out;
	}
	snprintf(no, sizeof(no), "%lu", (unsigned long)f->req_pktno);
	if ((r = fg_crypto_put_filereq(&plain, &q)) != 0 ||
	    (r = fg_crypto_encrypt_msg(&extra, p->key_capa, p->key,
	    fg_keystore_my_key(n->ks), no, fg_buf_ptr(&plain), fg_buf_len(&plain),
	    &used)) != 0 || (r = fg_buf_terminate(&extra)) != 0)
		goto out;
	if ((f->req_extra = strdup((const char *)fg_buf_ptr(&extra))) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	memcpy(f->key, q.key, sizeof(f->key));
	f->enc = 1;
 out:
	fg_crypto_filereq_wipe(&q);
	if (plain.d != NULL)
		OPENSSL_cleanse(plain.d, plain.alloc);
	fg_buf_release(&plain);
	fg_buf_release(&extra);
	return r;
}

int
secure_file_request_open(struct fg_node *n, const struct fg_packet *pkt,
    uint32_t ip, struct fg_crypto_filereq *q)
{
	struct fg_peer *p;
	struct fg_buf plain;
	uint32_t used;
	unsigned flags;
	int r = FG_ERR_NOT_FOUND;

	memset(q, 0, sizeof(*q));
	if (n->ks == NULL)
		return FG_ERR_CRYPTO;
	/*
	 * Only a request signed by the key pinned for a host at that address
	 * is taken; the connection's port says nothing, so each keyed peer
	 * there is tried.
	 */
	fg_buf_init(&plain, 4096);
	for (p = fg_peers_first(n->peers); p != NULL; p = fg_peers_next(p)) {
		if (p->ip != ip || p->key == NULL || p->key_refused)
			continue;
		fg_buf_reset(&plain);
		r = fg_crypto_decrypt_msg(&plain, pkt->extra, pkt->pktno_str,
		    fg_keystore_my_key(n->ks), p->key, &used, &flags);
		if (r == 0 && !(flags & FG_DEC_VERIFIED))
			r = FG_ERR_CRYPTO;
		if (r == 0)
			r = fg_crypto_parse_filereq(fg_buf_ptr(&plain), fg_buf_len(&plain),
			    fg_packet_mode(pkt), q);
		if (r == 0)
			break;
	}
	if (plain.d != NULL)
		OPENSSL_cleanse(plain.d, plain.alloc);
	fg_buf_release(&plain);
	return r;
}

int
secure_can_encrypt(const struct fg_node *n, const struct fg_peer *p)
{
	return n->ks != NULL && p->key != NULL && !p->key_refused &&
	    (p->status & FG_OPT_ENCRYPT) != 0;
}

/* Emits a security event about a peer. */
static void
security_event(struct fg_node *n, const struct fg_peer *p, const char *text)
{
	struct fg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_SECURITY;
	ev.peer = p;
	ev.text = text;
	node_emit(n, &ev);
}

/* Sends GETPUBKEY with our capabilities (AUTORETOPT: we ask on our own). */
static void
ask_key(struct fg_node *n, const struct fg_peer *p, uint32_t ip, uint16_t port)
{
	char capa[16];

	snprintf(capa, sizeof(capa), "%x", FG_CAPA_OURS);
	(void)node_send_simple(n, ip, port, p, FG_CMD_GETPUBKEY | FG_OPT_AUTORET, capa);
}

int
secure_needs_key(struct fg_node *n, const struct outmsg *o)
{
	const struct fg_peer *p = fg_peers_find_addr(n->peers, o->to.ip, o->to.port);

	if (n->ks == NULL || p == NULL || p->key != NULL || p->key_refused ||
	    !(p->status & FG_OPT_ENCRYPT))
		return 0;
	ask_key(n, p, o->to.ip, o->to.port);
	return 1;
}

int
secure_build(struct fg_node *n, struct outmsg *o, const struct fg_peer *p,
    enum fg_charset cs, uint32_t cmd)
{
	struct fg_buf plain, extra;
	char pktno[16];
	uint32_t used;
	int ext = o->nattach > 0 && (p->status & FG_OPT_ENCEXTMSG) != 0, r;

	fg_buf_init(&plain, FG_MAX_DATAGRAM);
	fg_buf_init(&extra, FG_MAX_DATAGRAM);
	snprintf(pktno, sizeof(pktno), "%lu", (unsigned long)o->pktno);
	/* The plaintext keeps its NULs: the signature covers them. */
	if ((r = fg_charset_from_utf8(cs, o->text, strlen(o->text), &plain)) != 0 ||
	    (r = fg_buf_put_u8(&plain, '\0')) != 0)
		goto out;
	if (ext && ((r = message_put_attach_list(o, cs, &plain)) != 0 ||
	    (r = fg_buf_put_u8(&plain, '\0')) != 0))
		goto out;
	if ((r = fg_crypto_encrypt_msg(&extra, p->key_capa, p->key,
	    fg_keystore_my_key(n->ks), pktno, fg_buf_ptr(&plain), fg_buf_len(&plain),
	    &used)) != 0)
		goto out;
	cmd |= FG_OPT_ENCRYPT | (ext ? FG_OPT_ENCEXTMSG : 0);
	if ((r = node_begin(n, &o->dgram, cs, o->pktno, cmd, node_max_dgram(p))) != 0 ||
	    (r = fg_buf_put(&o->dgram, fg_buf_ptr(&extra), fg_buf_len(&extra))) != 0 ||
	    (r = fg_buf_put_u8(&o->dgram, '\0')) != 0)
		goto out;
	/* Without ENCEXTMSGOPT the attachment list stays in the clear section. */
	if (o->nattach > 0 && !ext &&
	    ((r = message_put_attach_list(o, cs, &o->dgram)) != 0 ||
	    (r = fg_buf_put_u8(&o->dgram, '\0')) != 0))
		goto out;
	o->encrypted = 1;
 out:
	if (plain.d != NULL)
		OPENSSL_cleanse(plain.d, plain.alloc);
	fg_buf_release(&plain);
	fg_buf_release(&extra);
	if (r != 0)
		fg_buf_release(&o->dgram);
	return r;
}

int
secure_open(struct fg_node *n, const struct fg_packet *pkt, struct fg_peer *p,
    struct fg_buf *plain, unsigned *flags, char *key_id, size_t key_idsz)
{
	char id[FG_KS_ID_MAX], text[256];
	uint32_t used;
	int r;

	*flags = 0;
	if (key_idsz > 0)
		key_id[0] = '\0';
	if (n->ks == NULL)
		return FG_ERR_CRYPTO;
	r = fg_crypto_decrypt_msg(plain, pkt->extra, pkt->pktno_str,
	    fg_keystore_my_key(n->ks), p != NULL && !p->key_refused ? p->key : NULL,
	    &used, flags);
	if (r != 0) {
		snprintf(text, sizeof(text), "an encrypted message from %s@%s could not "
		    "be read (%s): dropped", p != NULL ? p->user : "?",
		    p != NULL ? p->host : "?", r == FG_ERR_CRYPTO ?
		    "bad ciphertext or signature" : fg_strerror(r));
		security_event(n, p, text);
		return r;
	}
	if ((*flags & FG_DEC_VERIFIED) && p != NULL && p->key != NULL &&
	    fg_keystore_key_id(p->key, id) == 0)
		snprintf(key_id, key_idsz, "%s", id);
	/* Signed but we hold no key yet: fetch it for the next one. */
	if ((*flags & FG_DEC_UNVERIFIED_NOKEY) && p != NULL && p->key == NULL &&
	    !p->key_refused)
		ask_key(n, p, p->ip, p->port);
	return 0;
}

/* GETPUBKEY: send our key when our capabilities meet. */
static void
on_getpubkey(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	struct fg_peer *p = presence_touch(n, pkt, ip, port, 0);
	struct fg_buf extra;
	uint32_t capa;

	if (fg_crypto_parse_getpubkey(pkt->extra, &capa) != 0) {
		n->stats.rx_bad++;
		return;
	}
	if (!(capa & FG_CAPA_RSA_2048) || !(capa & FG_CAPA_AES_256))
		return;	/* nothing in common (RSA-1024/Blowfish only) */
	fg_buf_init(&extra, 4096);
	if (fg_crypto_put_anspubkey(&extra, FG_CAPA_OURS, fg_keystore_my_key(n->ks)) == 0 &&
	    fg_buf_terminate(&extra) == 0)
		(void)node_send_simple(n, ip, port, p, FG_CMD_ANSPUBKEY,
		    (const char *)fg_buf_ptr(&extra));
	fg_buf_release(&extra);
	/* Asked by a person, not a program: fetch theirs too, to check signatures. */
	if (!(pkt->command & FG_OPT_AUTORET) && p != NULL && p->key == NULL)
		ask_key(n, p, ip, port);
}

/* ANSPUBKEY: pin the key on first sight, refuse a different one later. */
static void
on_anspubkey(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	struct fg_peer *p = presence_touch(n, pkt, ip, port, 0);
	struct fg_key *k = NULL;
	uint32_t capa;
	char err[512];
	int r;

	if (fg_crypto_parse_anspubkey(pkt->extra, &capa, &k) != 0) {
		n->stats.rx_bad++;
		return;
	}
	if (p == NULL) {
		fg_crypto_key_free(k);
		return;
	}
	r = fg_keystore_check(n->ks, p->user, p->host, k, err, sizeof(err));
	if (r == FG_KS_NEW || r == FG_KS_MATCH) {
		fg_crypto_key_free(p->key);
		p->key = k;
		p->key_capa = capa;
		p->key_refused = 0;
		message_peer_keyed(n, p);
		return;
	}
	if (r == FG_KS_MISMATCH) {
		/* Kept, unused, so that the user can trust it explicitly. */
		fg_crypto_key_free(p->key);
		p->key = k;
		p->key_capa = capa;
		p->key_refused = 1;
		security_event(n, p, err);
	} else
		fg_crypto_key_free(k);
	/* Messages held for this key go out in clear now, as without one. */
	message_peer_keyed(n, p);
}

void
secure_on_packet(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip,
    uint16_t port)
{
	if (n->ks == NULL)
		return;	/* we do not encrypt: ignore, as iptux does */
	if (fg_packet_mode(pkt) == FG_CMD_GETPUBKEY)
		on_getpubkey(n, pkt, ip, port);
	else
		on_anspubkey(n, pkt, ip, port);
}

const struct fg_keystore *
fg_node_keystore(const struct fg_node *n)
{
	return n->ks;
}

int
fg_node_key_trust(struct fg_node *n, struct fg_peer *p, char *err, size_t errlen)
{
	int r;

	if (n->ks == NULL) {
		snprintf(err, errlen, "this node has no keys (encryption is off)");
		return FG_ERR_INVAL;
	}
	if (p->key == NULL) {
		snprintf(err, errlen, "no key received from %s@%s yet", p->user, p->host);
		return FG_ERR_NOT_FOUND;
	}
	if ((r = fg_keystore_trust(n->ks, p->user, p->host, p->key, err, errlen)) < 0)
		return r;
	p->key_refused = 0;
	return 0;
}

int
fg_node_key_forget(struct fg_node *n, const char *user, const char *host,
    char *err, size_t errlen)
{
	struct fg_peer *p;
	int r;

	if (n->ks == NULL) {
		snprintf(err, errlen, "this node has no keys (encryption is off)");
		return FG_ERR_INVAL;
	}
	if ((r = fg_keystore_forget(n->ks, user, host, err, errlen)) < 0)
		return r;
	/* The next message fetches the key again and pins what comes. */
	if ((p = fg_peers_find(n->peers, user, host)) != NULL) {
		fg_crypto_key_free(p->key);
		p->key = NULL;
		p->key_refused = 0;
	}
	return 0;
}
