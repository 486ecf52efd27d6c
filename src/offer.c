/*
 * offer: files on the loop thread. Outgoing offers (what we serve and to
 * whom), the TCP requests for them, offers we received, and the bridge to
 * the transfer threads: a request that checks out (packet number, file ID
 * and the address the offer went to all match) hands its socket to an
 * upload job; accepting an offer starts a download job. Workers report
 * through a locked queue and an async handle; the loop turns their notes
 * into events, joins finished threads and updates the offers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "feige/feige.h"
#include "filereq.h"
#include "fsafe.h"
#include "node_int.h"
#include "proto.h"

/* Emits a log line event. */
static void
logf_node(struct fg_node *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
logf_node(struct fg_node *n, const char *fmt, ...)
{
	struct fg_event ev;
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_LOG;
	ev.text = text;
	node_emit(n, &ev);
}

/* Dotted text of an address, for log lines. */
static const char *
ipstr(uint32_t ip, char *buf, size_t sz)
{
	struct in_addr a;

	a.s_addr = ip;
	return inet_ntop(AF_INET, &a, buf, (socklen_t)sz) != NULL ? buf : "?";
}

/* Frees one outgoing offer. */
static void
out_offer_free(struct out_offer *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nfiles; i++) {
		free(o->files[i].path);
		free(o->files[i].name);
	}
	free(o->files);
	free(o);
}

/* Frees one received offer. */
static void
in_offer_free(struct fg_offer *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nfiles; i++)
		free(o->files[i].name);
	free(o->files);
	free(o->user);
	free(o->host);
	free(o);
}

/* Ends an outgoing offer: tells the caller why and forgets it. */
static void
out_offer_end(struct fg_node *n, struct out_offer *o, int why)
{
	struct fg_event ev;
	struct xjob *j;

	TAILQ_FOREACH(j, &n->jobs, entry)
		if (j->upload && j->offer_id == o->id && why != FG_OFFER_END_FETCHED) {
			atomic_store(&j->cancel, 1);
			uv_mutex_lock(&n->xfer_lock);
			if (j->live_fd >= 0)
				shutdown(j->live_fd, SHUT_RDWR);
			uv_mutex_unlock(&n->xfer_lock);
		}
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_OFFER_END;
	ev.id = o->id;
	ev.ip = o->to.ip;
	ev.port = o->to.port;
	ev.status = why;
	node_emit(n, &ev);
	TAILQ_REMOVE(&n->offers_out, o, entry);
	out_offer_free(o);
}

/* Drains the workers' notes: events, thread joins, offer bookkeeping. */
static void
xfer_async_cb(uv_async_t *h)
{
	struct fg_node *n = h->data;
	struct xfer_note_list notes;
	struct xfer_note *note;
	struct fg_event ev;

	TAILQ_INIT(&notes);
	uv_mutex_lock(&n->xfer_lock);
	TAILQ_CONCAT(&notes, &n->notes, entry);
	uv_mutex_unlock(&n->xfer_lock);
	while ((note = TAILQ_FIRST(&notes)) != NULL) {
		struct xjob *j = note->job;

		TAILQ_REMOVE(&notes, note, entry);
		note->info.name = note->name;
		memset(&ev, 0, sizeof(ev));
		ev.type = note->done ? FG_EV_XFER_DONE : FG_EV_XFER_PROGRESS;
		ev.xfer = &note->info;
		ev.ip = j->ip;
		if (!n->stopping)
			node_emit(n, &ev);
		if (note->done) {
			uv_thread_join(&j->thread);
			TAILQ_REMOVE(&n->jobs, j, entry);
			n->njobs--;
			if (!n->stopping)
				offer_job_ended(n, j);
			xfer_job_free(j);
		}
		free(note);
	}
}

/* Expires outgoing offers past their lifetime. */
static void
offer_timer_cb(uv_timer_t *t)
{
	struct fg_node *n = t->data;
	struct out_offer *o, *next;

	for (o = TAILQ_FIRST(&n->offers_out); o != NULL; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (node_now(n) >= o->expires_ms)
			out_offer_end(n, o, FG_OFFER_END_EXPIRED);
	}
}

int
offer_init(struct fg_node *n)
{
	TAILQ_INIT(&n->offers_out);
	TAILQ_INIT(&n->offers_in);
	TAILQ_INIT(&n->reqs);
	TAILQ_INIT(&n->jobs);
	TAILQ_INIT(&n->notes);
	return uv_mutex_init(&n->xfer_lock) == 0 ? 0 : FG_ERR_SYSTEM;
}

