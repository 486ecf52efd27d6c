/* cmd-send-file: `feige send-file PEER PATH...`, offering files and folders. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "evconn.h"
#include "feige/feige.h"
#include "fileev.h"
#include "jsonev.h"
#include "local.h"
#include "opts.h"
#include "progress.h"
#include "proto.h"

#define NO_DAEMON	"no daemon running: use --wait, or start one with " \
			"'feige daemon'"

/* One upload of the offer and its bytes so far (for the rate). */
struct sf_up {
	uint64_t	id, done;
};

/* What send-file waits for, fed the same lines by a daemon or a local node. */
struct sf {
	const char	*peer;
	int		 wait, json;
	uint64_t	 offer;
	int		 replied;
	json_t		*early;		/* events that came before the reply */
	struct fg_progress prog;
	struct sf_up	*ups;
	size_t		 nups;
	int		 exit;		/* a local session's result, or -1 */
};

/* Records an upload's progress; returns the bytes of all uploads so far. */
static uint64_t
sf_bytes(struct sf *s, uint64_t id, uint64_t done)
{
	struct sf_up *p;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < s->nups && s->ups[i].id != id; i++)
		;
	if (i == s->nups &&
	    (p = realloc(s->ups, (s->nups + 1) * sizeof(*p))) != NULL) {
		s->ups = p;
		s->ups[s->nups].id = id;
		s->ups[s->nups++].done = 0;
	}
	if (i < s->nups && done > s->ups[i].done)
		s->ups[i].done = done;
	for (i = 0; i < s->nups; i++)
		sum += s->ups[i].done;
	return sum;
}

/* Handles an event after the reply; -1 to go on, else the exit code. */
static int
sf_event(struct sf *s, json_t *ev)
{
	const char *name = fg_cmd_jstr(ev, "event"), *why;
	uint64_t bytes;

	if (strncmp(name, "xfer_", 5) == 0 &&
	    json_is_true(json_object_get(ev, "upload")) &&
	    fg_fileev_uint(ev, "offer") == s->offer) {
		bytes = sf_bytes(s, fg_fileev_uint(ev, "id"),
		    fg_fileev_uint(ev, "done"));
		if (s->json)
			return fg_cmd_print_json(ev) == 0 ? -1 : FG_EXIT_FAIL;
		if (strcmp(name, "xfer_progress") == 0)
			(void)fg_progress_update(&s->prog,
			    fg_cmd_jstr(ev, "name"),
			    fg_fileev_uint(ev, "file_done"),
			    fg_fileev_uint(ev, "file_total"), bytes, 0);
		return -1;
	}
	if (strcmp(name, "offer_end") != 0 ||
	    fg_fileev_uint(ev, "id") != s->offer)
		return -1;
	fg_progress_clear(&s->prog);
	if (s->json && fg_cmd_print_json(ev) != 0)
		return FG_EXIT_FAIL;
	why = fg_cmd_jstr(ev, "why");
	if (strcmp(why, "fetched") == 0)
		return FG_EXIT_OK;
	if (strcmp(why, "released") == 0) {
		fg_cmd_error("%s declined offer %llu (or let it go)", s->peer,
		    (unsigned long long)s->offer);
		return FG_EXIT_DECLINED;
	}
	fg_cmd_error("offer %llu %s before it was fetched",
	    (unsigned long long)s->offer, strcmp(why, "expired") == 0 ?
	    "expired" : "was cancelled");
	return FG_EXIT_FAIL;
}

/* Handles the reply to send_file; -1 to go on waiting, else the exit code. */
static int
sf_reply(struct sf *s, json_t *reply)
{
	const char *code = json_string_value(json_object_get(reply, "code"));
	json_t *out;
	size_t i;
	int r;

	s->replied = 1;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		if (code != NULL && strcmp(code, "timeout") == 0) {
			fg_cmd_error("no acknowledgement from %s; the offer is "
			    "withdrawn", s->peer);
			return FG_EXIT_NO_ACK;
		}
		return fg_cmd_check(reply);
	}
	s->offer = fg_fileev_uint(reply, "offer");
	if (s->json) {
		out = json_pack("{s:b, s:O?, s:O?}", "ok", 1,
		    "offer", json_object_get(reply, "offer"),
		    "msg", json_object_get(reply, "msg"));
		r = out != NULL && fg_cmd_print_json(out) == 0;
		json_decref(out);
		if (!r)
			return FG_EXIT_FAIL;
	} else {
		printf("%llu\n", (unsigned long long)s->offer);
		fflush(stdout);
	}
	if (!s->wait)
		return FG_EXIT_OK;
	for (i = 0; i < json_array_size(s->early); i++)
		if ((r = sf_event(s, json_array_get(s->early, i))) >= 0)
			return r;
	json_array_clear(s->early);
	return -1;
}

/* Handles one reply or event line; -1 to go on, else the exit code. */
static int
sf_line(struct sf *s, json_t *m)
{
	const char *name;

	if (json_object_get(m, "event") == NULL)
		return s->replied ? -1 : sf_reply(s, m);
	if (s->replied)
		return sf_event(s, m);
	/* Before the reply our offer id is unknown: keep what may be ours. */
	name = fg_cmd_jstr(m, "event");
	if ((strcmp(name, "offer_end") == 0 ||
	    strncmp(name, "xfer_", 5) == 0) &&
	    json_array_append(s->early, m) != 0)
		return FG_EXIT_FAIL;
	return -1;
}

