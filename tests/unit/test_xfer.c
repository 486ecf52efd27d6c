/*
 * Engine tests for file transfer: two feige nodes on loopback, plus a fake
 * sender (a thread with raw sockets on 127.0.0.5) that lies in every way a
 * hostile peer can. Files land in temporary folders that are removed after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

#include "feige/feige.h"
#include "node.h"
#include "proto.h"
#include "tnode.h"

static struct tn_env *E;
static char src_dir[64], dst_dir[64], out_dir[64];

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

static int
setup(void **state)
{
	E = tn_setup(3);
	assert_non_null(E);
	*state = E;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tn_teardown(E);
	return 0;
}

/* Fresh source, destination and "outside" folders for each test. */
static int
dirs_up(void **state)
{
	(void)state;
	snprintf(src_dir, sizeof(src_dir), "/tmp/fgx-src-XXXXXX");
	snprintf(dst_dir, sizeof(dst_dir), "/tmp/fgx-dst-XXXXXX");
	snprintf(out_dir, sizeof(out_dir), "/tmp/fgx-out-XXXXXX");
	if (mkdtemp(src_dir) == NULL || mkdtemp(dst_dir) == NULL || mkdtemp(out_dir) == NULL)
		return -1;
	return 0;
}

static int
dirs_down(void **state)
{
	(void)state;
	rm_rf(src_dir);
	rm_rf(dst_dir);
	rm_rf(out_dir);
	return 0;
}

/* Writes a file of len bytes of a pattern seeded by seed, with an mtime. */
static void
make_file(const char *path, size_t len, unsigned seed, time_t mtime)
{
	FILE *f = fopen(path, "wb");
	struct timeval tv[2];
	size_t i;

	assert_non_null(f);
	for (i = 0; i < len; i++)
		fputc((int)((i * 131 + seed * 7 + (i >> 10)) & 0xff), f);
	fclose(f);
	tv[0].tv_sec = tv[1].tv_sec = mtime;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	utimes(path, tv);
}

/* 1 when two files have the same bytes. */
static int
same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int ca, cb, same = fa != NULL && fb != NULL;

	while (same) {
		ca = fgetc(fa);
		cb = fgetc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF)
			break;
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	return same;
}

static time_t
mtime_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mtime;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

struct waiter {
	struct tn_rec	*rec;
	int		 want;
};

static int
offers_at_least(void *arg)
{
	struct waiter *w = arg;

	return w->rec->offers >= w->want;
}

static int
xfers_at_least(void *arg)
{
	struct waiter *w = arg;

	return w->rec->xfers_done >= w->want;
}

static int
offer_ends_at_least(void *arg)
{
	struct waiter *w = arg;

	return w->rec->offer_ends >= w->want;
}

/* A offers paths to B; B accepts everything into dst_dir; waits for the end. */
static int
offer_and_fetch(const char *const *paths, size_t n, unsigned flags,
    const struct fg_accept_caps *caps)
{
	struct tn_rec *rb = &E->t[1].rec;
	struct fg_dest d = tn_dest(E, 1);
	struct waiter w = { rb, rb->offers + 1 };
	uint64_t offer, xfer;
	char err[256];

	assert_int_equal(fg_node_offer_files(E->t[0].node, &d, paths, n, "files",
	    NULL, NULL, &offer, err, sizeof(err)), 0);
	assert_true(tn_run_until(E, offers_at_least, &w, 3000));
	w.want = rb->xfers_done + 1;
	assert_int_equal(fg_node_accept(E->t[1].node, rb->last_offer, NULL, 0,
	    dst_dir, flags, caps, &xfer, err, sizeof(err)), 0);
	assert_true(tn_run_until(E, xfers_at_least, &w, 60000));
	if (rb->xfer_status != 0)
		fprintf(stderr, "download failed: %s\n", rb->xfer_error);
	return rb->xfer_status;
}

