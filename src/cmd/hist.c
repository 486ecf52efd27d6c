/* hist: recording what a node sends, receives and transfers in the history. */
#include "hist.h"

#include <sys/queue.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feige/feige.h"
#include "proto.h"

/* An outgoing message and the peer it was recorded under. */
struct out_rec {
	uint64_t	 id;
	uint32_t	 ip;
	uint16_t	 port;
	char		*user, *host;
};

/* A file of a followed offer and its attachment row. */
struct offer_file {
	uint32_t	 fid;
	uint32_t	 attr;
	int64_t		 rowid;
	char		*name;
	int		 done;		/* outcome final (done, declined...) */
};

/* An offer whose outcome is followed. */
struct offer_rec {
	TAILQ_ENTRY(offer_rec)	 link;
	uint64_t		 id;	/* the node's offer id */
	int			 out;	/* ours */
	int			 pending; /* a download ended: settle it */
	int			 status; /* of that download */
	size_t			 njob;	/* files in that download */
	char			*path;	/* its last final path, or NULL */
	char			*dir;	/* where it was accepted into */
	struct offer_file	*f;
	size_t			 n;
};

TAILQ_HEAD(offer_recs, offer_rec);

struct fg_hist {
	struct fg_history	*db;
	struct fg_node		*node;
	uv_timer_t		 timer;
	int			 timer_init, stopped, quiet;
	struct out_rec		 ring[FG_HIST_RING];
	size_t			 nring;		/* ever stored */
	uint64_t		 last_in_id;	/* the last message recorded in */
	int64_t			 last_in_rowid;
	struct offer_recs	 offers;
	size_t			 noffers;
};

/* Prints a history error on stderr (unless quiet). */
static void
hist_log(const struct fg_hist *h, const char *err)
{
	if (!h->quiet)
		fprintf(stderr, "feige: %s\n", err);
}

