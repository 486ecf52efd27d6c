/*
 * crypto: the official IPMsg v3 encryption (protocol notes 2.3 and 6) on
 * OpenSSL 3 EVP: RSA keys, the user-name fingerprint, GETPUBKEY/ANSPUBKEY,
 * encrypted and signed SENDMSG extras, encrypted file requests and the
 * AES-256-CTR file stream. Pure code: no sockets, no logging.
 */
#ifndef FG_CRYPTO_H
#define FG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Capability bits, official values (2.3); iptux's header has wrong ones. */
#define FG_CAPA_RSA_1024	0x00000002U
#define FG_CAPA_RSA_2048	0x00000004U
#define FG_CAPA_RSA_4096	0x00000008U
#define FG_CAPA_BLOWFISH_128	0x00020000U
#define FG_CAPA_AES_256		0x00100000U
#define FG_CAPA_IPDICT_CTR	0x00400000U
#define FG_CAPA_PACKETNO_IV	0x00800000U
#define FG_CAPA_ENCODE_BASE64	0x01000000U
#define FG_CAPA_NOENC_FILEBODY	0x04000000U
#define FG_CAPA_SIGN_SHA1	0x20000000U
#define FG_CAPA_SIGN_SHA256	0x40000000U
/* Ours. No RSA-1024/Blowfish: every official v3 peer also has RSA-2048. */
#define FG_CAPA_OURS	(FG_CAPA_RSA_2048 | FG_CAPA_AES_256 | \
	FG_CAPA_SIGN_SHA256 | FG_CAPA_SIGN_SHA1 | FG_CAPA_PACKETNO_IV | \
	FG_CAPA_ENCODE_BASE64)

#define FG_FP_LEN	16	/* hex digits of a name fingerprint */
#define FG_FP_NAME_MAX	80	/* official MAX_NAMEBUF, NUL included */

/* An RSA key (EVP_PKEY), public or private. */
struct fg_key;

/* Makes a fresh private key of 2048 or 4096 bits. */
int	fg_crypto_key_generate(unsigned bits, struct fg_key **kp);
/* Saves a private key as PEM, 0600, via a temp file; replace 0 keeps path. */
int	fg_crypto_key_save(const struct fg_key *k, const char *path,
	    int replace, char *err, size_t errlen);
/* Reads a PEM private key; refuses a file that group or others may read. */
int	fg_crypto_key_load(const char *path, struct fg_key **kp, char *err,
	    size_t errlen);
/* Frees a key (wiping it); NULL is a no-op. */
void	fg_crypto_key_free(struct fg_key *k);
/* Makes a public key from an ANSPUBKEY's exponent and big-endian modulus. */
int	fg_crypto_key_from_en(uint32_t e, const uint8_t *n, size_t nlen,
	    struct fg_key **kp);
/* Modulus size in bits (0 for NULL). */
unsigned fg_crypto_key_bits(const struct fg_key *k);
/* 1 when k holds a private key. */
int	fg_crypto_key_is_private(const struct fg_key *k);
/* Big-endian modulus into out (outsz >= bits/8); *len gets its length. */
int	fg_crypto_key_modulus(const struct fg_key *k, uint8_t *out,
	    size_t outsz, size_t *len);
/* The public exponent (fits 32 bits for every key we accept). */
int	fg_crypto_key_exponent(const struct fg_key *k, uint32_t *e);
/* 1 when both keys have the same public part. */
int	fg_crypto_key_same(const struct fg_key *a, const struct fg_key *b);

/* The name fingerprint (6.6) of a 256-byte big-endian modulus, as 16 hex. */
int	fg_crypto_fingerprint(const uint8_t *modulus_be, size_t len,
	    char out[FG_FP_LEN + 1]);
/* The fingerprint of a 2048-bit key. */
int	fg_crypto_key_fingerprint(const struct fg_key *k,
	    char out[FG_FP_LEN + 1]);
/* "login-<fp>", the login cut to 60 bytes (UTF-8 boundary): fits 80 bytes. */
int	fg_crypto_fingerprint_name(const char *login, const char *fp, char *out,
	    size_t outsz);
/*
 * Finds a "-<16 alnum>" field in a user name as the official client does:
 * 0 and the lower-case fp when it is hex, FG_ERR_FORMAT when it is not (the
 * name still counts as fingerprinted), FG_ERR_NOT_FOUND when there is none.
 */
int	fg_crypto_name_fingerprint(struct fg_span name, char fp[FG_FP_LEN + 1]);

