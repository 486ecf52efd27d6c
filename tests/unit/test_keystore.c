/* Unit tests: the key files of the feige home and trust-on-first-use pins. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "crypto.h"
#include "feige/feige.h"
#include "keystore.h"

struct fx {
	char	 top[64];	/* mkdtemp'd */
	char	 home[128];	/* top/home, made by fg_keystore_open */
};

/* A public key with a random odd modulus of bits bits: pins need no real key. */
static struct fg_key *
fake_key(unsigned bits)
{
	uint8_t n[512];
	size_t len = bits / 8;
	struct fg_key *k;

	assert_int_equal(RAND_bytes(n, (int)len), 1);
	n[0] |= 0x80;
	n[len - 1] |= 1;
	assert_int_equal(fg_crypto_key_from_en(65537, n, len, &k), 0);
	return k;
}

/* Reads a whole small file into a malloc'd string. */
static char *
slurp(const char *path)
{
	FILE *f;
	char *s;
	long n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* nftw callback removing everything under the test directory. */
static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->top, sizeof(fx->top), "/tmp/feige-ks-XXXXXX");
	if (mkdtemp(fx->top) == NULL)
		return -1;
	snprintf(fx->home, sizeof(fx->home), "%s/home", fx->top);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	int r = nftw(fx->top, rm_one, 8, FTW_DEPTH | FTW_PHYS);

	free(fx);
	return r;
}