void
offer_start(struct fg_node *n)
{
	uv_async_init(n->loop, &n->xfer_async, xfer_async_cb);
	n->xfer_async.data = n;
	uv_timer_init(n->loop, &n->offer_timer);
	n->offer_timer.data = n;
	uv_timer_start(&n->offer_timer, offer_timer_cb, 60000, 60000);
	n->offers_started = 1;
}

/* Closes a request connection (both its handles); freed when both are closed. */
static void req_close(struct req_conn *c);

void
offer_stop(struct fg_node *n)
{
	struct xjob *j;
	struct req_conn *c;

	/* Stop every worker, then wait for them: they exit once their socket is shut. */
	uv_mutex_lock(&n->xfer_lock);
	TAILQ_FOREACH(j, &n->jobs, entry) {
		atomic_store(&j->cancel, 1);
		if (j->live_fd >= 0)
			shutdown(j->live_fd, SHUT_RDWR);
	}
	uv_mutex_unlock(&n->xfer_lock);
	while ((j = TAILQ_FIRST(&n->jobs)) != NULL) {
		uv_thread_join(&j->thread);
		TAILQ_REMOVE(&n->jobs, j, entry);
		n->njobs--;
		xfer_job_free(j);
	}
	/* Notes left behind belong to jobs now gone. */
	{
		struct xfer_note *note;

		while ((note = TAILQ_FIRST(&n->notes)) != NULL) {
			TAILQ_REMOVE(&n->notes, note, entry);
			free(note);
		}
	}
	while ((c = TAILQ_FIRST(&n->reqs)) != NULL)
		req_close(c);
	if (n->offers_started) {
		node_close_handle(n, (uv_handle_t *)&n->xfer_async, NULL);
		node_close_handle(n, (uv_handle_t *)&n->offer_timer, NULL);
		n->offers_started = 0;
	}
}

void
offer_free_all(struct fg_node *n)
{
	struct out_offer *o;
	struct fg_offer *in;

	while ((o = TAILQ_FIRST(&n->offers_out)) != NULL) {
		TAILQ_REMOVE(&n->offers_out, o, entry);
		out_offer_free(o);
	}
	while ((in = TAILQ_FIRST(&n->offers_in)) != NULL) {
		TAILQ_REMOVE(&n->offers_in, in, entry);
		in_offer_free(in);
	}
	uv_mutex_destroy(&n->xfer_lock);
}

/* The base name of path, for an offer (a trailing '/' is ignored). */
static char *
base_name(const char *path)
{
	size_t len = strlen(path);
	const char *s;
	char *copy, *b;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if ((copy = strndup(path, len)) == NULL)
		return NULL;
	s = strrchr(copy, '/');
	b = strdup(s != NULL ? s + 1 : copy);
	free(copy);
	return b;
}

int
fg_node_offer_files(struct fg_node *n, const struct fg_dest *to,
    const char *const *paths, size_t npaths, const char *text,
    fg_node_send_cb cb, void *arg, uint64_t *offer_id, char *err, size_t errlen)
{
	struct out_offer *o;
	struct stat st;
	char real[PATH_MAX];
	uint64_t msgid;
	size_t i;
	int r;

	*offer_id = 0;
	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	if (npaths == 0 || npaths > FG_MAX_ATTACH) {
		snprintf(err, errlen, "offer 1 to %d files", FG_MAX_ATTACH);
		return FG_ERR_INVAL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (o->files = calloc(npaths, sizeof(*o->files))) == NULL) {
		free(o);
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	for (i = 0; i < npaths; i++) {
		struct out_file *f = &o->files[o->nfiles];

		if (realpath(paths[i], real) == NULL || stat(real, &st) != 0) {
			snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
			r = FG_ERR_SYSTEM;
			goto out;
		}
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: not a file or folder", paths[i]);
			r = FG_ERR_INVAL;
			goto out;
		}
		f->fid = (uint32_t)i;
		f->path = strdup(real);
		f->name = base_name(real);
		o->nfiles++;
		if (f->path == NULL || f->name == NULL) {
			snprintf(err, errlen, "out of memory");
			r = FG_ERR_ALLOC;
			goto out;
		}
		if (!fg_utf8_valid(f->name, strlen(f->name)) ||
		    strlen(f->name) > FG_MAX_FILENAME || strchr(f->name, '\a') != NULL) {
			snprintf(err, errlen, "%s: the name is not UTF-8 or too long", paths[i]);
			r = FG_ERR_INVAL;
			goto out;
		}
		f->attr = S_ISDIR(st.st_mode) ? FG_FILE_DIR : FG_FILE_REGULAR;
		f->size = S_ISDIR(st.st_mode) ? 0 : (uint64_t)st.st_size;
		f->mtime = (uint64_t)st.st_mtime;
	}
	o->id = n->next_id++;
	o->pktno = node_next_pktno(n);
	o->to = *to;
	o->expires_ms = node_now(n) + (uint64_t)n->offer_lifetime_s * 1000;
	if ((r = message_send_attach(n, to, text != NULL ? text : "", o, cb, arg,
	    &msgid)) != 0) {
		snprintf(err, errlen, "%s", fg_strerror(r));
		goto out;
	}
	TAILQ_INSERT_TAIL(&n->offers_out, o, entry);
	*offer_id = o->id;
	return 0;
 out:
	out_offer_free(o);
	return r;
}

