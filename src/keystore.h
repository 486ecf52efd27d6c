/*
 * keystore: our RSA key in <home>/id_rsa (0600) and the peers' pinned keys
 * in <home>/known_keys, trust on first use as ssh does. One pin a line:
 *	user TAB host TAB id TAB modulus-hex
 * where id is the 16-hex name fingerprint of a 2048-bit key, else
 * "SHA256:" and the SHA-256 of the modulus. Identities are (user, host),
 * ASCII case-insensitive. The file is rewritten atomically on each change.
 */
#ifndef FG_KEYSTORE_H
#define FG_KEYSTORE_H

#include <stddef.h>

#include "crypto.h"

/* Verdicts of fg_keystore_check (errors are negative). */
#define FG_KS_NEW	1	/* no pin yet: the key is now pinned */
#define FG_KS_MATCH	2	/* the pinned key */
#define FG_KS_MISMATCH	3	/* refused: another key is pinned, or the */
				/* name carries another fingerprint */

#define FG_KS_ID_MAX	72	/* an id with its NUL */

struct fg_ks_pin {
	char	*user, *host;
	char	*id;		/* fingerprint or "SHA256:<hex>" */
	char	*modulus;	/* lower-case big-endian hex */
};

struct fg_keystore;

/* Opens home (made 0700 if missing): loads or makes id_rsa, loads the pins. */
int	fg_keystore_open(const char *home, struct fg_keystore **ksp, char *err,
	    size_t errlen);
/* Frees the store; NULL is a no-op. */
void	fg_keystore_free(struct fg_keystore *ks);
/* Our private key. */
const struct fg_key *fg_keystore_my_key(const struct fg_keystore *ks);
/* Our 16-hex name fingerprint, or NULL when the key is not 2048 bits. */
const char *fg_keystore_my_fingerprint(const struct fg_keystore *ks);
/* The id column for a key (see above). */
int	fg_keystore_key_id(const struct fg_key *k, char out[FG_KS_ID_MAX]);
/* Checks a peer's key against its pin (pinned when new); warnings to err. */
int	fg_keystore_check(struct fg_keystore *ks, const char *user,
	    const char *host, const struct fg_key *k, char *err, size_t errlen);
/* Pins k for (user, host) over any pin, unless the name's fp differs. */
int	fg_keystore_trust(struct fg_keystore *ks, const char *user,
	    const char *host, const struct fg_key *k, char *err, size_t errlen);
/* Removes the pin of (user, host); FG_ERR_NOT_FOUND when there is none. */
int	fg_keystore_forget(struct fg_keystore *ks, const char *user,
	    const char *host, char *err, size_t errlen);
/* Number of pins. */
size_t	fg_keystore_npins(const struct fg_keystore *ks);
/* Pin i, for a listing; NULL past the end. */
const struct fg_ks_pin *fg_keystore_pin(const struct fg_keystore *ks, size_t i);

#endif /* FG_KEYSTORE_H */
