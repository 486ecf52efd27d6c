/* Unit tests: the crypto layer against vectors C1-C3 of tests/data/vectors.txt,
 * round trips with fresh 2048-bit keys, tampering, and hostile inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "buf.h"
#include "crypto.h"
#include "feige/feige.h"
#include "proto.h"
#include "vectors.h"

/* Keys made once for the whole file: RSA keygen is slow under ASan. */
struct keys {
	struct fg_key	*alice, *bob, *mallory;
};

/* Decodes hex text into dst; returns the byte count. */
static size_t
unhex(const char *s, uint8_t *dst, size_t dstsz)
{
	size_t n = strlen(s) / 2, i;
	unsigned v;

	assert_int_equal(strlen(s) % 2, 0);
	assert_true(n <= dstsz);
	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		dst[i] = (uint8_t)v;
	}
	return n;
}

/* Reads field key of vector id. */
static void
field(const char *id, const char *key, char *dst, size_t dstsz)
{
	assert_int_equal(fgt_vector_field(id, key, dst, dstsz), 0);
	assert_true(dst[0] != '\0');
}

/* Compares a buffer's data with a C string. */
static void
assert_buf_str(const struct fg_buf *b, const char *want)
{
	assert_int_equal(fg_buf_len(b), strlen(want));
	assert_memory_equal(fg_buf_ptr(b), want, strlen(want));
}

static int
setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));

	if (k == NULL || fg_crypto_key_generate(2048, &k->alice) != 0 ||
	    fg_crypto_key_generate(2048, &k->bob) != 0 ||
	    fg_crypto_key_generate(2048, &k->mallory) != 0)
		return -1;
	*state = k;
	return 0;
}

static int
teardown(void **state)
{
	struct keys *k = *state;

	fg_crypto_key_free(k->alice);
	fg_crypto_key_free(k->bob);
	fg_crypto_key_free(k->mallory);
	free(k);
	return 0;
}

/* A public-only copy of k, as a peer would hold it after ANSPUBKEY. */
static struct fg_key *
public_of(const struct fg_key *k)
{
	uint8_t n[512];
	size_t len;
	uint32_t e;
	struct fg_key *p;

	assert_int_equal(fg_crypto_key_modulus(k, n, sizeof(n), &len), 0);
	assert_int_equal(fg_crypto_key_exponent(k, &e), 0);
	assert_int_equal(fg_crypto_key_from_en(e, n, len, &p), 0);
	assert_false(fg_crypto_key_is_private(p));
	assert_true(fg_crypto_key_same(p, k));
	return p;
}

/* RSA PKCS#1 v1.5 encryption done with OpenSSL directly, to build vectors. */
static size_t
raw_wrap(const struct fg_key *k, const uint8_t *in, size_t inlen, uint8_t *out,
    size_t outsz)
{
	uint8_t n[512];
	size_t len, olen = outsz;
	uint32_t e;
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params;
	EVP_PKEY_CTX *ctx, *ectx;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn, *be;

	assert_int_equal(fg_crypto_key_modulus(k, n, sizeof(n), &len), 0);
	assert_int_equal(fg_crypto_key_exponent(k, &e), 0);
	assert_non_null(bn = BN_bin2bn(n, (int)len, NULL));
	assert_non_null(be = BN_new());
	assert_true(BN_set_word(be, e));
	assert_non_null(bld = OSSL_PARAM_BLD_new());
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be));
	assert_non_null(params = OSSL_PARAM_BLD_to_param(bld));
	assert_non_null(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL));
	assert_true(EVP_PKEY_fromdata_init(ctx) > 0);
	assert_true(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0);
	assert_non_null(ectx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL));
	assert_true(EVP_PKEY_encrypt_init(ectx) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(ectx, RSA_PKCS1_PADDING) > 0);
	assert_true(EVP_PKEY_encrypt(ectx, out, &olen, in, inlen) > 0);
	EVP_PKEY_CTX_free(ectx);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return olen;
}

