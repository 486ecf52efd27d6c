/* opts: parsing and checking the node options. */
#include "opts.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "charset.h"
#include "feige/feige.h"

void
fg_node_opts_init(struct fg_node_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cfg.port = FEIGE_DEFAULT_PORT;
	o->cfg.legacy = FG_CS_GBK;
	o->cfg.retry_ms = FG_NODE_DEFAULT_RETRY_MS;
	o->cfg.retries = FG_NODE_DEFAULT_RETRIES;
}

int
fg_opts_number(const char *name, const char *s, unsigned long min,
    unsigned long max, unsigned long *v, char *err, size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > 10)
		goto bad;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n < min || n > max)
		goto bad;
	*v = n;
	return 0;
 bad:
	snprintf(err, errlen, "%s needs a number from %lu to %lu, not '%s'",
	    name, min, max, s);
	return FG_ERR_RANGE;
}

/* Checks a name that goes into the packet header: non-empty, no ':'. */
static int
header_name(const char *opt, const char *s, char *err, size_t errlen)
{
	if (*s == '\0' || strchr(s, ':') != NULL || strlen(s) > 255 ||
	    !fg_utf8_valid(s, strlen(s))) {
		snprintf(err, errlen, "%s must be 1 to 255 bytes of UTF-8 "
		    "without ':'", opt);
		return FG_ERR_INVAL;
	}
	return 0;
}

/* Checks a display name (nick or group): UTF-8 of a sane length. */
static int
display_name(const char *opt, const char *s, char *err, size_t errlen)
{
	if (strlen(s) > 255 || !fg_utf8_valid(s, strlen(s))) {
		snprintf(err, errlen, "%s must be at most 255 bytes of UTF-8",
		    opt);
		return FG_ERR_INVAL;
	}
	return 0;
}

int
fg_node_opts_apply(struct fg_node_opts *o, int c, const char *arg,
    char *err, size_t errlen)
{
	struct in_addr in;
	unsigned long v;
	int r = 0;

	switch (c) {
	case FG_NOPT_BIND:
		if (inet_pton(AF_INET, arg, &in) != 1) {
			snprintf(err, errlen, "--bind needs an IPv4 address, "
			    "not '%s'", arg);
			return FG_ERR_INVAL;
		}
		o->cfg.bind = arg;
		break;
	case FG_NOPT_PORT:
		if ((r = fg_opts_number("--port", arg, 1, 65535, &v, err,
		    errlen)) != 0)
			return r;
		o->cfg.port = (uint16_t)v;
		break;
	case FG_NOPT_BROADCAST:
		o->cfg.broadcast = arg;
		break;
	case FG_NOPT_BROADCAST_ONLY:
		o->cfg.broadcast_only = 1;
		break;
	case FG_NOPT_NICK:
		if ((r = display_name("--nick", arg, err, errlen)) != 0)
			return r;
		o->cfg.nick = arg;
		break;
	case FG_NOPT_GROUP:
		if ((r = display_name("--group", arg, err, errlen)) != 0)
			return r;
		o->cfg.group = arg;
		break;
	case FG_NOPT_USER:
		if ((r = header_name("--user", arg, err, errlen)) != 0)
			return r;
		o->cfg.user = arg;
		break;
	case FG_NOPT_HOST:
		if ((r = header_name("--host", arg, err, errlen)) != 0)
			return r;
		o->cfg.host = arg;
		break;
	case FG_NOPT_LEGACY:
		if (fg_charset_from_name(arg, &o->cfg.legacy) != 0) {
			snprintf(err, errlen, "unknown charset '%s' (try gbk, "
			    "gb18030 or cp932)", arg);
			return FG_ERR_CHARSET;
		}
		break;
	case FG_NOPT_RETRY_MS:
		if ((r = fg_opts_number("--retry-ms", arg, 1, 600000, &v, err,
		    errlen)) != 0)
			return r;
		o->cfg.retry_ms = (unsigned)v;
		break;
	case FG_NOPT_RETRIES:
		if ((r = fg_opts_number("--retries", arg, 1, 100, &v, err,
		    errlen)) != 0)
			return r;
		o->cfg.retries = (unsigned)v;
		break;
	default:
		return 0;
	}
	return 1;
}

unsigned
fg_node_opts_send_ms(const struct fg_node_opts *o)
{
	return o->cfg.retry_ms * (o->cfg.retries + 1);
}
