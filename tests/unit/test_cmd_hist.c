/*
 * test_cmd_hist: the history glue against a temporary database: messages
 * in and out, state updates by the node's message id (per destination),
 * broadcasts, read receipts, incoming and outgoing offers and the outcome
 * of their files, and the peer look-up `feige history PEER` uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <arpa/inet.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feige/feige.h"
#include "hist.h"
#include "history.h"
#include "node.h"
#include "peer.h"
#include "proto.h"

#define NIHAO	"\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c"	/* 你好世界 */
#define ALICE	"\xe7\x88\xb1\xe4\xb8\xbd\xe4\xb8\x9d"			/* 爱丽丝 */

struct fixture {
	char		 dir[64];
	char		 path[PATH_MAX];
	struct fg_hist	*h;
	struct fg_peers	*peers;
	char		 err[512];
};

/* One row as the tests look at it. */
struct row {
	int64_t		 id;
	char		 user[64], host[64], nick[64], address[64], text[128];
	int		 has_peer;
	enum fg_history_dir dir;
	enum fg_history_state state;
	unsigned	 flags;
	uint64_t	 local_id;
	size_t		 nattach;
};

struct rows {
	size_t		 n;
	struct row	 v[32];
};

struct atts {
	size_t		 n;
	struct {
		char	 name[64], path[PATH_MAX];
		int	 has_path;
		uint64_t fid, size;
		uint32_t attr;
		enum fg_history_outcome outcome;
	}		 v[8];
};

/* Removes one file or directory for nftw. */
static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* A fresh database, a peer table with Alice, and a quiet glue. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct fg_peer *p;
	struct in_addr in;

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/feige-hglue-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/h/history.db", f->dir);
	if (fg_hist_open(f->path, &f->h, f->err, sizeof(f->err)) != 0)
		return -1;
	fg_hist_set_quiet(f->h, 1);
	if ((f->peers = fg_peers_new(16)) == NULL)
		return -1;
	inet_pton(AF_INET, "127.0.0.2", &in);
	if (fg_peers_add(f->peers, "alice", "PC1", in.s_addr, 2425, 0, &p) != 0 ||
	    fg_peer_set(&p->nick, ALICE, strlen(ALICE)) != 0)
		return -1;
	*state = f;
	return 0;
}

/* Closes everything and removes the directory. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	fg_hist_close(f->h);
	fg_peers_free(f->peers);
	nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Copies a C string that may be NULL; notes whether it was. */