static void
test_c1_fingerprint(void **state)
{
	char mod[1100], sha[64], want[32], fp[FG_FP_LEN + 1];
	char name[FG_FP_NAME_MAX], wantname[64], got[64];
	uint8_t n[256], le[256], md[20];
	unsigned int mdlen;
	size_t len, i;
	struct fg_key *k;

	(void)state;
	field("C1", "modulus", mod, sizeof(mod));
	field("C1", "sha1(little-endian", sha, sizeof(sha));
	field("C1", "fingerprint", want, sizeof(want));
	assert_int_equal(len = unhex(mod, n, sizeof(n)), 256);
	assert_int_equal(n[0], 0xc0);
	assert_int_equal(n[255], 0x01);

	/* The intermediate digest: SHA-1 over the reversed (little-endian) modulus. */
	for (i = 0; i < len; i++)
		le[i] = n[len - 1 - i];
	assert_true(EVP_Digest(le, len, md, &mdlen, EVP_sha1(), NULL));
	for (i = 0; i < mdlen; i++)
		snprintf(got + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(got, sha);

	assert_int_equal(fg_crypto_fingerprint(n, len, fp), 0);
	assert_string_equal(fp, want);
	assert_int_equal(fg_crypto_fingerprint(n, 255, fp), FG_ERR_INVAL);

	/* The same through a key built from (e, n), as from ANSPUBKEY. */
	assert_int_equal(fg_crypto_key_from_en(0x10001, n, len, &k), 0);
	assert_int_equal(fg_crypto_key_bits(k), 2048);
	assert_int_equal(fg_crypto_key_fingerprint(k, fp), 0);
	assert_string_equal(fp, want);
	fg_crypto_key_free(k);

	snprintf(wantname, sizeof(wantname), "alice-<%s>", want);
	assert_int_equal(fg_crypto_fingerprint_name("alice", fp, name,
	    sizeof(name)), 0);
	assert_string_equal(name, wantname);
	assert_int_equal(fg_crypto_name_fingerprint(fg_span_str(name), fp), 0);
	assert_string_equal(fp, want);
}

static void
test_fingerprint_name(void **state)
{
	char login[128], name[FG_FP_NAME_MAX], fp[FG_FP_LEN + 1];
	const char *f = "0123456789abcdef";

	(void)state;
	/* A long login is cut to 60 bytes: the whole fits 80 with its NUL. */
	memset(login, 'a', 70);
	login[70] = '\0';
	assert_int_equal(fg_crypto_fingerprint_name(login, f, name, sizeof(name)), 0);
	assert_int_equal(strlen(name), 60 + 19);
	assert_memory_equal(name + 60, "-<0123456789abcdef>", 19);

	/* ... but never inside a UTF-8 character: "é" at bytes 59-60 goes. */
	memset(login, 'b', 59);
	memcpy(login + 59, "\xc3\xa9" "cc", 5);
	assert_int_equal(fg_crypto_fingerprint_name(login, f, name, sizeof(name)), 0);
	assert_int_equal(strlen(name), 59 + 19);
	assert_int_equal(name[59], '-');

	assert_int_equal(fg_crypto_fingerprint_name("bob", "0123456789ABCDEF",
	    name, sizeof(name)), 0);
	assert_string_equal(name, "bob-<0123456789abcdef>");
	assert_int_equal(fg_crypto_fingerprint_name("bob", f, name, 22),
	    FG_ERR_LIMIT);
	assert_int_equal(fg_crypto_fingerprint_name("bob", f, name, 23), 0);
	assert_int_equal(fg_crypto_fingerprint_name("", f, name, sizeof(name)),
	    FG_ERR_INVAL);
	assert_int_equal(fg_crypto_fingerprint_name("bob", "0123", name,
	    sizeof(name)), FG_ERR_INVAL);
	assert_int_equal(fg_crypto_fingerprint_name("bob", "0123456789abcdeg",
	    name, sizeof(name)), FG_ERR_INVAL);

	/* The parser follows the official state machine. */
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("bob-<0123456789ABCDEF>"), fp), 0);
	assert_string_equal(fp, f);
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("a-b-<0123456789abcdef>x"), fp), 0);
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("bob-<0123456789abcdeZ>"), fp), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("bob-<0123456789abcde>"), fp), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("bob-<0123456789abcdef0>"), fp), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("bob--<0123456789abcdef>"), fp), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_crypto_name_fingerprint(
	    fg_span_str("bob-0123456789abcdef"), fp), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_crypto_name_fingerprint(fg_span_str("bob"), fp),
	    FG_ERR_NOT_FOUND);
	assert_string_equal(fp, "");
}

