/* fetch: accepting an offer on the daemon and following its transfer. */
#include "fetch.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feige/feige.h"
#include "fileev.h"
#include "jsonev.h"
#include "progress.h"

int
fg_fetch_dir(const char *arg, char *out, size_t outlen, char *err,
    size_t errlen)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *env = getenv("XDG_DOWNLOAD_DIR"), *home;
	struct passwd *pw;
	struct stat st;

	if (arg != NULL && *arg != '\0')
		snprintf(path, sizeof(path), "%s", arg);
	else if (env != NULL && env[0] == '/')
		snprintf(path, sizeof(path), "%s", env);
	else {
		if ((home = getenv("HOME")) == NULL || home[0] != '/') {
			pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home == NULL) {
			snprintf(err, errlen, "no home folder: give --to DIR");
			return FG_ERR_NOT_FOUND;
		}
		if ((size_t)snprintf(path, sizeof(path), "%s/Downloads",
		    home) >= sizeof(path)) {
			snprintf(err, errlen, "home folder path too long");
			return FG_ERR_LIMIT;
		}
	}
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", path,
		    strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (realpath(path, real) == NULL || stat(real, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a folder", path);
		return FG_ERR_INVAL;
	}
	if ((size_t)snprintf(out, outlen, "%s", real) >= outlen) {
		snprintf(err, errlen, "%s: path too long", real);
		return FG_ERR_LIMIT;
	}
	return 0;
}

/* Draws the progress line of a download event: "[2/5] name ...". */
static void
show_progress(struct fg_progress *p, json_t *ev, int force)
{
	char label[1200];
	uint64_t n = fg_fileev_uint(ev, "files_total");
	uint64_t i = fg_fileev_uint(ev, "files_done") + 1;

	if (n > 1)
		snprintf(label, sizeof(label), "[%llu/%llu] %s",
		    (unsigned long long)(i > n ? n : i), (unsigned long long)n,
		    fg_cmd_jstr(ev, "name"));
	else
		snprintf(label, sizeof(label), "%s", fg_cmd_jstr(ev, "name"));
	(void)fg_progress_update(p, label, fg_fileev_uint(ev, "file_done"),
	    fg_fileev_uint(ev, "file_total"), fg_fileev_uint(ev, "done"),
	    force);
}

/* Ends a followed transfer: prints how it went; returns the exit code. */
static int
finish(struct fg_progress *p, json_t *ev, const struct fg_fetch_opts *o)
{
	uint64_t n = fg_fileev_uint(ev, "files_done");
	char size[32];

	fg_progress_clear(p);
	if (o->json && fg_cmd_print_json(ev) != 0)
		return FG_EXIT_FAIL;
	if (strcmp(fg_cmd_jstr(ev, "status"), "cancelled") == 0) {
		fg_cmd_error("transfer %llu was cancelled (what arrived is "
		    "kept as .part files)",
		    (unsigned long long)fg_fileev_uint(ev, "id"));
		return FG_EXIT_FAIL;
	}
	if (strcmp(fg_cmd_jstr(ev, "status"), "ok") != 0) {
		fg_cmd_error("%s", fg_cmd_jstr(ev, "error"));
		return FG_EXIT_FAIL;
	}
	if (!o->json) {
		fg_progress_bytes(fg_fileev_uint(ev, "done"), size,
		    sizeof(size));
		printf("received %llu item%s (%s) into %s\n",
		    (unsigned long long)n, n == 1 ? "" : "s", size, o->dir);
		fflush(stdout);
	}
	return FG_EXIT_OK;
}

int
fg_fetch_run(struct fg_evconn *e, uint64_t offer, json_t *files,
    const struct fg_fetch_opts *o)
{
	struct fg_progress prog;
	json_t *req, *reply = NULL, *ev = NULL;
	const char *name;
	uint64_t xfer;
	char err[1024];
	int r;

	fg_progress_init(&prog, stderr, o->progress && !o->json);
	req = json_pack("{s:i, s:i, s:s, s:I, s:s, s:b, s:I, s:I}", "v",
	    FG_PROTO_VERSION, "id", 1, "cmd", "accept", "offer",
	    (json_int_t)offer, "to", o->dir, "overwrite", o->overwrite,
	    "max_total", (json_int_t)o->max_total, "max_files",
	    (json_int_t)o->max_files);
	if (req == NULL || (files != NULL &&
	    json_object_set(req, "files", files) != 0)) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto out;
	}
	if (fg_evconn_call(e, req, &reply, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		r = FG_EXIT_FAIL;
		goto out;
	}
	if ((r = fg_cmd_check(reply)) != 0)
		goto out;
	xfer = fg_fileev_uint(reply, "xfer");
	for (;;) {
		json_decref(ev);
		if (fg_evconn_event(e, &ev, err, sizeof(err)) != 0) {
			fg_progress_clear(&prog);
			fg_cmd_error("%s (transfer %llu)", err,
			    (unsigned long long)xfer);
			r = FG_EXIT_FAIL;
			break;
		}
		name = fg_cmd_jstr(ev, "event");
		if (strncmp(name, "xfer_", 5) != 0 ||
		    fg_fileev_uint(ev, "id") != xfer ||
		    json_is_true(json_object_get(ev, "upload"))) {
			if (o->other != NULL)
				o->other(o->other_arg, ev);
			continue;
		}
		if (strcmp(name, "xfer_done") == 0) {
			r = finish(&prog, ev, o);
			break;
		}
		if (o->json) {
			if (fg_cmd_print_json(ev) != 0) {
				r = FG_EXIT_FAIL;
				break;
			}
		} else
			show_progress(&prog, ev, 0);
	}
 out:
	json_decref(ev);
	json_decref(req);
	json_decref(reply);
	return r;
}

int
fg_fetch_parse_id(struct fg_cmd_ctx *ctx, const char *what, const char *s,
    uint64_t *id)
{
	const char *p;
	uint64_t v = 0;

	for (p = s; *p >= '0' && *p <= '9' && p - s < 18; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == s || *p != '\0' || v == 0)
		return fg_cmd_usage_error(ctx, "%s must be a number (as `feige "
		    "%s` shows it), not '%s'", what,
		    strcmp(what, "OFFER") == 0 ? "offers" : "watch", s);
	*id = v;
	return -1;
}

int
fg_fetch_parse_cap(struct fg_cmd_ctx *ctx, const char *opt, const char *s,
    int size, uint64_t *v)
{
	char err[256];
	const char *p;

	if (size) {
		if (fg_progress_parse_size(s, v, err, sizeof(err)) != 0)
			return fg_cmd_usage_error(ctx, "%s: %s", opt, err);
		return -1;
	}
	for (p = s, *v = 0; *p >= '0' && *p <= '9' && p - s < 18; p++)
		*v = *v * 10 + (uint64_t)(*p - '0');
	if (p == s || *p != '\0')
		return fg_cmd_usage_error(ctx, "%s needs a number, not '%s'",
		    opt, s);
	return -1;
}