/* Writes "a.b.c.d:port". */
static void
addr_str(uint32_t ip, uint16_t port, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in;

	in.s_addr = ip;
	if (inet_ntop(AF_INET, &in, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s:%u", a, (unsigned)port);
}

int
fg_hist_open(const char *path, struct fg_hist **out, char *err,
    size_t errlen)
{
	struct fg_hist *h;
	int r;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	TAILQ_INIT(&h->offers);
	if ((r = fg_history_open(path, &h->db, err, errlen)) != 0) {
		free(h);
		return r;
	}
	fg_history_set_busy_ms(h->db, FG_HIST_BUSY_MS);
	*out = h;
	return 0;
}

struct fg_hist *
fg_hist_try_open(const char *path)
{
	struct fg_hist *h;
	char err[1024];

	if (path == NULL || *path == '\0')
		return NULL;
	if (fg_hist_open(path, &h, err, sizeof(err)) != 0) {
		fprintf(stderr, "feige: %s; not recording history\n", err);
		return NULL;
	}
	return h;
}

/* Timer: settles the downloads that ended, now that the node updated its offers. */
static void
settle_cb(uv_timer_t *t)
{
	struct fg_hist *h = t->data;
	struct offer_rec *o, *next;

	for (o = TAILQ_FIRST(&h->offers); o != NULL; o = next) {
		next = TAILQ_NEXT(o, link);
		if (o->pending)
			fg_hist_settle_download(h, o->id, h->node != NULL ?
			    fg_node_offer_find(h->node, o->id) : NULL);
	}
}

void
fg_hist_set_node(struct fg_hist *h, uv_loop_t *loop, struct fg_node *n)
{
	if (h == NULL)
		return;
	h->node = n;
	if (!h->timer_init && loop != NULL) {
		uv_timer_init(loop, &h->timer);
		h->timer.data = h;
		h->timer_init = 1;
	}
}

void
fg_hist_stop(struct fg_hist *h)
{
	if (h == NULL || h->stopped)
		return;
	h->stopped = 1;
	if (h->timer_init)
		uv_close((uv_handle_t *)&h->timer, NULL);
}

/* Frees an offer record (already unlinked). */
static void
offer_free(struct offer_rec *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		free(o->f[i].name);
	free(o->f);
	free(o->path);
	free(o->dir);
	free(o);
}

/* Unlinks and frees an offer record. */
static void
offer_drop(struct fg_hist *h, struct offer_rec *o)
{
	TAILQ_REMOVE(&h->offers, o, link);
	h->noffers--;
	offer_free(o);
}

void
fg_hist_close(struct fg_hist *h)
{
	struct offer_rec *o;
	size_t i;

	if (h == NULL)
		return;
	while ((o = TAILQ_FIRST(&h->offers)) != NULL)
		offer_drop(h, o);
	for (i = 0; i < FG_HIST_RING; i++) {
		free(h->ring[i].user);
		free(h->ring[i].host);
	}
	fg_history_close(h->db);
	free(h);
}

struct fg_history *
fg_hist_db(struct fg_hist *h)
{
	return h != NULL ? h->db : NULL;
}

void
fg_hist_set_quiet(struct fg_hist *h, int quiet)
{
	if (h != NULL)
		h->quiet = quiet;
}

/* Remembers the peer an outgoing message was recorded under. */
static void
ring_add(struct fg_hist *h, uint64_t id, const struct fg_dest *d,
    const char *user, const char *host)
{
	struct out_rec *r = &h->ring[h->nring++ % FG_HIST_RING];

	free(r->user);
	free(r->host);
	r->id = id;
	r->ip = d->ip;
	r->port = d->port;
	r->user = strdup(user);
	r->host = strdup(host);
	if (r->user == NULL || r->host == NULL) {
		free(r->user);
		free(r->host);
		r->user = r->host = NULL;
		r->id = 0;
	}
}

/* The newest remembered record of message id to ip (and port, unless 0). */
static const struct out_rec *
ring_find(const struct fg_hist *h, uint64_t id, uint32_t ip, uint16_t port)
{
	const struct out_rec *r;
	size_t i, n = h->nring < FG_HIST_RING ? h->nring : FG_HIST_RING;

	for (i = 0; i < n; i++) {
		r = &h->ring[(h->nring - 1 - i) % FG_HIST_RING];
		if (r->id == id && r->ip == ip && (port == 0 || r->port == port))
			return r;
	}
	return NULL;
}

/*
 * Fills m's peer for destination d: the peer in t at that address, or,
 * for a host not (yet) known, a stand-in named by its address.
 */
static void
dest_peer(const struct fg_peers *t, const struct fg_dest *d,
    struct fg_history_msg *m, char *addr, size_t addrlen)
{
	const struct fg_peer *p;

	addr_str(d->ip, d->port, addr, addrlen);
	p = t != NULL ? fg_peers_find_addr(t, d->ip, d->port) : NULL;
	m->address = addr;
	if (p != NULL) {
		m->user = p->user;
		m->host = p->host;
		m->nick = p->nick;
	} else {
		m->user = "";
		m->host = addr;
		m->nick = NULL;
	}
}

/* Records one outgoing message to d; *rowid gets its row (0 on failure). */
static void
record_out(struct fg_hist *h, const struct fg_peers *t, uint64_t id,
    const struct fg_dest *d, const char *text, unsigned flags,
    int64_t *rowid)
{
	struct fg_history_msg m;
	char addr[64], err[512];

	*rowid = 0;
	memset(&m, 0, sizeof(m));
	dest_peer(t, d, &m, addr, sizeof(addr));
	m.dir = FG_HISTORY_OUT;
	m.flags = flags;
	m.text = text;
	m.state = FG_HISTORY_SENT;
	m.local_id = id;
	if (fg_history_add_message(h->db, &m, rowid, err, sizeof(err)) != 0) {
		hist_log(h, err);
		return;
	}
	ring_add(h, id, d, m.user, m.host);
}

void
fg_hist_sent(struct fg_hist *h, const struct fg_peers *t, uint64_t id,
    const struct fg_dest *to, size_t nto, const char *text, int sealed)
{
	unsigned flags = (sealed ? FG_HISTORY_F_SEALED : 0) |
	    (nto > 1 ? FG_HISTORY_F_MULTICAST : 0);
	int64_t rowid;
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < nto; i++)
		record_out(h, t, id, &to[i], text, flags, &rowid);
}

/* Moves outgoing message id at ip:port (port 0: any) to state. */
static void
out_state(struct fg_hist *h, uint64_t id, uint32_t ip, uint16_t port,
    enum fg_history_state state)
{
	const struct out_rec *r = ring_find(h, id, ip, port);
	char err[512];

	if (id == 0)
		return;
	if (fg_history_set_state(h->db, FG_HISTORY_OUT, id,
	    r != NULL ? r->user : NULL, r != NULL ? r->host : NULL, state, err,
	    sizeof(err)) != 0)
		hist_log(h, err);
}

void
fg_hist_send_result(struct fg_hist *h, uint64_t id, const struct fg_dest *to,
    int status)
{
	if (h == NULL || to == NULL)
		return;
	out_state(h, id, to->ip, to->port, status == 0 ? FG_HISTORY_ACKED :
	    FG_HISTORY_FAILED);
}

void
fg_hist_broadcast(struct fg_hist *h, const char *text, size_t sent)
{
	struct fg_history_msg m;
	char err[512];

	(void)sent;
	if (h == NULL)
		return;
	memset(&m, 0, sizeof(m));
	m.dir = FG_HISTORY_BROADCAST;
	m.flags = FG_HISTORY_F_BROADCAST;
	m.text = text;
	m.state = FG_HISTORY_SENT;
	if (fg_history_add_message(h->db, &m, NULL, err, sizeof(err)) != 0)
		hist_log(h, err);
}

void
fg_hist_opened(struct fg_hist *h, uint64_t msg_id)
{
	char err[512];

	if (h == NULL || msg_id == 0)
		return;
	if (fg_history_set_state(h->db, FG_HISTORY_IN, msg_id, NULL, NULL,
	    FG_HISTORY_OPENED, err, sizeof(err)) != 0)
		hist_log(h, err);
}

/* Records a received message; remembers its row for an offer that follows. */
static void
record_in(struct fg_hist *h, const struct fg_message *msg,
    const struct fg_peer *peer)
{
	struct fg_history_msg m;
	char addr[64], err[512];
	int64_t rowid;

	memset(&m, 0, sizeof(m));
	addr_str(msg->ip, msg->port, addr, sizeof(addr));
	m.user = msg->user;
	m.host = msg->host;
	m.nick = peer != NULL ? peer->nick : msg->peer != NULL ?
	    msg->peer->nick : NULL;
	m.address = addr;
	m.dir = FG_HISTORY_IN;
	m.pktno = msg->pktno;
	m.flags = (msg->sealed ? FG_HISTORY_F_SEALED : 0) |
	    (msg->broadcast ? FG_HISTORY_F_BROADCAST : 0) |
	    (msg->autoret ? FG_HISTORY_F_AUTORET : 0) |
	    (msg->multicast ? FG_HISTORY_F_MULTICAST : 0) |
	    (msg->encrypted ? FG_HISTORY_F_ENCRYPTED : 0) |
	    (msg->verified ? FG_HISTORY_F_SIGNED | FG_HISTORY_F_VERIFIED : 0);
	m.text = msg->text;
	m.state = FG_HISTORY_RECEIVED;
	m.local_id = msg->id;
	if (fg_history_add_message(h->db, &m, &rowid, err, sizeof(err)) != 0) {
		hist_log(h, err);
		return;
	}
	h->last_in_id = msg->id;
	h->last_in_rowid = rowid;
}

/* The followed offer id (ours when out), or NULL. */
static struct offer_rec *
offer_find(struct fg_hist *h, uint64_t id, int out)
{
	struct offer_rec *o;

	TAILQ_FOREACH(o, &h->offers, link)
		if (o->id == id && o->out == out)
			return o;
	return NULL;
}

/* Starts following an offer of n files; the oldest goes when too many are. */
static struct offer_rec *
offer_new(struct fg_hist *h, uint64_t id, int out, size_t n)
{
	struct offer_rec *o;

	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->f = calloc(n > 0 ? n : 1, sizeof(*o->f))) == NULL) {
		free(o);
		hist_log(h, "history: out of memory");
		return NULL;
	}
	o->id = id;
	o->out = out;
	if (h->noffers >= FG_HIST_MAX_OFFERS)
		offer_drop(h, TAILQ_FIRST(&h->offers));
	TAILQ_INSERT_TAIL(&h->offers, o, link);
	h->noffers++;
	return o;
}