/* Decrypts a hand-made extra carrying the C2 body, in base64 and in hex. */
static void
test_c2_cbc(void **state)
{
	struct keys *k = *state;
	char key_hex[80], iv_hex[40], ct_hex[64], ct_b64[64], pkt[16];
	uint8_t key[32], iv[16], ct[16], wrapped[256];
	size_t wlen, i;
	uint32_t capa;
	unsigned flags;
	struct fg_buf ex, pt;

	field("C2", "key", key_hex, sizeof(key_hex));
	field("C2", "iv", iv_hex, sizeof(iv_hex));
	field("C2", "ciphertext hex", ct_hex, sizeof(ct_hex));
	field("C2", "ciphertext base64", ct_b64, sizeof(ct_b64));
	assert_int_equal(unhex(key_hex, key, sizeof(key)), 32);
	assert_int_equal(unhex(iv_hex, iv, sizeof(iv)), 16);
	assert_int_equal(unhex(ct_hex, ct, sizeof(ct)), 16);
	/* The packet number is the IV's ASCII prefix. */
	for (i = 0; i < 16 && iv[i] != 0; i++)
		pkt[i] = (char)iv[i];
	pkt[i] = '\0';
	assert_string_equal(pkt, "1700000001");

	wlen = raw_wrap(k->bob, key, sizeof(key), wrapped, sizeof(wrapped));
	assert_int_equal(wlen, 256);

	/* Base64: RSA_2048|AES_256|PACKETNO_IV|BASE64 = 1900004. */
	fg_buf_init(&ex, FG_MAX_DATAGRAM);
	fg_buf_init(&pt, FG_MAX_DATAGRAM);
	assert_int_equal(fg_buf_putf(&ex, "1900004:"), 0);
	{
		/* Encode the wrapped key through an encrypt-free path: OpenSSL. */
		unsigned char b64[400];
		int n = EVP_EncodeBlock(b64, wrapped, (int)wlen);

		assert_int_equal(fg_buf_put(&ex, b64, (size_t)n), 0);
	}
	assert_int_equal(fg_buf_putf(&ex, ":%s", ct_b64), 0);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str(pkt), k->bob, NULL, &capa, &flags), 0);
	assert_int_equal(capa, 0x01900004);
	assert_int_equal(flags, FG_DEC_DECRYPTED);
	assert_int_equal(fg_buf_len(&pt), 6);
	assert_memory_equal(fg_buf_ptr(&pt), "Hello\0", 6);

	/* Hex: RSA_2048|AES_256|PACKETNO_IV = 900004. */
	fg_buf_reset(&ex);
	fg_buf_reset(&pt);
	assert_int_equal(fg_buf_putf(&ex, "900004:"), 0);
	for (i = 0; i < wlen; i++)
		assert_int_equal(fg_buf_putf(&ex, "%02x", wrapped[i]), 0);
	assert_int_equal(fg_buf_putf(&ex, ":%s", ct_hex), 0);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str(pkt), k->bob, NULL, &capa, &flags), 0);
	assert_memory_equal(fg_buf_ptr(&pt), "Hello\0", 6);

	/* Another packet number is another IV: the first block is garbage. */
	fg_buf_reset(&pt);
	assert_true(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000002"), k->bob, NULL, &capa, &flags) != 0 ||
	    memcmp(fg_buf_ptr(&pt), "Hello\0", 6) != 0);
	fg_buf_release(&ex);
	fg_buf_release(&pt);
}

static void
test_c3_ctr(void **state)
{
	static const char plain[] = "0020:a.jpg:000000005:1:ABCDE";
	char key_hex[80], nonce_hex[40], want_hex[80], pkt[17];
	uint8_t key[32], nonce[16], want[64], out[64], back[64];
	size_t n = sizeof(plain) - 1, split, i;
	struct fg_crypto_ctr *c;

	(void)state;
	field("C2", "key", key_hex, sizeof(key_hex));	/* C3 uses the same key */
	field("C3", "nonce", nonce_hex, sizeof(nonce_hex));
	field("C3", "CTR(plain", want_hex, sizeof(want_hex));
	assert_int_equal(unhex(key_hex, key, sizeof(key)), 32);
	assert_int_equal(unhex(nonce_hex, nonce, sizeof(nonce)), 16);
	assert_int_equal(unhex(want_hex, want, sizeof(want)), n);
	for (i = 0; i < 16 && nonce[i] != 0; i++)
		pkt[i] = (char)nonce[i];
	pkt[i] = '\0';
	assert_string_equal(pkt, "1700000102");

	/* Every split point gives the same stream. */
	for (split = 0; split <= n; split++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(fg_crypto_ctr_new(key, pkt, &c), 0);
		assert_int_equal(fg_crypto_ctr_update(c, plain, out, split), 0);
		assert_int_equal(fg_crypto_ctr_update(c, plain + split,
		    out + split, n - split), 0);
		fg_crypto_ctr_free(c);
		assert_memory_equal(out, want, n);
	}
	/* One byte at a time, in place, and back. */
	memcpy(out, plain, n);
	assert_int_equal(fg_crypto_ctr_new(key, pkt, &c), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(fg_crypto_ctr_update(c, out + i, out + i, 1), 0);
	fg_crypto_ctr_free(c);
	assert_memory_equal(out, want, n);
	assert_int_equal(fg_crypto_ctr_new(key, pkt, &c), 0);
	assert_int_equal(fg_crypto_ctr_update(c, out, back, n), 0);
	fg_crypto_ctr_free(c);
	assert_memory_equal(back, plain, n);

	fg_crypto_ctr_free(NULL);
	assert_int_equal(fg_crypto_ctr_new(key, "", &c), FG_ERR_INVAL);
	assert_int_equal(fg_crypto_ctr_new(key, "1234567890123456", &c),
	    FG_ERR_INVAL);
	assert_null(c);
}

/* Encrypts plain from alice to bob with peer_capa and checks bob reads it. */
static void
roundtrip(struct keys *k, uint32_t peer_capa, uint32_t want_capa,
    const void *plain, size_t len)
{
	struct fg_key *alice_pub = public_of(k->alice), *bob_pub = public_of(k->bob);
	struct fg_buf ex, pt;
	uint32_t used, got;
	unsigned flags, want_flags;
	char prefix[16];
	size_t i, colons = 0;
	const uint8_t *p;

	fg_buf_init(&ex, FG_MAX_DATAGRAM);
	fg_buf_init(&pt, FG_MAX_DATAGRAM);
	assert_int_equal(fg_crypto_encrypt_msg(&ex, peer_capa, bob_pub, k->alice,
	    "1700000001", plain, len, &used), 0);
	assert_int_equal(used, want_capa);
	snprintf(prefix, sizeof(prefix), "%X:", want_capa);
	assert_memory_equal(fg_buf_ptr(&ex), prefix, strlen(prefix));
	p = fg_buf_ptr(&ex);
	for (i = 0; i < fg_buf_len(&ex); i++) {
		colons += p[i] == ':';
		/* Lower-case hex or base64 only: no line breaks, no upper-case hex. */
		assert_true(p[i] != '\n' && p[i] != '\r');
		if (!(want_capa & FG_CAPA_ENCODE_BASE64) && i > strlen(prefix))
			assert_true(p[i] == ':' || (p[i] >= '0' && p[i] <= '9') ||
			    (p[i] >= 'a' && p[i] <= 'f'));
	}
	assert_int_equal(colons,
	    (want_capa & (FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256)) ? 3 : 2);

	want_flags = FG_DEC_DECRYPTED;
	if (want_capa & (FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256))
		want_flags |= FG_DEC_SIGNED | FG_DEC_VERIFIED;
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000001"), k->bob, alice_pub, &got, &flags), 0);
	assert_int_equal(got, want_capa);
	assert_int_equal(flags, want_flags);
	assert_int_equal(fg_buf_len(&pt), len);
	assert_memory_equal(fg_buf_ptr(&pt), plain, len);

	/* Without the sender's key: decrypted, but unverified. */
	fg_buf_reset(&pt);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000001"), k->bob, NULL, &got, &flags), 0);
	if (want_capa & (FG_CAPA_SIGN_SHA1 | FG_CAPA_SIGN_SHA256))
		assert_int_equal(flags, FG_DEC_DECRYPTED | FG_DEC_SIGNED |
		    FG_DEC_UNVERIFIED_NOKEY);
	/* Alice cannot read what she sent to bob. */
	fg_buf_reset(&pt);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000001"), k->alice, NULL, &got, &flags),
	    FG_ERR_CRYPTO);
	assert_int_equal(fg_buf_len(&pt), 0);
	fg_buf_release(&ex);
	fg_buf_release(&pt);
	fg_crypto_key_free(alice_pub);
	fg_crypto_key_free(bob_pub);
}