int
fg_node_cancel_offer(struct fg_node *n, uint64_t offer_id)
{
	struct out_offer *o;

	TAILQ_FOREACH(o, &n->offers_out, entry)
		if (o->id == offer_id) {
			out_offer_end(n, o, FG_OFFER_END_CANCELLED);
			return 0;
		}
	return FG_ERR_NOT_FOUND;
}

void
offer_on_release(struct fg_node *n, const struct fg_packet *pkt, uint32_t ip)
{
	struct fg_filereq req;
	struct out_offer *o;

	if (fg_filereq_parse(pkt, &req) != 0) {
		n->stats.rx_bad++;
		return;
	}
	TAILQ_FOREACH(o, &n->offers_out, entry)
		if (o->pktno == req.pktno && o->to.ip == ip) {
			out_offer_end(n, o, FG_OFFER_END_RELEASED);
			return;
		}
}

/* Frees a request connection after both of its handles closed. */
static void
req_closed_cb(uv_handle_t *h)
{
	struct req_conn *c = h->data;
	struct fg_node *n = c->node;

	if (--c->handles == 0)
		free(c);
	if (--n->closing == 0 && n->stopping && n->stop_done != NULL)
		n->stop_done(n, n->stop_arg);
}

static void
req_close(struct req_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	TAILQ_REMOVE(&c->node->reqs, c, entry);
	node_close_handle(c->node, (uv_handle_t *)&c->timer, req_closed_cb);
	node_close_handle(c->node, (uv_handle_t *)&c->tcp, req_closed_cb);
}

/* Finds the outgoing offer and file a request names, from the right address. */
static struct out_file *
find_offered(struct fg_node *n, const struct fg_filereq *req, uint32_t ip,
    struct out_offer **offer)
{
	struct out_offer *o;
	size_t i;

	*offer = NULL;
	TAILQ_FOREACH(o, &n->offers_out, entry) {
		if (o->pktno != req->pktno || o->to.ip != ip)
			continue;
		for (i = 0; i < o->nfiles; i++)
			if (o->files[i].fid == req->fid) {
				*offer = o;
				return &o->files[i];
			}
	}
	return NULL;
}

