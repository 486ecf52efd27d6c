/* cmd-daemon: `feige daemon`, the user's node in the foreground. */
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <uv.h>

#include "cmd.h"
#include "feige/feige.h"
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
	default:		/* info answers and file transfers: not logged */
		break;
	}
}

/* Node event callback: feeds rpc (and so the watchers) and logs. */
static void
event_cb(struct fg_node *n, const struct fg_event *ev, void *arg)
{
	struct daemon *d = arg;

	(void)n;
	fg_rpc_event(d->rpc, ev);
	log_event(ev);
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
	while ((c = getopt_long(argc, argv, ":hj", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fg_cmd_print_cmd_help(ctx->cmd, stdout);
			return FG_EXIT_OK;
		case 'j':
			ctx->json = 1;
			break;
		default:
			if ((r = fg_cmd_node_option(ctx, &o, c, argv)) >= 0)
				return r;
			break;
		}
	}
	if (optind < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[optind]);
	if ((r = fg_cmd_socket(ctx, 1, path, sizeof(path))) != 0)
		return r;
	if (fg_server_probe(path, &busy, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_NO_DAEMON;
	}

	memset(&d, 0, sizeof(d));
	if ((r = uv_loop_init(&d.loop)) != 0) {
		fg_cmd_error("cannot make an event loop: %s", uv_strerror(r));
		return FG_EXIT_FAIL;
	}
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
	fprintf(stderr, "), socket %s\n", path);
	ret = FG_EXIT_OK;
 out:
	if (ret != FG_EXIT_OK)
		daemon_stop(&d);
	uv_run(&d.loop, UV_RUN_DEFAULT);
	fg_node_free(d.node);
	fg_server_free(d.srv);
	fg_rpc_free(d.rpc);
	if (uv_loop_close(&d.loop) != 0)
		fg_cmd_error("event loop still busy at exit");
	if (ret == FG_EXIT_OK)
		fprintf(stderr, "stopped\n");
	return ret;
}
