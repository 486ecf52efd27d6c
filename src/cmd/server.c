/* server: the daemon's Unix socket, one JSON line per request and reply. */
#include "server.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "feige/feige.h"

struct srv_client {
	uv_pipe_t		 pipe;		/* first: the handle is the client */
	uv_shutdown_t		 shut;
	TAILQ_ENTRY(srv_client)	 link;
	struct fg_server	*srv;
	char			*line;		/* bytes not yet split into lines */
	size_t			 len, cap;
	int			 closing, eof, shutting;
	char			 rbuf[65536];
};

TAILQ_HEAD(srv_clients, srv_client);

struct fg_server {
	uv_loop_t		*loop;
	struct fg_rpc		*rpc;
	uv_pipe_t		 listener;
	char			*path;
	int			 open, closing, free_on_close;
	struct srv_clients	 clients;
	size_t			 nclients;
};

struct srv_write {
	uv_write_t	 req;
	char		*data;
};

static char newline[] = "\n";

/* Close callback: the client is gone for good; forget it and free it. */
static void
client_close_cb(uv_handle_t *h)
{
	struct srv_client *c = h->data;

	fg_rpc_forget(c->srv->rpc, c);
	TAILQ_REMOVE(&c->srv->clients, c, link);
	c->srv->nclients--;
	free(c->line);
	free(c);
}

/* Drops a client; it is freed on a later loop turn. */
static void
client_drop(struct srv_client *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	uv_close((uv_handle_t *)&c->pipe, client_close_cb);
}

/* Shutdown callback: every reply went out; close the connection. */
static void
shutdown_cb(uv_shutdown_t *req, int status)
{
	(void)status;
	client_drop(req->data);
}

/* After the client's EOF: closes once nothing more is owed to it. */
static void
client_maybe_finish(struct srv_client *c)
{
	struct fg_rpc *rpc = c->srv->rpc;

	if (!c->eof || c->closing || c->shutting ||
	    fg_rpc_watching(rpc, c) || fg_rpc_pending(rpc, c) > 0)
		return;
	c->shutting = 1;
	c->shut.data = c;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->pipe, shutdown_cb) != 0)
		client_drop(c);
}

/* Write callback: frees the line; a failed write drops the client. */
static void
write_cb(uv_write_t *req, int status)
{
	struct srv_write *w = (struct srv_write *)req;
	struct srv_client *c = req->data;

	free(w->data);
	free(w);
	if (status < 0)
		client_drop(c);
}

/* rpc reply callback: writes msg as one line to the client. */
static void
reply_cb(void *ctx, json_t *msg)
{
	struct srv_client *c = ctx;
	struct srv_write *w;
	uv_buf_t bufs[2];

	if (c->closing)
		return;
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->data = json_dumps(msg, JSON_COMPACT)) == NULL) {
		free(w);
		client_drop(c);
		return;
	}
	bufs[0] = uv_buf_init(w->data, (unsigned)strlen(w->data));
	bufs[1] = uv_buf_init(newline, 1);
	w->req.data = c;
	if (uv_write(&w->req, (uv_stream_t *)&c->pipe, bufs, 2, write_cb) != 0) {
		free(w->data);
		free(w);
		client_drop(c);
		return;
	}
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->pipe) >
	    FG_SERVER_MAX_BACKLOG) {
		client_drop(c);		/* a watcher that does not read */
		return;
	}
	client_maybe_finish(c);
}

/* Parses and dispatches one request line. */
static void
client_line(struct srv_client *c, char *p, size_t len)
{
	json_error_t jerr;
	json_t *req, *msg;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	if ((req = json_loadb(p, len, 0, &jerr)) == NULL) {
		if ((msg = fg_rpc_error(NULL, "bad_request", "invalid JSON: %s",
		    jerr.text)) != NULL) {
			reply_cb(c, msg);
			json_decref(msg);
		}
		return;
	}
	(void)fg_rpc_handle(c->srv->rpc, req, reply_cb, c);
	json_decref(req);
}

/* Splits the buffered bytes into lines and handles each complete one. */
static void
client_lines(struct srv_client *c)
{
	size_t start = 0, i;

	for (i = 0; i < c->len && !c->closing; i++) {
		if (c->line[i] != '\n')
			continue;
		client_line(c, c->line + start, i - start);
		start = i + 1;
	}
	if (c->closing)
		return;
	if (start > 0) {
		memmove(c->line, c->line + start, c->len - start);
		c->len -= start;
	}
	if (c->len > FG_SERVER_MAX_LINE)
		client_drop(c);		/* a line longer than allowed */
}

