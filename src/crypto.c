/*
 * crypto: the official IPMsg v3 scheme on OpenSSL 3 EVP.
 *
 * Byte orders. CryptoAPI, which the official client uses, keeps RSA numbers
 * little-endian; the client reverses every RSA blob (wrapped key, signature,
 * modulus) before it puts it on the wire, so the wire carries the standard
 * big-endian form that OpenSSL reads and writes. The two exceptions are
 * inside the fingerprint (6.6), which hashes the little-endian modulus and
 * reverses the digest. The AES body is a byte stream and is never reversed.
 *
 * Every secret (session keys, decrypted key bytes, PEM text of private
 * keys, decrypted plaintext) is wiped with OPENSSL_cleanse before it is
 * freed. Nothing here logs or prints.
 */
#include "crypto.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "feige/feige.h"
#include "proto.h"

struct fg_key {
	EVP_PKEY	*pkey;
	int		 priv;	/* 1 when pkey holds the private half */
};

struct fg_crypto_ctr {
	EVP_CIPHER_CTX	*ctx;
};

#define MIN_BITS	2048
#define MAX_BITS	4096
#define MAX_KEY_BYTES	(MAX_BITS / 8)
#define MAX_PEM		65536		/* bigger key files are not ours */
#define AES_KEY_LEN	32
#define AES_BLOCK	16
#define IV_STR_MAX	15		/* the official client copies <= 15 */
#define LOGIN_MAX	60		/* login bytes in a fingerprint name */

static const char hexdig[] = "0123456789abcdef";
static const char b64dig[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Writes a formatted message into the caller's err buffer, if any. */
static void __attribute__((format(printf, 3, 4)))
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Value of one hex digit, or -1. */
static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Value of one base64 digit, or -1. */
static int
b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Appends n bytes as lower-case hex. */
static int
put_hex(struct fg_buf *out, const uint8_t *p, size_t n)
{
	uint8_t *dp;
	size_t i;
	int r;

	if (n > SIZE_MAX / 2)
		return FG_ERR_LIMIT;
	if ((r = fg_buf_reserve(out, 2 * n, &dp)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		dp[2 * i] = (uint8_t)hexdig[p[i] >> 4];
		dp[2 * i + 1] = (uint8_t)hexdig[p[i] & 0xf];
	}
	return 0;
}

/* Appends n bytes as standard base64 with '=' padding and no line breaks. */
static int
put_b64(struct fg_buf *out, const uint8_t *p, size_t n)
{
	uint8_t *dp;
	size_t i, o = 0;
	uint32_t v;
	int r;

	if (n > SIZE_MAX / 4 * 3 - 3)
		return FG_ERR_LIMIT;
	if ((r = fg_buf_reserve(out, (n + 2) / 3 * 4, &dp)) != 0)
		return r;
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		dp[o++] = (uint8_t)b64dig[v >> 18];
		dp[o++] = (uint8_t)b64dig[(v >> 12) & 0x3f];
		dp[o++] = i + 1 < n ? (uint8_t)b64dig[(v >> 6) & 0x3f] : '=';
		dp[o++] = i + 2 < n ? (uint8_t)b64dig[v & 0x3f] : '=';
	}
	return 0;
}

/* Decodes hex into dst (dstsz bytes); an odd count gets a leading 0 nibble. */
static int
hex_decode(struct fg_span s, uint8_t *dst, size_t dstsz, size_t *len)
{
	size_t i, o = 0, n = (s.len + 1) / 2;
	int hi, lo, odd = (int)(s.len & 1);

	*len = 0;
	if (s.len == 0)
		return FG_ERR_FORMAT;
	if (n > dstsz)
		return FG_ERR_LIMIT;
	for (i = 0; i < s.len; o++) {
		hi = 0;
		if (!(odd && i == 0) && (hi = hexval(s.p[i++])) < 0)
			return FG_ERR_FORMAT;
		if ((lo = hexval(s.p[i++])) < 0)
			return FG_ERR_FORMAT;
		dst[o] = (uint8_t)(hi << 4 | lo);
	}
	*len = o;
	return 0;
}

/* Decodes padded base64 (no whitespace) into dst (dstsz bytes). */
static int
b64_decode(struct fg_span s, uint8_t *dst, size_t dstsz, size_t *len)
{
	size_t i, o = 0, pad = 0, n;
	uint32_t v = 0;
	int d;

	*len = 0;
	if (s.len == 0 || s.len % 4 != 0)
		return FG_ERR_FORMAT;
	while (pad < 2 && s.p[s.len - 1 - pad] == '=')
		pad++;
	n = s.len / 4 * 3 - pad;
	if (n > dstsz)
		return FG_ERR_LIMIT;
	for (i = 0; i < s.len - pad; i++) {
		if ((d = b64val(s.p[i])) < 0)
			return FG_ERR_FORMAT;
		v = v << 6 | (uint32_t)d;
		if (i % 4 == 3) {
			dst[o++] = (uint8_t)(v >> 16);
			dst[o++] = (uint8_t)(v >> 8);
			dst[o++] = (uint8_t)v;
			v = 0;
		}
	}
	/* The last group: 3 digits give 2 bytes, 2 digits give 1. */
	if (pad == 2) {
		dst[o++] = (uint8_t)(v >> 4);
	} else if (pad == 1) {
		dst[o++] = (uint8_t)(v >> 10);
		dst[o++] = (uint8_t)(v >> 2);
	}
	*len = o;
	return 0;
}

/* Decodes one binary field of an encrypted extra into a malloc'd buffer. */
static int
decode_field(struct fg_span s, int b64, uint8_t **dp, size_t *len)
{
	size_t max = b64 ? s.len / 4 * 3 : (s.len + 1) / 2;
	uint8_t *d;
	int r;

	*dp = NULL;
	*len = 0;
	if (s.len == 0)
		return FG_ERR_FORMAT;
	if (s.len > FG_MAX_DATAGRAM)
		return FG_ERR_LIMIT;
	if (!b64 && (s.len & 1))
		return FG_ERR_FORMAT;
	if ((d = malloc(max)) == NULL)
		return FG_ERR_ALLOC;
	if ((r = (b64 ? b64_decode : hex_decode)(s, d, max, len)) != 0) {
		free(d);
		return r;
	}
	*dp = d;
	return 0;
}

/* Wipes and frees n bytes at p; NULL is a no-op. */
static void
clear_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	OPENSSL_cleanse(p, n);
	free(p);
}