static void
test_roundtrip(void **state)
{
	static const char msg[] = "Hello, \xe4\xb8\x96\xe7\x95\x8c: one\ntwo";
	static const char ext[] = "text\0" "0:a.txt:5:6553f100:1:\a\0" "TO:x";
	const uint32_t off = 0x65920006;	/* the official client's word */
	char big[20000];

	/* Ours or the official's: RSA_2048|AES_256|SIGN_SHA256|PACKETNO_IV|BASE64. */
	roundtrip(*state, FG_CAPA_OURS, 0x41900004, msg, sizeof(msg));
	roundtrip(*state, off, 0x41900004, ext, sizeof(ext));
	/* Hex instead of base64. */
	roundtrip(*state, off & ~FG_CAPA_ENCODE_BASE64, 0x40900004, msg,
	    sizeof(msg));
	/* SHA-1 signatures, base64 and hex. */
	roundtrip(*state, off & ~FG_CAPA_SIGN_SHA256, 0x21900004, msg,
	    sizeof(msg));
	roundtrip(*state, off & ~(FG_CAPA_SIGN_SHA256 | FG_CAPA_ENCODE_BASE64),
	    0x20900004, msg, sizeof(msg));
	/* Unsigned, zero IV. */
	roundtrip(*state, FG_CAPA_RSA_2048 | FG_CAPA_AES_256, 0x00100004, msg,
	    sizeof(msg));
	/* Block-sized and larger plaintexts. */
	roundtrip(*state, off, 0x41900004, "0123456789abcde", 16);
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	roundtrip(*state, off, 0x41900004, big, sizeof(big));
}

/* Replaces one character in field idx (0 = capa) of extra by another valid one. */
static void
flip(struct fg_buf *b, int idx, int b64)
{
	uint8_t *p = b->d;
	size_t i, start = 0, end, f = 0;

	for (i = 0; i < b->size && (int)f < idx; i++)
		if (p[i] == ':' && ++f == (size_t)idx)
			start = i + 1;
	for (end = start; end < b->size && p[end] != ':'; end++)
		;
	i = start + (end - start) / 2;
	if (b64)
		p[i] = p[i] == 'A' ? 'B' : 'A';
	else
		p[i] = p[i] == '0' ? '1' : '0';
}

