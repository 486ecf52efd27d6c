/* history: the SQLite message history. */
#include "history.h"

#include <sys/stat.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "feige/feige.h"

#define HISTORY_BUSY_MS		5000	/* wait this long for another writer */
#define HISTORY_LIMIT		50	/* rows per list call by default */
#define HISTORY_MAX_LIMIT	1000
#define HISTORY_MAX_SEARCH	1024	/* bytes of search text */
#define HISTORY_MAX_WORDS	16	/* words in one search */
#define TRIGRAM_MIN_VERSION	3034000	/* SQLite with the trigram tokenizer */

/*
 * Schema version 1.
 *
 * sessions: one row per handle that wrote, so that a node's message ids
 * (which restart at 1 in every process) are only matched against the
 * messages this process recorded; see fg_history_set_state.
 * peers: one row per (user, host), compared without regard to ASCII case as
 * IPMsg does; nick and address are the latest known.
 * messages: peer_id is NULL for a broadcast to everyone. Paging walks ids,
 * which rise with insertion, so the per-peer index is (peer_id, id).
 * messages_fts: an external-content FTS5 index over messages.text kept in
 * step by triggers, so the text is stored once. The trigram tokenizer
 * indexes every three-character run, which is what makes CJK (no spaces
 * between words) searchable.
 */
static const char schema_v1[] =
    "CREATE TABLE sessions ("
    " id INTEGER PRIMARY KEY,"
    " started_ms INTEGER NOT NULL,"
    " pid INTEGER NOT NULL);"
    "CREATE TABLE peers ("
    " id INTEGER PRIMARY KEY,"
    " user TEXT NOT NULL COLLATE NOCASE,"
    " host TEXT NOT NULL COLLATE NOCASE,"
    " nick TEXT,"
    " address TEXT,"
    " first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL,"
    " UNIQUE (user, host));"
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY,"
    " peer_id INTEGER REFERENCES peers(id),"
    " session_id INTEGER REFERENCES sessions(id),"
    " direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'broadcast')),"
    " time_ms INTEGER NOT NULL,"
    " pktno INTEGER NOT NULL DEFAULT 0,"
    " flags INTEGER NOT NULL DEFAULT 0,"
    " text TEXT NOT NULL DEFAULT '',"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('sent', 'acked', 'failed', 'received', 'opened')),"
    " local_id INTEGER);"
    "CREATE INDEX messages_peer ON messages (peer_id, id);"
    "CREATE INDEX messages_local ON messages (session_id, local_id);"
    "CREATE TABLE attachments ("
    " id INTEGER PRIMARY KEY,"
    " message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    " file_id INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " size INTEGER NOT NULL DEFAULT 0,"
    " mtime INTEGER NOT NULL DEFAULT 0,"
    " attr INTEGER NOT NULL DEFAULT 0,"
    " outcome TEXT NOT NULL CHECK (outcome IN"
    "  ('offered', 'done', 'failed', 'declined', 'cancelled')),"
    " local_path TEXT);"
    "CREATE INDEX attachments_message ON attachments (message_id);"
    "CREATE VIRTUAL TABLE messages_fts USING fts5(text,"
    " content='messages', content_rowid='id', tokenize='trigram');"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
    " INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);"
    " END;"
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
    " INSERT INTO messages_fts (messages_fts, rowid, text)"
    "  VALUES ('delete', old.id, old.text);"
    " END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF text ON messages BEGIN"
    " INSERT INTO messages_fts (messages_fts, rowid, text)"
    "  VALUES ('delete', old.id, old.text);"
    " INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);"
    " END;";

/* migrations[v] takes a database from user_version v to v + 1. */
static const char *const migrations[] = { schema_v1 };
#define HISTORY_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* The statements every handle keeps prepared. */
enum {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_SESSION, ST_PEER_UPSERT,
	ST_PEER_ID, ST_MSG_INSERT, ST_STATE, ST_STATE_EXISTS, ST_DELETE,
	ST_ATT_INSERT, ST_ATT_OUTCOME, ST_COUNT
};

/* A state only moves to a higher rank; "failed" yields to a late ack. */
#define STATE_RANK(x) \
	"(CASE " x " WHEN 'opened' THEN 3 WHEN 'acked' THEN 2" \
	" WHEN 'failed' THEN 1 ELSE 0 END)"
