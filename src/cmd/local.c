/* local: one request on a short-lived in-process node. */
#include "local.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <uv.h>

#include "feige/feige.h"
#include "hist.h"
#include "node.h"
#include "rpc.h"

/* Extra time past the node's own retry budget before giving up on it. */
#define GUARD_MS	5000

enum local_wait { WAIT_NONE, WAIT_ALL, WAIT_PEER };

struct local;

/* The rpc context of a session's event subscription. */
struct local_watch {
	struct local	*l;
};

struct local {
	uv_loop_t	 loop;
	uv_timer_t	 timer;
	struct fg_rpc	*rpc;
	struct fg_node	*node;
	struct fg_hist	*hist;		/* sends from scripts are history too */
	json_t		*req, *reply;
	enum local_wait	 wait;
	int		 dispatched, stopping;
	unsigned	 guard_ms;
	/* A session (fg_local_session): every line goes to line. */
	fg_local_line_cb line;
	void		*line_arg;
	struct local_watch watch;
	int		 ended, interrupted, signals;
	uv_signal_t	 sigint, sigterm;
};

static void dispatch(struct local *);

/* Node done callback: nothing left to do; the loop ends when handles close. */
static void
node_done_cb(struct fg_node *n, void *arg)
{
	(void)n;
	(void)arg;
}

/* Stops everything: the timer, the rpc and the node (which says goodbye). */
static void
local_stop(struct local *l)
{
	if (l->stopping)
		return;
	l->stopping = 1;
	uv_close((uv_handle_t *)&l->timer, NULL);
	if (l->signals) {
		uv_close((uv_handle_t *)&l->sigint, NULL);
		uv_close((uv_handle_t *)&l->sigterm, NULL);
	}
	fg_rpc_close(l->rpc);
	fg_node_stop(l->node, node_done_cb, l);
}

/* Timer callback: time to stop. */
static void
stop_cb(uv_timer_t *t)
{
	local_stop(t->data);
}

/* Hands a session line to its callback; ends the session when it says so. */
static void
session_line(struct local *l, json_t *msg)
{
	if (l->ended || l->stopping)
		return;
	if (l->line(l->line_arg, msg) != 0) {
		/* Not from inside a node callback: stop on the next turn. */
		l->ended = 1;
		uv_timer_start(&l->timer, stop_cb, 0, 0);
	}
}

/* rpc reply callback: keeps the reply and stops on a later loop turn. */
static void
reply_cb(void *ctx, json_t *msg)
{
	struct local *l = ctx;

	if (l->line != NULL) {
		if (l->reply == NULL) {
			l->reply = json_incref(msg);
			uv_timer_stop(&l->timer);	/* the guard */
		}
		session_line(l, msg);
		return;
	}
	if (l->reply != NULL || l->stopping)
		return;
	l->reply = json_incref(msg);
	uv_timer_start(&l->timer, stop_cb, 0, 0);
}

/* rpc watch callback of a session: passes events on. */
static void
watch_cb(void *ctx, json_t *msg)
{
	struct local_watch *w = ctx;

	if (json_object_get(msg, "event") != NULL)
		session_line(w->l, msg);
}

/* Signal callback: SIGINT or SIGTERM ends a session. */
static void
signal_cb(uv_signal_t *s, int signum)
{
	struct local *l = s->data;

	(void)signum;
	l->interrupted = 1;
	local_stop(l);
}

/* Timer callback: the node never finished the request. */
static void
guard_cb(uv_timer_t *t)
{
	struct local *l = t->data;

	if (l->reply == NULL)
		l->reply = fg_rpc_error(json_object_get(l->req, "id"),
		    "internal", "the node did not finish the request in time");
	if (l->line != NULL && l->reply != NULL)
		(void)l->line(l->line_arg, l->reply);
	local_stop(l);
}

/* Timer callback: the wait is over; run the request. */
static void
dispatch_cb(uv_timer_t *t)
{
	dispatch(t->data);
}

/* Runs the request through the rpc handlers, guarded by a timer. */
static void
dispatch(struct local *l)
{
	if (l->dispatched || l->stopping)
		return;
	l->dispatched = 1;
	uv_timer_start(&l->timer, guard_cb, l->guard_ms, 0);
	(void)fg_rpc_handle(l->rpc, l->req, reply_cb, l);
}

/* 1 when every PEER of a send request resolves (or never will). */
static int
peers_ready(struct local *l)
{
	json_t *to = json_object_get(l->req, "to"), *v;
	const struct fg_peer *p;
	struct fg_dest d;
	char err[256];
	size_t i, n;

	n = json_is_array(to) ? json_array_size(to) : 1;
	for (i = 0; i < n; i++) {
		v = json_is_array(to) ? json_array_get(to, i) : to;
		if (!json_is_string(v))
			return 1;	/* a bad request: let rpc say so */
		if (fg_rpc_resolve(fg_node_peers(l->node),
		    fg_node_port(l->node), json_string_value(v), &d, &p, err,
		    sizeof(err)) == FG_RESOLVE_UNKNOWN)
			return 0;
	}
	return 1;
}