static void
test_tamper(void **state)
{
	struct keys *k = *state;
	static const char msg[] = "pay 100 to carol";
	struct fg_key *alice_pub = public_of(k->alice), *bob_pub = public_of(k->bob);
	struct fg_key *mallory_pub = public_of(k->mallory);
	uint32_t hexc = 0x65920006 & ~FG_CAPA_ENCODE_BASE64;
	uint32_t caps[2] = { 0x65920006, hexc }, used;
	struct fg_buf ex, bad, pt;
	unsigned flags;
	int c, fi;

	fg_buf_init(&pt, FG_MAX_DATAGRAM);
	for (c = 0; c < 2; c++) {
		fg_buf_init(&ex, FG_MAX_DATAGRAM);
		assert_int_equal(fg_crypto_encrypt_msg(&ex, caps[c], bob_pub,
		    k->alice, "1700000001", msg, sizeof(msg), &used), 0);
		/* A changed byte in the key, the body or the signature. */
		for (fi = 1; fi <= 3; fi++) {
			fg_buf_init(&bad, FG_MAX_DATAGRAM);
			assert_int_equal(fg_buf_put(&bad, ex.d, ex.size), 0);
			flip(&bad, fi, c == 0);
			fg_buf_reset(&pt);
			assert_int_equal(fg_crypto_decrypt_msg(&pt,
			    fg_buf_span(&bad), fg_span_str("1700000001"), k->bob,
			    alice_pub, &used, &flags), FG_ERR_CRYPTO);
			assert_int_equal(fg_buf_len(&pt), 0);
			assert_int_equal(flags, 0);
			fg_buf_release(&bad);
		}
		/* Another packet number: another IV, the signature fails. */
		assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
		    fg_span_str("1700000002"), k->bob, alice_pub, &used, &flags),
		    FG_ERR_CRYPTO);
		/* Signed by alice, but claimed to come from mallory. */
		assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
		    fg_span_str("1700000001"), k->bob, mallory_pub, &used,
		    &flags), FG_ERR_CRYPTO);
		fg_buf_release(&ex);
	}

	/* Mallory signs with her key and claims to be alice. */
	fg_buf_init(&ex, FG_MAX_DATAGRAM);
	assert_int_equal(fg_crypto_encrypt_msg(&ex, 0x65920006, bob_pub,
	    k->mallory, "1700000001", msg, sizeof(msg), &used), 0);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000001"), k->bob, alice_pub, &used, &flags),
	    FG_ERR_CRYPTO);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000001"), k->bob, mallory_pub, &used, &flags), 0);
	assert_int_equal(flags, FG_DEC_DECRYPTED | FG_DEC_SIGNED | FG_DEC_VERIFIED);

	/* Signature removed, or a field added: malformed. */
	fg_buf_init(&bad, FG_MAX_DATAGRAM);
	assert_int_equal(fg_buf_put(&bad, ex.d, ex.size), 0);
	while (bad.size > 0 && bad.d[bad.size - 1] != ':')
		bad.size--;
	bad.size--;
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&bad),
	    fg_span_str("1700000001"), k->bob, alice_pub, &used, &flags),
	    FG_ERR_FORMAT);
	fg_buf_reset(&bad);
	assert_int_equal(fg_buf_put(&bad, ex.d, ex.size), 0);
	assert_int_equal(fg_buf_put_str(&bad, ":AAAA"), 0);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&bad),
	    fg_span_str("1700000001"), k->bob, alice_pub, &used, &flags),
	    FG_ERR_FORMAT);
	fg_buf_release(&bad);
	fg_buf_release(&ex);
	fg_buf_release(&pt);
	fg_crypto_key_free(alice_pub);
	fg_crypto_key_free(bob_pub);
	fg_crypto_key_free(mallory_pub);
}

