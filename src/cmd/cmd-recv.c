/* cmd-recv: `feige recv`, fetching every offer as it comes, within caps. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "config.h"
#include "evconn.h"
#include "feige/feige.h"
#include "fetch.h"
#include "fileev.h"
#include "jsonev.h"
#include "progress.h"

/* Long-only option codes. */
enum { OPT_TO = 0x200, OPT_OVERWRITE, OPT_MAX_SIZE, OPT_MAX_FILES, OPT_ONCE };

/* An answer of ask(). */
#define ASK_NO		0
#define ASK_YES		1
#define ASK_EOF		2

struct recv {
	struct fg_evconn	 e;
	struct fg_fetch_opts	 fo;
	int			 yes, once, json;
	json_t			*queue;		/* offers not yet handled */
	uint64_t		*seen;		/* ids queued so far */
	size_t			 nseen;
};

/* Queues an offer (listed, or an event) unless it was queued before. */
static void
queue_offer(struct recv *rv, json_t *o)
{
	uint64_t id = fg_fileev_uint(o, "id"), *p;
	size_t i;

	for (i = 0; i < rv->nseen; i++)
		if (rv->seen[i] == id)
			return;
	if ((p = realloc(rv->seen, (rv->nseen + 1) * sizeof(*p))) == NULL)
		return;
	rv->seen = p;
	rv->seen[rv->nseen++] = id;
	/* Listed offers look like their events, for --json. */
	if (json_object_get(o, "event") == NULL) {
		(void)json_object_set_new(o, "v",
		    json_integer(FG_PROTO_VERSION));
		(void)json_object_set_new(o, "event", json_string("offer"));
	}
	(void)json_array_append(rv->queue, o);
}

/* fetch callback for the events that are not its transfer's: queues offers. */
static void
other_cb(void *arg, json_t *ev)
{
	if (strcmp(fg_cmd_jstr(ev, "event"), "offer") == 0)
		queue_offer(arg, ev);
}

/* Asks on the terminal whether to take offer o. */
static int
ask(json_t *o)
{
	char who[512], size[32], line[64];
	size_t n = json_array_size(json_object_get(o, "files"));

	fg_fileev_who_str(o, who, sizeof(who));
	fg_progress_bytes(fg_fileev_uint(o, "total"), size, sizeof(size));
	fflush(stdout);
	fprintf(stderr, "accept %zu file%s (%s) from %s? [y/N] ", n,
	    n == 1 ? "" : "s", size, who);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		fputc('\n', stderr);
		return ASK_EOF;
	}
	return line[0] == 'y' || line[0] == 'Y' ? ASK_YES : ASK_NO;
}