/* Records one attachment of message rowid and follows it in o. */
static void
offer_add_file(struct fg_hist *h, struct offer_rec *o, int64_t rowid,
    const struct fg_history_attach *a)
{
	struct offer_file *f = &o->f[o->n];
	char err[512];

	if (fg_history_add_attachment(h->db, rowid, a, &f->rowid, err,
	    sizeof(err)) != 0) {
		hist_log(h, err);
		return;
	}
	f->fid = (uint32_t)a->file_id;
	f->attr = a->attr;
	if ((f->name = strdup(a->name)) == NULL) {
		hist_log(h, "history: out of memory");
		return;
	}
	o->n++;
}

/*
 * Sets one followed file's outcome (and path). A final one (done, or the
 * offer is over) is never moved again; a failed or cancelled transfer may
 * still be retried.
 */
static void
file_outcome(struct fg_hist *h, struct offer_file *f,
    enum fg_history_outcome outcome, const char *path, int final)
{
	char err[512];

	if (f->done)
		return;
	if (fg_history_set_attachment_outcome(h->db, f->rowid, outcome, path,
	    err, sizeof(err)) != 0)
		hist_log(h, err);
	f->done = final;
}

/* Sets every file of o that is not final to outcome, then forgets o. */
static void
offer_end(struct fg_hist *h, struct offer_rec *o, enum fg_history_outcome outcome)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		file_outcome(h, &o->f[i], outcome, NULL, 1);
	offer_drop(h, o);
}

