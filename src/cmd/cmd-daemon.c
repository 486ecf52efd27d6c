/* cmd-daemon: `feige daemon`, the user's node in the foreground. */
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <uv.h>

#include "cmd.h"
#include "conf.h"
#include "feige/feige.h"
#include "fileev.h"
#include "hist.h"
#include "home.h"
#include "jsonev.h"
#include "node.h"
#include "opts.h"
#include "rpc.h"
#include "server.h"

struct daemon {
	uv_loop_t		 loop;
	uv_signal_t		 sigint, sigterm;
	struct fg_rpc		*rpc;
	struct fg_node		*node;
	struct fg_server	*srv;
	struct fg_hist		*hist;
	const struct fg_config	*conf;
	int			 stopping, signals;
};

/* Logs "user@host (nick) ip:port" for a peer, control characters cleaned. */
static void
log_peer(const struct fg_peer *p)
{
	char ip[INET_ADDRSTRLEN];

	fg_jsonev_ip(p->ip, ip, sizeof(ip));
	fprintf(stderr, "#%u ", (unsigned)p->id);
	fg_cmd_put_clean(stderr, p->user);
	fputc('@', stderr);
	fg_cmd_put_clean(stderr, p->host);
	if (p->nick != NULL && *p->nick != '\0') {
		fputs(" (", stderr);
		fg_cmd_put_clean(stderr, p->nick);
		fputc(')', stderr);
	}
	fprintf(stderr, " %s:%u", ip, (unsigned)p->port);
}

/* Logs a file event or a node log line as `watch` shows it. */
static void
log_file_event(const struct fg_event *ev)
{
	json_t *j;

	if ((j = fg_jsonev_event(ev)) == NULL)
		return;
	if (fg_fileev_print(stderr, j))
		fputc('\n', stderr);
	json_decref(j);
}

/* Logs one line for the node events worth a line. */
static void
log_event(const struct fg_event *ev)
{
	char ip[INET_ADDRSTRLEN];

	switch (ev->type) {
	case FG_EV_PEER_JOIN:
	case FG_EV_PEER_LEAVE:
	case FG_EV_PEER_CHANGE:
		if (ev->peer == NULL)
			return;
		fputs(ev->type == FG_EV_PEER_JOIN ? "peer joined: " :
		    ev->type == FG_EV_PEER_LEAVE ? "peer left: " :
		    "peer changed: ", stderr);
		log_peer(ev->peer);
		if (ev->type == FG_EV_PEER_CHANGE && ev->peer->absent)
			fputs(" (away)", stderr);
		fputc('\n', stderr);
		break;
	case FG_EV_MESSAGE:
		if (ev->msg == NULL)
			return;
		fg_jsonev_ip(ev->msg->ip, ip, sizeof(ip));
		fprintf(stderr, "message %llu from ",
		    (unsigned long long)ev->msg->id);
		fg_cmd_put_clean(stderr, ev->msg->user);
		fputc('@', stderr);
		fg_cmd_put_clean(stderr, ev->msg->host);
		fprintf(stderr, " %s:%u%s\n", ip, (unsigned)ev->msg->port,
		    ev->msg->sealed ? " (sealed)" : "");
		break;
	case FG_EV_RECEIPT:
	case FG_EV_READ:
		fg_jsonev_ip(ev->ip, ip, sizeof(ip));
		fprintf(stderr, "message %llu %s by %s:%u\n",
		    (unsigned long long)ev->id,
		    ev->type == FG_EV_RECEIPT ? "acknowledged" : "opened",
		    ip, (unsigned)ev->port);
		break;
	case FG_EV_LOG:
	case FG_EV_OFFER:
	case FG_EV_OFFER_END:
	case FG_EV_XFER_DONE:
		log_file_event(ev);
		break;
	case FG_EV_SECURITY:
		fprintf(stderr, "WARNING: %s\n", ev->text != NULL ? ev->text : "");
		break;
	default:		/* info answers and progress: not logged */
		break;
	}
}

/*
 * With [transfer] auto_accept: accepts an offer into download_dir when it
 * fits the caps (0: none), else declines it; logs a line either way.
 */
static void
auto_accept(struct daemon *d, const struct fg_offer *of)
{
	const struct fg_config *c = d->conf;
	struct fg_accept_caps caps;
	uint64_t id = of->id, total = 0, xid;
	char err[1024];
	size_t i;

	if (c == NULL || !c->auto_accept)
		return;
	for (i = 0; i < of->nfiles; i++)
		total += of->files[i].size;
	fprintf(stderr, "offer %llu from ", (unsigned long long)id);
	fg_cmd_put_clean(stderr, of->user);
	fputc('@', stderr);
	fg_cmd_put_clean(stderr, of->host);
	fprintf(stderr, " (%zu files, %llu bytes): ", of->nfiles,
	    (unsigned long long)total);
	if ((c->max_files != 0 && of->nfiles > c->max_files) ||
	    (c->max_total_size != 0 && total > c->max_total_size)) {
		fprintf(stderr, "declined, over the caps (max_files %llu, "
		    "max_total_size %llu)\n", (unsigned long long)c->max_files,
		    (unsigned long long)c->max_total_size);
		fg_hist_offer_declined(d->hist, id);
		(void)fg_node_decline(d->node, id);	/* frees of */
		return;
	}
	if (c->download_dir == NULL ||
	    fg_home_mkdirs(c->download_dir, err, sizeof(err)) != 0) {
		fprintf(stderr, "not accepted: %s\n", c->download_dir == NULL ?
		    "no download_dir" : err);
		return;
	}
	caps.max_total = c->max_total_size;
	caps.max_files = c->max_files;
	if (fg_node_accept(d->node, id, NULL, 0, c->download_dir, 0, &caps,
	    &xid, err, sizeof(err)) != 0) {
		fprintf(stderr, "not accepted: %s\n", err);
		return;
	}
	fg_hist_offer_accepted(d->hist, id, c->download_dir);
	fputs("accepted into ", stderr);
	fg_cmd_put_clean(stderr, c->download_dir);
	fprintf(stderr, " (transfer %llu)\n", (unsigned long long)xid);
}