/* ?2 session, ?3 direction, ?4 local id, ?5 user or NULL, ?6 host or NULL. */
#define STATE_WHERE \
	" WHERE session_id = ?2 AND direction = ?3 AND local_id = ?4" \
	" AND (?5 IS NULL AND ?6 IS NULL OR peer_id IN (SELECT id FROM peers" \
	"  WHERE (?5 IS NULL OR user = ?5) AND (?6 IS NULL OR host = ?6)))"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SESSION] = "INSERT INTO sessions (started_ms, pid) VALUES (?1, ?2)",
	/* An older message (an import) must not overwrite newer names. */
	[ST_PEER_UPSERT] =
	    "INSERT INTO peers (user, host, nick, address, first_seen, last_seen)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
	    " ON CONFLICT (user, host) DO UPDATE SET"
	    " nick = CASE WHEN excluded.last_seen >= last_seen"
	    "  THEN coalesce(excluded.nick, nick) ELSE nick END,"
	    " address = CASE WHEN excluded.last_seen >= last_seen"
	    "  THEN coalesce(excluded.address, address) ELSE address END,"
	    " first_seen = min(first_seen, excluded.first_seen),"
	    " last_seen = max(last_seen, excluded.last_seen)",
	[ST_PEER_ID] = "SELECT id FROM peers WHERE user = ?1 AND host = ?2",
	[ST_MSG_INSERT] =
	    "INSERT INTO messages (peer_id, session_id, direction, time_ms,"
	    " pktno, flags, text, state, local_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_STATE] = "UPDATE messages SET state = ?1" STATE_WHERE
	    " AND " STATE_RANK("state") " < " STATE_RANK("?1"),
	[ST_STATE_EXISTS] = "SELECT ?1 FROM messages" STATE_WHERE " LIMIT 1",
	[ST_DELETE] = "DELETE FROM messages WHERE id = ?1",
	[ST_ATT_INSERT] =
	    "INSERT INTO attachments (message_id, file_id, name, size, mtime,"
	    " attr, outcome, local_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_ATT_OUTCOME] =
	    "UPDATE attachments SET outcome = ?1,"
	    " local_path = coalesce(?2, local_path) WHERE id = ?3",
};

struct fg_history {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_COUNT];	/* prepared on first use */
	int64_t		 session;	/* our sessions row; 0 before a write */
};

static const char *const dir_names[] = { NULL, "in", "out", "broadcast" };
static const char *const state_names[] = { NULL, "sent", "acked", "failed",
	"received", "opened" };
static const char *const outcome_names[] = { NULL, "offered", "done",
	"failed", "declined", "cancelled" };
#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The name at index i of names, or "?" (index 0 is never a valid value). */
static const char *
name_of(const char *const *names, size_t n, int i)
{
	return i > 0 && (size_t)i < n ? names[i] : "?";
}

/* The index of s in names, or 0 when it is not there. */
static int
index_of(const char *const *names, size_t n, const unsigned char *s)
{
	size_t i;

	for (i = 1; s != NULL && i < n; i++)
		if (strcmp(names[i], (const char *)s) == 0)
			return (int)i;
	return 0;
}

const char *
fg_history_dir_name(enum fg_history_dir d)
{
	return name_of(dir_names, NITEMS(dir_names), (int)d);
}

const char *
fg_history_state_name(enum fg_history_state s)
{
	return name_of(state_names, NITEMS(state_names), (int)s);
}

const char *
fg_history_outcome_name(enum fg_history_outcome o)
{
	return name_of(outcome_names, NITEMS(outcome_names), (int)o);
}

/* Milliseconds since the epoch. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Puts SQLite's last error, after what, into err; returns FG_ERR_SYSTEM. */
static int
dberr(struct fg_history *h, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "history: %s: %s", what, sqlite3_errmsg(h->db));
	return FG_ERR_SYSTEM;
}

/* Returns cached statement i, reset and unbound, preparing it if need be. */
static int
stmt(struct fg_history *h, int i, sqlite3_stmt **out, char *err, size_t errlen)
{
	*out = NULL;
	if (h->st[i] == NULL && sqlite3_prepare_v3(h->db, stmt_sql[i], -1,
	    SQLITE_PREPARE_PERSISTENT, &h->st[i], NULL) != SQLITE_OK)
		return dberr(h, "preparing a statement", err, errlen);
	*out = h->st[i];
	return 0;
}

/* Makes a cached statement ready for its next use. */
static void
stmt_done(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

/* Steps a statement that returns no rows to the end. */
static int
step_done(struct fg_history *h, sqlite3_stmt *st, const char *what, char *err,
    size_t errlen)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	return rc == SQLITE_DONE ? 0 : dberr(h, what, err, errlen);
}

/* Runs cached statement i, which takes no parameters. */
static int
run(struct fg_history *h, int i, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int r;

	if ((r = stmt(h, i, &st, err, errlen)) == 0)
		r = step_done(h, st, stmt_sql[i], err, errlen);
	stmt_done(st);
	return r;
}