static void
cp(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* fg_history_list callback: keeps the rows. */
static int
collect(const struct fg_history_row *r, void *arg)
{
	struct rows *rs = arg;
	struct row *w;

	assert_true(rs->n < 32);
	w = &rs->v[rs->n++];
	w->id = r->id;
	w->has_peer = r->m.user != NULL;
	cp(w->user, sizeof(w->user), r->m.user);
	cp(w->host, sizeof(w->host), r->m.host);
	cp(w->nick, sizeof(w->nick), r->m.nick);
	cp(w->address, sizeof(w->address), r->m.address);
	cp(w->text, sizeof(w->text), r->m.text);
	w->dir = r->m.dir;
	w->state = r->m.state;
	w->flags = r->m.flags;
	w->local_id = r->m.local_id;
	w->nattach = r->nattach;
	return 0;
}

/* Every row, newest first. */
static void
list(struct fixture *f, struct rows *rs)
{
	memset(rs, 0, sizeof(*rs));
	assert_int_equal(fg_history_list(fg_hist_db(f->h), NULL, collect, rs,
	    f->err, sizeof(f->err)), 0);
}

/* fg_history_attachments callback: keeps them. */
static int
collect_att(const struct fg_history_attach *a, void *arg)
{
	struct atts *as = arg;

	assert_true(as->n < 8);
	cp(as->v[as->n].name, sizeof(as->v[0].name), a->name);
	cp(as->v[as->n].path, sizeof(as->v[0].path), a->local_path);
	as->v[as->n].has_path = a->local_path != NULL;
	as->v[as->n].fid = a->file_id;
	as->v[as->n].size = a->size;
	as->v[as->n].attr = a->attr;
	as->v[as->n].outcome = a->outcome;
	as->n++;
	return 0;
}

/* The attachments of message rowid. */
static void
attachments(struct fixture *f, int64_t rowid, struct atts *as)
{
	memset(as, 0, sizeof(*as));
	assert_int_equal(fg_history_attachments(fg_hist_db(f->h), rowid,
	    collect_att, as, f->err, sizeof(f->err)), 0);
}

/* A destination a.b.c.d:port. */
static struct fg_dest
dest(const char *ip, uint16_t port)
{
	struct fg_dest d;
	struct in_addr in;

	assert_int_equal(inet_pton(AF_INET, ip, &in), 1);
	d.ip = in.s_addr;
	d.port = port;
	return d;
}

/* Feeds a received message event (id, from bob@PC2 at 127.0.0.3). */
static void
receive(struct fixture *f, uint64_t id, const char *text, int sealed,
    int attach)
{
	struct fg_message m;
	struct fg_event ev;
	struct fg_dest d = dest("127.0.0.3", 2425);

	memset(&m, 0, sizeof(m));
	m.id = id;
	m.pktno = 5000 + id;
	m.ip = d.ip;
	m.port = d.port;
	m.user = "bob";
	m.host = "PC2";
	m.text = text;
	m.len = strlen(text);
	m.sealed = sealed != 0;
	m.autoret = !sealed;
	m.attach = attach ? "0:a.txt:a:1:1:" : NULL;
	m.attach_len = attach ? 14 : 0;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_MESSAGE;
	ev.msg = &m;
	fg_hist_event(f->h, &ev);
}

/* fg_history_find_peers callback: counts and keeps the last user. */
static int
count_peer(const struct fg_history_peer *p, void *arg)
{
	char *last = arg;

	snprintf(last + 1, 63, "%s", p->user);
	last[0]++;
	return 0;
}

/* How many stored peers who names; *user gets the last one's user. */
static int
find(struct fixture *f, const char *who, char *user, size_t len)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	assert_int_equal(fg_history_find_peers(fg_hist_db(f->h), who,
	    count_peer, buf, f->err, sizeof(f->err)), 0);
	if (user != NULL)
		snprintf(user, len, "%s", buf + 1);
	return buf[0];
}

static void
test_in(void **state)
{
	struct fixture *f = *state;
	struct rows rs;

	receive(f, 11, NIHAO, 1, 0);
	receive(f, 12, "back soon", 0, 0);
	list(f, &rs);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.v[1].dir, FG_HISTORY_IN);
	assert_string_equal(rs.v[1].text, NIHAO);
	assert_string_equal(rs.v[1].user, "bob");
	assert_string_equal(rs.v[1].address, "127.0.0.3:2425");
	assert_int_equal(rs.v[1].flags, FG_HISTORY_F_SEALED);
	assert_int_equal(rs.v[1].state, FG_HISTORY_RECEIVED);
	assert_int_equal(rs.v[1].local_id, 11);
	assert_int_equal(rs.v[0].flags, FG_HISTORY_F_AUTORET);
	/* The user opened the sealed one: by the node's id, in only. */
	fg_hist_opened(f->h, 11);
	fg_hist_opened(f->h, 999);	/* unknown: logged, nothing else */
	list(f, &rs);
	assert_int_equal(rs.v[1].state, FG_HISTORY_OPENED);
	assert_int_equal(rs.v[0].state, FG_HISTORY_RECEIVED);
}

