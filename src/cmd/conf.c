/* conf: the CLI's config file and history database, and their loading. */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feige/feige.h"
#include "history.h"
#include "home.h"
#include "keystore.h"

/* Set once the file's warnings went to stderr. */
static int warned;

int
fg_conf_path(const struct fg_cmd_ctx *ctx, char *out, size_t outlen,
    int *named)
{
	const char *env = getenv("FEIGE_CONFIG");
	int n;

	*named = 1;
	if (ctx->config_opt != NULL)
		n = snprintf(out, outlen, "%s", ctx->config_opt);
	else if (env != NULL && *env != '\0')
		n = snprintf(out, outlen, "%s", env);
	else {
		*named = 0;
		return fg_config_default_path(out, outlen);
	}
	if (n < 0 || (size_t)n >= outlen || *out == '\0')
		return FG_ERR_LIMIT;
	return 0;
}

/* Prints cfg's warnings on stderr unless they were printed already. */
static void
print_warnings(const struct fg_config *cfg)
{
	size_t i;

	if (warned)
		return;
	warned = 1;
	for (i = 0; i < cfg->nwarnings; i++)
		fg_cmd_error("warning: %s", cfg->warnings[i]);
}

/* Finds the file to load into path; NULL there when there is none. -1 when fine. */
static int
pick_file(struct fg_cmd_ctx *ctx, char *buf, size_t len, const char **path)
{
	int named;

	*path = NULL;
	if (fg_conf_path(ctx, buf, len, &named) != 0) {
		if (named)
			return fg_cmd_usage_error(ctx, "bad config file name");
		return -1;		/* no home: defaults only */
	}
	if (named && access(buf, F_OK) != 0) {
		fg_cmd_error("config file %s: %s", buf, strerror(errno));
		return FG_EXIT_USAGE;
	}
	*path = buf;
	return -1;
}

int
fg_conf_load(struct fg_cmd_ctx *ctx, struct fg_config *cfg)
{
	char buf[PATH_MAX], err[1024];
	const char *path;
	int r;

	if ((r = fg_config_init_defaults(cfg)) != 0) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = pick_file(ctx, buf, sizeof(buf), &path)) >= 0)
		return r;
	if (path != NULL && fg_config_load_file(cfg, path, err,
	    sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_USAGE;
	}
	print_warnings(cfg);
	return -1;
}

int
fg_conf_node(struct fg_cmd_ctx *ctx, struct fg_node_opts *o)
{
	char buf[PATH_MAX], err[1024];
	const char *path;
	int r;

	if ((r = pick_file(ctx, buf, sizeof(buf), &path)) >= 0)
		return r;
	if (fg_node_opts_load(o, path, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_USAGE;
	}
	print_warnings(&o->conf);
	if (fg_conf_history(ctx, o->history, o->no_history, o->history_path,
	    sizeof(o->history_path), err, sizeof(err)) != 0) {
		/* No home for the default: record nothing, say so once. */
		fg_cmd_error("%s; not recording history", err);
		o->history_path[0] = '\0';
	}
	/*
	 * Our key lives in the home (made on first use). Without it the node
	 * still works, in clear text only, like iptux.
	 */
	if (fg_home_resolve(ctx->home_opt, 1, buf, sizeof(buf), err, sizeof(err)) != 0 ||
	    fg_keystore_open(buf, &o->ks, err, sizeof(err)) != 0)
		fg_cmd_error("%s; messages will not be encrypted", err);
	o->cfg.keystore = o->ks;
	return -1;
}

int
fg_conf_history(const struct fg_cmd_ctx *ctx, const char *opt, int no,
    char *out, size_t outlen, char *err, size_t errlen)
{
	const char *p = opt;
	int n;

	if (outlen > 0)
		out[0] = '\0';
	if (p == NULL && !no) {
		p = ctx->history_opt;
		no = ctx->no_history;
	}
	if (no)
		return 0;
	if (p != NULL) {
		n = snprintf(out, outlen, "%s", p);
		if (n < 0 || (size_t)n >= outlen) {
			out[0] = '\0';
			snprintf(err, errlen, "history file name too long");
			return FG_ERR_LIMIT;
		}
		return 0;
	}
	if (fg_history_default_path(out, outlen) != 0) {
		snprintf(err, errlen, "cannot find a place for the history "
		    "(set HOME or XDG_DATA_HOME, or use --history FILE)");
		return FG_ERR_NOT_FOUND;
	}
	return 0;
}
