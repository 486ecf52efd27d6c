/*
 * tui_model: the state and logic of the terminal UI, with no curses in it,
 * so that nearly all of it is unit-tested. It holds the peers (from `list`
 * and events), one conversation per peer (keyed "user@host") plus one for
 * messages to everyone, the input line editor, completion, the transfers,
 * and the screen layout. Keys go in through fg_tui_key; daemon replies and
 * events through fg_tui_on_reply and fg_tui_on_event; what must be done
 * comes out as actions (fg_tui_next_action), most of which are daemon
 * requests (fg_tui_act_json). Text widths are display columns of UTF-8
 * under a UTF-8 locale (CJK and emoji take two).
 */
#ifndef FG_CMD_TUI_MODEL_H
#define FG_CMD_TUI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "history.h"

/* Keys: Unicode code points, control characters as themselves, and these. */
#define FG_TUI_KEY_BASE		0x110000
enum {
	FG_TUI_KEY_UP = FG_TUI_KEY_BASE,
	FG_TUI_KEY_DOWN,
	FG_TUI_KEY_LEFT,
	FG_TUI_KEY_RIGHT,
	FG_TUI_KEY_HOME,
	FG_TUI_KEY_END,
	FG_TUI_KEY_PGUP,
	FG_TUI_KEY_PGDN,
	FG_TUI_KEY_DEL,
	FG_TUI_KEY_BACKSPACE,
	FG_TUI_KEY_ENTER,
	FG_TUI_KEY_TAB,
	FG_TUI_KEY_BTAB,
	FG_TUI_KEY_ESC,
	FG_TUI_KEY_RESIZE,
	FG_TUI_KEY_F1,		/* F1..F12 follow */
};
#define FG_TUI_KEY_F(n)		(FG_TUI_KEY_F1 + (n) - 1)
#define FG_TUI_KEY_ALT		0x200000	/* or'ed with a key: Alt/Meta */
#define FG_TUI_CTRL(c)		((c) & 0x1f)

/* Sizes. */
#define FG_TUI_INPUT_MAX	(64 * 1024)	/* bytes in the input line */
#define FG_TUI_HIST_MAX		200		/* sent lines remembered */
#define FG_TUI_CONV_MAX		5000		/* lines kept per conversation */
#define FG_TUI_PAGE		50		/* history rows loaded at once */
#define FG_TUI_MIN_COLS		20
#define FG_TUI_MIN_ROWS		6

/* The conversation for messages to and from everyone. */
#define FG_TUI_ALL		"*"
/* The conversation that shows search results. */
#define FG_TUI_SEARCH		"?search"

/* A UTF-8 line editor with readline-style keys and a history. */
struct fg_tui_input {
	char	 *buf;
	size_t	  len, cap, cur;	/* cur: byte offset, on a boundary */
	char	**hist;			/* sent lines, oldest first */
	size_t	  nhist, hpos;		/* hpos == nhist: not browsing */
	char	 *stash;		/* the line being edited while browsing */
	char	 *yank;			/* the last text killed */
};

struct fg_tui_peer {
	char		*key;		/* "user@host" */
	char		*nick, *group, *user, *host, *address, *version;
	long long	 index;		/* the daemon's index */
	int		 port, away;
	int64_t		 last_ms;	/* last message to or from it */
};

enum fg_tui_line_kind {
	FG_TUI_LINE_IN = 1,	/* a message from the peer */
	FG_TUI_LINE_OUT,	/* a message of ours */
	FG_TUI_LINE_SYS,	/* a notice: presence, errors, offers, help */
};

/* States of our own messages. */
enum fg_tui_out_state {
	FG_TUI_SENDING = 0, FG_TUI_ACKED, FG_TUI_FAILED, FG_TUI_OPENED,
	FG_TUI_SENT		/* broadcasts: sent, never acknowledged */
};

struct fg_tui_line {
	enum fg_tui_line_kind kind;
	int64_t		 time_ms;
	char		*who;		/* the sender's name as shown */
	char		*text;		/* sanitized UTF-8, may hold '\n' */
	uint64_t	 msg_id;	/* the node's message id (in: for read) */
	int64_t		 hist_id;	/* history row, 0 when live */
	uint64_t	 tag;		/* the request that sends it (out) */
	int		 state;		/* enum fg_tui_out_state (out) */
	unsigned	 sealed : 1, opened : 1, autoret : 1, broadcast : 1,
			 history : 1, file : 1;
	char		*disp;		/* cached display string */
	size_t		 hdr;		/* bytes of disp that are the header */
	int		 wrap_w, wrap_rows; /* cached row count at width wrap_w */
};

