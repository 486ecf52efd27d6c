/* tnode: the engine-test harness (see tnode.h). */
#include "tnode.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packet.h"

/* Records what a node saw. */
static void
event_cb(struct fg_node *n, const struct fg_event *ev, void *arg)
{
	struct tnode *t = arg;
	struct tn_rec *r = &t->rec;

	(void)n;
	switch (ev->type) {
	case FG_EV_PEER_JOIN:
		r->joins++;
		break;
	case FG_EV_PEER_LEAVE:
		r->leaves++;
		break;
	case FG_EV_PEER_CHANGE:
		r->changes++;
		break;
	case FG_EV_MESSAGE:
		if (r->nmsg < TN_MAXMSG) {
			r->text[r->nmsg] = strdup(ev->msg->text);
			r->cmd[r->nmsg] = ev->msg->command;
			r->pktno[r->nmsg] = ev->msg->pktno;
			r->ip[r->nmsg] = ev->msg->ip;
			r->port[r->nmsg] = ev->msg->port;
			r->nmsg++;
		}
		t->last_encrypted = ev->msg->encrypted;
		t->last_verified = ev->msg->verified;
		break;
	case FG_EV_RECEIPT:
		r->receipts++;
		t->receipts_encrypted += ev->encrypted;
		break;
	case FG_EV_SECURITY:
		t->security++;
		break;
	case FG_EV_READ:
		r->reads++;
		r->read_id = ev->id;
		break;
	case FG_EV_INFO:
		r->infos++;
		snprintf(r->info, sizeof(r->info), "%s", ev->text);
		break;
	case FG_EV_OFFER:
		r->offers++;
		r->last_offer = ev->offer->id;
		break;
	case FG_EV_OFFER_END:
		r->offer_ends++;
		r->last_offer_end = ev->status;
		break;
	case FG_EV_XFER_PROGRESS:
		r->xfer_progress++;
		break;
	case FG_EV_XFER_DONE:
		if (ev->xfer->upload) {
			t->uploads_done++;
			t->uploads_encrypted += ev->xfer->encrypted;
			break;
		}
		r->xfers_done++;
		r->xfer_encrypted = ev->xfer->encrypted;
		r->xfer_status = ev->xfer->status;
		r->xfer_offset = ev->xfer->offset;
		snprintf(r->xfer_error, sizeof(r->xfer_error), "%s",
		    ev->xfer->error != NULL ? ev->xfer->error : "");
		snprintf(r->xfer_path, sizeof(r->xfer_path), "%s",
		    ev->xfer->path != NULL ? ev->xfer->path : "");
		break;
	case FG_EV_LOG:
		break;
	}
}

/* Drops datagrams of the chosen mode, to play a lossy network. */
static int
drop_filter(void *arg, const void *p, size_t len, uint32_t ip, uint16_t port)
{
	struct tnode *t = arg;
	struct fg_packet pkt;

	(void)ip;
	(void)port;
	if (t->drop_left > 0 && fg_packet_parse(p, len, &pkt) == 0 &&
	    fg_packet_mode(&pkt) == t->drop_mode) {
		t->drop_left--;
		return 1;
	}
	return 0;
}

static void
tick_cb(uv_timer_t *t)
{
	(void)t;
}

int
tn_run_until(struct tn_env *e, int (*cond)(void *), void *arg, unsigned ms)
{
	uv_timer_t t;
	uint64_t end;
	int ok = 0;

	uv_update_time(&e->loop);
	end = uv_now(&e->loop) + ms;
	uv_timer_init(&e->loop, &t);
	while (!(ok = cond(arg)) && uv_now(&e->loop) < end) {
		uv_timer_start(&t, tick_cb, 10, 0);
		uv_run(&e->loop, UV_RUN_ONCE);
	}
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&e->loop, UV_RUN_NOWAIT);
	return ok;
}

static int
never(void *arg)
{
	(void)arg;
	return 0;
}

void
tn_settle(struct tn_env *e, unsigned ms)
{
	(void)tn_run_until(e, never, NULL, ms);
}