/* Wraps an EVP_PKEY (taking it over) in a new fg_key. */
static int
wrap_pkey(EVP_PKEY *pkey, int priv, struct fg_key **kp)
{
	struct fg_key *k;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		EVP_PKEY_free(pkey);
		return FG_ERR_ALLOC;
	}
	k->pkey = pkey;
	k->priv = priv;
	*kp = k;
	return 0;
}

int
fg_crypto_key_generate(unsigned bits, struct fg_key **kp)
{
	EVP_PKEY *pkey;

	*kp = NULL;
	if (bits != 2048 && bits != 4096)
		return FG_ERR_INVAL;
	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
	    (size_t)bits)) == NULL) {
		ERR_clear_error();
		return FG_ERR_INTERNAL;
	}
	return wrap_pkey(pkey, 1, kp);
}

/* fsyncs the directory that holds path, so that a rename in it is durable. */
static void
fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return;
	if ((fd = open(dir, O_RDONLY)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/* Writes n bytes to fd, retrying short writes. */
static int
write_all(int fd, const void *p, size_t n)
{
	const uint8_t *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
fg_crypto_key_save(const struct fg_key *k, const char *path, int replace,
    char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	uint8_t rnd[4];
	BIO *mem = NULL;
	char *pem = NULL;
	long pemlen = 0;
	int fd = -1, r, eno = 0;

	tmp[0] = '\0';
	if (k == NULL || !k->priv || path == NULL) {
		seterr(err, errlen, "no private key to save");
		return FG_ERR_INVAL;
	}
	/* A secure-heap BIO is wiped when it is freed. */
	if ((mem = BIO_new(BIO_s_secmem())) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	if (!PEM_write_bio_PrivateKey(mem, k->pkey, NULL, NULL, 0, NULL,
	    NULL) ||
	    (pemlen = BIO_get_mem_data(mem, &pem)) <= 0) {
		seterr(err, errlen, "cannot encode the private key");
		r = FG_ERR_INTERNAL;
		goto out;
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp.%02x%02x%02x%02x", path, rnd[0],
	    rnd[1], rnd[2], rnd[3]) >= (int)sizeof(tmp)) {
		tmp[0] = '\0';
		seterr(err, errlen, "%s: path too long", path);
		r = FG_ERR_INVAL;
		goto out;
	}
	if ((fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
	    0600)) == -1) {
		eno = errno;
		tmp[0] = '\0';
		seterr(err, errlen, "%s: %s", path, strerror(eno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	if (write_all(fd, pem, (size_t)pemlen) == -1 || fsync(fd) == -1) {
		eno = errno;
		seterr(err, errlen, "%s: %s", tmp, strerror(eno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r == -1) {
		eno = errno;
		seterr(err, errlen, "%s: %s", tmp, strerror(eno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	/* link() fails on an existing file, rename() replaces it atomically. */
	if ((replace ? rename(tmp, path) : link(tmp, path)) == -1) {
		eno = errno;
		seterr(err, errlen, "%s: %s", path, strerror(eno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	if (replace)
		tmp[0] = '\0';
	fsync_parent(path);
	r = 0;
 out:
	if (fd != -1)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	BIO_free(mem);
	if (r != 0)
		ERR_clear_error();
	/* The caller may look at errno (EEXIST when replace is 0). */
	if (r == FG_ERR_SYSTEM)
		errno = eno;
	return r;
}

/* Passphrase callback that refuses, so that OpenSSL never prompts on a tty. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int
fg_crypto_key_load(const char *path, struct fg_key **kp, char *err,
    size_t errlen)
{
	struct stat st;
	uint8_t *data = NULL;
	size_t have = 0, dsz = 0;
	ssize_t n;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	int fd, r, bits;

	*kp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > MAX_PEM) {
		seterr(err, errlen, "%s: not a private key file", path);
		r = FG_ERR_FORMAT;
		goto out;
	}
	/* As ssh does: a private key others may read is refused, not used. */
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		seterr(err, errlen, "%s: permissions %04o are too open or the "
		    "owner is not you; the private key must be readable by its "
		    "owner only (chmod 600)", path,
		    (unsigned)(st.st_mode & 07777));
		r = FG_ERR_INVAL;
		goto out;
	}
	dsz = (size_t)st.st_size;
	if ((data = malloc(dsz)) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	while (have < dsz) {
		if ((n = read(fd, data + have, dsz - have)) == -1) {
			if (errno == EINTR)
				continue;
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			r = FG_ERR_SYSTEM;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	if ((bio = BIO_new_mem_buf(data, (int)have)) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	if ((pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase,
	    NULL)) == NULL || !EVP_PKEY_is_a(pkey, "RSA")) {
		seterr(err, errlen, "%s: not an unencrypted RSA private key",
		    path);
		r = FG_ERR_FORMAT;
		goto out;
	}
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < MIN_BITS || bits > MAX_BITS) {
		seterr(err, errlen, "%s: RSA key of %d bits (need %d to %d)",
		    path, bits, MIN_BITS, MAX_BITS);
		r = FG_ERR_RANGE;
		goto out;
	}
	r = wrap_pkey(pkey, 1, kp);
	pkey = NULL;
 out:
	close(fd);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	clear_free(data, dsz);
	if (r != 0)
		ERR_clear_error();
	return r;
}

void
fg_crypto_key_free(struct fg_key *k)
{
	if (k == NULL)
		return;
	/* EVP_PKEY_free clears the private numbers (BN_clear_free). */
	EVP_PKEY_free(k->pkey);
	free(k);
}

int
fg_crypto_key_from_en(uint32_t e, const uint8_t *n, size_t nlen,
    struct fg_key **kp)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL, *be = NULL;
	int r, bits;

	*kp = NULL;
	if (e < 3 || (e & 1) == 0 || n == NULL)
		return FG_ERR_RANGE;
	while (nlen > 0 && *n == 0) {
		n++;
		nlen--;
	}
	if (nlen == 0 || nlen > MAX_KEY_BYTES || (n[nlen - 1] & 1) == 0)
		return FG_ERR_RANGE;
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_new()) == NULL || !BN_set_word(be, e)) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	bits = BN_num_bits(bn);
	if (bits < MIN_BITS || bits > MAX_BITS) {
		r = FG_ERR_RANGE;
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		r = FG_ERR_FORMAT;
		goto out;
	}
	r = wrap_pkey(pkey, 0, kp);
	pkey = NULL;
 out:
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	if (r != 0)
		ERR_clear_error();
	return r;
}

unsigned
fg_crypto_key_bits(const struct fg_key *k)
{
	int bits;

	if (k == NULL || (bits = EVP_PKEY_get_bits(k->pkey)) <= 0)
		return 0;
	return (unsigned)bits;
}

int
fg_crypto_key_is_private(const struct fg_key *k)
{
	return k != NULL && k->priv;
}

int
fg_crypto_key_modulus(const struct fg_key *k, uint8_t *out, size_t outsz,
    size_t *len)
{
	BIGNUM *bn = NULL;
	int r, n;

	*len = 0;
	if (k == NULL)
		return FG_ERR_INVAL;
	if (!EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &bn)) {
		ERR_clear_error();
		return FG_ERR_INTERNAL;
	}
	if ((n = BN_num_bytes(bn)) <= 0 || (size_t)n > outsz) {
		r = FG_ERR_LIMIT;
		goto out;
	}
	*len = (size_t)BN_bn2bin(bn, out);
	r = 0;
 out:
	BN_free(bn);
	return r;
}

int
fg_crypto_key_exponent(const struct fg_key *k, uint32_t *e)
{
	BIGNUM *bn = NULL;
	int r;

	*e = 0;
	if (k == NULL)
		return FG_ERR_INVAL;
	if (!EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &bn)) {
		ERR_clear_error();
		return FG_ERR_INTERNAL;
	}
	if (BN_num_bits(bn) > 32) {
		r = FG_ERR_RANGE;
		goto out;
	}
	*e = (uint32_t)BN_get_word(bn);
	r = 0;
 out:
	BN_free(bn);
	return r;
}

int
fg_crypto_key_same(const struct fg_key *a, const struct fg_key *b)
{
	uint8_t na[MAX_KEY_BYTES], nb[MAX_KEY_BYTES];
	size_t la, lb;
	uint32_t ea, eb;

	if (a == NULL || b == NULL ||
	    fg_crypto_key_modulus(a, na, sizeof(na), &la) != 0 ||
	    fg_crypto_key_modulus(b, nb, sizeof(nb), &lb) != 0 ||
	    fg_crypto_key_exponent(a, &ea) != 0 ||
	    fg_crypto_key_exponent(b, &eb) != 0)
		return 0;
	return la == lb && ea == eb && memcmp(na, nb, la) == 0;
}

int
fg_crypto_fingerprint(const uint8_t *modulus_be, size_t len,
    char out[FG_FP_LEN + 1])
{
	uint8_t le[256], md[20], blk[24], fp[8];
	unsigned int mdlen = 0;
	size_t i;

	out[0] = '\0';
	if (modulus_be == NULL || len != sizeof(le))
		return FG_ERR_INVAL;
	/*
	 * The official client hashes its CryptoAPI key blob, which holds the
	 * modulus little-endian, and GetRevVal() reverses the SHA-1 digest;
	 * then 4 zero bytes pad it to three 8-byte words that are XORed.
	 */
	for (i = 0; i < len; i++)
		le[i] = modulus_be[len - 1 - i];
	if (!EVP_Digest(le, len, md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != sizeof(md)) {
		ERR_clear_error();
		return FG_ERR_INTERNAL;
	}
	memset(blk, 0, sizeof(blk));
	for (i = 0; i < sizeof(md); i++)
		blk[i] = md[sizeof(md) - 1 - i];
	for (i = 0; i < sizeof(fp); i++) {
		fp[i] = blk[i] ^ blk[8 + i] ^ blk[16 + i];
		out[2 * i] = hexdig[fp[i] >> 4];
		out[2 * i + 1] = hexdig[fp[i] & 0xf];
	}
	out[FG_FP_LEN] = '\0';
	return 0;
}

int
fg_crypto_key_fingerprint(const struct fg_key *k, char out[FG_FP_LEN + 1])
{
	uint8_t n[MAX_KEY_BYTES];
	size_t len;
	int r;

	out[0] = '\0';
	if ((r = fg_crypto_key_modulus(k, n, sizeof(n), &len)) != 0)
		return r;
	return fg_crypto_fingerprint(n, len, out);
}

int
fg_crypto_fingerprint_name(const char *login, const char *fp, char *out,
    size_t outsz)
{
	size_t n, i;

	if (outsz > 0)
		out[0] = '\0';
	if (login == NULL || fp == NULL || (n = strlen(login)) == 0 ||
	    strlen(fp) != FG_FP_LEN)
		return FG_ERR_INVAL;
	for (i = 0; i < FG_FP_LEN; i++)
		if (hexval((uint8_t)fp[i]) < 0)
			return FG_ERR_INVAL;
	/* Cut to 60 bytes as the official client does, not in a UTF-8 char. */
	if (n > LOGIN_MAX) {
		n = LOGIN_MAX;
		while (n > 0 && ((uint8_t)login[n] & 0xc0) == 0x80)
			n--;
	}
	if (outsz < n + 4 + FG_FP_LEN)
		return FG_ERR_LIMIT;
	memcpy(out, login, n);
	out[n++] = '-';
	out[n++] = '<';
	for (i = 0; i < FG_FP_LEN; i++) {
		char c = fp[i];

		out[n++] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	out[n++] = '>';
	out[n] = '\0';
	return 0;
}

/* 1 for an ASCII letter or digit. */
static int
is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

int
fg_crypto_name_fingerprint(struct fg_span name, char fp[FG_FP_LEN + 1])
{
	size_t i, at = 0, len = 0;
	int state = 0;

	fp[0] = '\0';
	/*
	 * The official GetUserNameDigestField() state machine: '-' then '<'
	 * then exactly 16 alphanumerics then '>'; the first complete field
	 * wins, wherever it is, and a failed one restarts after its bad char.
	 */
	for (i = 0; i < name.len && state != 3; i++) {
		uint8_t c = name.p[i];

		if (c == '\0')
			break;
		switch (state) {
		case 0:
			if (c == '-') {
				at = i;
				len = 0;
				state = 1;
			}
			break;
		case 1:
			state = c == '<' ? 2 : 0;
			break;
		case 2:
			if (is_alnum(c))
				len++;
			else if (len == FG_FP_LEN && c == '>')
				state = 3;
			else
				state = 0;
			break;
		}
	}
	if (state != 3)
		return FG_ERR_NOT_FOUND;
	for (i = 0; i < FG_FP_LEN; i++) {
		uint8_t c = name.p[at + 2 + i];

		if (hexval(c) < 0) {
			fp[0] = '\0';
			return FG_ERR_FORMAT;
		}
		fp[i] = (char)((c >= 'A' && c <= 'F') ? c - 'A' + 'a' : c);
	}
	fp[FG_FP_LEN] = '\0';
	return 0;
}

int
fg_crypto_put_getpubkey(struct fg_buf *out, uint32_t capa)
{
	return fg_buf_putf(out, "%lx", (unsigned long)capa);
}

int
fg_crypto_parse_getpubkey(struct fg_span extra, uint32_t *capa)
{
	uint64_t v;
	int r;

	*capa = 0;
	if ((r = fg_span_hex(extra, UINT32_MAX, &v)) != 0)
		return r;
	*capa = (uint32_t)v;
	return 0;
}

int
fg_crypto_put_anspubkey(struct fg_buf *out, uint32_t capa,
    const struct fg_key *k)
{
	uint8_t n[MAX_KEY_BYTES];
	size_t len, start = out->size;
	uint32_t e;
	int r;

	if ((r = fg_crypto_key_modulus(k, n, sizeof(n), &len)) != 0 ||
	    (r = fg_crypto_key_exponent(k, &e)) != 0)
		return r;
	/* Capa and exponent upper-case; the modulus lower-case big-endian. */
	if ((r = fg_buf_putf(out, "%lX:%lX-", (unsigned long)capa,
	    (unsigned long)e)) != 0 || (r = put_hex(out, n, len)) != 0) {
		out->size = start;
		return r;
	}
	return 0;
}

int
fg_crypto_parse_anspubkey(struct fg_span extra, uint32_t *capa,
    struct fg_key **kp)
{
	uint8_t n[MAX_KEY_BYTES];
	struct fg_buf b;
	struct fg_span f;
	uint64_t c, e;
	size_t nlen;
	int r;

	*capa = 0;
	*kp = NULL;
	fg_buf_view(&b, extra.p, extra.len);
	if ((r = fg_buf_get_until(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT32_MAX, &c)) != 0 ||
	    (r = fg_buf_get_until(&b, '-', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT32_MAX, &e)) != 0 ||
	    (r = fg_buf_get_field(&b, ':', &f)) != 0)
		goto out;
	/* Bound the modulus text before decoding: 4096 bits is 1024 digits. */
	if (f.len > 2 * MAX_KEY_BYTES) {
		r = FG_ERR_LIMIT;
		goto out;
	}
	if ((r = hex_decode(f, n, sizeof(n), &nlen)) != 0 ||
	    (r = fg_crypto_key_from_en((uint32_t)e, n, nlen, kp)) != 0)
		goto out;
	*capa = (uint32_t)c;
	return 0;
 out:
	return r == FG_ERR_TRUNCATED ? FG_ERR_FORMAT : r;
}

/*
 * Reduces capa (already ANDed with ours) to a set the official client
 * supports (6.3), in its order of preference; Blowfish is not offered.
 */
static int
choose_capa(uint32_t capa, uint32_t *out)
{
	const uint32_t base = FG_CAPA_RSA_2048 | FG_CAPA_AES_256;

	*out = 0;
	if ((capa & base) != base)
		return FG_ERR_INVAL;
	if (capa & FG_CAPA_SIGN_SHA256)
		*out = capa & (base | FG_CAPA_SIGN_SHA256 |
		    FG_CAPA_PACKETNO_IV | FG_CAPA_ENCODE_BASE64);
	else
		*out = capa & (base | FG_CAPA_SIGN_SHA1 |
		    FG_CAPA_PACKETNO_IV | FG_CAPA_ENCODE_BASE64);
	return 0;
}

/* Makes the 16-byte IV: the packet number's bytes, left-aligned in zeros. */
static int
make_iv(uint32_t capa, const uint8_t *pkt, size_t len, uint8_t iv[AES_BLOCK])
{
	memset(iv, 0, AES_BLOCK);
	if ((capa & FG_CAPA_PACKETNO_IV) == 0)
		return 0;
	if (len == 0 || len > IV_STR_MAX)
		return FG_ERR_FORMAT;
	memcpy(iv, pkt, len);
	return 0;
}

/* RSA PKCS#1 v1.5 encryption of in with a public key; *outp is malloc'd. */
static int
rsa_wrap(const struct fg_key *k, const uint8_t *in, size_t inlen,
    uint8_t **outp, size_t *outlen)
{
	EVP_PKEY_CTX *ctx;
	uint8_t *o = NULL;
	size_t olen = 0;
	int r;

	*outp = NULL;
	*outlen = 0;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) == NULL)
		return FG_ERR_ALLOC;
	if (EVP_PKEY_encrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_encrypt(ctx, NULL, &olen, in, inlen) <= 0) {
		r = FG_ERR_INTERNAL;
		goto out;
	}
	if ((o = malloc(olen)) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	if (EVP_PKEY_encrypt(ctx, o, &olen, in, inlen) <= 0) {
		r = FG_ERR_INTERNAL;
		goto out;
	}
	*outp = o;
	*outlen = olen;
	o = NULL;
	r = 0;
 out:
	free(o);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* Unwraps the 32-byte session key with our private key. */
static int
rsa_unwrap(const struct fg_key *k, const uint8_t *in, size_t inlen,
    uint8_t key[AES_KEY_LEN])
{
	EVP_PKEY_CTX *ctx;
	uint8_t o[MAX_KEY_BYTES];
	size_t olen = sizeof(o);
	int r;

	if (inlen != (size_t)EVP_PKEY_get_size(k->pkey))
		return FG_ERR_CRYPTO;
	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL)) == NULL)
		return FG_ERR_ALLOC;
	if (EVP_PKEY_decrypt_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) {
		r = FG_ERR_INTERNAL;
		goto out;
	}
	if (EVP_PKEY_decrypt(ctx, o, &olen, in, inlen) <= 0 ||
	    olen != AES_KEY_LEN) {
		r = FG_ERR_CRYPTO;
		goto out;
	}
	memcpy(key, o, AES_KEY_LEN);
	r = 0;
 out:
	OPENSSL_cleanse(o, sizeof(o));
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* PKCS#1 v1.5 signature over the SHA-256 or SHA-1 of tbs; *sigp malloc'd. */
static int
rsa_sign(const struct fg_key *k, int sha256, const uint8_t *tbs, size_t len,
    uint8_t **sigp, size_t *siglen)
{
	EVP_MD_CTX *md;
	uint8_t *s = NULL;
	size_t slen = (size_t)EVP_PKEY_get_size(k->pkey);
	int r;

	*sigp = NULL;
	*siglen = 0;
	if ((md = EVP_MD_CTX_new()) == NULL || (s = malloc(slen)) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	if (EVP_DigestSignInit(md, NULL, sha256 ? EVP_sha256() : EVP_sha1(),
	    NULL, k->pkey) <= 0 ||
	    EVP_DigestSign(md, s, &slen, tbs, len) <= 0) {
		r = FG_ERR_INTERNAL;
		goto out;
	}
	*sigp = s;
	*siglen = slen;
	s = NULL;
	r = 0;
 out:
	free(s);
	EVP_MD_CTX_free(md);
	return r;
}

/* Verifies a PKCS#1 v1.5 signature; FG_ERR_CRYPTO when it does not match. */
static int
rsa_verify(const struct fg_key *k, int sha256, const uint8_t *tbs, size_t len,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *md;
	int r;

	if (siglen != (size_t)EVP_PKEY_get_size(k->pkey))
		return FG_ERR_CRYPTO;
	if ((md = EVP_MD_CTX_new()) == NULL)
		return FG_ERR_ALLOC;
	if (EVP_DigestVerifyInit(md, NULL, sha256 ? EVP_sha256() : EVP_sha1(),
	    NULL, k->pkey) <= 0)
		r = FG_ERR_INTERNAL;
	else if (EVP_DigestVerify(md, sig, siglen, tbs, len) != 1)
		r = FG_ERR_CRYPTO;
	else
		r = 0;
	EVP_MD_CTX_free(md);
	return r;
}

/* AES-256-CBC with PKCS#7 padding; *outp is malloc'd, wiped on failure. */
static int
aes_cbc(int enc, const uint8_t key[AES_KEY_LEN], const uint8_t iv[AES_BLOCK],
    const uint8_t *in, size_t inlen, uint8_t **outp, size_t *outlen)
{
	EVP_CIPHER_CTX *c;
	uint8_t *o = NULL;
	size_t cap = inlen + AES_BLOCK;
	int n = 0, m = 0, r;

	*outp = NULL;
	*outlen = 0;
	if (inlen > FG_MAX_DATAGRAM)
		return FG_ERR_LIMIT;
	if ((c = EVP_CIPHER_CTX_new()) == NULL || (o = malloc(cap)) == NULL) {
		r = FG_ERR_ALLOC;
		goto out;
	}
	if (EVP_CipherInit_ex(c, EVP_aes_256_cbc(), NULL, key, iv, enc) != 1 ||
	    EVP_CipherUpdate(c, o, &n, in, (int)inlen) != 1) {
		r = FG_ERR_INTERNAL;
		goto out;
	}
	if (EVP_CipherFinal_ex(c, o + n, &m) != 1) {
		r = enc ? FG_ERR_INTERNAL : FG_ERR_CRYPTO;
		goto out;
	}
	*outp = o;
	*outlen = (size_t)n + (size_t)m;
	o = NULL;
	r = 0;
 out:
	clear_free(o, cap);
	EVP_CIPHER_CTX_free(c);
	return r;
}

/* Appends a binary field in the encoding capa selects. */
static int
put_field(struct fg_buf *out, uint32_t capa, const uint8_t *p, size_t n)
{
	return (capa & FG_CAPA_ENCODE_BASE64) ? put_b64(out, p, n) :
	    put_hex(out, p, n);
}

int
fg_crypto_encrypt_msg(struct fg_buf *out_extra, uint32_t peer_capa,
    const struct fg_key *peer_pub, const struct fg_key *my_priv,
    const char *pktno_str, const void *plain, size_t plainlen,
    uint32_t *used_capa)
{
	uint8_t key[AES_KEY_LEN], iv[AES_BLOCK];
	uint8_t *wrapped = NULL, *body = NULL, *sig = NULL;
	size_t wlen = 0, blen = 0, slen = 0, start = out_extra->size;
	uint32_t capa;
	int r;

	*used_capa = 0;
	if (peer_pub == NULL || pktno_str == NULL ||
	    (plain == NULL && plainlen > 0))
		return FG_ERR_INVAL;
	if (plainlen > FG_MAX_DATAGRAM)
		return FG_ERR_LIMIT;
	if ((r = choose_capa(peer_capa & FG_CAPA_OURS, &capa)) != 0)
		return r;
	if (my_priv == NULL || !my_priv->priv)
		capa &= ~(FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256);
	if ((r = make_iv(capa, (const uint8_t *)pktno_str, strlen(pktno_str),
	    iv)) != 0)
		return FG_ERR_INVAL;
	if (RAND_bytes(key, sizeof(key)) != 1) {
		r = FG_ERR_INTERNAL;
		goto out;
	}
	if ((r = rsa_wrap(peer_pub, key, sizeof(key), &wrapped, &wlen)) != 0 ||
	    (r = aes_cbc(1, key, iv, plain, plainlen, &body, &blen)) != 0)
		goto out;
	if ((capa & (FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256)) &&
	    (r = rsa_sign(my_priv, (capa & FG_CAPA_SIGN_SHA256) != 0, plain,
	    plainlen, &sig, &slen)) != 0)
		goto out;
	if ((r = fg_buf_putf(out_extra, "%lX:", (unsigned long)capa)) != 0 ||
	    (r = put_field(out_extra, capa, wrapped, wlen)) != 0 ||
	    (r = fg_buf_put_u8(out_extra, ':')) != 0 ||
	    (r = put_field(out_extra, capa, body, blen)) != 0)
		goto out;
	if (sig != NULL && ((r = fg_buf_put_u8(out_extra, ':')) != 0 ||
	    (r = put_field(out_extra, capa, sig, slen)) != 0))
		goto out;
	*used_capa = capa;
	r = 0;
 out:
	OPENSSL_cleanse(key, sizeof(key));
	free(wrapped);
	free(body);
	free(sig);
	if (r != 0) {
		out_extra->size = start;
		ERR_clear_error();
	}
	return r;
}

int
fg_crypto_decrypt_msg(struct fg_buf *plain, struct fg_span extra,
    struct fg_span pktno_str, const struct fg_key *my_priv,
    const struct fg_key *peer_pub, uint32_t *used_capa, unsigned *flags)
{
	uint8_t key[AES_KEY_LEN], iv[AES_BLOCK];
	uint8_t *wrapped = NULL, *body = NULL, *sig = NULL, *pt = NULL;
	size_t wlen = 0, blen = 0, slen = 0, ptlen = 0, start = plain->size;
	struct fg_buf b;
	struct fg_span fcapa, fkey, fbody, fsig = FG_SPAN_NULL;
	uint64_t v;
	uint32_t capa;
	unsigned fl = 0;
	int r, b64, sha256;

	*used_capa = 0;
	*flags = 0;
	OPENSSL_cleanse(key, sizeof(key));
	if (my_priv == NULL || !my_priv->priv)
		return FG_ERR_INVAL;
	if (extra.len > FG_MAX_DATAGRAM)
		return FG_ERR_LIMIT;
	/* capa:key:body[:sig], each field bounded by the extra itself. */
	fg_buf_view(&b, extra.p, extra.len);
	if ((r = fg_buf_get_until(&b, ':', &fcapa)) != 0 ||
	    (r = fg_span_hex(fcapa, UINT32_MAX, &v)) != 0 ||
	    (r = fg_buf_get_until(&b, ':', &fkey)) != 0 ||
	    (r = fg_buf_get_field(&b, ':', &fbody)) != 0)
		goto out;
	capa = (uint32_t)v;
	if ((capa & (FG_CAPA_RSA_2048 | FG_CAPA_AES_256)) !=
	    (FG_CAPA_RSA_2048 | FG_CAPA_AES_256)) {
		r = FG_ERR_FORMAT;	/* RSA-1024/Blowfish...: not ours */
		goto out;
	}
	if ((capa & (FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256)) &&
	    (r = fg_buf_get_field(&b, ':', &fsig)) != 0)
		goto out;
	if (fg_buf_len(&b) != 0) {
		r = FG_ERR_FORMAT;
		goto out;
	}
	b64 = (capa & FG_CAPA_ENCODE_BASE64) != 0;
	sha256 = (capa & FG_CAPA_SIGN_SHA256) != 0;
	/* The IV is the header's packet number string, byte for byte. */
	if ((r = make_iv(capa, pktno_str.p, pktno_str.len, iv)) != 0 ||
	    (r = decode_field(fkey, b64, &wrapped, &wlen)) != 0 ||
	    (r = decode_field(fbody, b64, &body, &blen)) != 0)
		goto out;
	if (fsig.len > 0 && (r = decode_field(fsig, b64, &sig, &slen)) != 0)
		goto out;
	if (blen == 0 || blen % AES_BLOCK != 0) {
		r = FG_ERR_FORMAT;
		goto out;
	}
	if ((r = rsa_unwrap(my_priv, wrapped, wlen, key)) != 0 ||
	    (r = aes_cbc(0, key, iv, body, blen, &pt, &ptlen)) != 0)
		goto out;
	fl = FG_DEC_DECRYPTED;
	if (capa & (FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256)) {
		if (sig == NULL) {
			r = FG_ERR_FORMAT;
			goto out;
		}
		fl |= FG_DEC_SIGNED;
		if (peer_pub == NULL)
			fl |= FG_DEC_UNVERIFIED_NOKEY;
		else if ((r = rsa_verify(peer_pub, sha256, pt, ptlen, sig,
		    slen)) != 0)
			goto out;
		else
			fl |= FG_DEC_VERIFIED;
	}
	if ((r = fg_buf_put(plain, pt, ptlen)) != 0 ||
	    (!plain->view && (r = fg_buf_terminate(plain)) != 0))
		goto out;
	*used_capa = capa;
	*flags = fl;
	r = 0;
 out:
	OPENSSL_cleanse(key, sizeof(key));
	free(wrapped);
	free(body);
	free(sig);
	clear_free(pt, ptlen);
	if (r != 0) {
		if (!plain->view && plain->size > start)
			OPENSSL_cleanse(plain->d + start, plain->size - start);
		plain->size = start;
		ERR_clear_error();
	}
	return r == FG_ERR_TRUNCATED ? FG_ERR_FORMAT : r;
}

void
fg_crypto_split_ext(const void *plain, size_t len, struct fg_crypto_ext *x)
{
	struct fg_buf b;

	memset(x, 0, sizeof(*x));
	fg_buf_view(&b, plain, len);
	(void)fg_buf_get_field(&b, '\0', &x->text);
	(void)fg_buf_get_field(&b, '\0', &x->attach);
	(void)fg_buf_get_field(&b, '\0', &x->to);
}

int
fg_crypto_put_filereq(struct fg_buf *out, const struct fg_crypto_filereq *q)
{
	size_t start = out->size;
	int r;

	if (q->mode == FG_CMD_GETDIRFILES)
		r = fg_buf_putf(out, "%llx:%lx:", (unsigned long long)q->pktno,
		    (unsigned long)q->fid);
	else if (q->mode == FG_CMD_GETFILEDATA)
		r = fg_buf_putf(out, "%llx:%lx:%llx:",
		    (unsigned long long)q->pktno, (unsigned long)q->fid,
		    (unsigned long long)q->offset);
	else
		return FG_ERR_INVAL;
	if (r != 0)
		goto out;
	/* 900000 = AES_256|PACKETNO_IV; the key as lower-case hex. */
	if (q->file_capa == (FG_CAPA_AES_256 | FG_CAPA_PACKETNO_IV)) {
		if ((r = fg_buf_putf(out, "%lx:",
		    (unsigned long)q->file_capa)) != 0 ||
		    (r = put_hex(out, q->key, sizeof(q->key))) != 0 ||
		    (r = fg_buf_putf(out, ":%llx",
		    (unsigned long long)q->req_pktno)) != 0)
			goto out;
	} else if (q->file_capa == FG_CAPA_NOENC_FILEBODY) {
		if ((r = fg_buf_putf(out, "%lx:%llx",
		    (unsigned long)q->file_capa,
		    (unsigned long long)q->req_pktno)) != 0)
			goto out;
	} else if (q->file_capa != 0) {
		r = FG_ERR_INVAL;
		goto out;
	}
	r = fg_buf_put_u8(out, '\0');
 out:
	if (r != 0) {
		if (out->size > start)
			OPENSSL_cleanse(out->d + start, out->size - start);
		out->size = start;
	}
	return r;
}

int
fg_crypto_parse_filereq(const void *plain, size_t len, uint32_t mode,
    struct fg_crypto_filereq *q)
{
	const uint8_t *nul;
	struct fg_buf b;
	struct fg_span f;
	uint64_t v;
	size_t klen;
	int r;

	memset(q, 0, sizeof(*q));
	if (mode != FG_CMD_GETDIRFILES && mode != FG_CMD_GETFILEDATA)
		return FG_ERR_INVAL;
	/* The plaintext is a C string: stop at its NUL. */
	if ((nul = memchr(plain, '\0', len)) != NULL)
		len = (size_t)(nul - (const uint8_t *)plain);
	q->mode = mode;
	fg_buf_view(&b, plain, len);
	if ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT64_MAX, &q->pktno)) != 0 ||
	    (r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT32_MAX, &v)) != 0)
		goto out;
	q->fid = (uint32_t)v;
	if (mode == FG_CMD_GETFILEDATA &&
	    ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT64_MAX, &q->offset)) != 0))
		goto out;
	if (fg_buf_len(&b) == 0)
		return 0;	/* an encrypted request without ENCFILEOPT */
	if ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
	    (r = fg_span_hex(f, UINT32_MAX, &v)) != 0)
		goto out;
	q->file_capa = (uint32_t)v;
	if (q->file_capa == (FG_CAPA_AES_256 | FG_CAPA_PACKETNO_IV)) {
		if ((r = fg_buf_get_field(&b, ':', &f)) != 0)
			goto out;
		if (f.len != 2 * sizeof(q->key) ||
		    (r = hex_decode(f, q->key, sizeof(q->key), &klen)) != 0) {
			r = FG_ERR_FORMAT;
			goto out;
		}
		/* The replay guard is optional, as in the official sender. */
		if (fg_buf_len(&b) > 0 &&
		    ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
		    (r = fg_span_hex(f, UINT64_MAX, &q->req_pktno)) != 0))
			goto out;
	} else if (q->file_capa == FG_CAPA_NOENC_FILEBODY) {
		if ((r = fg_buf_get_field(&b, ':', &f)) != 0 ||
		    (r = fg_span_hex(f, UINT64_MAX, &q->req_pktno)) != 0)
			goto out;
	} else {
		r = FG_ERR_FORMAT;
		goto out;
	}
	return 0;
 out:
	fg_crypto_filereq_wipe(q);
	memset(q, 0, sizeof(*q));
	return r == FG_ERR_TRUNCATED ? FG_ERR_FORMAT : r;
}