/* Node event callback: feeds rpc and notices when a waited-for peer appears. */
static void
event_cb(struct fg_node *n, const struct fg_event *ev, void *arg)
{
	struct local *l = arg;

	(void)n;
	fg_rpc_event(l->rpc, ev);
	if (l->wait == WAIT_PEER && !l->dispatched && !l->stopping &&
	    (ev->type == FG_EV_PEER_JOIN || ev->type == FG_EV_PEER_CHANGE) &&
	    peers_ready(l)) {
		/* Not from inside the node's callback: on the next turn. */
		l->wait = WAIT_NONE;
		uv_timer_start(&l->timer, dispatch_cb, 0, 0);
	}
}

/* Starts the node, runs the request (and a session's events), then stops. */
static int
local_main(struct local *l, const struct fg_node_opts *o, unsigned wait_ms,
    char *err, size_t errlen)
{
	const char *cmd = json_string_value(json_object_get(l->req, "cmd"));
	json_t *watch;
	int r, started = 0;

	l->guard_ms = fg_node_opts_send_ms(o) + GUARD_MS;
	if (cmd != NULL && (strcmp(cmd, "list") == 0 ||
	    strcmp(cmd, "broadcast") == 0))
		l->wait = WAIT_ALL;
	else if (cmd != NULL && (strcmp(cmd, "send") == 0 ||
	    strcmp(cmd, "send_file") == 0))
		l->wait = WAIT_PEER;
	if ((r = uv_loop_init(&l->loop)) != 0) {
		snprintf(err, errlen, "cannot make an event loop: %s",
		    uv_strerror(r));
		return FG_ERR_INTERNAL;
	}
	uv_timer_init(&l->loop, &l->timer);
	l->timer.data = l;
	if ((l->rpc = fg_rpc_new(&l->loop, fg_node_opts_send_ms(o))) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = FG_ERR_ALLOC;
		goto out;
	}
	if ((r = fg_node_new(&l->loop, &o->cfg, event_cb, l, &l->node, err,
	    errlen)) != 0)
		goto out;
	fg_rpc_set_node(l->rpc, l->node);
	fg_rpc_set_hist(l->rpc, (l->hist = fg_hist_try_open(o->history_path)));
	if ((r = fg_node_start(l->node, err, errlen)) != 0) {
		r = FG_ERR_SYSTEM;
		goto out;
	}
	started = 1;
	if (l->line != NULL) {
		/* A session watches from the start, as a client would. */
		l->watch.l = l;
		if ((watch = json_pack("{s:i, s:s}", "v", 1, "cmd",
		    "watch")) != NULL)
			(void)fg_rpc_handle(l->rpc, watch, watch_cb, &l->watch);
		json_decref(watch);
		uv_signal_init(&l->loop, &l->sigint);
		uv_signal_init(&l->loop, &l->sigterm);
		l->sigint.data = l->sigterm.data = l;
		l->signals = 1;
		uv_signal_start(&l->sigint, signal_cb, SIGINT);
		uv_signal_start(&l->sigterm, signal_cb, SIGTERM);
	}
	if (l->wait == WAIT_ALL || (l->wait == WAIT_PEER && !peers_ready(l)))
		uv_timer_start(&l->timer, dispatch_cb, wait_ms, 0);
	else
		uv_timer_start(&l->timer, dispatch_cb, 0, 0);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	r = 0;
 out:
	if (!started) {
		/* Close what was made; a node that never started still stops. */
		if (l->node != NULL)
			local_stop(l);
		else {
			uv_close((uv_handle_t *)&l->timer, NULL);
			fg_rpc_close(l->rpc);
		}
		uv_run(&l->loop, UV_RUN_DEFAULT);
	}
	fg_node_free(l->node);
	fg_rpc_free(l->rpc);
	fg_hist_close(l->hist);
	if (uv_loop_close(&l->loop) != 0 && r == 0) {
		snprintf(err, errlen, "event loop still busy at exit");
		r = FG_ERR_INTERNAL;
	}
	return r;
}

int
fg_local_run(const struct fg_node_opts *o, json_t *req, unsigned wait_ms,
    json_t **reply, char *err, size_t errlen)
{
	struct local l;
	int r;

	*reply = NULL;
	memset(&l, 0, sizeof(l));
	l.req = req;
	r = local_main(&l, o, wait_ms, err, errlen);
	if (r == 0 && l.reply == NULL) {
		snprintf(err, errlen, "no reply from the node");
		r = FG_ERR_INTERNAL;
	}
	if (r == 0)
		*reply = l.reply;
	else
		json_decref(l.reply);
	return r;
}

int
fg_local_session(const struct fg_node_opts *o, json_t *req, unsigned wait_ms,
    fg_local_line_cb line, void *arg, int *interrupted, char *err,
    size_t errlen)
{
	struct local l;
	int r;

	memset(&l, 0, sizeof(l));
	l.req = req;
	l.line = line;
	l.line_arg = arg;
	r = local_main(&l, o, wait_ms, err, errlen);
	*interrupted = l.interrupted;
	json_decref(l.reply);
	return r;
}