enum fg_tui_conv_kind { FG_TUI_CONV_PEER = 1, FG_TUI_CONV_ALL,
	FG_TUI_CONV_SEARCH };

/* History loading states of a conversation. */
enum { FG_TUI_HIST_NONE = 0, FG_TUI_HIST_MORE, FG_TUI_HIST_DONE };

struct fg_tui_conv {
	enum fg_tui_conv_kind kind;
	char		*key;		/* "user@host", "ip:port", "*", "?search" */
	char		*title;
	char		*dest;		/* last known "ip:port" of the peer */
	struct fg_tui_line **lines;
	size_t		 nlines, cap;
	unsigned	 unread;
	const struct fg_tui_line *mark;	/* first unread line, for a marker */
	int		 scroll;	/* rows scrolled up from the bottom */
	int		 hist;		/* FG_TUI_HIST_* */
	int		 hist_busy;	/* a load was asked for */
	int64_t		 oldest_hist;	/* smallest history id shown */
};

/* An offer of files we received. */
enum { FG_TUI_OFFER_NEW = 0, FG_TUI_OFFER_ACCEPTED, FG_TUI_OFFER_DECLINED,
	FG_TUI_OFFER_DONE, FG_TUI_OFFER_FAILED };
struct fg_tui_offer {
	uint64_t	 id;
	char		*conv;		/* the sender's conversation key */
	char		*who;
	char		*names;		/* "a.txt, b/" */
	uint64_t	 total;
	size_t		 nfiles;
	int		 state;
};

/* A transfer (download or upload). */
enum { FG_TUI_XFER_RUNNING = 0, FG_TUI_XFER_DONE, FG_TUI_XFER_FAILED };
struct fg_tui_xfer {
	uint64_t	 id, offer_id;
	int		 upload, state;
	char		*name, *who, *error, *path;
	uint64_t	 done, total;
	unsigned	 files_done, files_total;
};

enum fg_tui_act_type {
	FG_TUI_ACT_STATUS = 1,	/* rpc status */
	FG_TUI_ACT_LIST,	/* rpc list */
	FG_TUI_ACT_SEND,	/* rpc send: to, text, seal */
	FG_TUI_ACT_BROADCAST,	/* rpc broadcast: text */
	FG_TUI_ACT_SEND_FILE,	/* rpc send_file: to, paths, text */
	FG_TUI_ACT_ACCEPT,	/* rpc accept: id (offer) */
	FG_TUI_ACT_DECLINE,	/* rpc decline: id (offer) */
	FG_TUI_ACT_CANCEL,	/* rpc cancel: id (transfer) */
	FG_TUI_ACT_AWAY,	/* rpc away: text (or NULL) */
	FG_TUI_ACT_BACK,	/* rpc back */
	FG_TUI_ACT_NICK,	/* rpc names: text is the nick */
	FG_TUI_ACT_GROUP,	/* rpc names: text is the group */
	FG_TUI_ACT_REFRESH,	/* rpc refresh */
	FG_TUI_ACT_READ,	/* rpc read: id (message) */
	FG_TUI_ACT_INFO,	/* rpc info: to */
	FG_TUI_ACT_HISTORY,	/* local: load conv's history before id */
	FG_TUI_ACT_SEARCH,	/* local: search the history for text */
	FG_TUI_ACT_QUIT,	/* local: leave; id 1: keep the daemon */
};

struct fg_tui_act {
	enum fg_tui_act_type type;
	uint64_t	 tag;		/* the request id */
	char		*conv;		/* the conversation it belongs to */
	char		*to, *text;
	char		**paths;
	size_t		 npaths;
	int64_t		 id;
	int		 seal;
};

/* Path completion: fills *out with malloc'd candidates for prefix. */
typedef int (*fg_tui_complete_cb)(void *arg, const char *prefix,
    char ***out, size_t *n);

enum fg_tui_sort { FG_TUI_SORT_NICK = 0, FG_TUI_SORT_GROUP,
	FG_TUI_SORT_HOST, FG_TUI_SORT_RECENT, FG_TUI_SORT_COUNT };
enum fg_tui_mode { FG_TUI_MODE_INPUT = 0, FG_TUI_MODE_FIND };
enum fg_tui_view { FG_TUI_VIEW_CHAT = 0, FG_TUI_VIEW_XFERS };

struct fg_tui_pending {
	uint64_t	 tag;
	enum fg_tui_act_type type;
	char		*conv;
	int64_t		 id;		/* the action's id (offer, message) */
};

struct fg_tui {
	/* Who we are. */
	char		*user, *host, *nick, *group, *away_text;
	int		 port, away, connected;