/* Allocation callback: reads go into the client's fixed buffer. */
static void
alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct srv_client *c = h->data;

	(void)hint;
	*buf = uv_buf_init(c->rbuf, sizeof(c->rbuf));
}

/* Read callback: buffers bytes, handles lines, and notices EOF. */
static void
read_cb(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	struct srv_client *c = st->data;
	size_t need;
	char *p;

	(void)buf;
	if (c->closing)
		return;
	if (nread == UV_EOF) {
		uv_read_stop(st);
		if (c->len > 0) {	/* a last line without its newline */
			client_line(c, c->line, c->len);
			c->len = 0;
		}
		c->eof = 1;
		client_maybe_finish(c);
		return;
	}
	if (nread < 0) {
		client_drop(c);
		return;
	}
	if (nread == 0)
		return;
	need = c->len + (size_t)nread;
	if (need > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;

		while (cap < need)
			cap *= 2;
		if ((p = realloc(c->line, cap)) == NULL) {
			client_drop(c);
			return;
		}
		c->line = p;
		c->cap = cap;
	}
	memcpy(c->line + c->len, c->rbuf, (size_t)nread);
	c->len = need;
	client_lines(c);
}

/* Connection callback: accepts a client and starts reading from it. */
static void
connection_cb(uv_stream_t *ls, int status)
{
	struct fg_server *s = ls->data;
	struct srv_client *c;

	if (status < 0 || s->closing)
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return;
	c->srv = s;
	uv_pipe_init(s->loop, &c->pipe, 0);
	c->pipe.data = c;
	TAILQ_INSERT_TAIL(&s->clients, c, link);
	s->nclients++;
	if (uv_accept(ls, (uv_stream_t *)&c->pipe) != 0 ||
	    uv_read_start((uv_stream_t *)&c->pipe, alloc_cb, read_cb) != 0)
		client_drop(c);
}

int
fg_server_probe(const char *path, int *busy, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, r;

	*busy = 0;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return FG_ERR_INVAL;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return FG_ERR_SYSTEM;
	}
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (r == 0 || errno == EAGAIN) {
		close(fd);
		*busy = 1;
		snprintf(err, errlen, "another feige daemon is running "
		    "(socket %s)", path);
		return FG_ERR_SYSTEM;
	}
	r = errno;
	close(fd);
	if (r == ENOENT)
		return 0;
	if (r != ECONNREFUSED) {
		snprintf(err, errlen, "%s: %s", path, strerror(r));
		return FG_ERR_SYSTEM;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale socket %s: %s",
		    path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	return 0;
}

/* Close callback of a listener that failed to start: frees the server. */
static void
listener_close_cb(uv_handle_t *h)
{
	struct fg_server *s = h->data;

	if (s->free_on_close) {
		free(s->path);
		free(s);
	}
}

int
fg_server_listen(uv_loop_t *loop, struct fg_rpc *rpc, const char *path,
    struct fg_server **out, int *busy, char *err, size_t errlen)
{
	struct fg_server *s = NULL;
	struct sockaddr_un sun;
	int fd = -1, r;

	*out = NULL;
	if ((r = fg_server_probe(path, busy, err, errlen)) != 0)
		return r;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return FG_ERR_LIMIT;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		*busy = errno == EADDRINUSE;
		snprintf(err, errlen, "cannot listen on %s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return FG_ERR_SYSTEM;
	}
	(void)chmod(path, 0600);
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		if (s != NULL)
			free(s);
		(void)unlink(path);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	s->loop = loop;
	s->rpc = rpc;
	TAILQ_INIT(&s->clients);
	uv_pipe_init(loop, &s->listener, 0);
	s->listener.data = s;
	if ((r = uv_pipe_open(&s->listener, fd)) != 0)
		close(fd);		/* the handle did not take the fd */
	else
		r = uv_listen((uv_stream_t *)&s->listener, 64, connection_cb);
	if (r != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path,
		    uv_strerror(r));
		(void)unlink(path);
		s->free_on_close = 1;
		uv_close((uv_handle_t *)&s->listener, listener_close_cb);
		return FG_ERR_SYSTEM;
	}
	s->open = 1;
	*out = s;
	return 0;
}

void
fg_server_close(struct fg_server *s)
{
	struct srv_client *c;

	if (s == NULL || s->closing)
		return;
	s->closing = 1;
	if (s->open) {
		uv_close((uv_handle_t *)&s->listener, listener_close_cb);
		(void)unlink(s->path);
	}
	TAILQ_FOREACH(c, &s->clients, link)
		client_drop(c);
}

void
fg_server_free(struct fg_server *s)
{
	if (s == NULL)
		return;
	free(s->path);
	free(s);
}

size_t
fg_server_clients(const struct fg_server *s)
{
	return s->nclients;
}