void
fg_crypto_filereq_wipe(struct fg_crypto_filereq *q)
{
	if (q != NULL)
		OPENSSL_cleanse(q->key, sizeof(q->key));
}

int
fg_crypto_ctr_new(const uint8_t key[32], const char *pktno_str,
    struct fg_crypto_ctr **cp)
{
	struct fg_crypto_ctr *c;
	uint8_t ctr[AES_BLOCK];
	size_t n;

	*cp = NULL;
	if (key == NULL || pktno_str == NULL || (n = strlen(pktno_str)) == 0 ||
	    n > IV_STR_MAX)
		return FG_ERR_INVAL;
	/*
	 * The initial counter block is the ASCII packet number, zero-filled;
	 * OpenSSL's CTR mode increments all 16 bytes as one big-endian number,
	 * as the official AES::EncryptCTR does.
	 */
	memset(ctr, 0, sizeof(ctr));
	memcpy(ctr, pktno_str, n);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return FG_ERR_ALLOC;
	if ((c->ctx = EVP_CIPHER_CTX_new()) == NULL) {
		free(c);
		return FG_ERR_ALLOC;
	}
	if (EVP_EncryptInit_ex(c->ctx, EVP_aes_256_ctr(), NULL, key,
	    ctr) != 1) {
		fg_crypto_ctr_free(c);
		ERR_clear_error();
		return FG_ERR_INTERNAL;
	}
	*cp = c;
	return 0;
}

int
fg_crypto_ctr_update(struct fg_crypto_ctr *c, const void *in, void *out,
    size_t len)
{
	const uint8_t *i = in;
	uint8_t *o = out;
	int chunk, n;

	if (c == NULL || (len > 0 && (in == NULL || out == NULL)))
		return FG_ERR_INVAL;
	while (len > 0) {
		chunk = len > (1U << 30) ? (1 << 30) : (int)len;
		if (EVP_EncryptUpdate(c->ctx, o, &n, i, chunk) != 1 ||
		    n != chunk) {
			ERR_clear_error();
			return FG_ERR_INTERNAL;
		}
		i += chunk;
		o += chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

void
fg_crypto_ctr_free(struct fg_crypto_ctr *c)
{
	if (c == NULL)
		return;
	/* Freeing the context wipes the key schedule (OPENSSL_clear_free). */
	EVP_CIPHER_CTX_free(c->ctx);
	free(c);
}