/* Node event callback: feeds rpc (and so the watchers and history) and logs. */
static void
event_cb(struct fg_node *n, const struct fg_event *ev, void *arg)
{
	struct daemon *d = arg;

	(void)n;
	fg_rpc_event(d->rpc, ev);
	log_event(ev);
	if (ev->type == FG_EV_OFFER && ev->offer != NULL)
		auto_accept(d, ev->offer);
}

/* Node done callback: the goodbye went out and the sockets are closed. */
static void
node_done_cb(struct fg_node *n, void *arg)
{
	(void)n;
	(void)arg;
}

/* Starts shutting down: server, rpc, node and the signal watchers. */
static void
daemon_stop(struct daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	fg_server_close(d->srv);
	fg_rpc_close(d->rpc);
	fg_hist_stop(d->hist);
	if (d->node != NULL)
		fg_node_stop(d->node, node_done_cb, d);
	if (d->signals) {
		uv_close((uv_handle_t *)&d->sigint, NULL);
		uv_close((uv_handle_t *)&d->sigterm, NULL);
	}
}

/* Signal callback: SIGINT or SIGTERM stops the daemon (exit 0). */
static void
signal_cb(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;

	fprintf(stderr, "stopping (%s)\n", signum == SIGINT ? "SIGINT" :
	    "SIGTERM");
	daemon_stop(d);
}

int
fg_cmd_daemon(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	char path[PATH_MAX], err[1024];
	struct fg_node_opts o;
	struct daemon d;
	int c, r, busy = 0, ret = FG_EXIT_FAIL;

	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((r = fg_cmd_node_getopt(ctx, argc, argv, ":hj", longopts, &o,
	    NULL, &c)) != FG_CMD_OPTS_END)
		if (r >= 0)
			return r;
	if (optind < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[optind]);
	if ((r = fg_conf_node(ctx, &o)) >= 0 ||
	    (r = fg_cmd_socket(ctx, 1, path, sizeof(path))) != 0) {
		fg_node_opts_free(&o);
		return r;
	}
	if (fg_server_probe(path, &busy, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		fg_node_opts_free(&o);
		return FG_EXIT_NO_DAEMON;
	}

	memset(&d, 0, sizeof(d));
	d.conf = &o.conf;
	if ((r = uv_loop_init(&d.loop)) != 0) {
		fg_cmd_error("cannot make an event loop: %s", uv_strerror(r));
		fg_node_opts_free(&o);
		return FG_EXIT_FAIL;
	}
	/* History never stops the daemon: without it, messages still flow. */
	d.hist = fg_hist_try_open(o.history_path);
	if ((d.rpc = fg_rpc_new(&d.loop, fg_node_opts_send_ms(&o))) == NULL) {
		fg_cmd_error("out of memory");
		goto out;
	}
	if (fg_node_new(&d.loop, &o.cfg, event_cb, &d, &d.node, err,
	    sizeof(err)) != 0) {
		fg_cmd_error("cannot make the node: %s", err);
		goto out;
	}
	fg_rpc_set_node(d.rpc, d.node);
	fg_rpc_set_hist(d.rpc, d.hist);
	fg_hist_set_node(d.hist, &d.loop, d.node);
	if (fg_node_start(d.node, err, sizeof(err)) != 0) {
		fg_cmd_error("cannot start the node: %s", err);
		ret = FG_EXIT_NO_DAEMON;
		goto out;
	}
	if (fg_server_listen(&d.loop, d.rpc, path, &d.srv, &busy, err,
	    sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		ret = FG_EXIT_NO_DAEMON;
		goto out;
	}
	uv_signal_init(&d.loop, &d.sigint);
	uv_signal_init(&d.loop, &d.sigterm);
	d.sigint.data = d.sigterm.data = &d;
	d.signals = 1;
	uv_signal_start(&d.sigint, signal_cb, SIGINT);
	uv_signal_start(&d.sigterm, signal_cb, SIGTERM);
	fprintf(stderr, "started on %s:%u as ", o.cfg.bind != NULL ?
	    o.cfg.bind : "0.0.0.0", (unsigned)fg_node_port(d.node));
	fg_cmd_put_clean(stderr, fg_node_user(d.node));
	fputc('@', stderr);
	fg_cmd_put_clean(stderr, fg_node_host(d.node));
	fputs(" (", stderr);
	fg_cmd_put_clean(stderr, fg_node_nick(d.node));
	fprintf(stderr, "), socket %s, history %s\n", path, d.hist != NULL ?
	    o.history_path : "off");
	ret = FG_EXIT_OK;
 out:
	if (ret != FG_EXIT_OK)
		daemon_stop(&d);
	uv_run(&d.loop, UV_RUN_DEFAULT);
	fg_node_free(d.node);
	fg_server_free(d.srv);
	fg_rpc_free(d.rpc);
	fg_hist_close(d.hist);
	if (uv_loop_close(&d.loop) != 0)
		fg_cmd_error("event loop still busy at exit");
	fg_node_opts_free(&o);
	if (ret == FG_EXIT_OK)
		fprintf(stderr, "stopped\n");
	return ret;
}