/* An incoming offer: its files become attachments of its message. */
static void
offer_in(struct fg_hist *h, const struct fg_event *ev)
{
	const struct fg_offer *of = ev->offer;
	struct fg_history_attach a;
	struct offer_rec *o;
	int64_t rowid;
	size_t i;

	if (of == NULL)
		return;
	if (ev->msg != NULL && (h->last_in_id != ev->msg->id ||
	    h->last_in_rowid == 0))
		record_in(h, ev->msg, ev->peer);
	if (ev->msg == NULL || h->last_in_id != ev->msg->id ||
	    (rowid = h->last_in_rowid) == 0)
		return;
	if ((o = offer_new(h, of->id, 0, of->nfiles)) == NULL)
		return;
	for (i = 0; i < of->nfiles; i++) {
		memset(&a, 0, sizeof(a));
		a.file_id = of->files[i].fid;
		a.size = of->files[i].size;
		a.mtime = (int64_t)of->files[i].mtime;
		a.attr = of->files[i].attr;
		a.name = of->files[i].name;
		a.outcome = FG_HISTORY_OFFERED;
		offer_add_file(h, o, rowid, &a);
	}
}

/* A transfer ended: uploads settle now, downloads once the node caught up. */
static void
xfer_done(struct fg_hist *h, const struct fg_xfer_info *x)
{
	struct offer_rec *o;
	size_t i;

	if ((o = offer_find(h, x->offer_id, x->upload)) == NULL)
		return;
	if (x->upload) {
		for (i = 0; i < o->n; i++)
			if (x->name != NULL && strcmp(o->f[i].name, x->name) == 0)
				file_outcome(h, &o->f[i], x->status == 0 ?
				    FG_HISTORY_DONE : FG_HISTORY_XFER_FAILED, NULL,
				    x->status == 0);
		return;
	}
	o->pending = 1;
	o->status = x->status;
	o->njob = x->files_total;
	free(o->path);
	o->path = x->path != NULL ? strdup(x->path) : NULL;
	if (h->timer_init && !h->stopped)
		uv_timer_start(&h->timer, settle_cb, 0, 0);
}

/* One of our offers ended: whatever was not fetched gets why. */
static void
offer_out_end(struct fg_hist *h, uint64_t id, int why)
{
	struct offer_rec *o;

	if ((o = offer_find(h, id, 1)) == NULL)
		return;
	switch (why) {
	case FG_OFFER_END_FETCHED:
		offer_end(h, o, FG_HISTORY_DONE);
		break;
	case FG_OFFER_END_RELEASED:
		offer_end(h, o, FG_HISTORY_DECLINED);
		break;
	default:		/* cancelled by us, or expired */
		offer_end(h, o, FG_HISTORY_CANCELLED);
		break;
	}
}

void
fg_hist_event(struct fg_hist *h, const struct fg_event *ev)
{
	if (h == NULL || ev == NULL)
		return;
	switch (ev->type) {
	case FG_EV_MESSAGE:
		if (ev->msg != NULL)
			record_in(h, ev->msg, ev->peer);
		break;
	case FG_EV_READ:
		out_state(h, ev->id, ev->ip, 0, FG_HISTORY_OPENED);
		break;
	case FG_EV_OFFER:
		offer_in(h, ev);
		break;
	case FG_EV_XFER_DONE:
		if (ev->xfer != NULL)
			xfer_done(h, ev->xfer);
		break;
	case FG_EV_OFFER_END:
		offer_out_end(h, ev->id, ev->status);
		break;
	default:		/* receipts come through fg_hist_send_result */
		break;
	}
}

