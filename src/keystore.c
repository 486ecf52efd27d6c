/*
 * keystore: the key files of the feige home. Pins are kept in memory and
 * the whole pin file is rewritten (temp file, fsync, rename) on a change,
 * so a crash leaves either the old or the new file. A mismatch never
 * touches a pin: only fg_keystore_trust and fg_keystore_forget do.
 *
 * Keys are compared by modulus only: a key with the same modulus and
 * another exponent cannot be used without factoring that modulus.
 */
#include "keystore.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "feige/feige.h"
#include "proto.h"

#define KEY_FILE	"id_rsa"
#define PIN_FILE	"known_keys"
#define MAX_PINS	100000
#define MAX_LINE	4096
#define MAX_PIN_FILE	(128L * 1024 * 1024)
#define MAX_MODULUS	512		/* bytes: 4096 bits */

struct fg_keystore {
	char			*home;
	struct fg_key		*key;
	char			 fp[FG_FP_LEN + 1]; /* "" unless 2048 bits */
	struct fg_ks_pin	*pins;
	size_t			 npins, cap;
};

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

/* Copies a peer-supplied name for a message, control bytes shown as '?'. */
static void
printable(const char *s, char *dst, size_t dstsz)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < dstsz; i++)
		dst[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ?
		    '?' : s[i];
	dst[i] = '\0';
}

/* 1 when a user or host name can be a pin field. */
static int
valid_name(const char *s)
{
	size_t n;

	return s != NULL && (n = strlen(s)) > 0 && n <= FG_MAX_NAME &&
	    strpbrk(s, "\t\r\n") == NULL;
}

/* ASCII case-insensitive equality, whatever the locale. */
static int
name_eq(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	} while (ca != '\0');
	return 1;
}

