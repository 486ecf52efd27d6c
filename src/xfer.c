/*
 * xfer: the transfer threads. An upload streams one offered file with
 * sendfile(2), or walks an offered folder and writes the directory stream
 * (small files batched into one buffer with their headers, large ones sent
 * with sendfile). A download connects, asks, and writes what arrives to
 * name.part files under the chosen folder through fsafe, which never
 * follows a symlink and never lets a name leave the folder. Sockets are
 * blocking, with timeouts, so a silent peer fails the transfer instead of
 * holding it forever; cancelling shuts the socket down from the loop.
 */
/* sendfile(2) is Linux's own. */
#define _GNU_SOURCE
#include "xfer.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "crypto.h"
#include "dirstream.h"
#include "feige/feige.h"
#include "fsafe.h"
#include "node_int.h"
#include "proto.h"

#define XFER_BUF		(1 << 20)	/* socket reads, folder batches */
#define XFER_SMALL		(256 * 1024)	/* folder files batched with headers */
#define XFER_POST_MS		200		/* progress notes at most this often */
#define XFER_CONNECT_MS		10000
#define XFER_IDLE_S		60		/* a silent peer fails the transfer */
#define XFER_CLOSE_WAIT_S	30		/* upload: wait for the receiver to close */
#define XFER_MTIME_MAX		253402300799ULL	/* 9999-12-31: later is a peer's nonsense */

/* Monotonic milliseconds. */
static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A peer that hangs up makes sendfile raise SIGPIPE, which would end the
 * whole process; blocked in the worker, the call fails with EPIPE instead.
 */
static void
block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int
xfer_cancelled(struct xjob *j)
{
	return atomic_load(&j->cancel) != 0;
}

void
xfer_post(struct xjob *j, int done)
{
	struct fg_node *n = j->node;
	struct xfer_note *note;
	uint64_t now = mono_ms();

	if (!done && now - j->last_post_ms < XFER_POST_MS)
		return;
	j->last_post_ms = now;
	if ((note = calloc(1, sizeof(*note))) == NULL)
		return;	/* a progress note can be lost; an end note cannot wait either */
	note->job = j;
	note->done = done;
	note->info.id = j->id;
	note->info.offer_id = j->offer_id;
	note->info.upload = j->upload;
	note->info.ip = j->ip;
	note->info.file_done = j->file_done;
	note->info.file_total = j->file_total;
	note->info.offset = j->offset;
	note->info.done = j->done;
	note->info.total = j->total;
	note->info.files_done = j->files_done;
	note->info.files_total = (uint32_t)j->nfiles;
	note->info.status = j->status;
	note->info.encrypted = j->upload ? j->enc : (j->nfiles > 0 && j->files[0].enc);
	note->info.error = j->status != 0 ? j->error : NULL;
	note->info.path = j->path[0] != '\0' ? j->path : NULL;
	snprintf(note->name, sizeof(note->name), "%s", j->cur);
	uv_mutex_lock(&n->xfer_lock);
	TAILQ_INSERT_TAIL(&n->notes, note, entry);
	uv_mutex_unlock(&n->xfer_lock);
	uv_async_send(&n->xfer_async);
}

void
xfer_job_free(struct xjob *j)
{
	size_t i;

	if (j == NULL)
		return;
	if (j->sock >= 0 && j->upload)
		close(j->sock);
	for (i = 0; i < j->nfiles; i++) {
		free(j->files[i].name);
		free(j->files[i].path);
		free(j->files[i].req_extra);
		OPENSSL_cleanse(j->files[i].key, sizeof(j->files[i].key));
	}
	OPENSSL_cleanse(j->key, sizeof(j->key));
	free(j->files);
	free(j->user);
	free(j->host);
	free(j->dir);
	free(j);
}

/* Records the first failure of a job. */
static int
fail(struct xjob *j, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct xjob *j, int r, const char *fmt, ...)
{
	va_list ap;

	if (j->status == 0) {
		j->status = r;
		va_start(ap, fmt);
		vsnprintf(j->error, sizeof(j->error), fmt, ap);
		va_end(ap);
	}
	return r;
}

/* Publishes (or clears) the socket the loop may shut down on cancel. */
static void
set_live(struct xjob *j, int fd)
{
	uv_mutex_lock(&j->node->xfer_lock);
	j->live_fd = fd;
	uv_mutex_unlock(&j->node->xfer_lock);
}