static void
test_open_creates(void **state)
{
	struct fx *fx = *state;
	struct fg_keystore *ks, *ks2;
	char path[256], err[512], fp[FG_FP_LEN + 1];
	struct stat st;

	err[0] = '\0';
	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)), 0);
	assert_int_equal(stat(fx->home, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/id_rsa", fx->home);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(fg_crypto_key_is_private(fg_keystore_my_key(ks)));
	assert_int_equal(fg_crypto_key_bits(fg_keystore_my_key(ks)), 2048);
	assert_int_equal(fg_crypto_key_fingerprint(fg_keystore_my_key(ks), fp), 0);
	assert_string_equal(fg_keystore_my_fingerprint(ks), fp);
	assert_int_equal(fg_keystore_npins(ks), 0);
	assert_null(fg_keystore_pin(ks, 0));

	/* Opened again: the same key, loaded, not made anew. */
	assert_int_equal(fg_keystore_open(fx->home, &ks2, err, sizeof(err)), 0);
	assert_true(fg_crypto_key_same(fg_keystore_my_key(ks),
	    fg_keystore_my_key(ks2)));
	fg_keystore_free(ks2);
	fg_keystore_free(ks);
	fg_keystore_free(NULL);

	/* A readable private key stops the store from opening. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)),
	    FG_ERR_INVAL);
	assert_null(ks);
	assert_non_null(strstr(err, "too open"));
	assert_int_equal(chmod(path, 0600), 0);
}

static void
test_tofu(void **state)
{
	struct fx *fx = *state;
	struct fg_keystore *ks, *ks2;
	struct fg_key *k1 = fake_key(2048), *k2 = fake_key(2048);
	char path[256], err[1024], id1[FG_KS_ID_MAX], id2[FG_KS_ID_MAX];
	char *before, *after;
	const struct fg_ks_pin *p;

	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/known_keys", fx->home);
	assert_int_equal(fg_keystore_key_id(k1, id1), 0);
	assert_int_equal(fg_keystore_key_id(k2, id2), 0);
	assert_int_equal(strlen(id1), FG_FP_LEN);

	/* First sight pins; the same key matches, names in any ASCII case. */
	assert_int_equal(fg_keystore_check(ks, "bob", "PC02", k1, err,
	    sizeof(err)), FG_KS_NEW);
	assert_int_equal(fg_keystore_check(ks, "BOB", "pc02", k1, err,
	    sizeof(err)), FG_KS_MATCH);
	assert_int_equal(fg_keystore_npins(ks), 1);
	assert_non_null(p = fg_keystore_pin(ks, 0));
	assert_string_equal(p->user, "bob");
	assert_string_equal(p->host, "PC02");
	assert_string_equal(p->id, id1);
	assert_int_equal(strlen(p->modulus), 512);

	/* Another key for the same identity: refused, warned, pin file untouched. */
	assert_non_null(before = slurp(path));
	assert_non_null(strstr(before, id1));
	err[0] = '\0';
	assert_int_equal(fg_keystore_check(ks, "bob", "pc02", k2, err,
	    sizeof(err)), FG_KS_MISMATCH);
	assert_non_null(strstr(err, "WARNING"));
	assert_non_null(strstr(err, id1));
	assert_non_null(strstr(err, id2));
	assert_non_null(after = slurp(path));
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(fg_keystore_check(ks, "bob", "PC02", k1, err,
	    sizeof(err)), FG_KS_MATCH);

	/* The pin survives a reopen; another host is another identity. */
	assert_int_equal(fg_keystore_open(fx->home, &ks2, err, sizeof(err)), 0);
	assert_int_equal(fg_keystore_check(ks2, "bob", "PC02", k1, err,
	    sizeof(err)), FG_KS_MATCH);
	assert_int_equal(fg_keystore_check(ks2, "bob", "PC02", k2, err,
	    sizeof(err)), FG_KS_MISMATCH);
	assert_int_equal(fg_keystore_check(ks2, "bob", "PC03", k2, err,
	    sizeof(err)), FG_KS_NEW);
	assert_int_equal(fg_keystore_npins(ks2), 2);
	fg_keystore_free(ks2);

	/* trust replaces (in memory and on disk); forget removes. */
	assert_int_equal(fg_keystore_trust(ks, "Bob", "PC02", k2, err,
	    sizeof(err)), 0);
	assert_int_equal(fg_keystore_check(ks, "bob", "PC02", k2, err,
	    sizeof(err)), FG_KS_MATCH);
	assert_int_equal(fg_keystore_check(ks, "bob", "PC02", k1, err,
	    sizeof(err)), FG_KS_MISMATCH);
	assert_non_null(after = slurp(path));
	assert_non_null(strstr(after, id2));
	assert_null(strstr(after, id1));
	free(after);
	assert_int_equal(fg_keystore_forget(ks, "BOB", "pc02", err, sizeof(err)),
	    0);
	assert_int_equal(fg_keystore_forget(ks, "bob", "PC02", err, sizeof(err)),
	    FG_ERR_NOT_FOUND);
	assert_int_equal(fg_keystore_check(ks, "bob", "PC02", k1, err,
	    sizeof(err)), FG_KS_NEW);
	assert_int_equal(fg_keystore_forget(ks, "bob", "PC02", err, sizeof(err)),
	    0);

	/* Names that cannot be pin fields. */
	assert_int_equal(fg_keystore_check(ks, "b\tob", "PC02", k1, err,
	    sizeof(err)), FG_ERR_INVAL);
	assert_int_equal(fg_keystore_check(ks, "bob", "", k1, err, sizeof(err)),
	    FG_ERR_INVAL);
	assert_int_equal(fg_keystore_check(ks, "bob", "P\nC", k1, err,
	    sizeof(err)), FG_ERR_INVAL);

	free(before);
	fg_keystore_free(ks);
	fg_crypto_key_free(k1);
	fg_crypto_key_free(k2);
}

static void
test_fingerprinted_name(void **state)
{
	struct fx *fx = *state;
	struct fg_keystore *ks;
	struct fg_key *k3 = fake_key(2048), *k4 = fake_key(2048);
	struct fg_key *k5 = fake_key(3072);
	char err[1024], fp3[FG_FP_LEN + 1], fp4[FG_FP_LEN + 1];
	char name[FG_FP_NAME_MAX], id5[FG_KS_ID_MAX];

	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)), 0);
	assert_int_equal(fg_crypto_key_fingerprint(k3, fp3), 0);
	assert_int_equal(fg_crypto_key_fingerprint(k4, fp4), 0);
	assert_int_equal(fg_crypto_fingerprint_name("carol", fp3, name,
	    sizeof(name)), 0);

	/* The name's fingerprint must match the key, pins or no pins. */
	err[0] = '\0';
	assert_int_equal(fg_keystore_check(ks, name, "PC04", k4, err,
	    sizeof(err)), FG_KS_MISMATCH);
	assert_non_null(strstr(err, fp3));
	assert_non_null(strstr(err, fp4));
	assert_int_equal(fg_keystore_trust(ks, name, "PC04", k4, err,
	    sizeof(err)), FG_ERR_CRYPTO);
	assert_int_equal(fg_keystore_npins(ks), 0);
	assert_int_equal(fg_keystore_check(ks, name, "PC04", k3, err,
	    sizeof(err)), FG_KS_NEW);
	assert_int_equal(fg_keystore_check(ks, name, "PC04", k3, err,
	    sizeof(err)), FG_KS_MATCH);
	/* A fingerprint-shaped suffix that is not hex matches no key. */
	assert_int_equal(fg_keystore_check(ks, "dave-<0123456789abcdeZ>", "PC05",
	    k3, err, sizeof(err)), FG_KS_MISMATCH);
	/* A non-2048-bit key cannot match a name fingerprint ... */
	assert_int_equal(fg_keystore_check(ks, name, "PC06", k5, err,
	    sizeof(err)), FG_KS_MISMATCH);
	/* ... and is pinned by the SHA-256 of its modulus. */
	assert_int_equal(fg_keystore_key_id(k5, id5), 0);
	assert_int_equal(strncmp(id5, "SHA256:", 7), 0);
	assert_int_equal(strlen(id5), 7 + 64);
	assert_int_equal(fg_keystore_check(ks, "erin", "PC07", k5, err,
	    sizeof(err)), FG_KS_NEW);
	assert_string_equal(fg_keystore_pin(ks, 1)->id, id5);
	assert_int_equal(fg_keystore_forget(ks, name, "PC04", err, sizeof(err)), 0);
	assert_int_equal(fg_keystore_forget(ks, "erin", "PC07", err, sizeof(err)),
	    0);
	fg_keystore_free(ks);
	fg_crypto_key_free(k3);
	fg_crypto_key_free(k4);
	fg_crypto_key_free(k5);
}

