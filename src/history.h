/*
 * history: every message in and out, in one SQLite database (WAL): the peer,
 * time, direction, flags, state, attachments and their outcome, with a
 * full-text index (FTS5, trigram tokenizer, so CJK text is found by any
 * substring; search words under three characters fall back to LIKE).
 * Calls are synchronous; a handle belongs to one thread. Strings in rows
 * are valid during the callback only.
 */
#ifndef FG_HISTORY_H
#define FG_HISTORY_H

#include <stddef.h>
#include <stdint.h>

struct fg_history;

enum fg_history_dir { FG_HISTORY_IN = 1, FG_HISTORY_OUT, FG_HISTORY_BROADCAST };
/* State 0 on insert: RECEIVED for IN, SENT otherwise. */
enum fg_history_state { FG_HISTORY_SENT = 1, FG_HISTORY_ACKED, FG_HISTORY_FAILED,
	FG_HISTORY_RECEIVED, FG_HISTORY_OPENED };
/* Outcome 0 on insert: OFFERED. */
enum fg_history_outcome { FG_HISTORY_OFFERED = 1, FG_HISTORY_DONE,
	FG_HISTORY_XFER_FAILED, FG_HISTORY_DECLINED, FG_HISTORY_CANCELLED };

#define FG_HISTORY_F_SEALED	0x01
#define FG_HISTORY_F_BROADCAST	0x02
#define FG_HISTORY_F_AUTORET	0x04
#define FG_HISTORY_F_MULTICAST	0x08
#define FG_HISTORY_F_ENCRYPTED	0x10
#define FG_HISTORY_F_SIGNED	0x20
#define FG_HISTORY_F_VERIFIED	0x40
#define FG_HISTORY_F_READ	0x80	/* the user has seen it */

struct fg_history_msg {
	const char	*user, *host;	/* the peer; NULL: a broadcast to all */
	const char	*nick, *address; /* "ip:port"; NULL keeps what is known */
	enum fg_history_dir dir;
	int64_t		 time_ms;	/* Unix time; 0 on insert: now */
	uint64_t	 pktno;
	unsigned	 flags;		/* FG_HISTORY_F_* */
	const char	*text;		/* UTF-8; NULL: empty */
	enum fg_history_state state;
	uint64_t	 local_id;	/* the node's message id; 0: none */
};

struct fg_history_row {
	int64_t		 id, peer_id;	/* peer_id 0: no peer */
	size_t		 nattach;
	struct fg_history_msg m;
};

struct fg_history_attach {
	int64_t		 id, message_id; /* set in rows; ignored on insert */
	uint64_t	 file_id, size;
	int64_t		 mtime;		/* Unix seconds */
	uint32_t	 attr;		/* FG_FILE_* */
	const char	*name;
	enum fg_history_outcome outcome;
	const char	*local_path;	/* NULL: none */
};

struct fg_history_query {
	const char	*user, *host;	/* the peer (either may be NULL: any) */
	const char	*search;	/* words that must all occur; NULL: any */
	int64_t		 before_id;	/* only rows with id < this; 0: all */
	unsigned	 limit;		/* 0: 50; at most 1000 */
	const int64_t	*peer_ids;	/* only these peers' messages; NULL: any */
	size_t		 npeer_ids;	/* at most FG_HISTORY_MAX_PEER_IDS */
};

#define FG_HISTORY_MAX_PEER_IDS	64

/* A stored peer, as fg_history_find_peers reports it. */
struct fg_history_peer {
	int64_t		 id;
	const char	*user, *host;
	const char	*nick, *address; /* latest known; either may be NULL */
	int64_t		 first_seen, last_seen; /* Unix ms */
};

/* A callback per row; a nonzero return stops the walk and is returned. */
typedef int (*fg_history_row_cb)(const struct fg_history_row *, void *);
typedef int (*fg_history_attach_cb)(const struct fg_history_attach *, void *);
typedef int (*fg_history_peer_cb)(const struct fg_history_peer *, void *);

/* $XDG_DATA_HOME/feige/history.db, else ~/.local/share/feige/history.db. */
int	fg_history_default_path(char *out, size_t outsz);
/* Opens or creates the database (parents 0700, file 0600) and migrates it. */
int	fg_history_open(const char *path, struct fg_history **out, char *err,
	    size_t errlen);
/* Closes the database; NULL is a no-op. */
void	fg_history_close(struct fg_history *h);
/* How long a write waits for another writer's lock (default 5000 ms). */
void	fg_history_set_busy_ms(struct fg_history *h, unsigned ms);

/* Records a message and upserts its peer; *rowid gets the message's id. */
int	fg_history_add_message(struct fg_history *h,
	    const struct fg_history_msg *m, int64_t *rowid, char *err,
	    size_t errlen);
/* Moves the messages this handle added as (dir, local_id), to the peer if
 * user/host are given, forward to state; never back (opened beats acked). */
int	fg_history_set_state(struct fg_history *h, enum fg_history_dir dir,
	    uint64_t local_id, const char *user, const char *host,
	    enum fg_history_state state, char *err, size_t errlen);
/* Deletes a message and its attachments. */
int	fg_history_delete(struct fg_history *h, int64_t rowid, char *err,
	    size_t errlen);
/* Records an attachment of a message; *rowid gets its id. */
int	fg_history_add_attachment(struct fg_history *h, int64_t message_rowid,
	    const struct fg_history_attach *a, int64_t *rowid, char *err,
	    size_t errlen);
/* Sets an attachment's outcome, and its local path unless that is NULL. */
int	fg_history_set_attachment_outcome(struct fg_history *h, int64_t rowid,
	    enum fg_history_outcome outcome, const char *local_path, char *err,
	    size_t errlen);

/* Calls cb for each matching message, newest first; q NULL: all. */
int	fg_history_list(struct fg_history *h, const struct fg_history_query *q,
	    fg_history_row_cb cb, void *arg, char *err, size_t errlen);
/* Calls cb for each attachment of a message, in insertion order. */
int	fg_history_attachments(struct fg_history *h, int64_t message_rowid,
	    fg_history_attach_cb cb, void *arg, char *err, size_t errlen);

/*
 * Calls cb for each stored peer that who names, oldest first: "a.b.c.d"
 * (the latest address, any port) or "a.b.c.d:port"; else "user@host"
 * (ASCII case ignored), and when that matches nothing, an exact nick.
 */
int	fg_history_find_peers(struct fg_history *h, const char *who,
	    fg_history_peer_cb cb, void *arg, char *err, size_t errlen);

/* Names as stored: "in", "acked", "declined"...; "?" when out of range. */
const char *fg_history_dir_name(enum fg_history_dir d);
const char *fg_history_state_name(enum fg_history_state s);
const char *fg_history_outcome_name(enum fg_history_outcome o);

#endif /* FG_HISTORY_H */
