/*
 * cmd: the command table of the feige binary, tmux style: one entry and one
 * file per command, plus the helpers they share (errors, exit codes, talking
 * to the daemon or to a short-lived node).
 */
#ifndef FG_CMD_CMD_H
#define FG_CMD_CMD_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "opts.h"

/* Exit codes, as documented in `feige --help`. */
#define FG_EXIT_OK		0	/* success */
#define FG_EXIT_FAIL		1	/* any other failure */
#define FG_EXIT_USAGE		2	/* bad command line */
#define FG_EXIT_UNKNOWN_PEER	3	/* PEER names no peer (or several) */
#define FG_EXIT_NO_ACK		4	/* the peer never acknowledged */
#define FG_EXIT_NO_DAEMON	5	/* no daemon reachable, or the port is taken */
#define FG_EXIT_DECLINED	6	/* the peer declined (released) our offer */

struct fg_cmd_entry;

struct fg_cmd_ctx {
	const char			*home_opt;	/* --home, or NULL */
	const char			*config_opt;	/* --config, or NULL */
	const char			*history_opt;	/* --history, or NULL */
	int				 no_history;	/* --no-history */
	int				 json;		/* --json */
	const struct fg_cmd_entry	*cmd;
};

struct fg_cmd_entry {
	const char	*name, *usage, *help;
	int		(*exec)(struct fg_cmd_ctx *, int argc, char **argv);
};

/* The table, ended by a NULL name. */
extern const struct fg_cmd_entry fg_cmd_table[];

/* The entry called name, or NULL. */
const struct fg_cmd_entry *fg_cmd_find(const char *name);
/* Prints the top-level help: commands, global options, exit codes. */
void	fg_cmd_print_help(FILE *f);
/* Prints one command's usage and help. */
void	fg_cmd_print_cmd_help(const struct fg_cmd_entry *e, FILE *f);

/* Prints "feige: <message>" on stderr. */
void	fg_cmd_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Prints a usage error and the command's usage on stderr; returns FG_EXIT_USAGE. */
int	fg_cmd_usage_error(const struct fg_cmd_ctx *ctx, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Reports getopt's '?' or ':' for argv; returns FG_EXIT_USAGE. */
int	fg_cmd_bad_option(const struct fg_cmd_ctx *ctx, int c, char **argv);
/* Writes s to f with control characters (peer-controlled bytes) shown as '?'. */
void	fg_cmd_put_clean(FILE *f, const char *s);
/* What fg_cmd_node_getopt returns besides an exit code (>= 0). */
#define FG_CMD_OPTS_END		(-1)	/* no more options */
#define FG_CMD_OPTS_MINE	(-2)	/* *opt is the caller's own option */

/*
 * Reads the next option of a command that makes a node: handles -h, -j,
 * --wait (when wait_ms is set) and every node option itself, and hands the
 * rest back. Reset optind and opterr to 0 before the first call.
 */
int	fg_cmd_node_getopt(struct fg_cmd_ctx *ctx, int argc, char **argv,
	    const char *shortopts, const struct option *longopts,
	    struct fg_node_opts *o, unsigned *wait_ms, int *opt);

/* Handles getopt result c as a node option or an error; -1 when applied. */
int	fg_cmd_node_option(struct fg_cmd_ctx *ctx, struct fg_node_opts *o,
	    int c, char **argv);
/* Parses --wait MS into *ms; -1 when fine, else an exit code. */
int	fg_cmd_wait_option(struct fg_cmd_ctx *ctx, const char *arg,
	    unsigned *ms);
/* The string field key of object o, or "" when it is not a string. */
const char *fg_cmd_jstr(json_t *o, const char *key);
/* Prints a JSON value compactly as one line on stdout. */
int	fg_cmd_print_json(json_t *j);
/* The exit code for a reply's error code. */
int	fg_cmd_exit_code(const char *code);

/* Makes a request {"v":1,"id":1,"cmd":cmd}; NULL when out of memory. */
json_t	*fg_cmd_request(const char *cmd);
/*
 * Runs req on the daemon, or, when none runs and local is not NULL, on a
 * short-lived node (waiting wait_ms for peers). Returns an exit code; on 0
 * *reply holds the reply (which may still say ok:false).
 */
int	fg_cmd_call(struct fg_cmd_ctx *ctx, json_t *req,
	    const struct fg_node_opts *local, unsigned wait_ms, json_t **reply);
/* Runs req (consumed) on the daemon only; prints {"ok":true} with --json. */
int	fg_cmd_run_simple(struct fg_cmd_ctx *ctx, json_t *req);
/* For an ok:false reply: prints its error and returns its exit code; 0 if ok. */
int	fg_cmd_check(json_t *reply);
/* Resolves the socket path for ctx into out. */
int	fg_cmd_socket(struct fg_cmd_ctx *ctx, int create, char *out,
	    size_t outlen);
/* Reads all of stdin as UTF-8 text, minus one trailing newline; malloc'd. */
int	fg_cmd_read_stdin(char **out);
/* The TEXT operand: arg itself (checked for UTF-8) or, for "-", stdin; -1 when fine. */
int	fg_cmd_get_text(struct fg_cmd_ctx *ctx, const char *arg, char **owned,
	    const char **text);

/* The commands. */
int	fg_cmd_daemon(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_list(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_send(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_broadcast(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_away(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_back(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_refresh(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_info(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_watch(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_read(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_keys(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_status(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_send_file(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_offers(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_accept(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_decline(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_cancel(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_recv(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_help(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_tui(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_history(struct fg_cmd_ctx *, int, char **);
int	fg_cmd_config(struct fg_cmd_ctx *, int, char **);

/*
 * Parses a command with only --help and --json (and no node options):
 * fills *optind_out with the first operand. Returns -1 to go on, else an
 * exit code to return.
 */
int	fg_cmd_simple_opts(struct fg_cmd_ctx *ctx, int argc, char **argv,
	    int *first);

#endif /* FG_CMD_CMD_H */