/* Checks a complete request and, when it is good, starts the upload. */
static void
req_process(struct req_conn *c)
{
	struct fg_node *n = c->node;
	struct fg_packet pkt;
	struct fg_filereq req;
	struct fg_crypto_filereq q;
	struct out_offer *o;
	struct out_file *f;
	const struct fg_peer *p;
	struct xjob *j = NULL;
	size_t len = c->len;
	uv_os_fd_t fd;
	char a[INET_ADDRSTRLEN];
	int utf8opt, sock = -1;
	void *nul;

	if ((nul = memchr(c->buf, '\0', c->len)) != NULL)
		len = (size_t)((uint8_t *)nul - c->buf);
	memset(&q, 0, sizeof(q));
	if (fg_packet_parse(c->buf, len, &pkt) != 0 ||
	    (fg_packet_mode(&pkt) != FG_CMD_GETFILEDATA &&
	    fg_packet_mode(&pkt) != FG_CMD_GETDIRFILES)) {
		logf_node(n, "file request from %s: malformed, closed",
		    ipstr(c->ip, a, sizeof(a)));
		goto refuse;
	}
	if (pkt.command & FG_OPT_ENCRYPT) {
		/* Signed by the asker's pinned key, or not served at all. */
		if (secure_file_request_open(n, &pkt, c->ip, &q) != 0) {
			logf_node(n, "encrypted file request from %s: not signed by "
			    "a key we know, closed", ipstr(c->ip, a, sizeof(a)));
			goto refuse;
		}
		memset(&req, 0, sizeof(req));
		req.mode = q.mode;
		req.pktno = q.pktno;
		req.fid = q.fid;
		req.offset = q.offset;
	} else if (fg_filereq_parse(&pkt, &req) != 0) {
		logf_node(n, "file request from %s: malformed, closed",
		    ipstr(c->ip, a, sizeof(a)));
		goto refuse;
	}
	if ((f = find_offered(n, &req, c->ip, &o)) == NULL) {
		logf_node(n, "file request from %s for offer %llx file %lu: "
		    "not offered to that address, closed", ipstr(c->ip, a, sizeof(a)),
		    (unsigned long long)req.pktno, (unsigned long)req.fid);
		goto refuse;
	}
	if (req.mode == FG_CMD_GETFILEDATA && f->attr == FG_FILE_DIR) {
		logf_node(n, "file request from %s: GETFILEDATA for a folder, closed",
		    ipstr(c->ip, a, sizeof(a)));
		goto refuse;
	}
	if (f->state != OUT_FILE_READY || n->njobs >= FG_MAX_XFERS) {
		logf_node(n, "file request from %s for %s: %s, closed",
		    ipstr(c->ip, a, sizeof(a)), f->name, f->state == OUT_FILE_DONE ?
		    "already fetched" : "busy");
		goto refuse;
	}
	/*
	 * The worker gets its own descriptor of the socket; the uv handle
	 * (and its descriptor) closes now, the connection stays open.
	 */
	if (uv_fileno((uv_handle_t *)&c->tcp, &fd) != 0 ||
	    (sock = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0)
		goto refuse;
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->files = calloc(1, sizeof(*j->files))) == NULL)
		goto fail;
	j->nfiles = 1;
	j->files[0].fid = f->fid;
	j->files[0].name = strdup(f->name);
	j->files[0].path = strdup(f->path);
	j->files[0].size = f->size;
	j->files[0].mtime = f->mtime;
	j->files[0].attr = f->attr;
	if (j->files[0].name == NULL || j->files[0].path == NULL)
		goto fail;
	j->id = n->next_id++;
	j->offer_id = o->id;
	j->upload = 1;
	j->ip = c->ip;
	j->port = c->port;
	j->sock = sock;
	j->live_fd = sock;
	j->req_mode = req.mode;
	j->offset = req.offset;
	if (q.file_capa & FG_CAPA_AES_256) {
		j->enc = 1;
		memcpy(j->key, q.key, sizeof(j->key));
		(void)fg_span_cstr(pkt.pktno_str, j->ctr_no, sizeof(j->ctr_no));
	}
	j->node = n;
	/* Names in a folder stream go out in the charset the asker reads. */
	p = fg_peers_find_addr(n->peers, o->to.ip, o->to.port);
	if (pkt.command & FG_OPT_UTF8)
		j->cs = FG_CS_UTF8;
	else if (p != NULL)
		j->cs = fg_charset_for_send(&p->cs, &utf8opt);
	else
		j->cs = n->legacy;
	atomic_init(&j->cancel, 0);
	if (uv_thread_create(&j->thread, xfer_upload_main, j) != 0)
		goto fail;
	j->started = 1;
	f->state = OUT_FILE_BUSY;
	TAILQ_INSERT_TAIL(&n->jobs, j, entry);
	n->njobs++;
	fg_crypto_filereq_wipe(&q);
	req_close(c);
	return;
 fail:
	if (sock >= 0)
		close(sock);
	if (j != NULL)
		j->sock = -1;
	xfer_job_free(j);
 refuse:
	fg_crypto_filereq_wipe(&q);
	req_close(c);
}

static void req_timer_cb(uv_timer_t *t);

static void
req_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct req_conn *c = h->data;

	(void)suggested;
	*buf = uv_buf_init((char *)c->buf + c->len, (unsigned)(sizeof(c->buf) - c->len));
}