/* Declines offer o, saying why; returns an exit code (1 once declined). */
static int
decline(struct recv *rv, json_t *o, const char *why)
{
	json_t *req, *reply = NULL, *out;
	char err[1024], who[512];
	int r = FG_EXIT_FAIL;

	fg_fileev_who_str(o, who, sizeof(who));
	if ((req = json_pack("{s:i, s:i, s:s, s:I}", "v", FG_PROTO_VERSION,
	    "id", 1, "cmd", "decline", "offer",
	    (json_int_t)fg_fileev_uint(o, "id"))) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if (fg_evconn_call(&rv->e, req, &reply, err, sizeof(err)) != 0)
		fg_cmd_error("%s", err);
	else if (fg_cmd_check(reply) == 0) {
		if (rv->json) {
			out = json_pack("{s:I, s:b, s:s}", "offer",
			    (json_int_t)fg_fileev_uint(o, "id"), "declined", 1,
			    "reason", why);
			if (out != NULL)
				(void)fg_cmd_print_json(out);
			json_decref(out);
		} else
			fg_cmd_error("declined offer %llu from %s: %s",
			    (unsigned long long)fg_fileev_uint(o, "id"), who,
			    why);
	}
	json_decref(req);
	json_decref(reply);
	return r;
}

/* Handles one offer: declines it, or fetches it; returns an exit code. */
static int
handle(struct recv *rv, json_t *o, int *stop)
{
	char why[256], a[32], b[32], who[512];
	size_t n = json_array_size(json_object_get(o, "files"));
	uint64_t total = fg_fileev_uint(o, "total");

	if (rv->fo.max_total != 0 && total > rv->fo.max_total) {
		fg_progress_bytes(total, a, sizeof(a));
		fg_progress_bytes(rv->fo.max_total, b, sizeof(b));
		snprintf(why, sizeof(why), "%s is more than --max-size (%s)", a,
		    b);
		return decline(rv, o, why);
	}
	if (rv->fo.max_files != 0 && n > rv->fo.max_files) {
		snprintf(why, sizeof(why), "%zu files and folders are more "
		    "than --max-files (%llu)", n,
		    (unsigned long long)rv->fo.max_files);
		return decline(rv, o, why);
	}
	if (!rv->yes) {
		switch (ask(o)) {
		case ASK_EOF:
			*stop = 1;
			return FG_EXIT_OK;
		case ASK_NO:
			return decline(rv, o, "not wanted");
		}
	}
	if (rv->json && fg_cmd_print_json(o) != 0)
		return FG_EXIT_FAIL;
	if (rv->fo.progress && !rv->json) {
		fg_fileev_who_str(o, who, sizeof(who));
		fg_progress_bytes(total, a, sizeof(a));
		fprintf(stderr, "offer %llu from %s: %zu item%s, %s\n",
		    (unsigned long long)fg_fileev_uint(o, "id"), who, n,
		    n == 1 ? "" : "s", a);
	}
	return fg_fetch_run(&rv->e, fg_fileev_uint(o, "id"), NULL, &rv->fo);
}

/* Queues the offers already waiting at the daemon. */
static int
list_waiting(struct recv *rv)
{
	json_t *req, *reply = NULL, *offers;
	char err[1024];
	size_t i;
	int r;

	if ((req = fg_cmd_request("offers")) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if (fg_evconn_call(&rv->e, req, &reply, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		r = FG_EXIT_FAIL;
	} else if ((r = fg_cmd_check(reply)) == 0) {
		offers = json_object_get(reply, "offers");
		for (i = 0; i < json_array_size(offers); i++)
			queue_offer(rv, json_array_get(offers, i));
	}
	json_decref(req);
	json_decref(reply);
	return r;
}

/* Handles offers as they come until --once is satisfied or the daemon stops. */
static int
recv_loop(struct recv *rv)
{
	json_t *o = NULL;
	char err[1024];
	int r, stop = 0;

	if ((r = list_waiting(rv)) != 0)
		return r;
	for (;;) {
		while (json_array_size(rv->queue) > 0) {
			o = json_incref(json_array_get(rv->queue, 0));
			(void)json_array_remove(rv->queue, 0);
			r = handle(rv, o, &stop);
			json_decref(o);
			if (stop)
				return FG_EXIT_OK;
			if (rv->once)
				return r;
		}
		if ((r = fg_evconn_event(&rv->e, &o, err, sizeof(err))) != 0) {
			if (r == FG_ERR_CLOSED && !rv->once)
				return FG_EXIT_OK;	/* the daemon stopped */
			fg_cmd_error("%s", err);
			return FG_EXIT_FAIL;
		}
		other_cb(rv, o);
		json_decref(o);
	}
}

int
fg_cmd_recv(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "yes", no_argument, NULL, 'y' },
		{ "to", required_argument, NULL, OPT_TO },
		{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "max-files", required_argument, NULL, OPT_MAX_FILES },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ NULL, 0, NULL, 0 },
	};
	struct recv rv;
	struct fg_config cfg;
	const char *to = NULL;
	char dir[PATH_MAX], err[1024];
	uint64_t max_total = 0, max_files = 0;
	int c, r, set_total = 0, set_files = 0;

	memset(&rv, 0, sizeof(rv));
	memset(&cfg, 0, sizeof(cfg));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hjy", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fg_cmd_print_cmd_help(ctx->cmd, stdout);
			r = FG_EXIT_OK;
			goto out;
		case 'j':
			ctx->json = 1;
			break;
		case 'y':
			rv.yes = 1;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_OVERWRITE:
			rv.fo.overwrite = 1;
			break;
		case OPT_MAX_SIZE:
			if ((r = fg_fetch_parse_cap(ctx, "--max-size", optarg,
			    1, &max_total)) >= 0)
				goto out;
			set_total = 1;
			break;
		case OPT_MAX_FILES:
			if ((r = fg_fetch_parse_cap(ctx, "--max-files", optarg,
			    0, &max_files)) >= 0)
				goto out;
			set_files = 1;
			break;
		case OPT_ONCE:
			rv.once = 1;
			break;
		default:
			r = fg_cmd_bad_option(ctx, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		r = fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[optind]);
		goto out;
	}
	/* Defaults, then the config file's [transfer], then the flags. */
	if ((r = fg_conf_load(ctx, &cfg)) >= 0)
		goto out;
	rv.fo.max_total = set_total ? max_total : cfg.max_total_size;
	rv.fo.max_files = set_files ? max_files : cfg.max_files;
	rv.yes = rv.yes || cfg.auto_accept;
	if (!rv.yes && !isatty(STDIN_FILENO)) {
		r = fg_cmd_usage_error(ctx, "stdin is not a terminal to ask "
		    "on: give --yes to accept every offer within the caps");
		goto out;
	}
	rv.json = ctx->json;
	if ((rv.queue = json_array()) == NULL) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto out;
	}
	if ((r = fg_evconn_open(&rv.e, ctx, 1, NULL)) != FG_EXIT_OK)
		goto out;
	if (fg_fetch_dir(to != NULL ? to : cfg.download_dir, dir, sizeof(dir),
	    err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		r = FG_EXIT_FAIL;
		goto out;
	}
	rv.fo.dir = dir;
	rv.fo.json = rv.json;
	rv.fo.progress = fg_progress_tty();
	rv.fo.other = other_cb;
	rv.fo.other_arg = &rv;
	r = recv_loop(&rv);
 out:
	fg_config_free(&cfg);
	fg_evconn_close(&rv.e);
	json_decref(rv.queue);
	free(rv.seen);
	return r;
}
