/*
 * bench_xfer: file-transfer throughput on loopback, as a ratio to a raw
 * copy of the same bytes measured in the same run.
 *
 *	bench_xfer file [MiB]      one file (default 1024 MiB) between two
 *	                           nodes, against a plain TCP stream of the
 *	                           file (sendfile in, recv+write out)
 *	bench_xfer folder [COUNT]  a folder of COUNT 4 KiB files (default
 *	                           10000), against tar through a TCP socket
 *
 * Both sides write to files under one temporary folder, so the page cache
 * treats them alike. Traffic goes only to 127.0.0.0/8.
 */
/* sendfile(2) is Linux's own. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "feige/feige.h"
#include "node.h"

static uv_loop_t loop;
static uint16_t port;
static char work[64];

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_rf(const char *path)
{
	(void)nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_xfer: %s: %s\n", what, strerror(errno));
	exit(1);
}

struct side {
	struct fg_node	*node;
	uint64_t	 offer;
	int		 offers, done, status;
	char		 error[256];
};

static void
event_cb(struct fg_node *n, const struct fg_event *ev, void *arg)
{
	struct side *s = arg;

	(void)n;
	if (ev->type == FG_EV_OFFER) {
		s->offer = ev->offer->id;
		s->offers++;
	} else if (ev->type == FG_EV_XFER_DONE && !ev->xfer->upload) {
		s->done++;
		s->status = ev->xfer->status;
		snprintf(s->error, sizeof(s->error), "%s",
		    ev->xfer->error != NULL ? ev->xfer->error : "");
	}
}

static void
tick_cb(uv_timer_t *t)
{
	(void)t;
}

/* Runs the loop until *flag reaches want. */
static void
run_until(const int *flag, int want)
{
	uv_timer_t t;

	uv_timer_init(&loop, &t);
	while (*flag < want) {
		uv_timer_start(&t, tick_cb, 20, 0);
		uv_run(&loop, UV_RUN_ONCE);
	}
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&loop, UV_RUN_NOWAIT);
}

static struct fg_node *
start(const char *addr, const char *user, const char *peer, struct side *s)
{
	struct fg_node_config cfg;
	struct fg_node *n;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.user = user;
	cfg.host = "bench";
	cfg.bind = addr;
	cfg.port = port;
	cfg.broadcast = peer;
	cfg.broadcast_only = 1;
	if (fg_node_new(&loop, &cfg, event_cb, s, &n, err, sizeof(err)) != 0 ||
	    fg_node_start(n, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_xfer: %s\n", err);
		exit(1);
	}
	return n;
}

/* Offers path from a to b and times b's download into dst. */
static double
feige_copy(struct side *a, struct side *b, const char *path, const char *dst)
{
	struct fg_dest to;
	const char *paths[1] = { path };
	uint64_t offer, xfer;
	char err[256];
	double t0;
	int want = b->offers + 1;

	inet_pton(AF_INET, "127.0.0.3", &to.ip);
	to.port = port;
	if (fg_node_offer_files(a->node, &to, paths, 1, "", NULL, NULL, &offer,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_xfer: offer: %s\n", err);
		exit(1);
	}
	run_until(&b->offers, want);
	want = b->done + 1;
	t0 = now_s();
	if (fg_node_accept(b->node, b->offer, NULL, 0, dst, 0, NULL, &xfer, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "bench_xfer: accept: %s\n", err);
		exit(1);
	}
	run_until(&b->done, want);
	if (b->status != 0) {
		fprintf(stderr, "bench_xfer: download failed: %s\n", b->error);
		exit(1);
	}
	return now_s() - t0;
}

/* A connected loopback TCP pair: *srv accepted, *cli connected. */
static void
tcp_pair(int *srv, int *cli)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&sa, &len) != 0)
		die("listen");
	*cli = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(*cli, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		die("connect");
	if ((*srv = accept(l, NULL, NULL)) < 0)
		die("accept");
	close(l);
}

/*
 * The baseline for a file: sendfile into a socket (or, with rw set, read
 * into a 1 MiB buffer and send it: the other way feige could move data),
 * recv+write out of it.
 */
static double
raw_file_copy(const char *path, const char *out, uint64_t size, int rw)
{
	static char buf[1 << 20];
	int s, c, in, fd;
	pid_t pid;
	double t0;
	uint64_t got = 0;
	ssize_t n;

	tcp_pair(&s, &c);
	t0 = now_s();
	if ((pid = fork()) == 0) {
		off_t off = 0;

		close(s);
		in = open(path, O_RDONLY);
		if (rw) {
			static char rbuf[1 << 20];
			ssize_t nr;

			while ((nr = read(in, rbuf, sizeof(rbuf))) > 0)
				if (send(c, rbuf, (size_t)nr, 0) != nr)
					_exit(1);
			_exit(0);
		}
		while ((uint64_t)off < size)
			if (sendfile(c, in, &off, 1 << 30) <= 0)
				_exit(1);
		_exit(0);
	}
	close(c);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		die(out);
	while (got < size && (n = recv(s, buf, sizeof(buf), 0)) > 0) {
		if (write(fd, buf, (size_t)n) != n)
			die("write");
		got += (uint64_t)n;
	}
	close(fd);
	close(s);
	waitpid(pid, NULL, 0);
	return now_s() - t0;
}