/* The name a file is offered under: the base name of its real path. */
static void
offer_name(const char *path, char *out, size_t outlen)
{
	char real[PATH_MAX], *s;
	size_t len;

	if (realpath(path, real) == NULL)
		snprintf(real, sizeof(real), "%s", path);
	len = strlen(real);
	while (len > 1 && real[len - 1] == '/')
		real[--len] = '\0';
	s = strrchr(real, '/');
	snprintf(out, outlen, "%s", s != NULL && s[1] != '\0' ? s + 1 : real);
}

void
fg_hist_record_offer_out(struct fg_hist *h, const struct fg_peers *t,
    uint64_t offer_id, const struct fg_dest *to, const char *text,
    const char *const *paths, size_t npaths)
{
	struct fg_history_attach a;
	struct offer_rec *o;
	struct stat st;
	char name[PATH_MAX];
	int64_t rowid;
	size_t i;

	if (h == NULL || to == NULL)
		return;
	record_out(h, t, offer_id, to, text != NULL ? text : "", 0, &rowid);
	if (rowid == 0 || (o = offer_new(h, offer_id, 1, npaths)) == NULL)
		return;
	for (i = 0; i < npaths; i++) {
		memset(&a, 0, sizeof(a));
		offer_name(paths[i], name, sizeof(name));
		if (stat(paths[i], &st) == 0) {
			a.attr = S_ISDIR(st.st_mode) ? FG_FILE_DIR :
			    FG_FILE_REGULAR;
			a.size = S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size;
			a.mtime = (int64_t)st.st_mtime;
		}
		a.file_id = i;		/* as the node numbers them */
		a.name = name;
		a.outcome = FG_HISTORY_OFFERED;
		a.local_path = paths[i];
		offer_add_file(h, o, rowid, &a);
	}
}

void
fg_hist_offer_accepted(struct fg_hist *h, uint64_t offer_id, const char *dir)
{
	struct offer_rec *o;

	if (h == NULL || dir == NULL || (o = offer_find(h, offer_id, 0)) == NULL)
		return;
	free(o->dir);
	o->dir = strdup(dir);
}

void
fg_hist_offer_declined(struct fg_hist *h, uint64_t offer_id)
{
	struct offer_rec *o;

	if (h != NULL && (o = offer_find(h, offer_id, 0)) != NULL)
		offer_end(h, o, FG_HISTORY_DECLINED);
}

/* The state of file fid in an offer as the node has it, or -1. */
static int
file_state(const struct fg_offer *of, uint32_t fid)
{
	size_t i;

	for (i = 0; i < of->nfiles; i++)
		if (of->files[i].fid == fid)
			return of->files[i].state;
	return -1;
}

void
fg_hist_settle_download(struct fg_hist *h, uint64_t offer_id,
    const struct fg_offer *after)
{
	struct offer_rec *o;
	struct offer_file *f;
	char path[PATH_MAX];
	const char *where;
	size_t i, left = 0;
	int state;

	if (h == NULL || (o = offer_find(h, offer_id, 0)) == NULL)
		return;
	o->pending = 0;
	for (i = 0; i < o->n; i++) {
		f = &o->f[i];
		/* The node drops an offer once every file of it is fetched. */
		state = after == NULL ? FG_OFFER_DONE : file_state(after, f->fid);
		where = NULL;
		if (state == FG_OFFER_DONE) {
			if (FG_FILE_TYPE(f->attr) == FG_FILE_DIR && o->dir != NULL) {
				snprintf(path, sizeof(path), "%s/%s", o->dir,
				    f->name);
				where = path;
			} else if (o->njob == 1)
				where = o->path;
			file_outcome(h, f, FG_HISTORY_DONE, where, 1);
		} else if (state == FG_OFFER_FAILED)
			file_outcome(h, f, o->status == FG_ERR_CLOSED ?
			    FG_HISTORY_CANCELLED : FG_HISTORY_XFER_FAILED, NULL, 0);
		left += !f->done;
	}
	if (left == 0)
		offer_drop(h, o);
}