static void
test_capa_and_malformed(void **state)
{
	struct keys *k = *state;
	struct fg_key *bob_pub = public_of(k->bob);
	static const char *bad[] = {
		"", ":", "41900004", "41900004:", "41900004:AAAA",
		"20002:AAAA:AAAA",			/* RSA-1024/Blowfish */
		"100004:AAAA:AAAA", "900000:AAAA:AAAA",	/* no AES, no RSA-2048 */
		"1900004:AAAA:AAAAAAAAAAAAAAAAAAAAAA==",	/* key too short */
		"1900004:A:AAAA", "1900004:AAA=A:AAAA", "1900004:!AAA:AAAA",
		"900004:abc:00", "900004:zz:00", "123456789:AAAA:AAAA",
		"41900004:AAAA:AAAA:",
	};
	struct fg_buf ex, pt;
	uint32_t used;
	unsigned flags;
	size_t i;
	int r;

	fg_buf_init(&ex, FG_MAX_DATAGRAM);
	fg_buf_init(&pt, FG_MAX_DATAGRAM);
	/* No cipher set in common: refused, nothing appended. */
	assert_int_equal(fg_crypto_encrypt_msg(&ex, 0, bob_pub, k->alice, "1",
	    "x", 2, &used), FG_ERR_INVAL);
	assert_int_equal(fg_crypto_encrypt_msg(&ex, 0x01820002, bob_pub,
	    k->alice, "1", "x", 2, &used), FG_ERR_INVAL);
	assert_int_equal(fg_crypto_encrypt_msg(&ex, FG_CAPA_RSA_2048 |
	    FG_CAPA_SIGN_SHA256, bob_pub, k->alice, "1", "x", 2, &used),
	    FG_ERR_INVAL);
	assert_int_equal(fg_crypto_encrypt_msg(&ex, FG_CAPA_AES_256 |
	    FG_CAPA_RSA_4096, bob_pub, k->alice, "1", "x", 2, &used),
	    FG_ERR_INVAL);
	assert_int_equal(used, 0);
	assert_int_equal(fg_buf_len(&ex), 0);
	/* An IV string longer than the official 15 characters. */
	assert_int_equal(fg_crypto_encrypt_msg(&ex, 0x65920006, bob_pub,
	    k->alice, "1234567890123456", "x", 2, &used), FG_ERR_INVAL);
	/* Without our private key the message goes unsigned. */
	assert_int_equal(fg_crypto_encrypt_msg(&ex, 0x65920006, bob_pub, NULL,
	    "1", "x", 2, &used), 0);
	assert_int_equal(used, 0x01900004);
	/* A public key cannot decrypt. */
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1"), bob_pub, NULL, &used, &flags), FG_ERR_INVAL);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1"), k->bob, NULL, &used, &flags), 0);
	assert_int_equal(flags, FG_DEC_DECRYPTED);
	/* A packet number longer than the IV. */
	fg_buf_reset(&pt);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1234567890123456"), k->bob, NULL, &used, &flags),
	    FG_ERR_FORMAT);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = fg_crypto_decrypt_msg(&pt, fg_span_str(bad[i]),
		    fg_span_str("1"), k->bob, NULL, &used, &flags);
		if (r == 0 || r == FG_ERR_ALLOC || r == FG_ERR_INTERNAL)
			fail_msg("bad[%zu] \"%s\" gave %d", i, bad[i], r);
		assert_int_equal(fg_buf_len(&pt), 0);
	}
	fg_buf_release(&ex);
	fg_buf_release(&pt);
	fg_crypto_key_free(bob_pub);
}

static void
test_split_ext(void **state)
{
	struct fg_crypto_ext x;

	(void)state;
	fg_crypto_split_ext("hi\0" "0:a:1:2:1:\a\0" "TO:u@h\0", 22, &x);
	assert_true(fg_span_eq(x.text, "hi"));
	assert_true(fg_span_eq(x.attach, "0:a:1:2:1:\a"));
	assert_true(fg_span_eq(x.to, "TO:u@h"));
	/* An empty attach list stands in when only a TO list follows. */
	fg_crypto_split_ext("hi\0\0TO:u@h\0", 11, &x);
	assert_true(fg_span_eq(x.text, "hi"));
	assert_int_equal(x.attach.len, 0);
	assert_true(fg_span_eq(x.to, "TO:u@h"));
	fg_crypto_split_ext("hi\0", 3, &x);
	assert_true(fg_span_eq(x.text, "hi"));
	assert_int_equal(x.attach.len + x.to.len, 0);
	fg_crypto_split_ext("no nul", 6, &x);
	assert_true(fg_span_eq(x.text, "no nul"));
	fg_crypto_split_ext("", 0, &x);
	assert_int_equal(x.text.len, 0);
}

