/*
 * Fuzz target: the input as an ANSPUBKEY extra, a GETPUBKEY extra and an
 * encrypted SENDMSG extra (decrypted with a fixed key made once, lazily),
 * then as a user name, an ENCEXTMSGOPT plaintext and a file request. A key
 * that parses is rebuilt and must parse back to the same key.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "feige/feige.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fg_key *fixed;

/* Our key, generated on first use (RSA keygen is slow) and kept. */
static const struct fg_key *
fixed_key(void)
{
	if (fixed == NULL && fg_crypto_key_generate(2048, &fixed) != 0)
		abort();
	return fixed;
}

/* A parsed ANSPUBKEY must rebuild and parse back to the same key. */
static void
check_anspubkey(struct fg_span s)
{
	struct fg_key *k, *back;
	struct fg_buf b;
	uint32_t capa, capa2;
	char fp[FG_FP_LEN + 1];

	if (fg_crypto_parse_anspubkey(s, &capa, &k) != 0) {
		assert(k == NULL && capa == 0);
		return;
	}
	assert(fg_crypto_key_bits(k) >= 2048 && fg_crypto_key_bits(k) <= 4096);
	assert(!fg_crypto_key_is_private(k));
	(void)fg_crypto_key_fingerprint(k, fp);
	fg_buf_init(&b, FG_MAX_DATAGRAM);
	assert(fg_crypto_put_anspubkey(&b, capa, k) == 0);
	assert(fg_crypto_parse_anspubkey(fg_buf_span(&b), &capa2, &back) == 0);
	assert(capa2 == capa && fg_crypto_key_same(k, back));
	fg_crypto_key_free(back);
	fg_crypto_key_free(k);
	fg_buf_release(&b);
}

/* Splits and parses a plaintext as the node would after decrypting it. */
static void
check_plain(const uint8_t *p, size_t len)
{
	struct fg_crypto_ext x;
	struct fg_crypto_filereq q;

	fg_crypto_split_ext(p, len, &x);
	assert(x.text.len + x.attach.len + x.to.len <= len);
	if (fg_crypto_parse_filereq(p, len, FG_CMD_GETDIRFILES, &q) == 0)
		fg_crypto_filereq_wipe(&q);
	if (fg_crypto_parse_filereq(p, len, FG_CMD_GETFILEDATA, &q) == 0)
		fg_crypto_filereq_wipe(&q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_span s = { data, size };
	const struct fg_key *k = fixed_key();
	struct fg_buf pt;
	char fp[FG_FP_LEN + 1];
	uint32_t capa;
	unsigned flags;
	int r;

	check_anspubkey(s);
	if (fg_crypto_parse_getpubkey(s, &capa) != 0)
		assert(capa == 0);

	fg_buf_init(&pt, FG_MAX_DATAGRAM);
	r = fg_crypto_decrypt_msg(&pt, s, fg_span_str("1700000001"), k, k,
	    &capa, &flags);
	if (r == 0) {
		assert((flags & FG_DEC_DECRYPTED) && fg_buf_len(&pt) <= size);
		check_plain(fg_buf_ptr(&pt), fg_buf_len(&pt));
	} else
		assert(fg_buf_len(&pt) == 0 && flags == 0 && capa == 0);
	fg_buf_release(&pt);

	r = fg_crypto_name_fingerprint(s, fp);
	assert(r == 0 ? strlen(fp) == FG_FP_LEN : fp[0] == '\0');
	check_plain(data, size);
	return 0;
}