/* Collects request bytes until a NUL, a full buffer, or a pause. */
static void
req_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct req_conn *c = s->data;

	(void)buf;
	if (nread < 0) {
		if (c->len > 0)
			req_process(c);
		else
			req_close(c);
		return;
	}
	c->len += (size_t)nread;
	if (memchr(c->buf, '\0', c->len) != NULL || c->len == sizeof(c->buf)) {
		uv_read_stop(s);
		req_process(c);
		return;
	}
	uv_timer_start(&c->timer, req_timer_cb, FG_REQUEST_IDLE_MS, 0);
}

/* A pause in the request (iptux sends no NUL) or the overall limit. */
static void
req_timer_cb(uv_timer_t *t)
{
	struct req_conn *c = t->data;

	uv_read_stop((uv_stream_t *)&c->tcp);
	if (c->len > 0 && node_now(c->node) - c->start_ms < FG_REQUEST_MAX_MS)
		req_process(c);
	else
		req_close(c);
}

void
offer_on_connection(struct fg_node *n, uv_stream_t *server)
{
	struct req_conn *c;
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->node = n;
	uv_tcp_init(n->loop, &c->tcp);
	uv_timer_init(n->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->handles = 2;
	c->start_ms = node_now(n);
	TAILQ_INSERT_TAIL(&n->reqs, c, entry);
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
	    uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0 ||
	    ss.ss_family != AF_INET) {
		req_close(c);
		return;
	}
	c->ip = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
	c->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	uv_timer_start(&c->timer, req_timer_cb, FG_REQUEST_MAX_MS, 0);
	uv_read_start((uv_stream_t *)&c->tcp, req_alloc_cb, req_read_cb);
}

void
offer_on_message(struct fg_node *n, const struct fg_message *m,
    const struct fg_peer *p, enum fg_charset cs)
{
	struct fg_attach_list l;
	struct fg_offer *o, *old;
	struct fg_event ev;
	struct fg_buf b;
	char safe[256];
	size_t i;

	(void)p;
	if (fg_attach_parse(m->attach, m->attach_len, &l) != 0) {
		n->stats.rx_bad++;
		return;
	}
	if (l.n == 0 || (o = calloc(1, sizeof(*o))) == NULL) {
		fg_attach_list_free(&l);
		return;
	}
	o->files = calloc(l.n, sizeof(*o->files));
	o->user = strdup(m->user);
	o->host = strdup(m->host);
	if (o->files == NULL || o->user == NULL || o->host == NULL)
		goto fail;
	o->id = n->next_id++;
	o->pktno = m->pktno;
	o->ip = m->ip;
	o->port = m->port;
	o->time_ms = node_now(n);
	for (i = 0; i < l.n; i++) {
		uint32_t type = FG_FILE_TYPE(l.v[i].attr);

		/* Only files and folders; inline images and the like are not offers. */
		if (type != FG_FILE_REGULAR && type != FG_FILE_DIR)
			continue;
		fg_buf_init(&b, FG_MAX_FILENAME * 3);
		if (fg_charset_to_utf8(cs, l.v[i].name, strlen(l.v[i].name), &b) != 0 ||
		    fg_buf_terminate(&b) != 0) {
			fg_buf_release(&b);
			goto fail;
		}
		(void)fg_fsafe_name((const char *)fg_buf_ptr(&b), safe, sizeof(safe));
		fg_buf_release(&b);
		o->files[o->nfiles].fid = l.v[i].fid;
		o->files[o->nfiles].size = type == FG_FILE_DIR ? 0 : l.v[i].size;
		o->files[o->nfiles].mtime = l.v[i].mtime;
		o->files[o->nfiles].attr = type;
		if ((o->files[o->nfiles].name = strdup(safe)) == NULL)
			goto fail;
		o->nfiles++;
	}
	fg_attach_list_free(&l);
	if (o->nfiles == 0) {
		in_offer_free(o);
		return;
	}
	/* A sender cannot pile up offers: the oldest goes. */
	if (n->noffers_in >= FG_MAX_INCOMING && (old = TAILQ_FIRST(&n->offers_in)) != NULL) {
		TAILQ_REMOVE(&n->offers_in, old, entry);
		in_offer_free(old);
		n->noffers_in--;
	}
	TAILQ_INSERT_TAIL(&n->offers_in, o, entry);
	n->noffers_in++;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_OFFER;
	ev.offer = o;
	ev.peer = p;
	ev.msg = m;
	node_emit(n, &ev);
	return;
 fail:
	fg_attach_list_free(&l);
	in_offer_free(o);
}