/* Lower-case hex of n bytes into a malloc'd string. */
static char *
hex_dup(const uint8_t *p, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	char *s;
	size_t i;

	if ((s = malloc(2 * n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		s[2 * i] = dig[p[i] >> 4];
		s[2 * i + 1] = dig[p[i] & 0xf];
	}
	s[2 * n] = '\0';
	return s;
}

/* The id of a big-endian modulus: the fingerprint if 256 bytes, else SHA256. */
static int
modulus_id(const uint8_t *n, size_t len, char out[FG_KS_ID_MAX])
{
	uint8_t md[32];
	unsigned int mdlen = 0;
	char *h;

	if (len == 256)
		return fg_crypto_fingerprint(n, len, out);
	if (!EVP_Digest(n, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != sizeof(md) || (h = hex_dup(md, sizeof(md))) == NULL)
		return FG_ERR_INTERNAL;
	snprintf(out, FG_KS_ID_MAX, "SHA256:%s", h);
	free(h);
	return 0;
}

int
fg_keystore_key_id(const struct fg_key *k, char out[FG_KS_ID_MAX])
{
	uint8_t n[MAX_MODULUS];
	size_t len;
	int r;

	out[0] = '\0';
	if ((r = fg_crypto_key_modulus(k, n, sizeof(n), &len)) != 0)
		return r;
	return modulus_id(n, len, out);
}

/* The modulus hex and id of k. */
static int
key_strings(const struct fg_key *k, char **hexp, char id[FG_KS_ID_MAX])
{
	uint8_t n[MAX_MODULUS];
	size_t len;
	int r;

	*hexp = NULL;
	if ((r = fg_crypto_key_modulus(k, n, sizeof(n), &len)) != 0 ||
	    (r = modulus_id(n, len, id)) != 0)
		return r;
	if ((*hexp = hex_dup(n, len)) == NULL)
		return FG_ERR_ALLOC;
	return 0;
}

/* Frees the strings of one pin. */
static void
pin_clear(struct fg_ks_pin *p)
{
	free(p->user);
	free(p->host);
	free(p->id);
	free(p->modulus);
	memset(p, 0, sizeof(*p));
}

/* Index of the pin of (user, host), or -1. */
static long
pin_find(const struct fg_keystore *ks, const char *user, const char *host)
{
	size_t i;

	for (i = 0; i < ks->npins; i++)
		if (name_eq(ks->pins[i].user, user) &&
		    name_eq(ks->pins[i].host, host))
			return (long)i;
	return -1;
}

/* Appends a pin, taking over the four strings (freed on failure). */
static int
pin_add(struct fg_keystore *ks, char *user, char *host, char *id, char *mod)
{
	struct fg_ks_pin *np, *p;
	size_t ncap;

	if (user == NULL || host == NULL || id == NULL || mod == NULL) {
		free(user);
		free(host);
		free(id);
		free(mod);
		return FG_ERR_ALLOC;
	}
	/* MAX_PINS keeps ncap * sizeof(*np) far from overflowing. */
	if (ks->npins >= MAX_PINS || ks->npins == ks->cap) {
		ncap = ks->cap == 0 ? 16 : ks->cap * 2;
		if (ks->npins >= MAX_PINS || (np = realloc(ks->pins,
		    ncap * sizeof(*np))) == NULL) {
			free(user);
			free(host);
			free(id);
			free(mod);
			return ks->npins >= MAX_PINS ? FG_ERR_LIMIT :
			    FG_ERR_ALLOC;
		}
		ks->pins = np;
		ks->cap = ncap;
	}
	p = &ks->pins[ks->npins++];
	p->user = user;
	p->host = host;
	p->id = id;
	p->modulus = mod;
	return 0;
}

/* Joins home and a file name into path. */
static int
home_path(const struct fg_keystore *ks, const char *name, char *path,
    size_t pathsz)
{
	int n = snprintf(path, pathsz, "%s/%s", ks->home, name);

	return n < 0 || (size_t)n >= pathsz ? FG_ERR_LIMIT : 0;
}

/* Rewrites the pin file atomically: temp file, fsync, rename, fsync dir. */
static int
pins_save(const struct fg_keystore *ks, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	uint8_t rnd[4];
	FILE *f = NULL;
	size_t i;
	int fd = -1, r, dfd;

	tmp[0] = '\0';
	if ((r = home_path(ks, PIN_FILE, path, sizeof(path))) != 0 ||
	    RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp.%02x%02x%02x%02x", path, rnd[0],
	    rnd[1], rnd[2], rnd[3]) >= (int)sizeof(tmp)) {
		tmp[0] = '\0';
		seterr(err, errlen, "%s: path too long", ks->home);
		return FG_ERR_LIMIT;
	}
	if ((fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
	    0600)) == -1) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		r = FG_ERR_SYSTEM;
		goto out;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	fd = -1;
	fprintf(f, "# feige pinned keys: user, host, fingerprint, modulus\n");
	for (i = 0; i < ks->npins; i++)
		fprintf(f, "%s\t%s\t%s\t%s\n", ks->pins[i].user,
		    ks->pins[i].host, ks->pins[i].id, ks->pins[i].modulus);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) == -1) {
		seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	r = fclose(f);
	f = NULL;
	if (r != 0 || rename(tmp, path) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	tmp[0] = '\0';
	if ((dfd = open(ks->home, O_RDONLY)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	r = 0;
 out:
	if (f != NULL)
		fclose(f);
	if (fd != -1)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return r;
}

/* Decodes hex into n; 0 on success. */
static int
unhex(const char *s, uint8_t *n, size_t nsz, size_t *len)
{
	size_t i, sl = strlen(s);
	int hi, lo;

	*len = 0;
	if (sl == 0 || sl % 2 != 0 || sl / 2 > nsz)
		return FG_ERR_FORMAT;
	for (i = 0; i < sl / 2; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
		hi = (hi >= '0' && hi <= '9') ? hi - '0' :
		    (hi >= 'a' && hi <= 'f') ? hi - 'a' + 10 : -1;
		lo = (lo >= '0' && lo <= '9') ? lo - '0' :
		    (lo >= 'a' && lo <= 'f') ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0)
			return FG_ERR_FORMAT;
		n[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = sl / 2;
	return 0;
}

/* Parses one pin line (without its newline) and adds it. */
static int
pin_parse(struct fg_keystore *ks, char *line)
{
	char *f[4], *p = line, id[FG_KS_ID_MAX];
	uint8_t n[MAX_MODULUS];
	size_t i, len;
	int r;

	for (i = 0; i < 4; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
		else if (i != 3)
			return FG_ERR_FORMAT;
	}
	if (!valid_name(f[0]) || !valid_name(f[1]) ||
	    (r = unhex(f[3], n, sizeof(n), &len)) != 0 ||
	    (r = modulus_id(n, len, id)) != 0)
		return FG_ERR_FORMAT;
	/* The id is derived: a hand edit that breaks it is an error. */
	if (strcmp(id, f[2]) != 0)
		return FG_ERR_FORMAT;
	if (pin_find(ks, f[0], f[1]) != -1)
		return FG_ERR_FORMAT;
	return pin_add(ks, strdup(f[0]), strdup(f[1]), strdup(id),
	    strdup(f[3]));
}

/* Loads the pin file; a missing one is empty, a broken one an error. */
static int
pins_load(struct fg_keystore *ks, char *err, size_t errlen)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0, lineno = 0;
	struct stat st;
	ssize_t n;
	FILE *f;
	int r = 0;

	if ((r = home_path(ks, PIN_FILE, path, sizeof(path))) != 0) {
		seterr(err, errlen, "%s: path too long", ks->home);
		return r;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (fstat(fileno(f), &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_PIN_FILE) {
		seterr(err, errlen, "%s: not a pin file", path);
		fclose(f);
		return FG_ERR_FORMAT;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		/* A NUL inside the line or an overlong line is damage too. */
		if (n > MAX_LINE || (size_t)n != strlen(line))
			r = FG_ERR_FORMAT;
		else
			r = pin_parse(ks, line);
		if (r != 0)
			break;
	}
	if (r == 0 && ferror(f)) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		r = FG_ERR_SYSTEM;
	} else if (r != 0 && r != FG_ERR_ALLOC) {
		seterr(err, errlen, "%s:%zu: not a valid pin line (user, host, "
		    "fingerprint, modulus, tab-separated)", path, lineno);
		r = FG_ERR_FORMAT;
	}
	free(line);
	fclose(f);
	return r;
}

/* Loads id_rsa, or makes and saves a 2048-bit key when there is none. */
static int
key_load_or_create(struct fg_keystore *ks, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int r;

	if ((r = home_path(ks, KEY_FILE, path, sizeof(path))) != 0) {
		seterr(err, errlen, "%s: path too long", ks->home);
		return r;
	}
	if (stat(path, &st) == 0 || errno != ENOENT)
		return fg_crypto_key_load(path, &ks->key, err, errlen);
	if ((r = fg_crypto_key_generate(2048, &ks->key)) != 0) {
		seterr(err, errlen, "cannot generate an RSA key");
		return r;
	}
	if ((r = fg_crypto_key_save(ks->key, path, 0, err, errlen)) == 0)
		return 0;
	/* Another process made the key first: use that one. */
	if (r == FG_ERR_SYSTEM && errno == EEXIST) {
		fg_crypto_key_free(ks->key);
		ks->key = NULL;
		return fg_crypto_key_load(path, &ks->key, err, errlen);
	}
	return r;
}

int
fg_keystore_open(const char *home, struct fg_keystore **ksp, char *err,
    size_t errlen)
{
	struct fg_keystore *ks;
	struct stat st;
	int r;

	*ksp = NULL;
	if (home == NULL || *home == '\0') {
		seterr(err, errlen, "no home directory");
		return FG_ERR_INVAL;
	}
	if (mkdir(home, 0700) == -1 && errno != EEXIST) {
		seterr(err, errlen, "%s: %s", home, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (stat(home, &st) == -1 || !S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "%s: not a directory", home);
		return FG_ERR_SYSTEM;
	}
	if ((ks = calloc(1, sizeof(*ks))) == NULL ||
	    (ks->home = strdup(home)) == NULL) {
		free(ks);
		return FG_ERR_ALLOC;
	}
	if ((r = key_load_or_create(ks, err, errlen)) != 0 ||
	    (r = pins_load(ks, err, errlen)) != 0)
		goto out;
	if (fg_crypto_key_bits(ks->key) == 2048 &&
	    (r = fg_crypto_key_fingerprint(ks->key, ks->fp)) != 0)
		goto out;
	*ksp = ks;
	return 0;
 out:
	fg_keystore_free(ks);
	return r;
}

void
fg_keystore_free(struct fg_keystore *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->npins; i++)
		pin_clear(&ks->pins[i]);
	free(ks->pins);
	fg_crypto_key_free(ks->key);
	free(ks->home);
	free(ks);
}

const struct fg_key *
fg_keystore_my_key(const struct fg_keystore *ks)
{
	return ks->key;
}

const char *
fg_keystore_my_fingerprint(const struct fg_keystore *ks)
{
	return ks->fp[0] != '\0' ? ks->fp : NULL;
}

/*
 * 0 when user carries no fingerprint or one that k matches; otherwise
 * FG_ERR_CRYPTO with a warning, whatever the pins say.
 */
static int
check_name_fp(const char *user, const char *host, const struct fg_key *k,
    char *err, size_t errlen)
{
	char want[FG_FP_LEN + 1], have[FG_FP_LEN + 1];
	char u[FG_MAX_NAME + 1], h[FG_MAX_NAME + 1];
	int r;

	if ((r = fg_crypto_name_fingerprint(fg_span_str(user), want)) ==
	    FG_ERR_NOT_FOUND)
		return 0;
	if (r == 0 && fg_crypto_key_fingerprint(k, have) == 0 &&
	    strcmp(want, have) == 0)
		return 0;
	if (fg_crypto_key_fingerprint(k, have) != 0)
		snprintf(have, sizeof(have), "(not RSA-2048)");
	printable(user, u, sizeof(u));
	printable(host, h, sizeof(h));
	seterr(err, errlen, "WARNING: %s@%s offered a key with fingerprint %s, "
	    "but its user name carries fingerprint %s; the key is refused "
	    "(someone may be impersonating this peer)", u, h, have,
	    r == 0 ? want : "(not hex)");
	return FG_ERR_CRYPTO;
}

int
fg_keystore_check(struct fg_keystore *ks, const char *user, const char *host,
    const struct fg_key *k, char *err, size_t errlen)
{
	char id[FG_KS_ID_MAX], u[FG_MAX_NAME + 1], h[FG_MAX_NAME + 1];
	char *mod = NULL;
	long i;
	int r;

	if (!valid_name(user) || !valid_name(host) || k == NULL) {
		seterr(err, errlen, "invalid peer name or key");
		return FG_ERR_INVAL;
	}
	if (check_name_fp(user, host, k, err, errlen) != 0)
		return FG_KS_MISMATCH;
	if ((r = key_strings(k, &mod, id)) != 0)
		return r;
	if ((i = pin_find(ks, user, host)) != -1) {
		if (strcmp(ks->pins[i].modulus, mod) == 0) {
			free(mod);
			return FG_KS_MATCH;
		}
		printable(user, u, sizeof(u));
		printable(host, h, sizeof(h));
		seterr(err, errlen, "WARNING: the key of %s@%s has changed: "
		    "pinned fingerprint %s, offered fingerprint %s. Someone "
		    "may be impersonating this peer, or it made a new key. "
		    "The key is refused; trust it explicitly only after "
		    "checking the fingerprint with the peer", u, h,
		    ks->pins[i].id, id);
		free(mod);
		return FG_KS_MISMATCH;
	}
	if ((r = pin_add(ks, strdup(user), strdup(host), strdup(id), mod)) != 0)
		return r;
	if ((r = pins_save(ks, err, errlen)) != 0) {
		pin_clear(&ks->pins[--ks->npins]);
		return r;
	}
	return FG_KS_NEW;
}

int
fg_keystore_trust(struct fg_keystore *ks, const char *user, const char *host,
    const struct fg_key *k, char *err, size_t errlen)
{
	struct fg_ks_pin old;
	char id[FG_KS_ID_MAX], *mod = NULL, *nid;
	long i;
	int r;

	if (!valid_name(user) || !valid_name(host) || k == NULL) {
		seterr(err, errlen, "invalid peer name or key");
		return FG_ERR_INVAL;
	}
	if ((r = check_name_fp(user, host, k, err, errlen)) != 0)
		return r;
	if ((r = key_strings(k, &mod, id)) != 0)
		return r;
	if ((i = pin_find(ks, user, host)) == -1) {
		if ((r = pin_add(ks, strdup(user), strdup(host), strdup(id),
		    mod)) != 0)
			return r;
		if ((r = pins_save(ks, err, errlen)) != 0)
			pin_clear(&ks->pins[--ks->npins]);
		return r;
	}
	if ((nid = strdup(id)) == NULL) {
		free(mod);
		return FG_ERR_ALLOC;
	}
	old = ks->pins[i];
	ks->pins[i].id = nid;
	ks->pins[i].modulus = mod;
	if ((r = pins_save(ks, err, errlen)) != 0) {
		ks->pins[i] = old;
		free(nid);
		free(mod);
		return r;
	}
	free(old.id);
	free(old.modulus);
	return 0;
}

int
fg_keystore_forget(struct fg_keystore *ks, const char *user, const char *host,
    char *err, size_t errlen)
{
	struct fg_ks_pin old;
	long i;
	int r;

	if (user == NULL || host == NULL ||
	    (i = pin_find(ks, user, host)) == -1) {
		seterr(err, errlen, "no pinned key for that peer");
		return FG_ERR_NOT_FOUND;
	}
	old = ks->pins[i];
	memmove(&ks->pins[i], &ks->pins[i + 1],
	    (ks->npins - (size_t)i - 1) * sizeof(*ks->pins));
	ks->npins--;
	if ((r = pins_save(ks, err, errlen)) != 0) {
		memmove(&ks->pins[i + 1], &ks->pins[i],
		    (ks->npins - (size_t)i) * sizeof(*ks->pins));
		ks->pins[i] = old;
		ks->npins++;
		return r;
	}
	pin_clear(&old);
	return 0;
}

size_t
fg_keystore_npins(const struct fg_keystore *ks)
{
	return ks->npins;
}

const struct fg_ks_pin *
fg_keystore_pin(const struct fg_keystore *ks, size_t i)
{
	return i < ks->npins ? &ks->pins[i] : NULL;
}
