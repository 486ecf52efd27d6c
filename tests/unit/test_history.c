/*
 * test_history: the SQLite history: file and schema set-up, peers, paging,
 * full-text search (trigram and the short-word LIKE path), hostile search
 * text, state and attachment updates, deletes, and reopening.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "feige/feige.h"
#include "history.h"

#define NIHAO	"\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c"	/* 你好世界 */
#define NIHAOS	"\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96"			/* 你好世 */
#define SHIJIE	"\xe4\xb8\x96\xe7\x95\x8c"				/* 世界 */
#define HOSTILE	"He said \"hi\", it's a*b NEAR(x y) a OR b -x 50% done_now C:\\tmp"

struct fixture {
	char		 dir[64];
	char		 path[PATH_MAX];
	struct fg_history *h;
	char		 err[256];
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

/* A fresh directory and a database in a subdirectory that does not exist yet. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/feige-hist-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/data/feige/history.db", f->dir);
	if (fg_history_open(f->path, &f->h, f->err, sizeof(f->err)) != 0) {
		fprintf(stderr, "open: %s\n", f->err);
		return -1;
	}
	*state = f;
	return 0;
}

/* Closes the database and removes everything under the directory. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	fg_history_close(f->h);
	nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Runs one integer-valued query on a side connection. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* Adds a message; returns its row id. */
static int64_t
add(struct fixture *f, const char *user, const char *host,
    enum fg_history_dir dir, const char *text, uint64_t local_id)
{
	struct fg_history_msg m;
	int64_t id;

	memset(&m, 0, sizeof(m));
	m.user = user;
	m.host = host;
	m.nick = user;
	m.address = "192.168.1.2:2425";
	m.dir = dir;
	m.text = text;
	m.local_id = local_id;
	m.pktno = 1000 + local_id;
	m.flags = FG_HISTORY_F_SEALED;
	assert_int_equal(fg_history_add_message(f->h, &m, &id, f->err,
	    sizeof(f->err)), 0);
	assert_true(id > 0);
	return id;
}

#define MAX_ROWS 2048

struct rows {
	size_t		 n;
	int64_t		 id[MAX_ROWS];
	size_t		 nattach[MAX_ROWS];
	int		 state[MAX_ROWS];
	char		 text[8][128];	/* the first few texts */
};

/* Collects rows. */
static int
collect(const struct fg_history_row *row, void *arg)
{
	struct rows *r = arg;

	assert_true(r->n < MAX_ROWS);
	if (r->n < 8)
		snprintf(r->text[r->n], sizeof(r->text[0]), "%s", row->m.text);
	r->nattach[r->n] = row->nattach;
	r->state[r->n] = (int)row->m.state;
	r->id[r->n++] = row->id;
	return 0;
}

/* Lists with q into rows; asserts success. */
static void
list(struct fixture *f, const struct fg_history_query *q, struct rows *r)
{
	memset(r, 0, sizeof(*r));
	if (fg_history_list(f->h, q, collect, r, f->err, sizeof(f->err)) != 0)
		fail_msg("list: %s", f->err);
}

/* Number of rows a search finds. */
static size_t
search_count(struct fixture *f, const char *s, int64_t want_id)
{
	struct fg_history_query q = { .search = s };
	struct rows *r = malloc(sizeof(*r));
	size_t i, n, found = 0;

	assert_non_null(r);
	list(f, &q, r);
	for (i = 0; i < r->n; i++)
		found |= r->id[i] == want_id;
	if (want_id != 0 && !found)
		fail_msg("search \"%s\" missed row %lld", s, (long long)want_id);
	n = r->n;
	free(r);
	return n;
}

/* The file is 0600 in a 0700 directory, in WAL mode, at schema version 1. */
static void
test_open(void **state)
{
	struct fixture *f = *state;
	struct stat sb;
	char dir[PATH_MAX], *slash;
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(dir, sizeof(dir), "%s", f->path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 1);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	fg_history_close(NULL);
}

/* Two peers, messages both ways; (user, host) is one peer whatever the case. */
static void
test_peers(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { .user = "ALICE", .host = "pc1" };
	struct fg_history_msg m;
	struct rows r;

	add(f, "alice", "PC1", FG_HISTORY_IN, "hi bob", 1);
	add(f, "bob", "PC2", FG_HISTORY_IN, "hi alice", 2);
	add(f, "Alice", "pc1", FG_HISTORY_OUT, "hello alice", 3);
	add(f, "ALICE", "Pc1", FG_HISTORY_OUT, "again", 4);
	memset(&m, 0, sizeof(m));
	m.dir = FG_HISTORY_BROADCAST;
	m.text = "to everyone";
	assert_int_equal(fg_history_add_message(f->h, &m, NULL, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM peers"), 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM messages"), 5);
	list(f, &q, &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.text[0], "again");
	assert_string_equal(r.text[2], "hi bob");
	assert_int_equal(r.state[0], FG_HISTORY_SENT);
	assert_int_equal(r.state[2], FG_HISTORY_RECEIVED);
	q.user = "bob";
	q.host = NULL;
	list(f, &q, &r);
	assert_int_equal(r.n, 1);
	memset(&q, 0, sizeof(q));
	list(f, &q, &r);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.text[0], "to everyone");
	/* A user without a host is a mistake. */
	m.user = "x";
	assert_int_equal(fg_history_add_message(f->h, &m, NULL, f->err,
	    sizeof(f->err)), FG_ERR_INVAL);
}