static void
test_pubkey_codecs(void **state)
{
	struct keys *k = *state;
	struct fg_buf b;
	struct fg_key *p;
	uint32_t capa;
	char buf[1200], *s;
	const uint8_t *d;
	size_t i;

	fg_buf_init(&b, 2048);
	assert_int_equal(fg_crypto_put_getpubkey(&b, FG_CAPA_OURS), 0);
	assert_buf_str(&b, "61900004");
	assert_int_equal(fg_crypto_parse_getpubkey(fg_span_str("65920006"),
	    &capa), 0);
	assert_int_equal(capa, 0x65920006);
	assert_int_equal(fg_crypto_parse_getpubkey(fg_span_str(""), &capa),
	    FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_getpubkey(fg_span_str("6592x"), &capa),
	    FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_getpubkey(fg_span_str("123456789"),
	    &capa), FG_ERR_RANGE);

	/* "%X:%X-" then 512 lower-case hex digits of the modulus. */
	fg_buf_reset(&b);
	assert_int_equal(fg_crypto_put_anspubkey(&b, 0x65900004, k->alice), 0);
	assert_int_equal(fg_buf_len(&b), 15 + 512);
	assert_memory_equal(fg_buf_ptr(&b), "65900004:10001-", 15);
	d = fg_buf_ptr(&b);
	for (i = 15; i < fg_buf_len(&b); i++)
		assert_true((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f'));
	assert_int_equal(fg_crypto_parse_anspubkey(fg_buf_span(&b), &capa, &p), 0);
	assert_int_equal(capa, 0x65900004);
	assert_true(fg_crypto_key_same(p, k->alice));
	assert_false(fg_crypto_key_same(p, k->bob));
	fg_crypto_key_free(p);
	/* Anything after a ':' that ends N is ignored, as by the official client. */
	assert_int_equal(fg_buf_put_str(&b, ":junk"), 0);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_buf_span(&b), &capa, &p), 0);
	fg_crypto_key_free(p);

	/* Hostile inputs. */
	memcpy(buf, fg_buf_ptr(&b), 15 + 512);
	buf[15 + 512] = '\0';
	s = strchr(buf, '-');
	*s = '+';				/* missing '-' */
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p),
	    FG_ERR_FORMAT);
	*s = '-';
	buf[100] = 'g';				/* non-hex modulus */
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p),
	    FG_ERR_FORMAT);
	assert_null(p);
	assert_int_equal(capa, 0);
	memset(buf, 'f', sizeof(buf));		/* a 1025-digit modulus */
	memcpy(buf, "6:10001-", 8);
	buf[8 + 1025] = '\0';
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p),
	    FG_ERR_LIMIT);
	buf[8 + 1024] = '\0';			/* 4096 bits is fine */
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p), 0);
	assert_int_equal(fg_crypto_key_bits(p), 4096);
	fg_crypto_key_free(p);
	buf[8 + 256] = '\0';			/* 1024 bits is too small */
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p),
	    FG_ERR_RANGE);
	memcpy(buf, "6:10000-", 8);		/* even exponent */
	buf[8 + 512] = '\0';
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p),
	    FG_ERR_RANGE);
	buf[8 + 511] = 'e';			/* even modulus */
	memcpy(buf, "6:10001-", 8);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(buf), &capa, &p),
	    FG_ERR_RANGE);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str("6:10001-"),
	    &capa, &p), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str("6:10001"),
	    &capa, &p), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str("6"), &capa, &p),
	    FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str(":10001-ff"),
	    &capa, &p), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_anspubkey(fg_span_str("6:1000000001-ff"),
	    &capa, &p), FG_ERR_RANGE);
	fg_buf_release(&b);
}