/* Makes a socket blocking with send and receive timeouts. */
static void
blocking_with_timeouts(int s, int secs)
{
	struct timeval tv = { secs, 0 };
	int fl = fcntl(s, F_GETFL);

	if (fl >= 0)
		(void)fcntl(s, F_SETFL, fl & ~O_NONBLOCK);
	(void)setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Sends all of p, or fails the job. */
static int
send_all(struct xjob *j, int s, const void *p, size_t len)
{
	const uint8_t *c = p;
	ssize_t w;

	while (len > 0) {
		if (xfer_cancelled(j))
			return fail(j, FG_ERR_CLOSED, "cancelled");
		if ((w = send(s, c, len, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return fail(j, FG_ERR_SYSTEM, "sending: %s", errno == EAGAIN ?
			    "the peer stopped reading" : strerror(errno));
		}
		c += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Sends len bytes of fd from off with sendfile, counting progress. */
static int
send_span(struct xjob *j, int s, int fd, uint64_t off, uint64_t len)
{
	off_t o = (off_t)off;
	ssize_t w;

	while (len > 0) {
		if (xfer_cancelled(j))
			return fail(j, FG_ERR_CLOSED, "cancelled");
		w = sendfile(s, fd, &o, len > (1U << 30) ? (1U << 30) : (size_t)len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return fail(j, FG_ERR_SYSTEM, "sending %s: %s", j->cur,
			    errno == EAGAIN ? "the peer stopped reading" : strerror(errno));
		if (w == 0)	/* the file shrank under us: stop, never pad */
			return fail(j, FG_ERR_SYSTEM, "%s shrank while being sent", j->cur);
		len -= (uint64_t)w;
		j->file_done += (uint64_t)w;
		j->done += (uint64_t)w;
		xfer_post(j, 0);
	}
	return 0;
}

/* A folder stream being written: one batch buffer in front of the socket. */
struct ostream {
	struct xjob	*j;
	uint8_t		*buf;
	size_t		 len;
	struct fg_crypto_ctr *ctr;	/* set: everything sent is encrypted */
};

/* Sends the batch (encrypted in place first, for an encrypted transfer). */
static int
os_flush(struct ostream *os)
{
	int r;

	if (os->ctr != NULL && os->len > 0 &&
	    fg_crypto_ctr_update(os->ctr, os->buf, os->buf, os->len) != 0)
		return fail(os->j, FG_ERR_CRYPTO, "cannot encrypt");
	r = send_all(os->j, os->j->sock, os->buf, os->len);
	os->len = 0;
	return r;
}

/* Sends size bytes of fd from start through the batch buffer, encrypted. */
static int
os_copy_encrypted_from(struct ostream *os, int fd, uint64_t start, uint64_t size)
{
	struct xjob *j = os->j;
	uint64_t got = 0;
	ssize_t n;
	int r;

	while (got < size) {
		if ((r = os_flush(os)) != 0)
			return r;
		n = pread(fd, os->buf, size - got < XFER_BUF ? (size_t)(size - got) :
		    XFER_BUF, (off_t)(start + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(j, FG_ERR_SYSTEM, "%s could not be read whole", j->cur);
		os->len = (size_t)n;
		got += (uint64_t)n;
		j->file_done += (uint64_t)n;
		j->done += (uint64_t)n;
		xfer_post(j, 0);
	}
	return os_flush(os);
}

/* Appends one header, converting the name to the asker's charset. */
static int
os_header(struct ostream *os, const char *name, uint64_t size, uint32_t attr,
    uint64_t mtime)
{
	struct fg_dirent e;
	struct fg_buf b, nm;
	int r;

	memset(&e, 0, sizeof(e));
	fg_buf_init(&nm, FG_MAX_FILENAME);
	if (fg_charset_from_utf8(os->j->cs, name, strlen(name), &nm) != 0 ||
	    fg_buf_len(&nm) == 0 || fg_buf_terminate(&nm) != 0) {
		fg_buf_release(&nm);
		return fail(os->j, FG_ERR_LIMIT, "name too long to send: %s", name);
	}
	memcpy(e.name, fg_buf_ptr(&nm), fg_buf_len(&nm) + 1);
	fg_buf_release(&nm);
	e.size = size;
	e.attr = attr;
	e.mtime = e.ctime = mtime;
	e.has_mtime = e.has_ctime = 1;
	fg_buf_init(&b, FG_MAX_DIRHDR);
	if ((r = fg_dirstream_put_header(&b, &e)) != 0) {
		fg_buf_release(&b);
		return fail(os->j, r, "cannot describe %s", name);
	}
	if (os->len + fg_buf_len(&b) > XFER_BUF && (r = os_flush(os)) != 0) {
		fg_buf_release(&b);
		return r;
	}
	memcpy(os->buf + os->len, fg_buf_ptr(&b), fg_buf_len(&b));
	os->len += fg_buf_len(&b);
	fg_buf_release(&b);
	return 0;
}

/* Appends one regular file (header and data) opened as fd. */
static int
os_file(struct ostream *os, const char *name, int fd)
{
	struct xjob *j = os->j;
	struct stat st;
	uint64_t size, got = 0;
	ssize_t n;
	int r;

	if (fstat(fd, &st) != 0)
		return fail(j, FG_ERR_SYSTEM, "%s: %s", name, strerror(errno));
	size = (uint64_t)st.st_size;
	snprintf(j->cur, sizeof(j->cur), "%s", name);
	j->file_done = 0;
	j->file_total = size;
	if ((r = os_header(os, name, size, FG_FILE_REGULAR |
	    ((st.st_mode & 0200) ? 0 : FG_FILE_RONLY), (uint64_t)st.st_mtime)) != 0)
		return r;
	if (size > XFER_SMALL) {
		if (os->ctr != NULL)
			return os_copy_encrypted_from(os, fd, 0, size);
		if ((r = os_flush(os)) != 0)
			return r;
		return send_span(j, j->sock, fd, 0, size);
	}
	if (os->len + size > XFER_BUF && (r = os_flush(os)) != 0)
		return r;
	while (got < size) {
		n = pread(fd, os->buf + os->len, (size_t)(size - got), (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* shrank or unreadable: the stream cannot go on */
			return fail(j, FG_ERR_SYSTEM, "%s could not be read whole", name);
		os->len += (size_t)n;
		got += (uint64_t)n;
	}
	j->file_done = size;
	j->done += size;
	xfer_post(j, 0);
	return 0;
}

/* Appends the folder open as dfd (named name) and all below it. */
static int
os_tree(struct ostream *os, int dfd, const char *name, unsigned depth)
{
	struct xjob *j = os->j;
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd, r = 0, dup_fd;

	if (fstat(dfd, &st) != 0)
		return fail(j, FG_ERR_SYSTEM, "%s: %s", name, strerror(errno));
	if ((r = os_header(os, name, 0, FG_FILE_DIR, (uint64_t)st.st_mtime)) != 0)
		return r;
	if ((dup_fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) < 0 ||
	    (d = fdopendir(dup_fd)) == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return fail(j, FG_ERR_SYSTEM, "%s: %s", name, strerror(errno));
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		struct stat es;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (xfer_cancelled(j)) {
			r = fail(j, FG_ERR_CLOSED, "cancelled");
			break;
		}
		/*
		 * Symlinks and special files are not sent: nothing is followed.
		 * The type readdir gives saves a stat per file where it is known.
		 */
		if (de->d_type == DT_REG)
			es.st_mode = S_IFREG;
		else if (de->d_type == DT_DIR)
			es.st_mode = S_IFDIR;
		else if (de->d_type != DT_UNKNOWN ||
		    fstatat(dfd, de->d_name, &es, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(es.st_mode)) {
			if ((fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
				continue;
			r = os_file(os, de->d_name, fd);
			close(fd);
		} else if (S_ISDIR(es.st_mode) && depth + 1 < FG_MAX_DIR_DEPTH) {
			if ((fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC)) < 0)
				continue;
			r = os_tree(os, fd, de->d_name, depth + 1);
			close(fd);
		}
	}
	closedir(d);
	if (r != 0)
		return r;
	/* Leaving the folder: RETPARENT carries its mtime. */
	return os_header(os, ".", 0, FG_FILE_RETPARENT, (uint64_t)st.st_mtime);
}

/* GETFILEDATA: the offered file, from offset, exactly as offered. */
static int
upload_file(struct xjob *j, const struct xfer_file *f)
{
	struct stat st;
	int fd, r;

	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC)) < 0)
		return fail(j, FG_ERR_SYSTEM, "%s: %s", f->path, strerror(errno));
	/*
	 * A file that changed since it was offered is refused: the receiver
	 * reads exactly the offered size, so anything else would be a wrong
	 * length or mixed contents. It sees the connection close and fails.
	 */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != f->size || (uint64_t)st.st_mtime != f->mtime) {
		close(fd);
		return fail(j, FG_ERR_INVAL, "%s changed since it was offered", f->name);
	}
	if (j->offset > f->size) {
		close(fd);
		return fail(j, FG_ERR_RANGE, "offset past the end of %s", f->name);
	}
	j->file_total = j->total = f->size - j->offset;
	if (j->enc) {
		/* Encrypted: through a buffer (sendfile cannot encrypt). */
		struct ostream os = { j, NULL, 0, NULL };

		if ((os.buf = malloc(XFER_BUF)) == NULL ||
		    fg_crypto_ctr_new(j->key, j->ctr_no, &os.ctr) != 0)
			r = fail(j, FG_ERR_ALLOC, "cannot start the encrypted stream");
		else
			r = os_copy_encrypted_from(&os, fd, j->offset, f->size - j->offset);
		fg_crypto_ctr_free(os.ctr);
		free(os.buf);
	} else
		r = send_span(j, j->sock, fd, j->offset, f->size - j->offset);
	close(fd);
	return r;
}

/* GETDIRFILES: a folder stream, or a single file with its current size. */
static int
upload_stream(struct xjob *j, const struct xfer_file *f)
{
	struct ostream os = { j, NULL, 0, NULL };
	int fd, r;

	if ((os.buf = malloc(XFER_BUF)) == NULL)
		return fail(j, FG_ERR_ALLOC, "out of memory");
	if (j->enc && fg_crypto_ctr_new(j->key, j->ctr_no, &os.ctr) != 0) {
		free(os.buf);
		return fail(j, FG_ERR_CRYPTO, "cannot start the encrypted stream");
	}
	if (f->attr == FG_FILE_DIR) {
		if ((fd = open(f->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			r = fail(j, FG_ERR_SYSTEM, "%s: %s", f->path, strerror(errno));
		else {
			r = os_tree(&os, fd, f->name, 0);
			close(fd);
		}
	} else if ((fd = open(f->path, O_RDONLY | O_CLOEXEC)) < 0)
		r = fail(j, FG_ERR_SYSTEM, "%s: %s", f->path, strerror(errno));
	else {
		r = os_file(&os, f->name, fd);
		close(fd);
	}
	if (r == 0)
		r = os_flush(&os);
	fg_crypto_ctr_free(os.ctr);
	free(os.buf);
	return r;
}

void
xfer_upload_main(void *arg)
{
	struct xjob *j = arg;
	const struct xfer_file *f = &j->files[0];
	char drain[256];
	int r;

	block_sigpipe();
	blocking_with_timeouts(j->sock, XFER_IDLE_S);
	snprintf(j->cur, sizeof(j->cur), "%s", f->name);
	r = j->req_mode == FG_CMD_GETFILEDATA ? upload_file(j, f) : upload_stream(j, f);
	if (r == 0) {
		/* The receiver closes once it has everything; wait for that. */
		blocking_with_timeouts(j->sock, XFER_CLOSE_WAIT_S);
		shutdown(j->sock, SHUT_WR);
		while (recv(j->sock, drain, sizeof(drain), 0) > 0 && !xfer_cancelled(j))
			;
		j->files_done = 1;
		j->files[0].ok = 1;
	}
	set_live(j, -1);
	close(j->sock);
	j->sock = -1;
	fg_charset_thread_end();
	xfer_post(j, 1);
}

/* Connects to the sender's TCP port, with a time limit. */
static int
dial(struct xjob *j, int *out)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int s, e = 0, fl;

	*out = -1;
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return fail(j, FG_ERR_SYSTEM, "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = j->ip;
	sa.sin_port = htons(j->port);
	/* Bound to one address, we must also ask from it: offers are per address. */
	if (j->bind_ip != 0) {
		struct sockaddr_in me;

		memset(&me, 0, sizeof(me));
		me.sin_family = AF_INET;
		me.sin_addr.s_addr = j->bind_ip;
		if (bind(s, (struct sockaddr *)&me, sizeof(me)) != 0) {
			e = errno;
			close(s);
			return fail(j, FG_ERR_SYSTEM, "cannot bind: %s", strerror(e));
		}
	}
	fl = fcntl(s, F_GETFL);
	(void)fcntl(s, F_SETFL, fl | O_NONBLOCK);
	set_live(j, s);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno != EINPROGRESS)
			e = errno;
		else {
			pfd.fd = s;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, XFER_CONNECT_MS) != 1)
				e = ETIMEDOUT;
			else if (getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
				e = errno;
		}
	}
	if (e != 0 || xfer_cancelled(j)) {
		set_live(j, -1);
		close(s);
		if (xfer_cancelled(j))
			return fail(j, FG_ERR_CLOSED, "cancelled");
		return fail(j, FG_ERR_SYSTEM, "cannot connect to the sender: %s", strerror(e));
	}
	blocking_with_timeouts(s, XFER_IDLE_S);
	*out = s;
	return 0;
}

/* Closes a download socket (we close first: that tells the sender we are done). */
static void
hang_up(struct xjob *j, int s)
{
	if (s < 0)
		return;
	set_live(j, -1);
	close(s);
}

/* Sends the request for file f: GETFILEDATA from offset, or GETDIRFILES. */
static int
ask(struct xjob *j, int s, const struct xfer_file *f, uint64_t offset)
{
	char req[FG_MAX_NAME * 2 + 128];
	int n, r;

	if (f->enc) {
		/* The request itself is encrypted and signed; see secure.c. */
		char head[FG_MAX_NAME * 2 + 64];

		n = snprintf(head, sizeof(head), "1:%lu:%s:%s:%lu:",
		    (unsigned long)f->req_pktno, j->user, j->host,
		    (unsigned long)((f->attr == FG_FILE_DIR ? FG_CMD_GETDIRFILES :
		    FG_CMD_GETFILEDATA) | FG_OPT_ENCRYPT | FG_OPT_ENCFILE | j->req_opts));
		if (n < 0 || (size_t)n >= sizeof(head))
			return fail(j, FG_ERR_LIMIT, "request too long");
		if ((r = send_all(j, s, head, (size_t)n)) != 0)
			return r;
		return send_all(j, s, f->req_extra, strlen(f->req_extra) + 1);
	}
	if (f->attr == FG_FILE_DIR)
		n = snprintf(req, sizeof(req), "1:%lu:%s:%s:%lu:%llx:%lx:",
		    (unsigned long)f->req_pktno, j->user, j->host,
		    (unsigned long)(FG_CMD_GETDIRFILES | j->req_opts),
		    (unsigned long long)j->pktno, (unsigned long)f->fid);
	else
		n = snprintf(req, sizeof(req), "1:%lu:%s:%s:%lu:%llx:%lx:%llx:",
		    (unsigned long)f->req_pktno, j->user, j->host,
		    (unsigned long)(FG_CMD_GETFILEDATA | j->req_opts),
		    (unsigned long long)j->pktno, (unsigned long)f->fid,
		    (unsigned long long)offset);
	if (n < 0 || (size_t)n >= sizeof(req))
		return fail(j, FG_ERR_LIMIT, "request too long");
	return send_all(j, s, req, (size_t)n + 1);	/* with its NUL, as the official client */
}

/* Reads some bytes; 0 at a clean end; fails on errors and silence. */
static int
receive(struct xjob *j, int s, uint8_t *buf, size_t cap, size_t *got)
{
	ssize_t n;

	*got = 0;
	for (;;) {
		if (xfer_cancelled(j))
			return fail(j, FG_ERR_CLOSED, "cancelled");
		if ((n = recv(s, buf, cap, 0)) >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return fail(j, FG_ERR_TIMEOUT, "the sender sent nothing for %d s",
			    XFER_IDLE_S);
		return fail(j, FG_ERR_SYSTEM, "receiving: %s", strerror(errno));
	}
	*got = (size_t)n;
	return 0;
}

/* Joins dir and name for the final path shown to the user. */
static void
note_path(struct xjob *j, const char *sub, const char *final)
{
	snprintf(j->path, sizeof(j->path), "%s/%s%s%s", j->dir, sub,
	    sub[0] != '\0' ? "/" : "", final);
}

/* Downloads one regular file into root, resuming from its .part when allowed. */
static int
fetch_file(struct xjob *j, int root, struct xfer_file *f, uint8_t *buf)
{
	uint64_t offset = 0, left;
	struct fg_crypto_ctr *ctr = NULL;
	char err[512], final[512];
	size_t got;
	int fd = -1, s = -1, r;

	if (f->enc)
		offset = f->offset;	/* signed into the request already */
	else if (j->resume && !(j->flags & FG_ACCEPT_OVERWRITE) &&
	    fg_fsafe_part_size(root, f->name, &offset) == 0 && offset <= f->size)
		;	/* continue from what the .part holds */
	else
		offset = 0;
	if (f->enc) {
		char no[24];

		snprintf(no, sizeof(no), "%lu", (unsigned long)f->req_pktno);
		if (fg_crypto_ctr_new(f->key, no, &ctr) != 0)
			return fail(j, FG_ERR_CRYPTO, "cannot start the encrypted stream");
	}
	if ((r = fg_fsafe_open_part(root, f->name, offset > 0, &fd, &offset,
	    err, sizeof(err))) != 0)
		return fail(j, r, "%s", err);
	j->file_done = j->offset = offset;
	j->file_total = f->size;
	j->done += offset;
	if ((r = dial(j, &s)) != 0 || (r = ask(j, s, f, offset)) != 0)
		goto out;
	for (left = f->size - offset; left > 0; left -= got) {
		if ((r = receive(j, s, buf, left < XFER_BUF ? (size_t)left : XFER_BUF,
		    &got)) != 0)
			goto out;
		if (got == 0) {
			r = fail(j, FG_ERR_TRUNCATED, "%s: the sender closed after %llu of "
			    "%llu bytes (%s.part is kept)", f->name,
			    (unsigned long long)(f->size - left),
			    (unsigned long long)f->size, f->name);
			goto out;
		}
		if (ctr != NULL && fg_crypto_ctr_update(ctr, buf, buf, got) != 0) {
			r = fail(j, FG_ERR_CRYPTO, "cannot decrypt");
			goto out;
		}
		if ((r = fg_fsafe_write_all(fd, buf, got, f->name, err, sizeof(err))) != 0) {
			r = fail(j, r, "%s (%s.part is kept)", err, f->name);
			goto out;
		}
		j->file_done += got;
		j->done += got;
		xfer_post(j, 0);
	}
	/* Whatever more a peer sends is not read: the file ends at its size. */
	hang_up(j, s);
	s = -1;
	r = fg_fsafe_finish(root, f->name, fd, f->mtime > XFER_MTIME_MAX ? 0 : f->mtime,
	    (j->flags & FG_ACCEPT_OVERWRITE) ? FG_FSAFE_OVERWRITE : 0,
	    final, sizeof(final), err, sizeof(err));
	fd = -1;	/* finish closes it, whatever happens */
	fg_crypto_ctr_free(ctr);
	ctr = NULL;
	if (r != 0)
		return fail(j, r, "%s", err);
	note_path(j, "", final);
	return 0;
 out:
	fg_crypto_ctr_free(ctr);
	hang_up(j, s);
	if (fd >= 0) {
		/* Nothing arrived at all: no empty .part is left behind. */
		if (offset == 0 && j->file_done == 0)
			(void)fg_fsafe_drop_empty_part(root, f->name);
		close(fd);
	}
	return r;
}

/* Where a folder download stands: the open folders, and the file being written. */
struct istate {
	int		 fds[FG_MAX_DIR_DEPTH + 1];
	char		 names[FG_MAX_DIR_DEPTH + 1][256];
	unsigned	 depth;
	int		 out;		/* the .part being written, or -1 */
	int		 skip;		/* data of a record we do not write */
	char		 cur[256];	/* its safe name */
	uint64_t	 mtime;
};

/* Turns a name from the stream into a safe UTF-8 file name. */
static void
safe_stream_name(struct xjob *j, const char *raw, char *out, size_t outsz)
{
	struct fg_buf b;

	fg_buf_init(&b, FG_MAX_FILENAME * 3);
	if (fg_charset_to_utf8(j->cs, raw, strlen(raw), &b) == 0 &&
	    fg_buf_terminate(&b) == 0)
		(void)fg_fsafe_name((const char *)fg_buf_ptr(&b), out, outsz);
	else
		(void)fg_fsafe_name("_", out, outsz);
	fg_buf_release(&b);
}

/* The path of the current folder below the download folder, for messages. */
static void
sub_path(const struct istate *st, char *out, size_t outsz)
{
	unsigned i;
	size_t o = 0;

	out[0] = '\0';
	for (i = 1; i <= st->depth && o < outsz; i++)
		o += (size_t)snprintf(out + o, outsz - o, "%s%s", i > 1 ? "/" : "",
		    st->names[i]);
}

/* Acts on one event of a folder stream. */
static int
on_stream_event(struct xjob *j, struct xfer_file *f, struct istate *st,
    const struct fg_dirstream *ds, const struct fg_dirstream_event *ev)
{
	char err[512], final[512], sub[1024];
	uint64_t at;
	int existed, fd, r;

	switch (ev->type) {
	case FG_DS_ENTER:
		if (j->caps.max_files != 0 && fg_dirstream_records(ds) > j->caps.max_files)
			return fail(j, FG_ERR_LIMIT, "%s has more than %llu entries",
			    f->name, (unsigned long long)j->caps.max_files);
		/* The top folder takes the name the user accepted. */
		if (ev->depth == 1)
			snprintf(st->names[1], sizeof(st->names[1]), "%s", f->name);
		else
			safe_stream_name(j, ev->ent->name, st->names[ev->depth],
			    sizeof(st->names[ev->depth]));
		if ((r = fg_fsafe_mkdir(st->fds[ev->depth - 1], st->names[ev->depth],
		    &fd, &existed, err, sizeof(err))) != 0)
			return fail(j, r, "%s", err);
		st->fds[ev->depth] = fd;
		st->depth = ev->depth;
		return 0;
	case FG_DS_FILE:
		if (ev->depth == 0 && f->attr == FG_FILE_DIR)
			return fail(j, FG_ERR_FORMAT, "%s: the sender sent a file where "
			    "a folder was offered", f->name);
		if (j->caps.max_files != 0 && fg_dirstream_records(ds) > j->caps.max_files)
			return fail(j, FG_ERR_LIMIT, "%s has more than %llu entries",
			    f->name, (unsigned long long)j->caps.max_files);
		if (j->caps.max_total != 0 && fg_dirstream_bytes(ds) > j->caps.max_total)
			return fail(j, FG_ERR_LIMIT, "%s is larger than the %llu-byte cap",
			    f->name, (unsigned long long)j->caps.max_total);
		st->skip = FG_FILE_TYPE(ev->ent->attr) != FG_FILE_REGULAR;
		if (st->skip)
			return 0;
		/* A single offered file keeps the name the user accepted. */
		if (ev->depth == 0)
			snprintf(st->cur, sizeof(st->cur), "%s", f->name);
		else
			safe_stream_name(j, ev->ent->name, st->cur, sizeof(st->cur));
		st->mtime = ev->ent->has_mtime && ev->ent->mtime <= XFER_MTIME_MAX ?
		    ev->ent->mtime : 0;
		snprintf(j->cur, sizeof(j->cur), "%s", st->cur);
		j->file_done = 0;
		j->file_total = ev->ent->size;
		/* A folder's size is known only as its files are announced. */
		if (f->attr == FG_FILE_DIR)
			j->total += ev->ent->size;
		if ((r = fg_fsafe_open_part(st->fds[st->depth], st->cur, 0, &st->out,
		    &at, err, sizeof(err))) != 0)
			return fail(j, r, "%s", err);
		return 0;
	case FG_DS_DATA:
		if (st->skip)
			return 0;
		if ((r = fg_fsafe_write_all(st->out, ev->data, ev->len, st->cur, err,
		    sizeof(err))) != 0)
			return fail(j, r, "%s (%s.part is kept)", err, st->cur);
		j->file_done += ev->len;
		j->done += ev->len;
		xfer_post(j, 0);
		return 0;
	case FG_DS_FILE_END:
		if (st->skip) {
			st->skip = 0;
			return 0;
		}
		r = fg_fsafe_finish(st->fds[st->depth], st->cur, st->out, st->mtime,
		    (j->flags & FG_ACCEPT_OVERWRITE) ? FG_FSAFE_OVERWRITE : 0,
		    final, sizeof(final), err, sizeof(err));
		st->out = -1;
		if (r != 0)
			return fail(j, r, "%s", err);
		sub_path(st, sub, sizeof(sub));
		note_path(j, sub, final);
		return 0;
	case FG_DS_LEAVE:
		if (ev->ent->has_mtime && ev->ent->mtime <= XFER_MTIME_MAX)
			(void)fg_fsafe_set_dir_mtime(st->fds[ev->depth + 1], ev->ent->mtime);
		close(st->fds[ev->depth + 1]);
		st->fds[ev->depth + 1] = -1;
		st->depth = ev->depth;
		return 0;
	default:
		return 0;
	}
}

/* Downloads one offered folder into root. */
static int
fetch_dir(struct xjob *j, int root, struct xfer_file *f, uint8_t *buf)
{
	struct fg_dirstream *ds;
	struct fg_dirstream_event ev;
	struct fg_crypto_ctr *ctr = NULL;
	struct istate st;
	size_t got, off, used;
	unsigned i;
	int s = -1, r;

	memset(&st, 0, sizeof(st));
	for (i = 0; i <= FG_MAX_DIR_DEPTH; i++)
		st.fds[i] = -1;
	st.fds[0] = root;
	st.out = -1;
	j->file_done = j->file_total = 0;
	if ((ds = fg_dirstream_new()) == NULL)
		return fail(j, FG_ERR_ALLOC, "out of memory");
	if (f->enc) {
		char no[24];

		snprintf(no, sizeof(no), "%lu", (unsigned long)f->req_pktno);
		if (fg_crypto_ctr_new(f->key, no, &ctr) != 0) {
			r = fail(j, FG_ERR_CRYPTO, "cannot start the encrypted stream");
			goto out;
		}
	}
	if ((r = dial(j, &s)) != 0 || (r = ask(j, s, f, 0)) != 0)
		goto out;
	while (!fg_dirstream_done(ds)) {
		if ((r = receive(j, s, buf, XFER_BUF, &got)) != 0)
			goto out;
		if (ctr != NULL && got > 0 && fg_crypto_ctr_update(ctr, buf, buf, got) != 0) {
			r = fail(j, FG_ERR_CRYPTO, "cannot decrypt");
			goto out;
		}
		if (got == 0) {
			r = fail(j, FG_ERR_TRUNCATED, "%s: the sender closed before the "
			    "end of the folder", f->name);
			goto out;
		}
		/* One event per call; NEED_MORE comes once the chunk is used up. */
		for (off = 0;; off += used) {
			if ((r = fg_dirstream_feed(ds, buf + off, got - off, &used, &ev)) != 0) {
				r = fail(j, r, "%s: bad folder stream (%s)", f->name,
				    fg_strerror(r));
				goto out;
			}
			if (ev.type == FG_DS_NEED_MORE)
				break;
			if ((r = on_stream_event(j, f, &st, ds, &ev)) != 0)
				goto out;
			if (ev.type == FG_DS_END) {
				off += used;
				break;
			}
		}
	}
	r = 0;
 out:
	hang_up(j, s);
	if (st.out >= 0)
		close(st.out);
	for (i = 1; i <= FG_MAX_DIR_DEPTH; i++)
		if (st.fds[i] >= 0)
			close(st.fds[i]);
	fg_dirstream_free(ds);
	fg_crypto_ctr_free(ctr);
	return r;
}

void
xfer_download_main(void *arg)
{
	struct xjob *j = arg;
	uint8_t *buf = NULL;
	char err[512];
	size_t i;
	int root = -1, r;

	block_sigpipe();
	for (i = 0; i < j->nfiles; i++)
		j->total += j->files[i].size;
	if ((buf = malloc(XFER_BUF)) == NULL) {
		(void)fail(j, FG_ERR_ALLOC, "out of memory");
		goto out;
	}
	if ((r = fg_fsafe_open_root(j->dir, &root, err, sizeof(err))) != 0) {
		(void)fail(j, r, "%s", err);
		goto out;
	}
	for (i = 0; i < j->nfiles && !xfer_cancelled(j); i++) {
		struct xfer_file *f = &j->files[i];

		snprintf(j->cur, sizeof(j->cur), "%s", f->name);
		if (f->attr == FG_FILE_DIR)
			r = fetch_dir(j, root, f, buf);
		else
			r = fetch_file(j, root, f, buf);
		if (r == 0) {
			f->ok = 1;
			j->files_done++;
		}
	}
	if (xfer_cancelled(j))
		(void)fail(j, FG_ERR_CLOSED, "cancelled");
 out:
	if (root >= 0)
		close(root);
	free(buf);
	fg_charset_thread_end();
	xfer_post(j, 1);
}