static void
test_files_and_folders(void **state)
{
	char p[3][256], q[1024], orig[1024];
	const char *paths[3];
	struct waiter w = { &E->t[0].rec, E->t[0].rec.offer_ends + 1 };

	(void)state;
	snprintf(p[0], sizeof(p[0]), "%s/报告:v2.txt", src_dir);
	make_file(p[0], 300000, 1, 1600000000);
	snprintf(p[1], sizeof(p[1]), "%s/empty.txt", src_dir);
	make_file(p[1], 0, 2, 1600000001);
	snprintf(p[2], sizeof(p[2]), "%s/相册", src_dir);
	assert_int_equal(mkdir(p[2], 0755), 0);
	snprintf(q, sizeof(q), "%s/a.jpg", p[2]);
	make_file(q, 5, 3, 1600000002);
	snprintf(q, sizeof(q), "%s/子目录", p[2]);
	assert_int_equal(mkdir(q, 0755), 0);
	snprintf(q, sizeof(q), "%s/子目录/b.txt", p[2]);
	make_file(q, 700000, 4, 1600000003);
	snprintf(q, sizeof(q), "%s/空文件夹", p[2]);
	assert_int_equal(mkdir(q, 0755), 0);
	paths[0] = p[0];
	paths[1] = p[1];
	paths[2] = p[2];
	assert_int_equal(offer_and_fetch(paths, 3, 0, NULL), 0);
	snprintf(q, sizeof(q), "%s/报告:v2.txt", dst_dir);
	assert_true(same_file(p[0], q));
	assert_int_equal(mtime_of(q), 1600000000);
	snprintf(q, sizeof(q), "%s/empty.txt", dst_dir);
	assert_true(same_file(p[1], q));
	snprintf(q, sizeof(q), "%s/相册/子目录/b.txt", dst_dir);
	snprintf(orig, sizeof(orig), "%s/子目录/b.txt", p[2]);
	assert_true(same_file(orig, q));
	assert_int_equal(mtime_of(q), 1600000003);
	snprintf(q, sizeof(q), "%s/相册/a.jpg", dst_dir);
	assert_true(exists(q));
	snprintf(q, sizeof(q), "%s/相册/空文件夹", dst_dir);
	assert_true(exists(q));
	snprintf(q, sizeof(q), "%s/报告:v2.txt.part", dst_dir);
	assert_false(exists(q));
	/* Every file fetched: the sender's offer ends. */
	assert_true(tn_run_until(E, offer_ends_at_least, &w, 3000));
	assert_int_equal(E->t[0].rec.last_offer_end, FG_OFFER_END_FETCHED);
	/* The same again: nothing overwritten, a numbered copy instead. */
	assert_int_equal(offer_and_fetch(paths, 1, 0, NULL), 0);
	snprintf(q, sizeof(q), "%s/报告:v2 (1).txt", dst_dir);
	assert_true(same_file(p[0], q));
}

static void
test_big_sparse_file(void **state)
{
	char p[512], q[512], tail[8];
	const char *paths[1];
	struct statvfs vfs;
	uint64_t size = (4ULL << 30) + 4096;
	int fd;

	(void)state;
	if (statvfs("/tmp", &vfs) != 0 || (uint64_t)vfs.f_bavail * vfs.f_frsize < (12ULL << 30)) {
		skip();
		return;
	}
	snprintf(p, sizeof(p), "%s/big.bin", src_dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "TAIL", 4, (off_t)size - 4), 4);
	close(fd);
	paths[0] = p;
	assert_int_equal(offer_and_fetch(paths, 1, 0, NULL), 0);
	snprintf(q, sizeof(q), "%s/big.bin", dst_dir);
	fd = open(q, O_RDONLY);
	assert_true(fd >= 0);
	assert_true((uint64_t)lseek(fd, 0, SEEK_END) == size);
	assert_int_equal(pread(fd, tail, 4, (off_t)size - 4), 4);
	assert_memory_equal(tail, "TAIL", 4);
	close(fd);
}