/* Removes dir and the files in it (flat). */
static void
rm_dir(const char *dir, const char *const *names)
{
	char path[512];

	for (; *names != NULL; names++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *names);
		(void)unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void
test_key_files(void **state)
{
	struct keys *k = *state;
	char dir[] = "/tmp/feige-crypto-XXXXXX", path[512], err[512];
	static const char *const names[] = { "id", "junk", NULL };
	struct fg_key *l;
	struct stat st;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/id", dir);
	assert_int_equal(fg_crypto_key_save(k->alice, path, 0, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(fg_crypto_key_load(path, &l, err, sizeof(err)), 0);
	assert_true(fg_crypto_key_is_private(l));
	assert_true(fg_crypto_key_same(l, k->alice));
	fg_crypto_key_free(l);
	fg_crypto_key_free(NULL);

	/* No silent overwrite unless asked. */
	assert_int_equal(fg_crypto_key_save(k->bob, path, 0, err, sizeof(err)),
	    FG_ERR_SYSTEM);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(fg_crypto_key_save(k->bob, path, 1, err, sizeof(err)), 0);
	assert_int_equal(fg_crypto_key_load(path, &l, err, sizeof(err)), 0);
	assert_true(fg_crypto_key_same(l, k->bob));
	fg_crypto_key_free(l);

	/* A group- or world-readable private key is refused with a clear error. */
	assert_int_equal(chmod(path, 0644), 0);
	err[0] = '\0';
	assert_int_equal(fg_crypto_key_load(path, &l, err, sizeof(err)),
	    FG_ERR_INVAL);
	assert_null(l);
	assert_non_null(strstr(err, "0644"));
	assert_non_null(strstr(err, "too open"));
	assert_int_equal(chmod(path, 0600), 0);

	/* A public key has nothing to save; a non-key file does not load. */
	l = public_of(k->alice);
	assert_int_equal(fg_crypto_key_save(l, path, 1, err, sizeof(err)),
	    FG_ERR_INVAL);
	fg_crypto_key_free(l);
	snprintf(path, sizeof(path), "%s/junk", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(fg_crypto_key_load(path, &l, err, sizeof(err)),
	    FG_ERR_FORMAT);
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(fg_crypto_key_load(path, &l, err, sizeof(err)),
	    FG_ERR_SYSTEM);
	assert_int_equal(fg_crypto_key_generate(1024, &l), FG_ERR_INVAL);
	/* No temp file is left behind: rmdir would fail. */
	rm_dir(dir, names);
}

static void
test_filereq(void **state)
{
	struct keys *k = *state;
	struct fg_crypto_filereq q, back;
	struct fg_key *bob_pub = public_of(k->bob), *alice_pub = public_of(k->alice);
	struct fg_buf b, ex, pt;
	struct fg_crypto_ctr *c;
	char want[200];
	uint8_t x[5] = { 'A', 'B', 'C', 'D', 'E' }, y[5], z[5];
	uint32_t used;
	unsigned flags;
	size_t i;

	memset(&q, 0, sizeof(q));
	q.mode = FG_CMD_GETDIRFILES;
	q.pktno = 0x6553f101;
	q.fid = 1;
	q.file_capa = FG_CAPA_AES_256 | FG_CAPA_PACKETNO_IV;
	for (i = 0; i < 32; i++)
		q.key[i] = (uint8_t)i;
	q.req_pktno = 1700000103;
	fg_buf_init(&b, 1024);
	assert_int_equal(fg_crypto_put_filereq(&b, &q), 0);
	snprintf(want, sizeof(want), "6553f101:1:900000:%s:6553f167",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
	assert_int_equal(fg_buf_len(&b), strlen(want) + 1);	/* NUL included */
	assert_memory_equal(fg_buf_ptr(&b), want, strlen(want) + 1);
	assert_int_equal(fg_crypto_parse_filereq(b.d, b.size, q.mode, &back), 0);
	assert_memory_equal(&back, &q, sizeof(q));

	/* The request travels encrypted and signed, under its own packet number. */
	fg_buf_init(&ex, FG_MAX_DATAGRAM);
	fg_buf_init(&pt, FG_MAX_DATAGRAM);
	assert_int_equal(fg_crypto_encrypt_msg(&ex, 0x65920006, bob_pub, k->alice,
	    "1700000103", b.d, b.size, &used), 0);
	assert_int_equal(fg_crypto_decrypt_msg(&pt, fg_buf_span(&ex),
	    fg_span_str("1700000103"), k->bob, alice_pub, &used, &flags), 0);
	assert_true(flags & FG_DEC_VERIFIED);
	assert_int_equal(fg_crypto_parse_filereq(pt.d, pt.size, q.mode, &back), 0);
	assert_memory_equal(back.key, q.key, 32);
	/* Both ends then run the same CTR stream. */
	assert_int_equal(fg_crypto_ctr_new(q.key, "1700000103", &c), 0);
	assert_int_equal(fg_crypto_ctr_update(c, x, y, 5), 0);
	fg_crypto_ctr_free(c);
	assert_int_equal(fg_crypto_ctr_new(back.key, "1700000103", &c), 0);
	assert_int_equal(fg_crypto_ctr_update(c, y, z, 5), 0);
	fg_crypto_ctr_free(c);
	assert_memory_equal(z, x, 5);
	fg_crypto_filereq_wipe(&back);
	for (i = 0; i < 32; i++)
		assert_int_equal(back.key[i], 0);

	/* Plain body; GETFILEDATA with its offset; no file capability. */
	q.file_capa = FG_CAPA_NOENC_FILEBODY;
	fg_buf_reset(&b);
	assert_int_equal(fg_crypto_put_filereq(&b, &q), 0);
	assert_memory_equal(fg_buf_ptr(&b), "6553f101:1:4000000:6553f167\0", 28);
	assert_int_equal(fg_crypto_parse_filereq(b.d, b.size, q.mode, &back), 0);
	assert_int_equal(back.file_capa, FG_CAPA_NOENC_FILEBODY);
	assert_int_equal(back.req_pktno, 1700000103);
	q.mode = FG_CMD_GETFILEDATA;
	q.file_capa = 0;
	fg_buf_reset(&b);
	assert_int_equal(fg_crypto_put_filereq(&b, &q), 0);
	assert_memory_equal(fg_buf_ptr(&b), "6553f101:1:0:\0", 14);
	assert_int_equal(fg_crypto_parse_filereq(b.d, b.size, q.mode, &back), 0);
	assert_int_equal(back.file_capa, 0);
	assert_int_equal(back.fid, 1);

	/* Malformed requests. */
	assert_int_equal(fg_crypto_parse_filereq("6553f101:1:9:00", 15,
	    FG_CMD_GETDIRFILES, &back), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_filereq("6553f101:1:900000:0011", 22,
	    FG_CMD_GETDIRFILES, &back), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_filereq("6553f101:1:4000000", 18,
	    FG_CMD_GETDIRFILES, &back), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_filereq("6553f101", 8,
	    FG_CMD_GETDIRFILES, &back), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_filereq("x:1:", 4,
	    FG_CMD_GETDIRFILES, &back), FG_ERR_FORMAT);
	assert_int_equal(fg_crypto_parse_filereq("1:1:", 4, FG_CMD_SENDMSG,
	    &back), FG_ERR_INVAL);
	q.file_capa = 0x9;
	assert_int_equal(fg_crypto_put_filereq(&b, &q), FG_ERR_INVAL);
	fg_buf_release(&b);
	fg_buf_release(&ex);
	fg_buf_release(&pt);
	fg_crypto_key_free(bob_pub);
	fg_crypto_key_free(alice_pub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c1_fingerprint),
		cmocka_unit_test(test_fingerprint_name),
		cmocka_unit_test(test_c2_cbc),
		cmocka_unit_test(test_c3_ctr),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_capa_and_malformed),
		cmocka_unit_test(test_split_ext),
		cmocka_unit_test(test_pubkey_codecs),
		cmocka_unit_test(test_key_files),
		cmocka_unit_test(test_filereq),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