	/* Peers: all known ones, and the sorted, filtered view. */
	struct fg_tui_peer **peers;
	size_t		 npeers, cappeers;
	struct fg_tui_peer **pview;
	size_t		 npview, psel;
	enum fg_tui_sort sort;
	char		*filter;

	/* Conversations: [0] is everyone. */
	struct fg_tui_conv **convs;
	size_t		 nconvs, capconvs, cur;

	/* The input line, and the find-a-peer line (Ctrl-F). */
	struct fg_tui_input in, find;
	enum fg_tui_mode mode;
	char		**comp;		/* completion candidates being cycled */
	size_t		 ncomp, icomp, comp_start, comp_end;

	/* Transfers. */
	struct fg_tui_offer **offers;
	size_t		 noffers, capoffers;
	struct fg_tui_xfer **xfers;
	size_t		 nxfers, capxfers;
	enum fg_tui_view view;

	/* Actions to carry out, and requests awaiting their reply. */
	struct fg_tui_act **acts;
	size_t		 nacts, capacts;
	struct fg_tui_pending *pend;
	size_t		 npend, cappend;
	uint64_t	 next_tag;

	/* Layout, from fg_tui_resize. */
	int		 cols, rows;
	int		 peer_w;	/* 0: the peer pane is hidden */
	int		 conv_x, conv_w, conv_y, conv_h;

	/* Flags for the main loop. */
	int		 bell_on, bell, dirty, quit, oom;
	char		*hint;		/* a one-line notice in the status line */
	int64_t		 start_ms;
	fg_tui_complete_cb path_cb;
	void		*path_arg;
};

/* Makes a model (after setlocale); NULL when out of memory. */
struct fg_tui *fg_tui_new(void);
/* Frees the model; NULL is a no-op. */
void	fg_tui_free(struct fg_tui *m);
/* Asks for our status and the peer list (on connecting). */
int	fg_tui_start(struct fg_tui *m);
/* Lays the screen out for cols x rows. */
void	fg_tui_resize(struct fg_tui *m, int cols, int rows);
/* Sets the path completion callback. */
void	fg_tui_set_path_cb(struct fg_tui *m, fg_tui_complete_cb cb, void *arg);

/* Handles one key. */
int	fg_tui_key(struct fg_tui *m, int key);
/* Feeds a reply line from the request connection. */
int	fg_tui_on_reply(struct fg_tui *m, json_t *reply);
/* Feeds an event line from the watch connection. */
int	fg_tui_on_event(struct fg_tui *m, json_t *ev);
/* Notes that the daemon went away (or came back). */
void	fg_tui_set_connected(struct fg_tui *m, int connected);

/* The next action to carry out (caller frees it), or NULL. */
struct fg_tui_act *fg_tui_next_action(struct fg_tui *m);
/* Frees an action; NULL is a no-op. */
void	fg_tui_act_free(struct fg_tui_act *a);
/* The daemon request for an action, or NULL for a local one. */
json_t	*fg_tui_act_json(const struct fg_tui_act *a);

/* Adds a history row to conversation key (rows come newest first); 1 if kept. */
int	fg_tui_history_row(struct fg_tui *m, const char *key,
	    const struct fg_history_row *row);
/* Ends a history load of key: more is 1 when older rows remain. */
void	fg_tui_history_end(struct fg_tui *m, const char *key, int more);
/* Starts the search results conversation for text (and switches to it). */
int	fg_tui_search_begin(struct fg_tui *m, const char *text);
/* Adds a history row to the search results. */
int	fg_tui_search_row(struct fg_tui *m, const struct fg_history_row *row);
/* Searches the lines in memory (when there is no history database). */
int	fg_tui_search_local(struct fg_tui *m, const char *text);
/* Ends the search: notes how many results were found. */
void	fg_tui_search_end(struct fg_tui *m, size_t n);