int
tn_start(struct tn_env *e, int i)
{
	struct tnode *t = &e->t[i];
	struct fg_node_config cfg;
	char targets[80] = "", err[256];
	int j, r;

	for (j = 0; j < e->count; j++) {
		if (j == i)
			continue;
		if (targets[0] != '\0')
			strcat(targets, ",");
		strcat(targets, e->t[j].addr);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.user = t->user;
	cfg.host = "testhost";
	cfg.bind = t->addr;
	cfg.port = e->port;
	cfg.broadcast = t->targets != NULL ? t->targets : targets;
	cfg.get_list = t->get_list;
	cfg.broadcast_only = 1;
	cfg.legacy = FG_CS_GBK;
	cfg.retry_ms = 150;
	cfg.retries = 4;
	cfg.probe_ms = 100;
	cfg.keystore = t->ks;
	memset(&t->rec, 0, sizeof(t->rec));
	if ((r = fg_node_new(&e->loop, &cfg, event_cb, t, &t->node, err, sizeof(err))) != 0 ||
	    (r = fg_node_start(t->node, err, sizeof(err))) != 0) {
		fprintf(stderr, "node %d: %s\n", i, err);
		return r;
	}
	fg_node_set_rx_filter(t->node, drop_filter, t);
	t->stopped = 0;
	return 0;
}

static void
stopped_cb(struct fg_node *n, void *arg)
{
	(void)n;
	((struct tnode *)arg)->stopped = 1;
}

static int
is_stopped(void *arg)
{
	return ((struct tnode *)arg)->stopped;
}

void
tn_stop(struct tn_env *e, int i)
{
	struct tnode *t = &e->t[i];
	int k;

	if (t->node == NULL)
		return;
	fg_node_stop(t->node, stopped_cb, t);
	(void)tn_run_until(e, is_stopped, t, 5000);
	fg_node_free(t->node);
	t->node = NULL;
	for (k = 0; k < t->rec.nmsg; k++)
		free(t->rec.text[k]);
	t->rec.nmsg = 0;
}

static struct tn_env *all_env;

int
tn_all_see_all(void *arg)
{
	struct tn_env *e = arg != NULL ? arg : all_env;
	int i, j;

	for (i = 0; i < e->count; i++)
		for (j = 0; j < e->count; j++)
			if (j != i && fg_peers_find(fg_node_peers(e->t[i].node),
			    e->t[j].user, "testhost") == NULL)
				return 0;
	return 1;
}

struct tn_env *
tn_setup(int count)
{
	struct tn_env *e;
	int i, tries;

	if (count > TN_MAX || (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->count = count;
	uv_loop_init(&e->loop);
	for (i = 0; i < count; i++) {
		snprintf(e->t[i].addr, sizeof(e->t[i].addr), "127.0.0.%d", i + 2);
		snprintf(e->t[i].user, sizeof(e->t[i].user), "user%c", 'a' + i);
	}
	/* A port of our own, so that parallel test runs do not meet. */
	for (tries = 0; tries < 20; tries++) {
		e->port = (uint16_t)(20000 + (getpid() * 7 + tries * 131) % 20000);
		for (i = 0; i < count; i++)
			if (tn_start(e, i) != 0)
				break;
		if (i == count)
			break;
		while (--i >= 0)
			tn_stop(e, i);
	}
	if (tries == 20 || !tn_run_until(e, tn_all_see_all, e, 3000)) {
		tn_teardown(e);
		return NULL;
	}
	all_env = e;
	return e;
}

void
tn_teardown(struct tn_env *e)
{
	int i;

	if (e == NULL)
		return;
	for (i = 0; i < e->count; i++)
		tn_stop(e, i);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	(void)uv_loop_close(&e->loop);
	if (all_env == e)
		all_env = NULL;
	free(e);
}

struct fg_dest
tn_dest(const struct tn_env *e, int i)
{
	struct fg_dest d;

	inet_pton(AF_INET, e->t[i].addr, &d.ip);
	d.port = e->port;
	return d;
}