/* Every field written comes back in a row. */
static int
check_fields(const struct fg_history_row *row, void *arg)
{
	(void)arg;
	assert_string_equal(row->m.user, "carol");
	assert_string_equal(row->m.host, "box");
	assert_string_equal(row->m.nick, "Carol C");
	assert_string_equal(row->m.address, "10.0.0.9:2425");
	assert_int_equal(row->m.dir, FG_HISTORY_OUT);
	assert_int_equal(row->m.time_ms, 1700000000123LL);
	assert_int_equal(row->m.pktno, 4000000000ULL);
	assert_int_equal(row->m.flags, FG_HISTORY_F_ENCRYPTED | FG_HISTORY_F_SIGNED);
	assert_string_equal(row->m.text, "fields");
	assert_int_equal(row->m.state, FG_HISTORY_FAILED);
	assert_int_equal(row->m.local_id, 77);
	assert_true(row->peer_id > 0);
	return 42;
}

/* Row contents, and a callback's nonzero return stops the walk. */
static void
test_fields(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { 0 };
	struct fg_history_msg m = {
		.user = "carol", .host = "box", .nick = "Carol C",
		.address = "10.0.0.9:2425", .dir = FG_HISTORY_OUT,
		.time_ms = 1700000000123LL, .pktno = 4000000000ULL,
		.flags = FG_HISTORY_F_ENCRYPTED | FG_HISTORY_F_SIGNED,
		.text = "fields", .state = FG_HISTORY_FAILED, .local_id = 77,
	};

	assert_int_equal(fg_history_add_message(f->h, &m, NULL, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(fg_history_list(f->h, &q, check_fields, NULL, f->err,
	    sizeof(f->err)), 42);
	/* An older message does not overwrite the newer nick. */
	m.time_ms -= 1000;
	m.nick = "old nick";
	m.state = FG_HISTORY_SENT;
	assert_int_equal(fg_history_add_message(f->h, &m, NULL, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM peers"
	    " WHERE nick = 'Carol C'"), 1);
}

/* Paging with before_id walks a peer's rows newest first, each once. */
static void
test_paging(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { .user = "alice", .host = "pc1", .limit = 7 };
	int64_t ids[25], last = INT64_MAX;
	struct rows *r = malloc(sizeof(*r));
	char text[32];
	size_t i, seen = 0, pages = 0;

	assert_non_null(r);
	for (i = 0; i < 25; i++) {
		snprintf(text, sizeof(text), "a%zu", i);
		ids[i] = add(f, "alice", "pc1", i % 2 ? FG_HISTORY_IN :
		    FG_HISTORY_OUT, text, i + 1);
		add(f, "bob", "pc2", FG_HISTORY_IN, "noise", 100 + i);
	}
	for (;;) {
		list(f, &q, r);
		if (r->n == 0)
			break;
		pages++;
		assert_true(r->n <= 7);
		for (i = 0; i < r->n; i++) {
			assert_true(r->id[i] < last);
			last = r->id[i];
			assert_int_equal(r->id[i], ids[24 - seen]);
			seen++;
		}
		q.before_id = last;
	}
	assert_int_equal(seen, 25);
	assert_int_equal(pages, 4);
	free(r);
}

/* limit 0 means 50 and no call returns more than 1000 rows. */
static void
test_limit(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { 0 };
	struct rows *r = malloc(sizeof(*r));
	size_t i;

	assert_non_null(r);
	for (i = 0; i < 1010; i++)
		add(f, "dave", "pc4", FG_HISTORY_IN, "many", i + 1);
	list(f, &q, r);
	assert_int_equal(r->n, 50);
	q.limit = 5000;
	list(f, &q, r);
	assert_int_equal(r->n, 1000);
	free(r);
}

/* ASCII and CJK search: trigram FTS for three or more characters, LIKE below. */
static void
test_search(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { .user = "bob", .search = "hello" };
	struct rows r;
	int64_t hello, nihao, both;

	hello = add(f, "alice", "pc1", FG_HISTORY_IN, "Hello World", 1);
	nihao = add(f, "alice", "pc1", FG_HISTORY_IN, NIHAO, 2);
	both = add(f, "bob", "pc2", FG_HISTORY_OUT, "hello " NIHAO "!", 3);
	add(f, "bob", "pc2", FG_HISTORY_OUT, "unrelated", 4);

	assert_int_equal(search_count(f, "hello", hello), 2);
	assert_int_equal(search_count(f, "HELLO", both), 2);
	assert_int_equal(search_count(f, "wor", hello), 1);
	assert_int_equal(search_count(f, "lo Wo", hello), 1);	/* two LIKE words */
	assert_int_equal(search_count(f, "world hello", hello), 1);
	assert_int_equal(search_count(f, NIHAOS, nihao), 2);	/* trigram */
	assert_int_equal(search_count(f, SHIJIE, nihao), 2);	/* LIKE */
	assert_int_equal(search_count(f, SHIJIE " hello", both), 1); /* both */
	assert_int_equal(search_count(f, "\xe3\x80\x80" SHIJIE "\xe3\x80\x80"
	    "wor", 0), 0);	/* U+3000 separates words */
	assert_int_equal(search_count(f, "nothing-like-this", 0), 0);
	assert_int_equal(search_count(f, "   ", 0), 4);	/* no words: all */
	list(f, &q, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.id[0], both);
	/* The trigram index itself holds the CJK text. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM messages_fts"
	    " WHERE messages_fts MATCH '\"" NIHAOS "\"'"), 2);
}

/* Search text with FTS5 and LIKE syntax never errors and is taken literally. */
static void
test_search_hostile(void **state)
{
	static const char *const literal[] = { "\"", "'", "*", "NEAR(", "a OR",
	    "-x", "%", "_", "\\", "\"hi\",", "it's", "a*b", "NEAR(x y)",
	    "50%", "done_now", "C:\\tmp", "x y) a" };
	static const char *const junk[] = { "\"\"\"", "NEAR(a b, 2)",
	    "a AND b OR NOT c", "col:x", "^start", "x*", "(((", ")", "{a b}:c",
	    "\\%_\\", "''''", "a\" OR \"b", "-", "+", "NOT", "\"unterminated" };
	struct fixture *f = *state;
	char err[256];
	size_t i;
	int64_t id;

	id = add(f, "eve", "pc5", FG_HISTORY_IN, HOSTILE, 1);
	add(f, "eve", "pc5", FG_HISTORY_IN, "plain text", 2);
	for (i = 0; i < sizeof(literal) / sizeof(literal[0]); i++) {
		if (search_count(f, literal[i], id) != 1)
			fail_msg("\"%s\" found more than the literal text",
			    literal[i]);
	}
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		struct fg_history_query q = { .search = junk[i] };
		struct rows r;

		memset(&r, 0, sizeof(r));
		if (fg_history_list(f->h, &q, collect, &r, err,
		    sizeof(err)) != 0)
			fail_msg("\"%s\": %s", junk[i], err);
	}
	assert_int_equal(search_count(f, "%%", 0), 0);
	assert_int_equal(search_count(f, "_", id), 1);
}

/* Too much search text is refused, not truncated. */
static void
test_search_limits(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { 0 };
	struct rows r;
	char big[2048];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	q.search = big;
	assert_int_equal(fg_history_list(f->h, &q, collect, &r, f->err,
	    sizeof(f->err)), FG_ERR_LIMIT);
	q.search = "a b c d e f g h i j k l m n o p q";
	assert_int_equal(fg_history_list(f->h, &q, collect, &r, f->err,
	    sizeof(f->err)), FG_ERR_LIMIT);
}

/* Collects attachments. */
static int
collect_attach(const struct fg_history_attach *a, void *arg)
{
	struct fg_history_attach *out = arg;
	size_t i;

	for (i = 0; out[i].id != 0; i++)
		;
	out[i] = *a;
	out[i].name = strdup(a->name);
	out[i].local_path = a->local_path != NULL ? strdup(a->local_path) : NULL;
	return 0;
}

/* State updates move forward only, scoped by peer; attachments and outcomes. */
static void
test_state_attach(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { 0 };
	struct fg_history_attach a[4], got[4];
	struct rows r;
	int64_t to_a, to_b, in, aid[2];
	size_t i;

	to_a = add(f, "alice", "pc1", FG_HISTORY_OUT, "to both", 5);
	to_b = add(f, "bob", "pc2", FG_HISTORY_OUT, "to both", 5);
	in = add(f, "bob", "pc2", FG_HISTORY_IN, "sealed for us", 5);

	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 5, "ALICE",
	    "PC1", FG_HISTORY_ACKED, f->err, sizeof(f->err)), 0);
	list(f, &q, &r);
	assert_int_equal(r.id[2], to_a);
	assert_int_equal(r.state[2], FG_HISTORY_ACKED);
	assert_int_equal(r.state[1], FG_HISTORY_SENT);
	assert_int_equal(r.state[0], FG_HISTORY_RECEIVED);
	/* A timeout for every destination: only bob's fails; acked stays. */
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 5, NULL,
	    NULL, FG_HISTORY_FAILED, f->err, sizeof(f->err)), 0);
	list(f, &q, &r);
	assert_int_equal(r.state[2], FG_HISTORY_ACKED);
	assert_int_equal(r.state[1], FG_HISTORY_FAILED);
	assert_int_equal(r.id[1], to_b);
	/* A late ack beats failed; opened beats acked; nothing goes back. */
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 5, "bob",
	    "pc2", FG_HISTORY_OPENED, f->err, sizeof(f->err)), 0);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 5, "bob",
	    "pc2", FG_HISTORY_ACKED, f->err, sizeof(f->err)), 0);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_IN, 5, NULL,
	    NULL, FG_HISTORY_OPENED, f->err, sizeof(f->err)), 0);
	list(f, &q, &r);
	assert_int_equal(r.state[1], FG_HISTORY_OPENED);
	assert_int_equal(r.state[0], FG_HISTORY_OPENED);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 6, NULL,
	    NULL, FG_HISTORY_ACKED, f->err, sizeof(f->err)), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 5, "carol",
	    "pc3", FG_HISTORY_ACKED, f->err, sizeof(f->err)), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_IN, 5, NULL,
	    NULL, FG_HISTORY_ACKED, f->err, sizeof(f->err)), FG_ERR_INVAL);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 5, NULL,
	    NULL, FG_HISTORY_RECEIVED, f->err, sizeof(f->err)), FG_ERR_INVAL);

	memset(a, 0, sizeof(a));
	a[0].file_id = 1;
	a[0].name = "report.pdf";
	a[0].size = 123456;
	a[0].mtime = 1700000000;
	a[0].attr = 1;
	a[1] = a[0];
	a[1].file_id = 2;
	a[1].name = "photos";
	a[1].attr = 2;
	for (i = 0; i < 2; i++)
		assert_int_equal(fg_history_add_attachment(f->h, in, &a[i],
		    &aid[i], f->err, sizeof(f->err)), 0);
	assert_int_equal(fg_history_add_attachment(f->h, 999999, &a[0], NULL,
	    f->err, sizeof(f->err)), FG_ERR_NOT_FOUND);
	assert_int_equal(fg_history_set_attachment_outcome(f->h, aid[0],
	    FG_HISTORY_DONE, "/home/u/Downloads/report.pdf", f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(fg_history_set_attachment_outcome(f->h, aid[1],
	    FG_HISTORY_DECLINED, NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(fg_history_set_attachment_outcome(f->h, 999999,
	    FG_HISTORY_DONE, NULL, f->err, sizeof(f->err)), FG_ERR_NOT_FOUND);
	list(f, &q, &r);
	assert_int_equal(r.nattach[0], 2);
	assert_int_equal(r.nattach[1], 0);
	memset(got, 0, sizeof(got));
	assert_int_equal(fg_history_attachments(f->h, in, collect_attach, got,
	    f->err, sizeof(f->err)), 0);
	assert_int_equal(got[0].id, aid[0]);
	assert_int_equal(got[0].message_id, in);
	assert_string_equal(got[0].name, "report.pdf");
	assert_int_equal(got[0].size, 123456);
	assert_int_equal(got[0].mtime, 1700000000);
	assert_int_equal(got[0].outcome, FG_HISTORY_DONE);
	assert_string_equal(got[0].local_path, "/home/u/Downloads/report.pdf");
	assert_string_equal(got[1].name, "photos");
	assert_int_equal(got[1].outcome, FG_HISTORY_DECLINED);
	assert_null(got[1].local_path);
	assert_null(got[2].name);
	for (i = 0; i < 2; i++) {
		free((char *)(uintptr_t)got[i].name);
		free((char *)(uintptr_t)got[i].local_path);
	}
	assert_string_equal(fg_history_outcome_name(FG_HISTORY_XFER_FAILED),
	    "failed");
	assert_string_equal(fg_history_state_name(0), "?");
	assert_string_equal(fg_history_dir_name(FG_HISTORY_BROADCAST),
	    "broadcast");
}

/* Deleting a message takes it out of the index and drops its attachments. */
static void
test_delete(void **state)
{
	struct fixture *f = *state;
	struct fg_history_attach a = { .name = "f.txt", .file_id = 1 };
	int64_t id, keep;

	id = add(f, "alice", "pc1", FG_HISTORY_IN, "delete me please", 1);
	keep = add(f, "alice", "pc1", FG_HISTORY_IN, "keep me please", 2);
	assert_int_equal(fg_history_add_attachment(f->h, id, &a, NULL, f->err,
	    sizeof(f->err)), 0);
	assert_int_equal(search_count(f, "please", keep), 2);
	assert_int_equal(fg_history_delete(f->h, id, f->err, sizeof(f->err)), 0);
	assert_int_equal(fg_history_delete(f->h, id, f->err, sizeof(f->err)),
	    FG_ERR_NOT_FOUND);
	assert_int_equal(search_count(f, "please", keep), 1);
	assert_int_equal(search_count(f, "delete", 0), 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM attachments"), 0);
	/* FTS5 checks its index against the content table. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM messages_fts"
	    " WHERE messages_fts MATCH '\"keep\"'"), 1);
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE messages SET text ="
		    " 'changed text' WHERE id = (SELECT max(id) FROM messages);"
		    "INSERT INTO messages_fts (messages_fts, rank)"
		    " VALUES ('integrity-check', 1)", NULL, NULL, NULL),
		    SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(search_count(f, "keep", 0), 0);
	assert_int_equal(search_count(f, "changed", keep), 1);
}

/* Data survive a reopen; message ids of an earlier handle no longer match. */
static void
test_reopen(void **state)
{
	struct fixture *f = *state;
	struct fg_history_query q = { 0 };
	struct rows r;
	int64_t id;

	id = add(f, "alice", "pc1", FG_HISTORY_OUT, "before reopen", 9);
	fg_history_close(f->h);
	f->h = NULL;
	assert_int_equal(fg_history_open(f->path, &f->h, f->err,
	    sizeof(f->err)), 0);
	list(f, &q, &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.id[0], id);
	assert_string_equal(r.text[0], "before reopen");
	assert_int_equal(search_count(f, "reopen", id), 1);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 9, NULL,
	    NULL, FG_HISTORY_ACKED, f->err, sizeof(f->err)), FG_ERR_NOT_FOUND);
	add(f, "alice", "pc1", FG_HISTORY_OUT, "after reopen", 9);
	assert_int_equal(fg_history_set_state(f->h, FG_HISTORY_OUT, 9, NULL,
	    NULL, FG_HISTORY_ACKED, f->err, sizeof(f->err)), 0);
	list(f, &q, &r);
	assert_int_equal(r.state[0], FG_HISTORY_ACKED);
	assert_int_equal(r.state[1], FG_HISTORY_SENT);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sessions"), 2);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 1);
}

/* A database from a newer feige is refused; a bad path is an error. */
static void
test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct fg_history *h = NULL;
	char path[PATH_MAX + 16];
	sqlite3 *db;

	fg_history_close(f->h);
	f->h = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(fg_history_open(f->path, &h, f->err, sizeof(f->err)),
	    FG_ERR_FORMAT);
	assert_null(h);
	assert_non_null(strstr(f->err, "99"));
	/* A file where a directory should be. */
	snprintf(path, sizeof(path), "%s/history.db", f->path);
	assert_int_equal(fg_history_open(path, &h, f->err, sizeof(f->err)),
	    FG_ERR_SYSTEM);
	assert_null(h);
	assert_int_equal(fg_history_open("", &h, f->err, sizeof(f->err)),
	    FG_ERR_INVAL);
}

/* The default path follows XDG_DATA_HOME, then HOME. */
static void
test_default_path(void **state)
{
	char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *sdata = data != NULL ? strdup(data) : NULL;
	char *shome = home != NULL ? strdup(home) : NULL;
	char out[PATH_MAX], tiny[8];

	(void)state;
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	assert_int_equal(fg_history_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/xdg/data/feige/history.db");
	assert_int_equal(fg_history_default_path(tiny, sizeof(tiny)),
	    FG_ERR_LIMIT);
	assert_string_equal(tiny, "");
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(fg_history_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.local/share/feige/history.db");
	unsetenv("XDG_DATA_HOME");
	assert_int_equal(fg_history_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.local/share/feige/history.db");
	if (sdata != NULL)
		setenv("XDG_DATA_HOME", sdata, 1);
	if (shome != NULL)
		setenv("HOME", shome, 1);
	free(sdata);
	free(shome);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_hostile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_state_attach, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup,
		    teardown),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