static void
test_out_states(void **state)
{
	struct fixture *f = *state;
	struct fg_dest to[2] = { dest("127.0.0.2", 2425), dest("127.0.0.9", 2425) };
	struct fg_event ev;
	struct rows rs;
	char user[64];

	fg_hist_sent(f->h, f->peers, 7, to, 2, "hi " NIHAO, 1);
	fg_hist_sent(f->h, f->peers, 8, to, 1, "plain", 0);
	list(f, &rs);
	assert_int_equal(rs.n, 3);
	/* Newest first: 8 to alice, then 7 to the unknown host, 7 to alice. */
	assert_int_equal(rs.v[0].local_id, 8);
	assert_int_equal(rs.v[0].flags, 0);
	assert_string_equal(rs.v[1].user, "");
	assert_string_equal(rs.v[1].host, "127.0.0.9:2425");
	assert_string_equal(rs.v[1].address, "127.0.0.9:2425");
	assert_string_equal(rs.v[2].user, "alice");
	assert_string_equal(rs.v[2].nick, ALICE);
	assert_int_equal(rs.v[2].flags, FG_HISTORY_F_SEALED |
	    FG_HISTORY_F_MULTICAST);
	assert_int_equal(rs.v[2].state, FG_HISTORY_SENT);

	/* Each destination settles on its own. */
	fg_hist_send_result(f->h, 7, &to[0], 0);
	list(f, &rs);
	assert_int_equal(rs.v[2].state, FG_HISTORY_ACKED);
	assert_int_equal(rs.v[1].state, FG_HISTORY_SENT);
	assert_int_equal(rs.v[0].state, FG_HISTORY_SENT);
	fg_hist_send_result(f->h, 7, &to[1], FG_ERR_TIMEOUT);
	fg_hist_send_result(f->h, 8, &to[0], FG_ERR_CLOSED);
	list(f, &rs);
	assert_int_equal(rs.v[1].state, FG_HISTORY_FAILED);
	assert_int_equal(rs.v[0].state, FG_HISTORY_FAILED);

	/* Alice opened the sealed one; a late ack does not undo that. */
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_READ;
	ev.id = 7;
	ev.ip = to[0].ip;
	ev.port = 2425;
	fg_hist_event(f->h, &ev);
	fg_hist_send_result(f->h, 7, &to[0], 0);
	list(f, &rs);
	assert_int_equal(rs.v[2].state, FG_HISTORY_OPENED);
	assert_int_equal(rs.v[1].state, FG_HISTORY_FAILED);

	/* The look-ups `feige history PEER` makes. */
	assert_int_equal(find(f, "ALICE@pc1", user, sizeof(user)), 1);
	assert_string_equal(user, "alice");
	assert_int_equal(find(f, ALICE, NULL, 0), 1);
	assert_int_equal(find(f, "127.0.0.2", user, sizeof(user)), 1);
	assert_int_equal(find(f, "127.0.0.9", user, sizeof(user)), 1);
	assert_string_equal(user, "");
	assert_int_equal(find(f, "127.0.0.9:2425", NULL, 0), 1);
	assert_int_equal(find(f, "127.0.0.9:2426", NULL, 0), 0);
	assert_int_equal(find(f, "127.0.0.1", NULL, 0), 0);
	assert_int_equal(find(f, "nobody@PC1", NULL, 0), 0);
	assert_int_equal(find(f, "alice", NULL, 0), 0);	/* a user, not a nick */
}

static void
test_broadcast(void **state)
{
	struct fixture *f = *state;
	struct rows rs;

	fg_hist_broadcast(f->h, "lunch?", 3);
	list(f, &rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.v[0].dir, FG_HISTORY_BROADCAST);
	assert_false(rs.v[0].has_peer);
	assert_int_equal(rs.v[0].flags, FG_HISTORY_F_BROADCAST);
	assert_int_equal(rs.v[0].state, FG_HISTORY_SENT);
}

/* Feeds FG_EV_OFFER for offer id (files a.txt and folder pics) after message msg. */
static void
offer_event(struct fixture *f, uint64_t id, uint64_t msg,
    struct fg_offer_file *files)
{
	struct fg_message m;
	struct fg_offer o;
	struct fg_event ev;

	memset(&m, 0, sizeof(m));
	m.id = msg;
	m.user = "bob";
	m.host = "PC2";
	m.text = "files";
	memset(&o, 0, sizeof(o));
	o.id = id;
	o.user = (char *)"bob";
	o.host = (char *)"PC2";
	o.files = files;
	o.nfiles = 2;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_OFFER;
	ev.offer = &o;
	ev.msg = &m;
	fg_hist_event(f->h, &ev);
}

