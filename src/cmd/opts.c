/* opts: parsing and checking the node options. */
#include "opts.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "charset.h"
#include "feige/feige.h"
#include "keystore.h"

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
	case FG_NOPT_HISTORY:
		if (*arg == '\0') {
			snprintf(err, errlen, "--history needs a file");
			return FG_ERR_INVAL;
		}
		o->history = arg;
		o->no_history = 0;
		break;
	case FG_NOPT_NO_HISTORY:
		o->history = NULL;
		o->no_history = 1;
		break;
	case FG_NOPT_OFFER_LIFETIME:
		if ((r = fg_opts_number("--offer-lifetime", arg, 1, 31536000, &v,
		    err, errlen)) != 0)
			return r;
		o->cfg.offer_lifetime_s = (unsigned)v;
		break;
	default:
		return 0;
	}
	if (fg_node_opts_key(c) != NULL) {
		if (o->nflags == FG_NODE_MAX_FLAGS) {
			snprintf(err, errlen, "more than %d node options",
			    FG_NODE_MAX_FLAGS);
			return FG_ERR_LIMIT;
		}
		o->flags[o->nflags].code = c;
		o->flags[o->nflags++].arg = arg;
	}
	return 1;
}

/* The node options that have a config key, and the key. */
static const struct {
	int		 code;
	const char	*flag, *key;
} flag_keys[] = {
	{ FG_NOPT_BIND,		  "--bind",		"network.bind" },
	{ FG_NOPT_PORT,		  "--port",		"network.port" },
	{ FG_NOPT_BROADCAST,	  "--broadcast",	"network.broadcast" },
	{ FG_NOPT_BROADCAST_ONLY, "--broadcast-only",	"network.broadcast_only" },
	{ FG_NOPT_NICK,		  "--nick",		"identity.nick" },
	{ FG_NOPT_GROUP,	  "--group",		"identity.group" },
	{ FG_NOPT_USER,		  "--user",		"identity.user" },
	{ FG_NOPT_HOST,		  "--host",		"identity.host" },
	{ FG_NOPT_LEGACY,	  "--legacy-charset",	"charset.legacy" },
};

const char *
fg_node_opts_key(int code)
{
	size_t i;

	for (i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++)
		if (flag_keys[i].code == code)
			return flag_keys[i].key;
	return NULL;
}

const char *
fg_node_opts_flag(int code)
{
	size_t i;

	for (i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++)
		if (flag_keys[i].code == code)
			return flag_keys[i].flag;
	return NULL;
}

/* An empty string as NULL (the node's default). */
static const char *
unless_empty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

void
fg_node_opts_build(struct fg_node_opts *o)
{
	const struct fg_config *c = &o->conf;

	o->cfg.user = c->user;
	o->cfg.host = c->host;
	o->cfg.nick = unless_empty(c->nick);
	o->cfg.group = unless_empty(c->group);
	o->cfg.bind = unless_empty(c->bind);
	o->cfg.port = c->port;
	o->cfg.broadcast = unless_empty(c->broadcast);
	o->cfg.broadcast_only = c->broadcast_only;
	o->cfg.legacy = c->legacy;
}

int
fg_node_opts_load(struct fg_node_opts *o, const char *path, char *err,
    size_t errlen)
{
	struct fg_config_source src;
	const char *key, *value, *msg;
	char buf[768];
	size_t i, n;
	int r;

	fg_config_free(&o->conf);
	if ((r = fg_config_init_defaults(&o->conf)) != 0) {
		snprintf(err, errlen, "out of memory");
		return r;
	}
	if (path != NULL &&
	    (r = fg_config_load_file(&o->conf, path, err, errlen)) != 0)
		return r;
	for (i = 0; i < o->nflags; i++) {
		key = fg_node_opts_key(o->flags[i].code);
		memset(&src, 0, sizeof(src));
		src.origin = FG_CONFIG_CMDLINE;
		src.name = (char *)(uintptr_t)fg_node_opts_flag(o->flags[i].code);
		value = o->flags[i].code == FG_NOPT_BROADCAST_ONLY ? "true" :
		    o->flags[i].arg;
		if ((r = fg_config_set(&o->conf, key, value, &src, buf,
		    sizeof(buf))) != 0) {
			/* "network.port: ..." reads better as "--port: ...". */
			n = strlen(key);
			msg = strncmp(buf, key, n) == 0 && buf[n] == ':' ?
			    buf + n + 2 : buf;
			snprintf(err, errlen, "%s: %s", src.name, msg);
			return r;
		}
	}
	fg_node_opts_build(o);
	return 0;
}

void
fg_node_opts_free(struct fg_node_opts *o)
{
	fg_config_free(&o->conf);
	fg_keystore_free(o->ks);
	o->ks = NULL;
	o->cfg.keystore = NULL;
}

unsigned
fg_node_opts_send_ms(const struct fg_node_opts *o)
{
	return o->cfg.retry_ms * (o->cfg.retries + 1);
}