/* The baseline for a folder: tar -c into a TCP socket, tar -x out of it. */
static double
raw_tar_copy(const char *srcparent, const char *name, const char *dst)
{
	int s, c;
	pid_t p1, p2;
	double t0;

	tcp_pair(&s, &c);
	t0 = now_s();
	if ((p1 = fork()) == 0) {
		dup2(c, 1);
		close(s);
		close(c);
		execlp("tar", "tar", "-C", srcparent, "-cf", "-", name, (char *)NULL);
		_exit(127);
	}
	if ((p2 = fork()) == 0) {
		dup2(s, 0);
		close(s);
		close(c);
		execlp("tar", "tar", "-C", dst, "-xf", "-", (char *)NULL);
		_exit(127);
	}
	close(s);
	close(c);
	waitpid(p1, NULL, 0);
	waitpid(p2, NULL, 0);
	return now_s() - t0;
}

static void
make_file(const char *path, uint64_t size)
{
	static char buf[1 << 20];
	uint64_t left = size;
	size_t i;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 31 + (i >> 12));
	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n)
			die("write");
		left -= n;
	}
	close(fd);
}

int
main(int argc, char **argv)
{
	struct side a, b;
	char src[128], dst[128], path[256], out[256];
	double tf, tr, trw, best_f = 1e9, best_r = 1e9, best_rw = 1e9;
	uint64_t bytes;
	long count;
	int folder, round;

	if (argc < 2 || (strcmp(argv[1], "file") != 0 && strcmp(argv[1], "folder") != 0)) {
		fprintf(stderr, "usage: bench_xfer file [MiB] | folder [COUNT]\n");
		return 2;
	}
	folder = strcmp(argv[1], "folder") == 0;
	count = argc > 2 ? atol(argv[2]) : (folder ? 10000 : 1024);
	snprintf(work, sizeof(work), "/tmp/fgbench-XXXXXX");
	if (mkdtemp(work) == NULL)
		die("mkdtemp");
	snprintf(src, sizeof(src), "%s/src", work);
	mkdir(src, 0755);
	if (folder) {
		long i;

		snprintf(path, sizeof(path), "%s/tree", src);
		mkdir(path, 0755);
		for (i = 0; i < count; i++) {
			char f[300];

			if (i % 1000 == 0) {
				snprintf(f, sizeof(f), "%s/d%ld", path, i / 1000);
				mkdir(f, 0755);
			}
			snprintf(f, sizeof(f), "%s/d%ld/f%ld", path, i / 1000, i);
			make_file(f, 4096);
		}
		bytes = (uint64_t)count * 4096;
	} else {
		snprintf(path, sizeof(path), "%s/big.bin", src);
		bytes = (uint64_t)count << 20;
		make_file(path, bytes);
	}
	uv_loop_init(&loop);
	port = (uint16_t)(30000 + getpid() % 20000);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.node = start("127.0.0.2", "benchA", "127.0.0.3", &a);
	b.node = start("127.0.0.3", "benchB", "127.0.0.2", &b);
	/* Alternate them, three times each, and keep each one's best. */
	for (round = 0; round < 3; round++) {
		snprintf(dst, sizeof(dst), "%s/raw%d", work, round);
		mkdir(dst, 0755);
		if (folder)
			tr = raw_tar_copy(src, "tree", dst);
		else {
			snprintf(out, sizeof(out), "%s/big.bin", dst);
			tr = raw_file_copy(path, out, bytes, 0);
			trw = raw_file_copy(path, out, bytes, 1);
			if (trw < best_rw)
				best_rw = trw;
		}
		rm_rf(dst);
		snprintf(dst, sizeof(dst), "%s/feige%d", work, round);
		mkdir(dst, 0755);
		tf = feige_copy(&a, &b, path, dst);
		rm_rf(dst);
		if (tr < best_r)
			best_r = tr;
		if (tf < best_f)
			best_f = tf;
	}
	printf("%s_bytes %llu B\n", argv[1], (unsigned long long)bytes);
	printf("%s_raw_seconds %.3f s\n", argv[1], best_r);
	printf("%s_feige_seconds %.3f s\n", argv[1], best_f);
	printf("%s_raw_MiBps %.1f MiB/s\n", argv[1], bytes / best_r / 1048576.0);
	printf("%s_feige_MiBps %.1f MiB/s\n", argv[1], bytes / best_f / 1048576.0);
	printf("%s_ratio_to_raw %.3f x\n", argv[1], best_r / best_f);
	if (!folder)
		printf("file_raw_read_send_MiBps %.1f MiB/s (sendfile chosen: %.2fx of it)\n",
		    bytes / best_rw / 1048576.0, best_rw / best_r);
	fg_node_stop(a.node, NULL, NULL);
	fg_node_stop(b.node, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	fg_node_free(a.node);
	fg_node_free(b.node);
	rm_rf(work);
	return 0;
}