/* Session callback of the short-lived node: feeds sf_line until it ends. */
static int
sf_local_cb(void *arg, json_t *msg)
{
	struct sf *s = arg;
	int r;

	if ((r = sf_line(s, msg)) < 0)
		return 0;
	s->exit = r;
	return 1;
}

/* Runs the offer on a short-lived node that serves it until it ends. */
static int
sf_local(struct sf *s, const struct fg_node_opts *o, json_t *req)
{
	char err[1024];
	int r, interrupted = 0;

	r = fg_local_session(o, req, FG_LOCAL_WAIT_MS, sf_local_cb, s,
	    &interrupted, err, sizeof(err));
	fg_progress_clear(&s->prog);
	if (r != 0) {
		fg_cmd_error("%s", err);
		return r == FG_ERR_SYSTEM ? FG_EXIT_NO_DAEMON : FG_EXIT_FAIL;
	}
	if (s->exit >= 0)
		return s->exit;
	fg_cmd_error(interrupted ? "interrupted: the offer is withdrawn" :
	    "the node stopped before the offer ended");
	return FG_EXIT_FAIL;
}

/* Runs the offer on the daemon; with --wait follows it to its end. */
static int
sf_daemon(struct sf *s, struct fg_evconn *e, json_t *req)
{
	json_t *reply = NULL, *ev = NULL;
	char err[1024];
	int r;

	if (fg_evconn_call(e, req, &reply, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_FAIL;
	}
	r = sf_reply(s, reply);
	json_decref(reply);
	while (r < 0) {
		if (fg_evconn_event(e, &ev, err, sizeof(err)) != 0) {
			fg_progress_clear(&s->prog);
			fg_cmd_error("%s (offer %llu)", err,
			    (unsigned long long)s->offer);
			return FG_EXIT_FAIL;
		}
		r = sf_event(s, ev);
		json_decref(ev);
	}
	return r;
}

int
fg_cmd_send_file(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "message", required_argument, NULL, 'm' },
		{ "wait", no_argument, NULL, 'w' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct fg_node_opts o;
	struct fg_evconn e;
	struct sf s;
	json_t *req = NULL, *paths = NULL;
	const char *mtext = NULL, *text = "";
	char *owned = NULL, real[PATH_MAX];
	int c, i, r;

	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	s.exit = -1;
	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((r = fg_cmd_node_getopt(ctx, argc, argv, ":hjm:", longopts, &o,
	    NULL, &c)) != FG_CMD_OPTS_END) {
		if (r >= 0)
			return r;
		if (c == 'm')
			mtext = optarg;
		else if (c == 'w')
			s.wait = 1;
	}
	if (argc - optind < 2)
		return fg_cmd_usage_error(ctx, "send-file needs PEER and at "
		    "least one PATH");
	if (argc - optind - 1 > FG_MAX_ATTACH)
		return fg_cmd_usage_error(ctx, "at most %d PATHs in one offer",
		    FG_MAX_ATTACH);
	s.peer = argv[optind];
	s.json = ctx->json;
	if (*s.peer == '\0')
		return fg_cmd_usage_error(ctx, "PEER is empty");
	if (mtext != NULL &&
	    (r = fg_cmd_get_text(ctx, mtext, &owned, &text)) >= 0)
		return r;
	if ((paths = json_array()) == NULL ||
	    (s.early = json_array()) == NULL) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto out;
	}
	/* The daemon's working folder is not ours: every path goes absolute. */
	for (i = optind + 1; i < argc; i++) {
		if (realpath(argv[i], real) == NULL) {
			fg_cmd_error("%s: %s", argv[i], strerror(errno));
			r = FG_EXIT_FAIL;
			goto out;
		}
		if (json_array_append_new(paths, json_string(real)) != 0) {
			fg_cmd_error("%s: not a UTF-8 path", argv[i]);
			r = FG_EXIT_FAIL;
			goto out;
		}
	}
	if ((req = json_pack("{s:i, s:i, s:s, s:s, s:O, s:s}", "v",
	    FG_PROTO_VERSION, "id", 1, "cmd", "send_file", "to", s.peer,
	    "paths", paths, "text", text)) == NULL) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto out;
	}
	fg_progress_init(&s.prog, stderr, s.wait && !s.json &&
	    fg_progress_tty());
	if ((r = fg_conf_node(ctx, &o)) >= 0)
		goto out;
	r = fg_evconn_open(&e, ctx, s.wait, s.wait ? "" : NO_DAEMON);
	if (r == FG_EXIT_NO_DAEMON && e.absent && s.wait)
		r = sf_local(&s, &o, req);
	else if (r == FG_EXIT_OK)
		r = sf_daemon(&s, &e, req);
 out:
	fg_node_opts_free(&o);
	fg_evconn_close(&e);
	free(owned);
	free(s.ups);
	json_decref(s.early);
	json_decref(paths);
	json_decref(req);
	return r;
}