/* Rolls back the open transaction; errors do not matter by then. */
static void
rollback(struct fg_history *h)
{
	char ignored[8];

	(void)run(h, ST_ROLLBACK, ignored, sizeof(ignored));
}

/* Binds text, or NULL when s is NULL. */
static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Binds an id, or NULL when it is 0. */
static int
bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	return v != 0 ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

/* Runs fixed SQL text (no parameters, no user input). */
static int
exec(struct fg_history *h, const char *sql, const char *what, char *err,
    size_t errlen)
{
	if (sqlite3_exec(h->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(h, what, err, errlen);
	return 0;
}

/* Reads PRAGMA user_version. */
static int
user_version(struct fg_history *h, int *v, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	*v = 0;
	if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		r = dberr(h, "reading the schema version", err, errlen);
	else
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return r;
}

/* Brings the schema up to HISTORY_VERSION, one migration at a time. */
static int
migrate(struct fg_history *h, char *err, size_t errlen)
{
	char sql[64];
	int r, v, intx = 0;

	/* Read first: an up-to-date database never takes the write lock. */
	if ((r = user_version(h, &v, err, errlen)) != 0)
		goto out;
	if (v == HISTORY_VERSION)
		goto out;
	if ((r = run(h, ST_BEGIN, err, errlen)) != 0)
		goto out;
	intx = 1;
	/* Another process may have migrated while we waited for the lock. */
	if ((r = user_version(h, &v, err, errlen)) != 0)
		goto out;
	if (v < 0 || v > HISTORY_VERSION) {
		snprintf(err, errlen, "history: the database has schema"
		    " version %d; this feige knows up to %d", v,
		    HISTORY_VERSION);
		r = FG_ERR_FORMAT;
		goto out;
	}
	for (; v < HISTORY_VERSION; v++) {
		if ((r = exec(h, migrations[v], "creating the schema", err,
		    errlen)) != 0)
			goto out;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", HISTORY_VERSION);
	if ((r = exec(h, sql, "setting the schema version", err, errlen)) != 0 ||
	    (r = run(h, ST_COMMIT, err, errlen)) != 0)
		goto out;
	intx = 0;
 out:
	if (intx)
		rollback(h);
	return r;
}

/* Creates the missing directories above path, each 0700. */
static int
make_parents(const char *path, char *err, size_t errlen)
{
	char *dir, *p;
	int end, r = 0;

	if ((dir = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1; r == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		end = *p == '\0';
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "history: cannot create %s: %s",
			    dir, strerror(errno));
			r = FG_ERR_SYSTEM;
		}
		if (end)
			break;
		*p = '/';
	}
 out:
	free(dir);
	return r;
}

int
fg_history_default_path(char *out, size_t outsz)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	const struct passwd *pw;
	int n;

	if (outsz > 0)
		out[0] = '\0';
	/* The XDG spec says to ignore a relative value. */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, outsz, "%s/feige/history.db", xdg);
	else {
		if ((home == NULL || home[0] == '\0') &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home == NULL || home[0] == '\0')
			return FG_ERR_NOT_FOUND;
		n = snprintf(out, outsz, "%s/.local/share/feige/history.db",
		    home);
	}
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return FG_ERR_LIMIT;
	}
	return 0;
}

int
fg_history_open(const char *path, struct fg_history **out, char *err,
    size_t errlen)
{
	struct fg_history *h = NULL;
	int fd, rc, r;

	*out = NULL;
	if (path == NULL || path[0] == '\0') {
		snprintf(err, errlen, "history: no database path");
		return FG_ERR_INVAL;
	}
	if (sqlite3_libversion_number() < TRIGRAM_MIN_VERSION) {
		snprintf(err, errlen, "history: SQLite %s is too old (3.34 or"
		    " later has the trigram tokenizer)", sqlite3_libversion());
		return FG_ERR_SYSTEM;
	}
	if ((r = make_parents(path, err, errlen)) != 0)
		goto out;
	/* SQLite would create the file 0644; the WAL files copy its mode. */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "history: %s: %s", path, strerror(errno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	close(fd);
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = FG_ERR_ALLOC;
		goto out;
	}
	rc = sqlite3_open_v2(path, &h->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "history: %s: %s", path, h->db != NULL ?
		    sqlite3_errmsg(h->db) : sqlite3_errstr(rc));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	sqlite3_busy_timeout(h->db, HISTORY_BUSY_MS);
	if ((r = exec(h, "PRAGMA journal_mode = WAL", "setting WAL mode", err,
	    errlen)) != 0 ||
	    (r = exec(h, "PRAGMA synchronous = NORMAL", "setting synchronous",
	    err, errlen)) != 0 ||
	    (r = exec(h, "PRAGMA foreign_keys = ON", "enabling foreign keys",
	    err, errlen)) != 0 ||
	    (r = migrate(h, err, errlen)) != 0)
		goto out;
	*out = h;
	h = NULL;
 out:
	fg_history_close(h);
	return r;
}

