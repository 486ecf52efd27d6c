/*
 * fetch: the download side shared by `accept` and `recv` (and the operand
 * parsing of the file commands). It picks and makes the download folder,
 * asks the daemon to accept an offer, and follows that transfer's events
 * to its end: a progress line on stderr when it is a terminal, JSON event
 * lines on stdout with --json, and a summary line otherwise.
 */
#ifndef FG_CMD_FETCH_H
#define FG_CMD_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "evconn.h"

struct fg_fetch_opts {
	const char	*dir;		/* absolute, existing */
	int		 overwrite;
	uint64_t	 max_total, max_files;	/* 0: none */
	int		 json;		/* event lines on stdout */
	int		 progress;	/* a progress line on stderr */
	/* Events not about the transfer (e.g. new offers for recv). */
	void		(*other)(void *arg, json_t *ev);
	void		*other_arg;
};

/*
 * Picks the download folder (arg; else $XDG_DOWNLOAD_DIR; else
 * ~/Downloads), makes it when missing (one level) and writes its absolute
 * path into out. err says why not.
 */
int	fg_fetch_dir(const char *arg, char *out, size_t outlen, char *err,
	    size_t errlen);
/*
 * Accepts offer (files: JSON array of names or fids, or NULL for all) on
 * the watching connection e and waits for its xfer_done. Returns an exit
 * code; the failure is printed.
 */
int	fg_fetch_run(struct fg_evconn *e, uint64_t offer, json_t *files,
	    const struct fg_fetch_opts *o);
/* Parses an offer or transfer ID operand (decimal, >= 1); -1 when fine. */
int	fg_fetch_parse_id(struct fg_cmd_ctx *ctx, const char *what,
	    const char *s, uint64_t *id);
/* Parses --max-size (a size) or --max-files (a count); -1 when fine. */
int	fg_fetch_parse_cap(struct fg_cmd_ctx *ctx, const char *opt,
	    const char *s, int size, uint64_t *v);

#endif /* FG_CMD_FETCH_H */