/* Appends the GETPUBKEY extra, our capability word as "%x". */
int	fg_crypto_put_getpubkey(struct fg_buf *out, uint32_t capa);
/* Reads a GETPUBKEY extra (hex only). */
int	fg_crypto_parse_getpubkey(struct fg_span extra, uint32_t *capa);
/* Appends the ANSPUBKEY extra "%X:%X-<modulus, lower-case big-endian hex>". */
int	fg_crypto_put_anspubkey(struct fg_buf *out, uint32_t capa,
	    const struct fg_key *k);
/* Reads "capa:E-N[:...]" into a public key of 2048 to 4096 bits. */
int	fg_crypto_parse_anspubkey(struct fg_span extra, uint32_t *capa,
	    struct fg_key **kp);

/*
 * Appends the encrypted extra "%X:key:body[:sig]" (6.3) for plain (which
 * includes its trailing NUL(s)); my_priv NULL sends unsigned. pktno_str is
 * this packet's number in decimal. FG_ERR_INVAL: no cipher set in common.
 */
int	fg_crypto_encrypt_msg(struct fg_buf *out_extra, uint32_t peer_capa,
	    const struct fg_key *peer_pub, const struct fg_key *my_priv,
	    const char *pktno_str, const void *plain, size_t plainlen,
	    uint32_t *used_capa);

#define FG_DEC_DECRYPTED	0x1U	/* always set on success */
#define FG_DEC_SIGNED		0x2U	/* the extra carried a signature */
#define FG_DEC_VERIFIED		0x4U	/* ... and it verified with peer_pub */
#define FG_DEC_UNVERIFIED_NOKEY	0x8U	/* ... but peer_pub was NULL */

/*
 * Decrypts an encrypted extra (6.4) and appends the plaintext (NULs and all)
 * to plain. pktno_str is the header's packet number as received. A bad
 * key, padding or signature gives FG_ERR_CRYPTO and appends nothing.
 */
int	fg_crypto_decrypt_msg(struct fg_buf *plain, struct fg_span extra,
	    struct fg_span pktno_str, const struct fg_key *my_priv,
	    const struct fg_key *peer_pub, uint32_t *used_capa,
	    unsigned *flags);

/* An ENCEXTMSGOPT plaintext: text NUL attach-list NUL TO-list NUL. */
struct fg_crypto_ext {
	struct fg_span	text, attach, to;	/* no NULs; empty if absent */
};
/* Splits a decrypted ENCEXTMSGOPT plaintext; spans point into plain. */
void	fg_crypto_split_ext(const void *plain, size_t len,
	    struct fg_crypto_ext *x);

/* The plaintext of an encrypted file request (6.7). */
struct fg_crypto_filereq {
	uint32_t	mode;		/* FG_CMD_GETDIRFILES or _GETFILEDATA */
	uint64_t	pktno;		/* the offer's packet number */
	uint32_t	fid;
	uint64_t	offset;		/* GETFILEDATA only */
	uint32_t	file_capa;	/* 0, AES_256|PACKETNO_IV, NOENC_... */
	uint8_t		key[32];	/* AES_256: the stream key (secret) */
	uint64_t	req_pktno;	/* the request's number (anti-replay) */
};
/* Appends the plaintext with its NUL; it may hold the key: wipe out later. */
int	fg_crypto_put_filereq(struct fg_buf *out,
	    const struct fg_crypto_filereq *q);
/* Parses a decrypted request plaintext for the given mode. */
int	fg_crypto_parse_filereq(const void *plain, size_t len, uint32_t mode,
	    struct fg_crypto_filereq *q);
/* Wipes the key in q. */
void	fg_crypto_filereq_wipe(struct fg_crypto_filereq *q);

/* The AES-256-CTR file stream of an ENCFILEOPT transfer. */
struct fg_crypto_ctr;
/* Starts a stream whose first counter block is pktno_str (decimal) + zeros. */
int	fg_crypto_ctr_new(const uint8_t key[32], const char *pktno_str,
	    struct fg_crypto_ctr **cp);
/* En- or decrypts the next len bytes (in may equal out); any chunking. */
int	fg_crypto_ctr_update(struct fg_crypto_ctr *c, const void *in, void *out,
	    size_t len);
/* Frees the stream, wiping its key; NULL is a no-op. */
void	fg_crypto_ctr_free(struct fg_crypto_ctr *c);

#endif /* FG_CRYPTO_H */