/* Connects from src (an address of ours) to node i's TCP port. */
static int
dial_from(const char *src, int i)
{
	struct sockaddr_in sa, me;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	inet_pton(AF_INET, src, &me.sin_addr);
	assert_int_equal(bind(s, (struct sockaddr *)&me, sizeof(me)), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(E->port);
	inet_pton(AF_INET, E->t[i].addr, &sa.sin_addr);
	assert_int_equal(connect(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return s;
}

static void
test_third_node_refused(void **state)
{
	struct tn_rec *rb = &E->t[1].rec;
	struct fg_dest d = tn_dest(E, 1);
	struct waiter w = { rb, rb->offers + 1 };
	const struct fg_offer *o;
	char p[512], req[256], buf[64];
	const char *paths[1];
	uint64_t offer;
	int s;
	ssize_t n;

	(void)state;
	snprintf(p, sizeof(p), "%s/secret.txt", src_dir);
	make_file(p, 1000, 9, 1600000000);
	paths[0] = p;
	assert_int_equal(fg_node_offer_files(E->t[0].node, &d, paths, 1, "", NULL,
	    NULL, &offer, buf, sizeof(buf)), 0);
	assert_true(tn_run_until(E, offers_at_least, &w, 3000));
	o = fg_node_offer_find(E->t[1].node, rb->last_offer);
	assert_non_null(o);
	/* Node C (127.0.0.4) asks for B's file with the right numbers: refused. */
	s = dial_from("127.0.0.4", 0);
	snprintf(req, sizeof(req), "1:5:userc:testhost:96:%llx:0:0:",
	    (unsigned long long)o->pktno);
	assert_true(send(s, req, strlen(req) + 1, 0) > 0);
	tn_settle(E, 300);
	n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
	assert_int_equal(n, 0);	/* closed, nothing sent */
	close(s);
	/* From B's address but for a file ID that was not offered: refused too. */
	s = dial_from("127.0.0.3", 0);
	snprintf(req, sizeof(req), "1:6:userb:testhost:96:%llx:7:0:",
	    (unsigned long long)o->pktno);
	assert_true(send(s, req, strlen(req) + 1, 0) > 0);
	tn_settle(E, 300);
	assert_int_equal(recv(s, buf, sizeof(buf), MSG_DONTWAIT), 0);
	close(s);
	/* B itself still gets it. */
	{
		uint64_t xfer;
		char err[128];

		w.want = rb->xfers_done + 1;
		assert_int_equal(fg_node_accept(E->t[1].node, rb->last_offer, NULL, 0,
		    dst_dir, 0, NULL, &xfer, err, sizeof(err)), 0);
		assert_true(tn_run_until(E, xfers_at_least, &w, 5000));
		assert_int_equal(rb->xfer_status, 0);
	}
}

/*
 * The fake sender: UDP and TCP on 127.0.0.5 at the test port. It offers one
 * file or folder to node B, then answers the download with canned bytes.
 */
struct fake {
	int		 udp, tcp;
	const void	*reply;		/* what to send after the request */
	size_t		 reply_len;
	int		 endless;	/* then keep sending reply forever */
	uv_thread_t	 thread;
};

static void
fake_serve(void *arg)
{
	struct fake *f = arg;
	char req[1024];
	int c;
	ssize_t n;
	long rounds = 0;

	if ((c = accept(f->tcp, NULL, NULL)) < 0)
		return;
	n = recv(c, req, sizeof(req), 0);
	(void)n;
	do {
		if (send(c, f->reply, f->reply_len, MSG_NOSIGNAL) < 0)
			break;
	} while (f->endless && ++rounds < 200000);
	close(c);
}

static void
fake_open(struct fake *f)
{
	struct sockaddr_in sa;
	int one = 1;

	memset(f, 0, sizeof(*f));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(E->port);
	inet_pton(AF_INET, "127.0.0.5", &sa.sin_addr);
	f->udp = socket(AF_INET, SOCK_DGRAM, 0);
	f->tcp = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(f->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(f->udp, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(bind(f->tcp, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->tcp, 4), 0);
}

static void
fake_close(struct fake *f)
{
	close(f->udp);
	close(f->tcp);
}

/* What the fake sender calls itself and writes (tests may change them). */
static const char *fake_version = "1", *fake_user, *fake_text = "take this";

/*
 * Offers one entry (attach is its attachment-list entry, GBK or UTF-8 as
 * utf8 says) to B, serves reply, and runs B's download of it to its end.
 */
static int
fake_run(const char *attach, int utf8, const void *reply, size_t len, int endless,
    const struct fg_accept_caps *caps)
{
	struct tn_rec *rb = &E->t[1].rec;
	struct waiter w = { rb, rb->offers + 1 };
	struct fake f;
	struct sockaddr_in to;
	char pkt[2048], err[256];
	uint64_t xfer;
	int n, r;
	static unsigned pktno = 5000;

	fake_open(&f);
	f.reply = reply;
	f.reply_len = len;
	f.endless = endless;
	/* Identities: a UTF-8 sender, a FeiQ-like GBK one, or as the test sets. */
	n = snprintf(pkt, sizeof(pkt), "%s:%u:%s:fakehost:%u:%s", fake_version,
	    pktno++, fake_user != NULL ? fake_user : utf8 ? "fake" : "feiq",
	    FG_CMD_SENDMSG | FG_OPT_FILEATTACH | (utf8 ? FG_OPT_UTF8 : 0), fake_text);
	pkt[n++] = '\0';
	n += snprintf(pkt + n, sizeof(pkt) - (size_t)n, "%s", attach);
	pkt[n++] = '\0';
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(E->port);
	inet_pton(AF_INET, E->t[1].addr, &to.sin_addr);
	assert_true(sendto(f.udp, pkt, (size_t)n, 0, (struct sockaddr *)&to, sizeof(to)) == n);
	assert_true(tn_run_until(E, offers_at_least, &w, 3000));
	assert_int_equal(uv_thread_create(&f.thread, fake_serve, &f), 0);
	w.want = rb->xfers_done + 1;
	assert_int_equal(fg_node_accept(E->t[1].node, rb->last_offer, NULL, 0,
	    dst_dir, 0, caps, &xfer, err, sizeof(err)), 0);
	assert_true(tn_run_until(E, xfers_at_least, &w, 30000));
	r = rb->xfer_status;
	if (r != 0)
		fprintf(stderr, "download failed (as it may): %s\n", rb->xfer_error);
	shutdown(f.tcp, SHUT_RDWR);
	uv_thread_join(&f.thread);
	fake_close(&f);
	return r;
}

static void
test_lying_sizes(void **state)
{
	char q[512], big[5000];

	(void)state;
	/* Fewer bytes than announced: failure, .part kept, no final name. */
	assert_int_not_equal(fake_run("0:short.bin:64:6553f100:1:\a", 1, "only this", 9,
	    0, NULL), 0);
	snprintf(q, sizeof(q), "%s/short.bin", dst_dir);
	assert_false(exists(q));
	snprintf(q, sizeof(q), "%s/short.bin.part", dst_dir);
	assert_true(exists(q));
	/* More bytes than announced (even endlessly): the file ends at its size. */
	memset(big, 'M', sizeof(big));
	assert_int_equal(fake_run("0:more.bin:10:6553f100:1:\a", 1, big, sizeof(big),
	    1, NULL), 0);
	snprintf(q, sizeof(q), "%s/more.bin", dst_dir);
	{
		struct stat st;

		assert_int_equal(stat(q, &st), 0);
		assert_int_equal(st.st_size, 16);
	}
}

/* Appends a folder-stream header. */
static size_t
hdr(char *out, const char *name, unsigned long long size, unsigned attr)
{
	char body[600];
	int n = snprintf(body, sizeof(body), "%s:%llx:%x:14=6553f100:", name, size, attr);

	return (size_t)sprintf(out, "%04x:%s", n + 5, body);
}

static void
test_hostile_folder_streams(void **state)
{
	struct fg_accept_caps caps = { 1 << 20, 1000 };
	char *s = malloc(1 << 20), q[600];
	size_t n, i;

	(void)state;
	assert_non_null(s);
	/* Deep nesting: stopped at the depth limit. */
	for (n = 0, i = 0; i < 100; i++)
		n += hdr(s + n, "d", 0, FG_FILE_DIR);
	assert_int_not_equal(fake_run("0:deep:0:6553f100:2:\a", 1, s, n, 0, &caps), 0);
	/* A million tiny entries: stopped at the entry cap. */
	n = hdr(s, "many", 0, FG_FILE_DIR);
	for (i = 0; i < 5000 && n < (1 << 20) - 64; i++) {
		n += hdr(s + n, "f", 1, FG_FILE_REGULAR);
		s[n++] = 'x';
	}
	assert_int_not_equal(fake_run("0:many:0:6553f100:2:\a", 1, s, n, 0, &caps), 0);
	/* A header that never ends. */
	memset(s, 'A', 4096);
	memcpy(s, "0400:", 5);
	assert_int_not_equal(fake_run("0:endless:0:6553f100:2:\a", 1, s, 4096, 1, &caps), 0);
	/* More data than the size cap. */
	n = hdr(s, "huge", 0, FG_FILE_DIR);
	n += hdr(s + n, "h.bin", 1ULL << 40, FG_FILE_REGULAR);
	assert_int_not_equal(fake_run("0:huge:0:6553f100:2:\a", 1, s, n, 0, &caps), 0);
	snprintf(q, sizeof(q), "%s/huge/h.bin", dst_dir);
	assert_false(exists(q));
	/* Names that try to leave: all land inside, neutralised. */
	n = hdr(s, "evil", 0, FG_FILE_DIR);
	n += hdr(s + n, "..", 0, FG_FILE_DIR);
	n += hdr(s + n, "x1", 2, FG_FILE_REGULAR);
	memcpy(s + n, "ab", 2);
	n += 2;
	n += hdr(s + n, ".", 0, FG_FILE_RETPARENT);
	n += hdr(s + n, "/tmp/fgx-abs", 2, FG_FILE_REGULAR);
	memcpy(s + n, "ab", 2);
	n += 2;
	n += hdr(s + n, "a\\..\\..\\b", 2, FG_FILE_REGULAR);
	memcpy(s + n, "ab", 2);
	n += 2;
	n += hdr(s + n, "\x1b[31mred", 2, FG_FILE_REGULAR);
	memcpy(s + n, "ab", 2);
	n += 2;
	n += hdr(s + n, ".", 0, FG_FILE_RETPARENT);
	assert_int_equal(fake_run("0:evil:0:6553f100:2:\a", 1, s, n, 0, &caps), 0);
	assert_false(exists("/tmp/fgx-abs"));
	snprintf(q, sizeof(q), "%s/x1", dst_dir);
	assert_false(exists(q));
	snprintf(q, sizeof(q), "%s/evil/_../x1", dst_dir);
	assert_true(exists(q));
	snprintf(q, sizeof(q), "%s/evil/_tmp_fgx-abs", dst_dir);
	assert_true(exists(q));
	snprintf(q, sizeof(q), "%s/evil/_[31mred", dst_dir);
	assert_true(exists(q));
	free(s);
}

static void
test_gbk_folder_names(void **state)
{
	char s[1024], q[600];
	size_t n;

	(void)state;
	/* A FeiQ-style sender: GBK names, no UTF8OPT. 相册 / 张三.txt */
	n = hdr(s, "\xcf\xe0\xb2\xe1", 0, FG_FILE_DIR);
	n += hdr(s + n, "\xd5\xc5\xc8\xfd.txt", 3, FG_FILE_REGULAR);
	memcpy(s + n, "abc", 3);
	n += 3;
	n += hdr(s + n, ".", 0, FG_FILE_RETPARENT);
	assert_int_equal(fake_run("0:\xcf\xe0\xb2\xe1:0:6553f100:2:\a", 0, s, n, 0, NULL), 0);
	snprintf(q, sizeof(q), "%s/相册/张三.txt", dst_dir);
	assert_true(exists(q));
}

/* iptux offers with an empty text: the names' charset comes from the names. */
static void
test_iptux_offer_gbk_names(void **state)
{
	char q[600];

	(void)state;
	fake_version = "1_iptux 0.8.3";
	fake_user = "tux";
	fake_text = "";
	/* 报告.txt in GB18030, as a gbk iptux writes it. */
	assert_int_equal(fake_run("10001:\xb1\xa8\xb8\xe6.txt:3:6553f100:1:\a:", 0,
	    "abc", 3, 0, NULL), 0);
	fake_version = "1";
	fake_user = NULL;
	fake_text = "take this";
	snprintf(q, sizeof(q), "%s/报告.txt", dst_dir);
	assert_true(exists(q));
}

static void
test_symlinks_in_target(void **state)
{
	char link[600], q[600], s[512];
	size_t n;

	(void)state;
	/* A symlink where the folder would go: refused, nothing written outside. */
	snprintf(link, sizeof(link), "%s/photos", dst_dir);
	assert_int_equal(symlink(out_dir, link), 0);
	n = hdr(s, "photos", 0, FG_FILE_DIR);
	n += hdr(s + n, "p.txt", 2, FG_FILE_REGULAR);
	memcpy(s + n, "ab", 2);
	n += 2;
	n += hdr(s + n, ".", 0, FG_FILE_RETPARENT);
	assert_int_not_equal(fake_run("0:photos:0:6553f100:2:\a", 1, s, n, 0, NULL), 0);
	snprintf(q, sizeof(q), "%s/p.txt", out_dir);
	assert_false(exists(q));
	/* A symlink as the .part: refused, the target untouched. */
	snprintf(q, sizeof(q), "%s/victim", out_dir);
	make_file(q, 10, 1, 1600000000);
	snprintf(link, sizeof(link), "%s/f.txt.part", dst_dir);
	assert_int_equal(symlink(q, link), 0);
	assert_int_not_equal(fake_run("0:f.txt:2:6553f100:1:\a", 1, "zz", 2, 0, NULL), 0);
	{
		struct stat st;

		assert_int_equal(stat(q, &st), 0);
		assert_int_equal(st.st_size, 10);
	}
}

static void
test_resume_after_sender_died(void **state)
{
	char p[512], q[512], *half;
	const char *paths[1];
	size_t size = 3 << 20;
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/movie.bin", src_dir);
	make_file(p, size, 5, 1600000000);
	/* The first sender dies after half the file. */
	half = malloc(size / 2);
	assert_non_null(half);
	f = fopen(p, "rb");
	assert_int_equal(fread(half, 1, size / 2, f), size / 2);
	fclose(f);
	{
		char attach[128];

		snprintf(attach, sizeof(attach), "0:movie.bin:%zx:5f5e1000:1:\a", size);
		assert_int_not_equal(fake_run(attach, 1, half, size / 2, 0, NULL), 0);
	}
	free(half);
	snprintf(q, sizeof(q), "%s/movie.bin.part", dst_dir);
	assert_true(exists(q));
	/* A feige node offers it again: the download continues from the .part. */
	paths[0] = p;
	assert_int_equal(offer_and_fetch(paths, 1, 0, NULL), 0);
	assert_int_equal(E->t[1].rec.xfer_offset, size / 2);
	snprintf(q, sizeof(q), "%s/movie.bin", dst_dir);
	assert_true(same_file(p, q));
	snprintf(q, sizeof(q), "%s/movie.bin.part", dst_dir);
	assert_false(exists(q));
}

static void
test_no_space_left(void **state)
{
	char mnt[80], p[512], q[700], saved[64];
	const char *paths[1];

	(void)state;
	snprintf(mnt, sizeof(mnt), "%s/small", dst_dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	if (getuid() != 0 || mount("tmpfs", mnt, "tmpfs", 0, "size=64k") != 0) {
		skip();
		return;
	}
	snprintf(p, sizeof(p), "%s/large.bin", src_dir);
	make_file(p, 1 << 20, 7, 1600000000);
	paths[0] = p;
	snprintf(saved, sizeof(saved), "%s", dst_dir);
	assert_true(strlen(mnt) < sizeof(dst_dir));
	memcpy(dst_dir, mnt, strlen(mnt) + 1);
	assert_int_not_equal(offer_and_fetch(paths, 1, 0, NULL), 0);
	snprintf(dst_dir, sizeof(dst_dir), "%s", saved);
	assert_non_null(strstr(E->t[1].rec.xfer_error, "space"));
	snprintf(q, sizeof(q), "%s/large.bin", mnt);
	assert_false(exists(q));
	snprintf(q, sizeof(q), "%s/large.bin.part", mnt);
	assert_true(exists(q));
	umount(mnt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files_and_folders, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_third_node_refused, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_lying_sizes, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_hostile_folder_streams, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_gbk_folder_names, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_iptux_offer_gbk_names, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_symlinks_in_target, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_resume_after_sender_died, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_no_space_left, dirs_up, dirs_down),
		cmocka_unit_test_setup_teardown(test_big_sparse_file, dirs_up, dirs_down),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