const struct fg_offer *
fg_node_offers_first(const struct fg_node *n)
{
	return TAILQ_FIRST(&n->offers_in);
}

const struct fg_offer *
fg_node_offers_next(const struct fg_offer *o)
{
	return TAILQ_NEXT(o, entry);
}

const struct fg_offer *
fg_node_offer_find(const struct fg_node *n, uint64_t id)
{
	struct fg_offer *o;

	TAILQ_FOREACH(o, &n->offers_in, entry)
		if (o->id == id)
			return o;
	return NULL;
}

/* Removes a received offer from the list and frees it. */
static void
in_offer_remove(struct fg_node *n, struct fg_offer *o)
{
	TAILQ_REMOVE(&n->offers_in, o, entry);
	n->noffers_in--;
	in_offer_free(o);
}

int
fg_node_decline(struct fg_node *n, uint64_t offer_id)
{
	struct fg_offer *o = (struct fg_offer *)(uintptr_t)fg_node_offer_find(n, offer_id);
	const struct fg_peer *p;
	char extra[24];
	struct xjob *j;

	if (o == NULL)
		return FG_ERR_NOT_FOUND;
	TAILQ_FOREACH(j, &n->jobs, entry)
		if (!j->upload && j->offer_id == offer_id)
			return FG_ERR_INVAL;	/* downloading: cancel that first */
	p = fg_peers_find_addr(n->peers, o->ip, o->port);
	snprintf(extra, sizeof(extra), "%llu", (unsigned long long)o->pktno);
	(void)node_send_simple(n, o->ip, o->port, p, FG_CMD_RELEASEFILES, extra);
	in_offer_remove(n, o);
	return 0;
}

/*
 * The size of an existing .part of a regular file f under dir, to resume
 * from, or 0. (Two metadata calls on the loop thread: an encrypted request
 * must carry its offset, and only the loop may use the keys.)
 */