/* Feeds FG_EV_XFER_DONE. */
static void
xfer_done(struct fixture *f, uint64_t offer, int upload, const char *name,
    int status, uint32_t nfiles, const char *path)
{
	struct fg_xfer_info x;
	struct fg_event ev;

	memset(&x, 0, sizeof(x));
	x.id = 99;
	x.offer_id = offer;
	x.upload = upload;
	x.name = name;
	x.status = status;
	x.files_total = nfiles;
	x.path = path;
	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_XFER_DONE;
	ev.xfer = &x;
	fg_hist_event(f->h, &ev);
}

static void
test_offer_in(void **state)
{
	struct fixture *f = *state;
	struct fg_offer_file files[2] = {
		{ 0, (char *)"a.txt", 10, 1700000000, FG_FILE_REGULAR, 0 },
		{ 1, (char *)"pics", 0, 1700000000, FG_FILE_DIR, 0 },
	};
	struct fg_offer after;
	struct atts as;
	struct rows rs;

	/* The node reports the message, then the offer in it. */
	receive(f, 20, "files", 0, 1);
	offer_event(f, 21, 20, files);
	list(f, &rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.v[0].nattach, 2);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.n, 2);
	assert_string_equal(as.v[0].name, "a.txt");
	assert_int_equal(as.v[0].size, 10);
	assert_int_equal(as.v[1].attr, FG_FILE_DIR);
	assert_int_equal(as.v[1].fid, 1);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_OFFERED);

	/* A download of both: the file made it, the folder did not. */
	fg_hist_offer_accepted(f->h, 21, "/tmp/dl");
	xfer_done(f, 21, 0, "pics", FG_ERR_SYSTEM, 2, "/tmp/dl/a.txt");
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_OFFERED); /* not yet */
	memset(&after, 0, sizeof(after));
	after.id = 21;
	after.files = files;
	after.nfiles = 2;
	files[0].state = FG_OFFER_DONE;
	files[1].state = FG_OFFER_FAILED;
	fg_hist_settle_download(f->h, 21, &after);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DONE);
	assert_false(as.v[0].has_path);	/* two files: which path is unknown */
	assert_int_equal(as.v[1].outcome, FG_HISTORY_XFER_FAILED);

	/* Fetched again: the node drops the offer once all is there. */
	xfer_done(f, 21, 0, "pics", 0, 1, "/tmp/dl/pics/x.jpg");
	fg_hist_settle_download(f->h, 21, NULL);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DONE);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_DONE);
	assert_string_equal(as.v[1].path, "/tmp/dl/pics");

	/* Another offer, declined. */
	receive(f, 30, "more", 0, 1);
	files[0].state = files[1].state = FG_OFFER_NEW;
	offer_event(f, 31, 30, files);
	fg_hist_offer_declined(f->h, 31);
	list(f, &rs);
	assert_int_equal(rs.n, 2);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DECLINED);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_DECLINED);

	/* A single-file download records where it went; a cancel is not final. */
	receive(f, 40, "one", 0, 1);
	offer_event(f, 41, 40, files);
	xfer_done(f, 41, 0, "a.txt", FG_ERR_CLOSED, 1, NULL);
	files[0].state = FG_OFFER_FAILED;
	after.id = 41;
	fg_hist_settle_download(f->h, 41, &after);
	list(f, &rs);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_CANCELLED);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_OFFERED);
	xfer_done(f, 41, 0, "a.txt", 0, 1, "/tmp/dl/a (1).txt");
	files[0].state = FG_OFFER_DONE;
	fg_hist_settle_download(f->h, 41, &after);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DONE);
	assert_string_equal(as.v[0].path, "/tmp/dl/a (1).txt");
}

/* Writes a small file under the fixture's directory. */
static void
make_file(struct fixture *f, const char *name, const char *body, char *path,
    size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", f->dir, name);
	assert_non_null((fp = fopen(path, "w")));
	fputs(body, fp);
	fclose(fp);
}