void
fg_history_close(struct fg_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(h->st[i]);
	sqlite3_close(h->db);
	free(h);
}

void
fg_history_set_busy_ms(struct fg_history *h, unsigned ms)
{
	sqlite3_busy_timeout(h->db, ms > INT32_MAX ? INT32_MAX : (int)ms);
}

/* Adds this handle's sessions row unless it has one. */
static int
ensure_session(struct fg_history *h, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int r;

	if (h->session != 0)
		return 0;
	if ((r = stmt(h, ST_SESSION, &st, err, errlen)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, now_ms());
	sqlite3_bind_int64(st, 2, (int64_t)getpid());
	if ((r = step_done(h, st, "adding a session", err, errlen)) == 0)
		h->session = sqlite3_last_insert_rowid(h->db);
	stmt_done(st);
	return r;
}

/* Inserts or refreshes the message's peer; *id gets its row id. */
static int
upsert_peer(struct fg_history *h, const struct fg_history_msg *m, int64_t t,
    int64_t *id, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*id = 0;
	if ((r = stmt(h, ST_PEER_UPSERT, &st, err, errlen)) != 0)
		goto out;
	bind_text(st, 1, m->user);
	bind_text(st, 2, m->host);
	bind_text(st, 3, m->nick);
	bind_text(st, 4, m->address);
	sqlite3_bind_int64(st, 5, t);
	if ((r = step_done(h, st, "recording a peer", err, errlen)) != 0)
		goto out;
	stmt_done(st);
	/* last_insert_rowid is not set when the upsert updated, so look it up. */
	if ((r = stmt(h, ST_PEER_ID, &st, err, errlen)) != 0)
		goto out;
	bind_text(st, 1, m->user);
	bind_text(st, 2, m->host);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		r = dberr(h, "finding a peer", err, errlen);
		goto out;
	}
	*id = sqlite3_column_int64(st, 0);
 out:
	stmt_done(st);
	return r;
}

int
fg_history_add_message(struct fg_history *h, const struct fg_history_msg *m,
    int64_t *rowid, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum fg_history_state state;
	int64_t t, peer = 0, session = h->session;
	int r, intx = 0;

	if (rowid != NULL)
		*rowid = 0;
	state = m->state != 0 ? m->state :
	    m->dir == FG_HISTORY_IN ? FG_HISTORY_RECEIVED : FG_HISTORY_SENT;
	if (m->dir < FG_HISTORY_IN || m->dir > FG_HISTORY_BROADCAST ||
	    state < FG_HISTORY_SENT || state > FG_HISTORY_OPENED ||
	    (m->user == NULL) != (m->host == NULL)) {
		snprintf(err, errlen, "history: bad message (direction, state or"
		    " peer)");
		return FG_ERR_INVAL;
	}
	t = m->time_ms != 0 ? m->time_ms : now_ms();
	if ((r = run(h, ST_BEGIN, err, errlen)) != 0)
		goto out;
	intx = 1;
	if ((r = ensure_session(h, err, errlen)) != 0)
		goto out;
	if (m->user != NULL && (r = upsert_peer(h, m, t, &peer, err,
	    errlen)) != 0)
		goto out;
	if ((r = stmt(h, ST_MSG_INSERT, &st, err, errlen)) != 0)
		goto out;
	bind_id(st, 1, peer);
	sqlite3_bind_int64(st, 2, h->session);
	bind_text(st, 3, fg_history_dir_name(m->dir));
	sqlite3_bind_int64(st, 4, t);
	sqlite3_bind_int64(st, 5, (int64_t)m->pktno);
	sqlite3_bind_int64(st, 6, (int64_t)m->flags);
	bind_text(st, 7, m->text != NULL ? m->text : "");
	bind_text(st, 8, fg_history_state_name(state));
	bind_id(st, 9, (int64_t)m->local_id);
	if ((r = step_done(h, st, "recording a message", err, errlen)) != 0)
		goto out;
	t = sqlite3_last_insert_rowid(h->db);
	if ((r = run(h, ST_COMMIT, err, errlen)) != 0)
		goto out;
	intx = 0;
	if (rowid != NULL)
		*rowid = t;
 out:
	stmt_done(st);
	if (intx) {
		rollback(h);
		h->session = session;	/* a new sessions row went with it */
	}
	return r;
}