static uint64_t
part_offset(const char *dir, const struct xfer_file *f)
{
	uint64_t size = 0;
	int fd;

	if (f->attr != FG_FILE_REGULAR ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	if (fg_fsafe_part_size(fd, f->name, &size) != 0 || size > f->size)
		size = 0;
	close(fd);
	return size;
}

int
fg_node_accept(struct fg_node *n, uint64_t offer_id, const uint32_t *fids,
    size_t nfids, const char *dir, unsigned flags,
    const struct fg_accept_caps *caps, uint64_t *xfer_id, char *err,
    size_t errlen)
{
	struct fg_offer *o = (struct fg_offer *)(uintptr_t)fg_node_offer_find(n, offer_id);
	const struct fg_peer *p;
	struct fg_charset_peer def;
	struct xjob *j;
	size_t i, k;
	int utf8opt, pick;

	*xfer_id = 0;
	if (!n->started || n->stopping)
		return FG_ERR_CLOSED;
	if (o == NULL) {
		snprintf(err, errlen, "no offer %llu", (unsigned long long)offer_id);
		return FG_ERR_NOT_FOUND;
	}
	if (n->njobs >= FG_MAX_XFERS) {
		snprintf(err, errlen, "too many transfers at once (%d)", FG_MAX_XFERS);
		return FG_ERR_LIMIT;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->files = calloc(o->nfiles, sizeof(*j->files))) == NULL)
		goto nomem;
	for (i = 0; i < o->nfiles; i++) {
		pick = fids == NULL;
		for (k = 0; k < nfids && !pick; k++)
			pick = fids[k] == o->files[i].fid;
		if (!pick || o->files[i].state == FG_OFFER_DONE ||
		    o->files[i].state == FG_OFFER_FETCHING)
			continue;
		j->files[j->nfiles].fid = o->files[i].fid;
		j->files[j->nfiles].size = o->files[i].size;
		j->files[j->nfiles].mtime = o->files[i].mtime;
		j->files[j->nfiles].attr = o->files[i].attr;
		j->files[j->nfiles].req_pktno = node_next_pktno(n);
		if ((j->files[j->nfiles].name = strdup(o->files[i].name)) == NULL)
			goto nomem;
		j->nfiles++;
	}
	if (j->nfiles == 0) {
		xfer_job_free(j);
		snprintf(err, errlen, "nothing left to fetch in offer %llu",
		    (unsigned long long)offer_id);
		return FG_ERR_NOT_FOUND;
	}
	p = fg_peers_find_addr(n->peers, o->ip, o->port);
	/* Between peers that both can, the request is signed and the data encrypted. */
	if (secure_file_capable(n, p))
		for (i = 0; i < j->nfiles; i++) {
			/* The offset goes inside the signed request: look at the .part now. */
			if (p->feige && !(flags & FG_ACCEPT_OVERWRITE))
				j->files[i].offset = part_offset(dir, &j->files[i]);
			if (secure_file_request(n, p, o->pktno, &j->files[i]) != 0)
				goto nomem;
		}
	fg_charset_peer_init(&def, n->legacy);
	j->cs = fg_charset_for_send(p != NULL ? &p->cs : &def, &utf8opt);
	j->req_opts = utf8opt ? FG_OPT_UTF8 : 0;
	j->resume = p != NULL && p->feige;
	{
		const struct node_names *nm = node_names_for(n, j->cs);

		if (nm == NULL)
			goto nomem;
		j->user = strdup((const char *)fg_buf_ptr(&nm->user));
		j->host = strdup((const char *)fg_buf_ptr(&nm->host));
	}
	j->dir = strdup(dir);
	if (j->user == NULL || j->host == NULL || j->dir == NULL)
		goto nomem;
	j->id = n->next_id++;
	j->offer_id = o->id;
	j->ip = o->ip;
	j->port = o->port;
	j->bind_ip = n->bind_ip;
	j->sock = -1;
	j->live_fd = -1;
	j->pktno = o->pktno;
	j->flags = flags;
	if (caps != NULL)
		j->caps = *caps;
	j->node = n;
	atomic_init(&j->cancel, 0);
	if (uv_thread_create(&j->thread, xfer_download_main, j) != 0) {
		snprintf(err, errlen, "cannot start a thread");
		xfer_job_free(j);
		return FG_ERR_SYSTEM;
	}
	j->started = 1;
	for (i = 0; i < o->nfiles; i++)
		for (k = 0; k < j->nfiles; k++)
			if (j->files[k].fid == o->files[i].fid)
				o->files[i].state = FG_OFFER_FETCHING;
	TAILQ_INSERT_TAIL(&n->jobs, j, entry);
	n->njobs++;
	*xfer_id = j->id;
	return 0;
 nomem:
	xfer_job_free(j);
	snprintf(err, errlen, "out of memory");
	return FG_ERR_ALLOC;
}

int
fg_node_cancel_xfer(struct fg_node *n, uint64_t xfer_id)
{
	struct xjob *j;

	TAILQ_FOREACH(j, &n->jobs, entry)
		if (j->id == xfer_id) {
			atomic_store(&j->cancel, 1);
			uv_mutex_lock(&n->xfer_lock);
			if (j->live_fd >= 0)
				shutdown(j->live_fd, SHUT_RDWR);
			uv_mutex_unlock(&n->xfer_lock);
			return 0;
		}
	return FG_ERR_NOT_FOUND;
}

void
offer_job_ended(struct fg_node *n, const struct xjob *j)
{
	struct out_offer *o;
	struct fg_offer *in;
	size_t i, k, done;

	if (j->upload) {
		TAILQ_FOREACH(o, &n->offers_out, entry) {
			if (o->id != j->offer_id)
				continue;
			for (i = 0, done = 0; i < o->nfiles; i++) {
				if (o->files[i].fid == j->files[0].fid)
					o->files[i].state = j->status == 0 ?
					    OUT_FILE_DONE : OUT_FILE_READY;
				done += o->files[i].state == OUT_FILE_DONE;
			}
			if (done == o->nfiles)
				out_offer_end(n, o, FG_OFFER_END_FETCHED);
			return;
		}
		return;
	}
	if ((in = (struct fg_offer *)(uintptr_t)fg_node_offer_find(n, j->offer_id)) == NULL)
		return;
	for (i = 0, done = 0; i < in->nfiles; i++) {
		for (k = 0; k < j->nfiles; k++)
			if (j->files[k].fid == in->files[i].fid &&
			    in->files[i].state == FG_OFFER_FETCHING)
				in->files[i].state = j->files[k].ok ?
				    FG_OFFER_DONE : FG_OFFER_FAILED;
		done += in->files[i].state == FG_OFFER_DONE;
	}
	if (done == in->nfiles)
		in_offer_remove(n, in);
}