/* Adds a notice to conversation key (NULL: the current one). */
int	fg_tui_notice(struct fg_tui *m, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Sets the one-line status notice (NULL clears it). */
void	fg_tui_hint(struct fg_tui *m, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The conversation key (ASCII case ignored), or NULL. */
struct fg_tui_conv *fg_tui_conv_find(const struct fg_tui *m, const char *key);
/* The conversation on screen. */
struct fg_tui_conv *fg_tui_conv_current(const struct fg_tui *m);
/* The first known peer whose user@host is key, or NULL. */
struct fg_tui_peer *fg_tui_peer_by_key(const struct fg_tui *m,
	    const char *key);
/* Opens (making it if needed) the conversation key and switches to it. */
struct fg_tui_conv *fg_tui_conv_open(struct fg_tui *m, const char *key,
	    int focus);
/* Switches to conversation i. */
void	fg_tui_conv_switch(struct fg_tui *m, size_t i);
/* Recomputes the peer view (after a change of peers, sort or filter). */
void	fg_tui_peers_update(struct fg_tui *m);

/* Makes an empty line editor. */
void	fg_tui_input_init(struct fg_tui_input *in);
/* Frees the editor's line, history and kill buffer. */
void	fg_tui_input_free(struct fg_tui_input *in);
/* Inserts n bytes of UTF-8 at the cursor. */
int	fg_tui_input_insert(struct fg_tui_input *in, const char *s, size_t n);
/* Handles an editing key: 1 when it was one, 0 when not, <0 on error. */
int	fg_tui_input_key(struct fg_tui_input *in, int key);
/* Replaces the line with s, the cursor at its end. */
int	fg_tui_input_set(struct fg_tui_input *in, const char *s);
/* Remembers a sent line for Up/Down. */
int	fg_tui_input_remember(struct fg_tui_input *in, const char *s);
/* The first byte to show and the cursor's column for a field width wide. */
void	fg_tui_input_view(const struct fg_tui_input *in, int width,
	    size_t *start, int *curcol);

/* Decodes one character: its code point and byte count (bad byte: U+FFFD, 1). */
uint32_t fg_tui_decode(const char *s, size_t n, size_t *adv);
/* Columns of one code point (0, 1 or 2). */
int	fg_tui_cpwidth(uint32_t cp);
/* Columns of n bytes of UTF-8. */
int	fg_tui_width(const char *s, size_t n);
/* Bytes of the longest prefix of s that fits in width; *used gets its columns. */
size_t	fg_tui_fit(const char *s, size_t n, int width, int *used);
/* A malloc'd copy with control characters and unprintables as '?' ('\n' kept if asked). */
char	*fg_tui_sanitize(const char *s, int keep_newlines);

/* A wrapped row of text: bytes [off, off + len) of the string. */
struct fg_tui_span {
	size_t	off, len;
};
/* Wraps s into rows of width columns (later rows indent columns less); returns the row count, filling at most max. */
size_t	fg_tui_wrap(const char *s, int width, int indent,
	    struct fg_tui_span *rows, size_t max);

/* A row of the conversation view. */
struct fg_tui_row {
	const struct fg_tui_line *line;	/* NULL for the unread marker */
	const char	*s;
	size_t		 n;
	int		 indent, first;
	size_t		 hdr;		/* bytes of s that are header */
};
/* Fills up to height rows of conversation c's view; returns how many. */
size_t	fg_tui_conv_rows(struct fg_tui *m, struct fg_tui_conv *c,
	    struct fg_tui_row *rows, size_t height);
/* The display string of a line (cached in it); NULL when out of memory. */
const char *fg_tui_line_disp(struct fg_tui_line *l);

/* The status line: who we are, port, peers online, away, transfers, activity, a notice. */
void	fg_tui_status_text(const struct fg_tui *m, char *buf, size_t len);
/* A peer's row, exactly width columns: unread and away marks, nick, group (and host). */
void	fg_tui_peer_text(const struct fg_tui *m, const struct fg_tui_peer *p,
	    int width, char *buf, size_t len);
/* The line above a conversation: the peer's names and address. */
void	fg_tui_conv_header(const struct fg_tui *m, const struct fg_tui_conv *c,
	    char *buf, size_t len);
/* The label of conversation i in the tab bar ("2:alice(3)"). */
void	fg_tui_tab_label(const struct fg_tui *m, size_t i, char *buf,
	    size_t len);
/* "[#####-----]  50%" in width columns. */
void	fg_tui_progress(uint64_t done, uint64_t total, int width, char *buf,
	    size_t len);
/* "1.5 MB" and the like. */
void	fg_tui_size_str(uint64_t n, char *buf, size_t len);
/* A row of the transfers view for an offer. */
void	fg_tui_offer_text(const struct fg_tui_offer *o, char *buf, size_t len);
/* A row of the transfers view for a transfer, with a progress bar, in width columns. */
void	fg_tui_xfer_text(const struct fg_tui_xfer *x, int width, char *buf,
	    size_t len);
/* The index in the peer view to highlight, or -1. */
long	fg_tui_peer_selected(const struct fg_tui *m);
/* The text of the input line's prompt. */
const char *fg_tui_prompt(const struct fg_tui *m);

/* Splits a command's arguments, with "quotes" and backslashes; malloc'd. */
int	fg_tui_split_args(const char *s, char ***argv, size_t *argc);
/* Frees an argument vector. */
void	fg_tui_free_args(char **argv, size_t argc);

#endif /* FG_CMD_TUI_MODEL_H */
