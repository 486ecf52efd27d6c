/*
 * feige: an IP Messenger (IPMsg / 飞鸽传书) client library.
 *
 * This is the public header of libfeige. It holds what every caller needs:
 * the version, the status codes and their text. The wire codec, charsets and
 * engines have their own headers under src/, one per module.
 */
#ifndef FEIGE_FEIGE_H
#define FEIGE_FEIGE_H

#define FEIGE_VERSION "0.1.0"

/* The default IPMsg port, for both UDP and TCP. */
#define FEIGE_DEFAULT_PORT 2425

/*
 * Status codes. Functions return 0 on success and one of these (negative)
 * on failure, OpenSSH style, so calls chain as
 *	if ((r = a()) != 0 || (r = b()) != 0) goto out;
 */
#define FG_OK			0
#define FG_ERR_INTERNAL		-1	/* a bug: an invariant did not hold */
#define FG_ERR_ALLOC		-2	/* out of memory */
#define FG_ERR_LIMIT		-3	/* a named limit would be exceeded */
#define FG_ERR_TRUNCATED	-4	/* input ended before the item did */
#define FG_ERR_FORMAT		-5	/* input is not of the expected form */
#define FG_ERR_INVAL		-6	/* the caller passed an invalid argument */
#define FG_ERR_CHARSET		-7	/* a charset is unknown or unusable */
#define FG_ERR_NOT_FOUND	-8	/* the thing looked for is not there */
#define FG_ERR_SYSTEM		-9	/* a system call failed; see errno */
#define FG_ERR_RANGE		-10	/* a number is out of its range */
#define FG_ERR_TIMEOUT		-11	/* the peer did not answer in time */
#define FG_ERR_CLOSED		-12	/* the node or connection is closing */
#define FG_ERR_CRYPTO		-13	/* well-formed, but does not decrypt or verify */

/* Returns a short English text for a status code. */
const char *fg_strerror(int r);

#endif /* FEIGE_FEIGE_H */
