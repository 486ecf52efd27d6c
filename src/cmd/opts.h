/*
 * opts: the node options shared by `feige daemon` and the short-lived node
 * that `send`, `broadcast` and `list` run when no daemon answers. Commands
 * splice FG_NODE_LONGOPTS into their getopt_long table and hand unknown
 * option codes to fg_node_opts_apply, which checks them and remembers
 * them; fg_node_opts_load then lays them over the config file.
 */
#ifndef FG_CMD_OPTS_H
#define FG_CMD_OPTS_H

#include <limits.h>
#include <stddef.h>

#include "config.h"
#include "node.h"

/* getopt_long codes of the node options (outside the char range). */
enum {
	FG_NOPT_BIND = 0x100,
	FG_NOPT_PORT,
	FG_NOPT_BROADCAST,
	FG_NOPT_BROADCAST_ONLY,
	FG_NOPT_NICK,
	FG_NOPT_GROUP,
	FG_NOPT_USER,
	FG_NOPT_HOST,
	FG_NOPT_LEGACY,
	FG_NOPT_RETRY_MS,
	FG_NOPT_RETRIES,
	FG_NOPT_HISTORY,
	FG_NOPT_NO_HISTORY,
	FG_NOPT_OFFER_LIFETIME,
};

#define FG_NODE_LONGOPTS \
	{ "bind",		required_argument, NULL, FG_NOPT_BIND }, \
	{ "port",		required_argument, NULL, FG_NOPT_PORT }, \
	{ "broadcast",		required_argument, NULL, FG_NOPT_BROADCAST }, \
	{ "broadcast-only",	no_argument,	   NULL, FG_NOPT_BROADCAST_ONLY }, \
	{ "nick",		required_argument, NULL, FG_NOPT_NICK }, \
	{ "group",		required_argument, NULL, FG_NOPT_GROUP }, \
	{ "user",		required_argument, NULL, FG_NOPT_USER }, \
	{ "host",		required_argument, NULL, FG_NOPT_HOST }, \
	{ "legacy-charset",	required_argument, NULL, FG_NOPT_LEGACY }, \
	{ "retry-ms",		required_argument, NULL, FG_NOPT_RETRY_MS }, \
	{ "retries",		required_argument, NULL, FG_NOPT_RETRIES }, \
	{ "history",		required_argument, NULL, FG_NOPT_HISTORY }, \
	{ "no-history",		no_argument,	   NULL, FG_NOPT_NO_HISTORY }, \
	{ "offer-lifetime",	required_argument, NULL, FG_NOPT_OFFER_LIFETIME }

/* Help text for the node options, one per line, indented by two spaces. */
#define FG_NODE_OPTS_HELP \
"  --bind A             IPv4 address to bind (default: all)\n" \
"  --port N             UDP/TCP port (default 2425)\n" \
"  --broadcast LIST     extra broadcast targets, comma-separated\n" \
"  --broadcast-only     announce to those targets only\n" \
"  --nick N             nick name (default: the user name)\n" \
"  --group G            group name\n" \
"  --user NAME          login name to announce (default: the system's)\n" \
"  --host NAME          host name to announce (default: gethostname)\n" \
"  --legacy-charset CS  charset for peers without UTF-8: gbk, gb18030, cp932\n" \
"  --retry-ms N         wait N ms for an acknowledgement before resending\n" \
"  --retries N          resend at most N times\n" \
"  --history FILE       record messages in FILE (default: the XDG data dir)\n" \
"  --no-history         record nothing\n" \
"  --offer-lifetime S   withdraw our offers of files after S seconds\n" \
"                       (default 86400; checked once a minute)\n"

/* Default defaults for retry_ms and retries (the node's own defaults). */
#define FG_NODE_DEFAULT_RETRY_MS	1000
#define FG_NODE_DEFAULT_RETRIES		4

/* Node options that have a config key, at most this many on one line. */
#define FG_NODE_MAX_FLAGS	64

struct fg_node_opts {
	struct fg_node_config	 cfg;	/* strings point into argv or conf */
	struct fg_config	 conf;	/* effective settings (fg_node_opts_load) */
	struct {
		int		 code;	/* FG_NOPT_* */
		const char	*arg;	/* in argv */
	}			 flags[FG_NODE_MAX_FLAGS];
	size_t			 nflags;
	const char		*history; /* --history FILE, or NULL */
	int			 no_history; /* --no-history */
	char			 history_path[PATH_MAX]; /* picked; "": none */
	struct fg_keystore	*ks;	/* our key and pins (fg_conf_node), or NULL */
};

/* Fills o with the defaults. */
void	fg_node_opts_init(struct fg_node_opts *o);
/*
 * Makes the effective settings: defaults, then the INI file at path (NULL:
 * none), then the node options given, in order ("command line --port").
 * cfg is rebuilt from them. Warnings stay in conf.warnings.
 */
int	fg_node_opts_load(struct fg_node_opts *o, const char *path, char *err,
	    size_t errlen);
/* Builds cfg from conf (keeping retry_ms and retries). */
void	fg_node_opts_build(struct fg_node_opts *o);
/* Frees what fg_node_opts_load made; o may be only initialised. */
void	fg_node_opts_free(struct fg_node_opts *o);
/* The config key a node option sets ("network.port"), or NULL. */
const char *fg_node_opts_key(int code);
/* The long name of a node option ("--port"), or NULL. */
const char *fg_node_opts_flag(int code);
/* Applies option c: 1 when handled, 0 when c is no node option, <0 on a bad value. */
int	fg_node_opts_apply(struct fg_node_opts *o, int c, const char *arg,
	    char *err, size_t errlen);
/* How long the node tries to deliver one message, in ms. */
unsigned fg_node_opts_send_ms(const struct fg_node_opts *o);
/* Parses a decimal in [min, max] for option name; fills err on failure. */
int	fg_opts_number(const char *name, const char *s, unsigned long min,
	    unsigned long max, unsigned long *v, char *err, size_t errlen);

#endif /* FG_CMD_OPTS_H */
