/*
 * conf: where the CLI finds its config file and its history database, and
 * the effective settings a command works with: defaults, the INI file
 * (--config FILE before the command, else $FEIGE_CONFIG, else
 * $XDG_CONFIG_HOME/feige/config.ini), then command-line flags.
 */
#ifndef FG_CMD_CONF_H
#define FG_CMD_CONF_H

#include <stddef.h>

#include "cmd.h"
#include "config.h"
#include "opts.h"

/* The config file for ctx into out; *named is 1 when --config or $FEIGE_CONFIG gave it. */
int	fg_conf_path(const struct fg_cmd_ctx *ctx, char *out, size_t outlen,
	    int *named);
/*
 * Fills cfg with the defaults and the config file; prints the file's
 * warnings on stderr (once per run). -1 when fine, else an exit code: 2
 * (with file:line) for a malformed file. The caller frees cfg either way.
 */
int	fg_conf_load(struct fg_cmd_ctx *ctx, struct fg_config *cfg);
/*
 * Same for a command with node options: the file, then o's flags over it;
 * builds o->cfg and picks o->history_path. -1 when fine, else an exit
 * code; the caller calls fg_node_opts_free either way.
 */
int	fg_conf_node(struct fg_cmd_ctx *ctx, struct fg_node_opts *o);
/*
 * Picks the history database: the command's --history or --no-history
 * (opt, no), else the global ones, else the XDG default. out is "" when
 * there is none. 0, or an error with err set.
 */
int	fg_conf_history(const struct fg_cmd_ctx *ctx, const char *opt, int no,
	    char *out, size_t outlen, char *err, size_t errlen);

#endif /* FG_CMD_CONF_H */
