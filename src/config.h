/*
 * config: the effective settings and where each came from. Defaults, then
 * one INI file ([identity] nick, group, user, host; [network] port, bind,
 * broadcast, broadcast_only; [charset] legacy; [transfer] download_dir,
 * max_total_size, max_files, auto_accept; [ui] bell), then command-line
 * overrides, each checked the same way. Keys are named "section.key".
 */
#ifndef FG_CONFIG_H
#define FG_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "charset.h"

#define FG_CONFIG_NKEYS		14	/* settings, in fg_config_foreach order */
#define FG_CONFIG_MAX_WARNINGS	32
#define FG_CONFIG_MAX_LINE	4096	/* bytes in one line of the file */

enum fg_config_origin { FG_CONFIG_DEFAULT = 0, FG_CONFIG_FILE, FG_CONFIG_ENV,
	FG_CONFIG_CMDLINE };

struct fg_config_source {
	enum fg_config_origin origin;
	char		*name;		/* file path, variable or flag; or NULL */
	unsigned	 line;		/* FG_CONFIG_FILE */
};

struct fg_config {
	char		*nick, *group, *user, *host; /* NULL: the node decides */
	uint16_t	 port;
	char		*bind;		/* IPv4 address; NULL: any */
	char		*broadcast;	/* "A[,B...]" IPv4 addresses, or NULL */
	int		 broadcast_only;
	enum fg_charset	 legacy;
	char		*download_dir;	/* absolute; NULL when there is no home */
	uint64_t	 max_total_size; /* bytes auto-accepted per offer */
	uint64_t	 max_files;	/* files auto-accepted per offer */
	int		 auto_accept, bell;
	struct fg_config_source src[FG_CONFIG_NKEYS];
	char		*warnings[FG_CONFIG_MAX_WARNINGS]; /* "file:line: ..." */
	size_t		 nwarnings;
};

/* Called per setting; value is NULL when unset. Nonzero stops the walk. */
typedef int (*fg_config_cb)(const char *key, const char *value,
    const struct fg_config_source *src, void *arg);

/* Sets every default (download_dir from $XDG_DOWNLOAD_DIR or ~/Downloads). */
int	fg_config_init_defaults(struct fg_config *cfg);
/* Frees the strings cfg holds; NULL is a no-op. */
void	fg_config_free(struct fg_config *cfg);
/* Applies an INI file; a missing file changes nothing; on error neither. */
int	fg_config_load_file(struct fg_config *cfg, const char *path, char *err,
	    size_t errlen);
/* Sets "section.key", checked as in the file; src NULL: the command line. */
int	fg_config_set(struct fg_config *cfg, const char *key, const char *value,
	    const struct fg_config_source *src, char *err, size_t errlen);
/* *value: a setting as text (in cfg, or formatted into buf), NULL if unset. */
int	fg_config_get(const struct fg_config *cfg, const char *key,
	    const char **value, char *buf, size_t bufsz,
	    const struct fg_config_source **src);
/* Walks every setting in a fixed order. */
int	fg_config_foreach(const struct fg_config *cfg, fg_config_cb cb,
	    void *arg);
/* "default", "/path/config.ini:12", "environment XDG_DOWNLOAD_DIR"... */
void	fg_config_source_str(const struct fg_config_source *src, char *out,
	    size_t outsz);
/* Prints "key = value    # from <source>" lines. */
int	fg_config_print(const struct fg_config *cfg, FILE *fp);
/* $XDG_CONFIG_HOME/feige/config.ini, else ~/.config/feige/config.ini. */
int	fg_config_default_path(char *out, size_t outsz);

#endif /* FG_CONFIG_H */