/* Binds the parameters STATE_WHERE names. */
static void
bind_state_where(struct fg_history *h, sqlite3_stmt *st, enum fg_history_dir dir,
    uint64_t local_id, const char *user, const char *host)
{
	sqlite3_bind_int64(st, 2, h->session);
	bind_text(st, 3, fg_history_dir_name(dir));
	sqlite3_bind_int64(st, 4, (int64_t)local_id);
	bind_text(st, 5, user);
	bind_text(st, 6, host);
}

int
fg_history_set_state(struct fg_history *h, enum fg_history_dir dir,
    uint64_t local_id, const char *user, const char *host,
    enum fg_history_state state, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int ok, r;

	ok = dir == FG_HISTORY_IN ?
	    state == FG_HISTORY_RECEIVED || state == FG_HISTORY_OPENED :
	    (dir == FG_HISTORY_OUT || dir == FG_HISTORY_BROADCAST) &&
	    state >= FG_HISTORY_SENT && state <= FG_HISTORY_OPENED &&
	    state != FG_HISTORY_RECEIVED;
	if (!ok || local_id == 0) {
		snprintf(err, errlen, "history: state %s does not fit direction"
		    " %s, or no id", fg_history_state_name(state),
		    fg_history_dir_name(dir));
		return FG_ERR_INVAL;
	}
	if ((r = stmt(h, ST_STATE, &st, err, errlen)) != 0)
		goto out;
	bind_text(st, 1, fg_history_state_name(state));
	bind_state_where(h, st, dir, local_id, user, host);
	if ((r = step_done(h, st, "updating a state", err, errlen)) != 0)
		goto out;
	if (sqlite3_changes(h->db) > 0)
		goto out;
	/* Nothing moved: fine if the message is there and already further on. */
	stmt_done(st);
	if ((r = stmt(h, ST_STATE_EXISTS, &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_int(st, 1, 1);
	bind_state_where(h, st, dir, local_id, user, host);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		break;
	case SQLITE_DONE:
		snprintf(err, errlen, "history: no %s message %llu was recorded"
		    " here", fg_history_dir_name(dir),
		    (unsigned long long)local_id);
		r = FG_ERR_NOT_FOUND;
		break;
	default:
		r = dberr(h, "finding a message", err, errlen);
		break;
	}
 out:
	stmt_done(st);
	return r;
}

int
fg_history_delete(struct fg_history *h, int64_t rowid, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if ((r = stmt(h, ST_DELETE, &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, rowid);
	if ((r = step_done(h, st, "deleting a message", err, errlen)) != 0)
		goto out;
	if (sqlite3_changes(h->db) == 0) {
		snprintf(err, errlen, "history: no message %lld",
		    (long long)rowid);
		r = FG_ERR_NOT_FOUND;
	}
 out:
	stmt_done(st);
	return r;
}

int
fg_history_add_attachment(struct fg_history *h, int64_t message_rowid,
    const struct fg_history_attach *a, int64_t *rowid, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	enum fg_history_outcome o = a->outcome != 0 ? a->outcome :
	    FG_HISTORY_OFFERED;
	int r;

	if (rowid != NULL)
		*rowid = 0;
	if (a->name == NULL || o < FG_HISTORY_OFFERED ||
	    o > FG_HISTORY_CANCELLED) {
		snprintf(err, errlen, "history: bad attachment (name or"
		    " outcome)");
		return FG_ERR_INVAL;
	}
	if ((r = stmt(h, ST_ATT_INSERT, &st, err, errlen)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, message_rowid);
	sqlite3_bind_int64(st, 2, (int64_t)a->file_id);
	bind_text(st, 3, a->name);
	sqlite3_bind_int64(st, 4, (int64_t)a->size);
	sqlite3_bind_int64(st, 5, a->mtime);
	sqlite3_bind_int64(st, 6, (int64_t)a->attr);
	bind_text(st, 7, fg_history_outcome_name(o));
	bind_text(st, 8, a->local_path);
	if (sqlite3_step(st) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(h->db) ==
		    SQLITE_CONSTRAINT_FOREIGNKEY) {
			snprintf(err, errlen, "history: no message %lld",
			    (long long)message_rowid);
			r = FG_ERR_NOT_FOUND;
		} else
			r = dberr(h, "recording an attachment", err, errlen);
		goto out;
	}
	if (rowid != NULL)
		*rowid = sqlite3_last_insert_rowid(h->db);
 out:
	stmt_done(st);
	return r;
}

int
fg_history_set_attachment_outcome(struct fg_history *h, int64_t rowid,
    enum fg_history_outcome outcome, const char *local_path, char *err,
    size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (outcome < FG_HISTORY_OFFERED || outcome > FG_HISTORY_CANCELLED) {
		snprintf(err, errlen, "history: bad attachment outcome");
		return FG_ERR_INVAL;
	}
	if ((r = stmt(h, ST_ATT_OUTCOME, &st, err, errlen)) != 0)
		goto out;
	bind_text(st, 1, fg_history_outcome_name(outcome));
	bind_text(st, 2, local_path);
	sqlite3_bind_int64(st, 3, rowid);
	if ((r = step_done(h, st, "updating an attachment", err, errlen)) != 0)
		goto out;
	if (sqlite3_changes(h->db) == 0) {
		snprintf(err, errlen, "history: no attachment %lld",
		    (long long)rowid);
		r = FG_ERR_NOT_FOUND;
	}
 out:
	stmt_done(st);
	return r;
}

/*
 * A search, turned into what SQL can take as parameters. Words of three or
 * more characters go to FTS5 as quoted phrases ("" inside), so no input is
 * ever read as FTS5 syntax; shorter ones, which the trigram index cannot
 * find, become LIKE patterns with %, _ and \ escaped.
 */
struct search {
	struct fg_buf	fts;		/* the MATCH string; empty: no FTS */
	struct fg_buf	like;		/* NUL-separated LIKE patterns */
	size_t		nlike;
};

/* Length of the white space at p (ASCII or U+3000), 0 if there is none. */
static size_t
space_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* Splits q into words and fills s; a NULL or blank q searches nothing. */
static int
search_parse(const char *q, struct search *s, char *err, size_t errlen)
{
	const char *w, *p;
	size_t chars, nwords = 0;
	int r = 0;

	fg_buf_init(&s->fts, 8 * HISTORY_MAX_SEARCH);
	fg_buf_init(&s->like, 8 * HISTORY_MAX_SEARCH);
	s->nlike = 0;
	if (q == NULL)
		return 0;
	if (strlen(q) > HISTORY_MAX_SEARCH) {
		snprintf(err, errlen, "history: search text is too long (at most"
		    " %d bytes)", HISTORY_MAX_SEARCH);
		return FG_ERR_LIMIT;
	}
	for (p = q; r == 0; ) {
		while (space_len(p) > 0)
			p += space_len(p);
		if (*p == '\0')
			break;
		if (++nwords > HISTORY_MAX_WORDS) {
			snprintf(err, errlen, "history: too many search words (at"
			    " most %d)", HISTORY_MAX_WORDS);
			return FG_ERR_LIMIT;
		}
		for (w = p, chars = 0; *p != '\0' && space_len(p) == 0; p++)
			chars += ((unsigned char)*p & 0xc0) != 0x80;
		if (chars >= 3) {
			if (fg_buf_len(&s->fts) > 0)
				r = fg_buf_put_u8(&s->fts, ' ');
			if (r == 0)
				r = fg_buf_put_u8(&s->fts, '"');
			for (; w < p && r == 0; w++) {
				if (*w == '"')
					r = fg_buf_put_u8(&s->fts, '"');
				if (r == 0)
					r = fg_buf_put_u8(&s->fts, (uint8_t)*w);
			}
			if (r == 0)
				r = fg_buf_put_u8(&s->fts, '"');
			continue;
		}
		r = fg_buf_put_u8(&s->like, '%');
		for (; w < p && r == 0; w++) {
			if (*w == '%' || *w == '_' || *w == '\\')
				r = fg_buf_put_u8(&s->like, '\\');
			if (r == 0)
				r = fg_buf_put_u8(&s->like, (uint8_t)*w);
		}
		if (r == 0)
			r = fg_buf_put(&s->like, "%", 2);
		s->nlike++;
	}
	if (r == 0)
		r = fg_buf_terminate(&s->fts);
	if (r != 0)
		snprintf(err, errlen, "out of memory");
	return r;
}

/* Frees a parsed search. */
static void
search_free(struct search *s)
{
	fg_buf_release(&s->fts);
	fg_buf_release(&s->like);
}

/* Fills row from the current result of the list query. */
static void
row_read(sqlite3_stmt *st, struct fg_history_row *row)
{
	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, 0);
	row->peer_id = sqlite3_column_int64(st, 1);
	row->m.user = (const char *)sqlite3_column_text(st, 2);
	row->m.host = (const char *)sqlite3_column_text(st, 3);
	row->m.nick = (const char *)sqlite3_column_text(st, 4);
	row->m.address = (const char *)sqlite3_column_text(st, 5);
	row->m.dir = index_of(dir_names, NITEMS(dir_names),
	    sqlite3_column_text(st, 6));
	row->m.time_ms = sqlite3_column_int64(st, 7);
	row->m.pktno = (uint64_t)sqlite3_column_int64(st, 8);
	row->m.flags = (unsigned)sqlite3_column_int64(st, 9);
	row->m.text = (const char *)sqlite3_column_text(st, 10);
	row->m.state = index_of(state_names, NITEMS(state_names),
	    sqlite3_column_text(st, 11));
	row->m.local_id = (uint64_t)sqlite3_column_int64(st, 12);
	row->nattach = (size_t)sqlite3_column_int64(st, 13);
	if (row->m.text == NULL)
		row->m.text = "";
}

/*
 * The list query is put together from fixed pieces, one per filter the
 * caller set, so that each can use its index; every value is a parameter.
 */
int
fg_history_list(struct fg_history *h, const struct fg_history_query *q,
    fg_history_row_cb cb, void *arg, char *err, size_t errlen)
{
	static const struct fg_history_query all;
	struct fg_history_row row;
	struct search s;
	struct fg_buf sql;
	sqlite3_stmt *st = NULL;
	const char *pat;
	unsigned limit;
	size_t i;
	int n = 0, rc, r;

	if (q == NULL)
		q = &all;
	fg_buf_init(&sql, 8192);
	if ((r = search_parse(q->search, &s, err, errlen)) != 0)
		goto out;
	limit = q->limit == 0 ? HISTORY_LIMIT :
	    q->limit > HISTORY_MAX_LIMIT ? HISTORY_MAX_LIMIT : q->limit;
	r = fg_buf_put_str(&sql,
	    "SELECT m.id, m.peer_id, p.user, p.host, p.nick, p.address,"
	    " m.direction, m.time_ms, m.pktno, m.flags, m.text, m.state,"
	    " m.local_id,"
	    " (SELECT count(*) FROM attachments a WHERE a.message_id = m.id)"
	    " FROM messages m LEFT JOIN peers p ON p.id = m.peer_id WHERE 1");
	if (r == 0 && (q->user != NULL || q->host != NULL))
		r = fg_buf_putf(&sql, " AND m.peer_id IN (SELECT id FROM peers"
		    " WHERE %s AND %s)", q->user != NULL ? "user = ?" : "1",
		    q->host != NULL ? "host = ?" : "1");
	if (q->npeer_ids > FG_HISTORY_MAX_PEER_IDS ||
	    (q->npeer_ids > 0 && q->peer_ids == NULL)) {
		snprintf(err, errlen, "history: at most %d peers in one list",
		    FG_HISTORY_MAX_PEER_IDS);
		r = FG_ERR_LIMIT;
		goto out;
	}
	for (i = 0; i < q->npeer_ids && r == 0; i++)
		r = fg_buf_put_str(&sql, i == 0 ? " AND m.peer_id IN (?" :
		    ", ?");
	if (r == 0 && q->npeer_ids > 0)
		r = fg_buf_put_str(&sql, ")");
	if (r == 0 && q->before_id != 0)
		r = fg_buf_put_str(&sql, " AND m.id < ?");
	if (r == 0 && fg_buf_len(&s.fts) > 0)
		r = fg_buf_put_str(&sql, " AND m.id IN (SELECT rowid FROM"
		    " messages_fts WHERE messages_fts MATCH ?)");
	for (i = 0; i < s.nlike && r == 0; i++)
		r = fg_buf_put_str(&sql, " AND m.text LIKE ? ESCAPE '\\'");
	if (r == 0)
		r = fg_buf_put_str(&sql, " ORDER BY m.id DESC LIMIT ?");
	if (r == 0)
		r = fg_buf_terminate(&sql);
	if (r != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(h->db, (const char *)fg_buf_ptr(&sql), -1, &st,
	    NULL) != SQLITE_OK) {
		r = dberr(h, "preparing the list", err, errlen);
		goto out;
	}
	if (q->user != NULL)
		bind_text(st, ++n, q->user);
	if (q->host != NULL)
		bind_text(st, ++n, q->host);
	for (i = 0; i < q->npeer_ids; i++)
		sqlite3_bind_int64(st, ++n, q->peer_ids[i]);
	if (q->before_id != 0)
		sqlite3_bind_int64(st, ++n, q->before_id);
	if (fg_buf_len(&s.fts) > 0)
		bind_text(st, ++n, (const char *)fg_buf_ptr(&s.fts));
	for (i = 0, pat = (const char *)fg_buf_ptr(&s.like); i < s.nlike; i++) {
		bind_text(st, ++n, pat);
		pat += strlen(pat) + 1;
	}
	sqlite3_bind_int(st, ++n, (int)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_read(st, &row);
		if ((r = cb(&row, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = dberr(h, "listing messages", err, errlen);
 out:
	sqlite3_finalize(st);
	search_free(&s);
	fg_buf_release(&sql);
	return r;
}

/* Prepared per call (not cached) so that a callback may call it again. */
int
fg_history_attachments(struct fg_history *h, int64_t message_rowid,
    fg_history_attach_cb cb, void *arg, char *err, size_t errlen)
{
	struct fg_history_attach a;
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (sqlite3_prepare_v2(h->db, "SELECT id, message_id, file_id, name,"
	    " size, mtime, attr, outcome, local_path FROM attachments"
	    " WHERE message_id = ?1 ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		r = dberr(h, "preparing the attachment list", err, errlen);
		goto out;
	}
	sqlite3_bind_int64(st, 1, message_rowid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		a.message_id = sqlite3_column_int64(st, 1);
		a.file_id = (uint64_t)sqlite3_column_int64(st, 2);
		a.name = (const char *)sqlite3_column_text(st, 3);
		a.size = (uint64_t)sqlite3_column_int64(st, 4);
		a.mtime = sqlite3_column_int64(st, 5);
		a.attr = (uint32_t)sqlite3_column_int64(st, 6);
		a.outcome = index_of(outcome_names, NITEMS(outcome_names),
		    sqlite3_column_text(st, 7));
		a.local_path = (const char *)sqlite3_column_text(st, 8);
		if ((r = cb(&a, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = dberr(h, "listing attachments", err, errlen);
 out:
	sqlite3_finalize(st);
	return r;
}

/* Runs one peer look-up (sql with ?1 and maybe ?2) and calls cb per row. */
static int
peers_query(struct fg_history *h, const char *sql, const char *a,
    const char *b, fg_history_peer_cb cb, void *arg, size_t *n, char *err,
    size_t errlen)
{
	struct fg_history_peer p;
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK) {
		r = dberr(h, "preparing the peer look-up", err, errlen);
		goto out;
	}
	bind_text(st, 1, a);
	if (b != NULL)
		bind_text(st, 2, b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		p.id = sqlite3_column_int64(st, 0);
		p.user = (const char *)sqlite3_column_text(st, 1);
		p.host = (const char *)sqlite3_column_text(st, 2);
		p.nick = (const char *)sqlite3_column_text(st, 3);
		p.address = (const char *)sqlite3_column_text(st, 4);
		p.first_seen = sqlite3_column_int64(st, 5);
		p.last_seen = sqlite3_column_int64(st, 6);
		(*n)++;
		if ((r = cb(&p, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = dberr(h, "looking up peers", err, errlen);
 out:
	sqlite3_finalize(st);
	return r;
}

#define PEER_COLUMNS \
	"SELECT id, user, host, nick, address, first_seen, last_seen FROM peers"

int
fg_history_find_peers(struct fg_history *h, const char *who,
    fg_history_peer_cb cb, void *arg, char *err, size_t errlen)
{
	char ip[INET_ADDRSTRLEN], *user = NULL;
	const char *colon, *at;
	struct in_addr in;
	size_t n = 0, len;
	int r = 0;

	if (who == NULL || who[0] == '\0') {
		snprintf(err, errlen, "history: empty peer name");
		return FG_ERR_INVAL;
	}
	colon = strchr(who, ':');
	len = colon != NULL ? (size_t)(colon - who) : strlen(who);
	if (len < sizeof(ip)) {
		memcpy(ip, who, len);
		ip[len] = '\0';
		if (inet_pton(AF_INET, ip, &in) == 1) {
			if (colon != NULL)
				return peers_query(h, PEER_COLUMNS
				    " WHERE address = ?1 ORDER BY id", who, NULL,
				    cb, arg, &n, err, errlen);
			return peers_query(h, PEER_COLUMNS " WHERE address = ?1"
			    " OR substr(address, 1, length(?1) + 1) = ?1 || ':'"
			    " ORDER BY id", who, NULL, cb, arg, &n, err, errlen);
		}
	}
	if ((at = strrchr(who, '@')) != NULL && at != who && at[1] != '\0') {
		if ((user = strndup(who, (size_t)(at - who))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return FG_ERR_ALLOC;
		}
		r = peers_query(h, PEER_COLUMNS " WHERE user = ?1 AND host = ?2"
		    " ORDER BY id", user, at + 1, cb, arg, &n, err, errlen);
		free(user);
		if (r != 0 || n > 0)
			return r;
	}
	return peers_query(h, PEER_COLUMNS " WHERE nick = ?1 ORDER BY id", who,
	    NULL, cb, arg, &n, err, errlen);
}