/* Feeds FG_EV_OFFER_END. */
static void
offer_end(struct fixture *f, uint64_t id, int why)
{
	struct fg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_OFFER_END;
	ev.id = id;
	ev.status = why;
	fg_hist_event(f->h, &ev);
}

static void
test_offer_out(void **state)
{
	struct fixture *f = *state;
	struct fg_dest to = dest("127.0.0.2", 2425);
	char p1[PATH_MAX], p2[PATH_MAX];
	const char *paths[2] = { p1, p2 };
	struct atts as;
	struct rows rs;

	make_file(f, "one.txt", "12345", p1, sizeof(p1));
	make_file(f, "two.bin", "1234567890", p2, sizeof(p2));
	fg_hist_record_offer_out(f->h, f->peers, 50, &to, "take these", paths, 2);
	list(f, &rs);
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.v[0].dir, FG_HISTORY_OUT);
	assert_int_equal(rs.v[0].local_id, 50);
	assert_string_equal(rs.v[0].user, "alice");
	assert_int_equal(rs.v[0].nattach, 2);
	attachments(f, rs.v[0].id, &as);
	assert_string_equal(as.v[0].name, "one.txt");
	assert_int_equal(as.v[0].size, 5);
	assert_int_equal(as.v[1].size, 10);
	assert_int_equal(as.v[1].fid, 1);
	assert_string_equal(as.v[1].path, p2);

	/* Acked (by the offer id), one file fetched, then the peer let go. */
	fg_hist_send_result(f->h, 50, &to, 0);
	xfer_done(f, 50, 1, "one.txt", 0, 1, NULL);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DONE);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_OFFERED);
	xfer_done(f, 50, 1, "two.bin", FG_ERR_SYSTEM, 1, NULL);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_XFER_FAILED);
	offer_end(f, 50, FG_OFFER_END_RELEASED);
	list(f, &rs);
	assert_int_equal(rs.v[0].state, FG_HISTORY_ACKED);
	attachments(f, rs.v[0].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DONE);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_DECLINED);

	/* Fetched whole; withdrawn; expired. */
	fg_hist_record_offer_out(f->h, f->peers, 60, &to, NULL, paths, 2);
	fg_hist_record_offer_out(f->h, f->peers, 61, &to, "", paths, 1);
	fg_hist_record_offer_out(f->h, f->peers, 62, &to, "", paths + 1, 1);
	offer_end(f, 60, FG_OFFER_END_FETCHED);
	offer_end(f, 61, FG_OFFER_END_CANCELLED);
	offer_end(f, 62, FG_OFFER_END_EXPIRED);
	offer_end(f, 63, FG_OFFER_END_EXPIRED);	/* not followed: ignored */
	list(f, &rs);
	assert_int_equal(rs.n, 4);
	attachments(f, rs.v[2].id, &as);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_DONE);
	assert_int_equal(as.v[1].outcome, FG_HISTORY_DONE);
	attachments(f, rs.v[1].id, &as);
	assert_int_equal(as.n, 1);
	assert_int_equal(as.v[0].outcome, FG_HISTORY_CANCELLED);
	attachments(f, rs.v[0].id, &as);
	assert_string_equal(as.v[0].name, "two.bin");
	assert_int_equal(as.v[0].outcome, FG_HISTORY_CANCELLED);
}

/* Without a database every call is a no-op; a bad path opens nothing. */
static void
test_none(void **state)
{
	struct fixture *f = *state;
	struct fg_dest to = dest("127.0.0.2", 2425);
	struct fg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = FG_EV_MESSAGE;
	fg_hist_event(NULL, &ev);
	fg_hist_sent(NULL, f->peers, 1, &to, 1, "x", 0);
	fg_hist_send_result(NULL, 1, &to, 0);
	fg_hist_broadcast(NULL, "x", 1);
	fg_hist_opened(NULL, 1);
	fg_hist_offer_declined(NULL, 1);
	fg_hist_stop(NULL);
	fg_hist_close(NULL);
	assert_null(fg_hist_try_open(NULL));
	assert_null(fg_hist_try_open(""));
	/* A directory is no database: try_open says why and gives NULL. */
	assert_null(fg_hist_try_open(f->dir));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