static void
test_damaged_pin_file(void **state)
{
	struct fx *fx = *state;
	struct fg_keystore *ks;
	struct fg_key *k = fake_key(2048);
	char path[256], err[1024], *good;
	FILE *f;

	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)), 0);
	assert_int_equal(fg_keystore_check(ks, "frank", "PC08", k, err,
	    sizeof(err)), FG_KS_NEW);
	fg_keystore_free(ks);
	snprintf(path, sizeof(path), "%s/known_keys", fx->home);
	assert_non_null(good = slurp(path));

	/* A broken line fails the open (pins are never silently dropped). */
	assert_non_null(f = fopen(path, "a"));
	fputs("mallory\tPC09\tdeadbeefdeadbeef\n", f);
	fclose(f);
	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)),
	    FG_ERR_FORMAT);
	assert_non_null(strstr(err, "known_keys:3:"));

	/* A hand-edited id that no longer fits its modulus, too. */
	assert_non_null(f = fopen(path, "w"));
	fputs(good, f);
	fclose(f);
	good[strcspn(good, "\n") + 1 + strlen("frank\tPC08\t")] ^= 1;
	assert_non_null(f = fopen(path, "w"));
	fputs(good, f);
	fclose(f);
	assert_int_equal(fg_keystore_open(fx->home, &ks, err, sizeof(err)),
	    FG_ERR_FORMAT);
	assert_int_equal(unlink(path), 0);
	free(good);
	fg_crypto_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_creates),
		cmocka_unit_test(test_tofu),
		cmocka_unit_test(test_fingerprinted_name),
		cmocka_unit_test(test_damaged_pin_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
