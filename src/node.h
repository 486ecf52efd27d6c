/*
 * node: one IPMsg node on a libuv loop. It owns the UDP socket (and, with
 * file transfer, the TCP listener) on one port, the peer table, presence
 * (entry, exit, absence, host lists) and the message engine (send with
 * retries until RECVMSG, duplicates acknowledged but delivered once, sealed
 * messages and read receipts, auto-replies, info queries). What happens is
 * reported through one event callback.
 */
#ifndef FG_NODE_H
#define FG_NODE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <uv.h>

#include "charset.h"
#include "keystore.h"
#include "peer.h"

struct fg_node;

struct fg_node_config {
	const char	*user;		/* login name; default: the system's */
	const char	*host;		/* host name; default: gethostname() */
	const char	*nick;		/* UTF-8; default: user */
	const char	*group;		/* UTF-8; default: none */
	const char	*bind;		/* IPv4 address to bind; NULL: any */
	uint16_t	 port;		/* default FEIGE_DEFAULT_PORT */
	const char	*broadcast;	/* extra targets, "A[,B...]" */
	int		 broadcast_only; /* only those targets */
	enum fg_charset	 legacy;	/* for peers that do not talk UTF-8 */
	size_t		 max_peers;	/* default FG_NODE_MAX_PEERS */
	unsigned	 retry_ms;	/* default 1000 */
	unsigned	 retries;	/* retransmissions; default 4 */
	unsigned	 probe_ms;	/* wait for an unknown host's answer; default 500 */
	int		 get_list;	/* ask for host lists at start */
	unsigned	 offer_lifetime_s; /* outgoing offers expire; default 86400 */
	struct fg_keystore *keystore;	/* our key and pins; NULL: no encryption */
};

#define FG_NODE_MAX_PEERS	65536

enum fg_event_type {
	FG_EV_PEER_JOIN = 1,	/* peer */
	FG_EV_PEER_LEAVE,	/* peer (valid during the callback only) */
	FG_EV_PEER_CHANGE,	/* peer: nick, group, away or address changed */
	FG_EV_MESSAGE,		/* msg */
	FG_EV_RECEIPT,		/* id, ip, port: a message of ours was acknowledged */
	FG_EV_READ,		/* id, ip, port: a sealed message of ours was opened */
	FG_EV_INFO,		/* ip, port, text: a SENDINFO or SENDABSENCEINFO */
	FG_EV_OFFER,		/* incoming: a peer offers files (also in msg) */
	FG_EV_OFFER_END,	/* outgoing offer id: fetched, released, cancelled or expired */
	FG_EV_XFER_PROGRESS,	/* xfer */
	FG_EV_XFER_DONE,	/* xfer: status, text (error), path (final) */
	FG_EV_LOG,		/* text: something worth a line in a log */
	FG_EV_SECURITY,		/* peer, text: a key was refused or a signature failed */
};

/* Why an outgoing offer ended (FG_EV_OFFER_END's status). */
#define FG_OFFER_END_FETCHED	0
#define FG_OFFER_END_RELEASED	1
#define FG_OFFER_END_CANCELLED	2
#define FG_OFFER_END_EXPIRED	3

/* A file or folder in an offer we received. */
struct fg_offer_file {
	uint32_t	 fid;
	char		*name;		/* UTF-8, made safe for a file name */
	uint64_t	 size;
	uint64_t	 mtime;
	uint32_t	 attr;		/* FG_FILE_TYPE: REGULAR or DIR */
	int		 state;		/* FG_OFFER_* */
};

#define FG_OFFER_NEW		0
#define FG_OFFER_FETCHING	1
#define FG_OFFER_DONE		2
#define FG_OFFER_FAILED		3
#define FG_OFFER_DECLINED	4

/* An offer we received: what `feige offers` lists. */
struct fg_offer {
	uint64_t	 id;		/* local id */
	uint64_t	 pktno;		/* the sender's packet number */
	uint32_t	 ip;
	uint16_t	 port;
	char		*user, *host;	/* the sender, UTF-8 */
	uint64_t	 time_ms;
	struct fg_offer_file *files;
	size_t		 nfiles;
	TAILQ_ENTRY(fg_offer) entry;
};

/* A transfer in progress or just ended (download or upload). */
struct fg_xfer_info {
	uint64_t	 id;
	uint64_t	 offer_id;	/* incoming offer (download) or outgoing offer (upload) */
	int		 upload;
	uint32_t	 ip;
	const char	*name;		/* current file, UTF-8 */
	uint64_t	 file_done, file_total;
	uint64_t	 offset;	/* where the current file started (resume) */
	uint64_t	 done, total;	/* all files of the job */
	uint32_t	 files_done, files_total;
	int		 status;	/* DONE: 0 or FG_ERR_* */
	int		 encrypted;	/* the data went AES-256-CTR encrypted */
	const char	*error;		/* DONE: text when status != 0 */
	const char	*path;		/* DONE: last final path written (downloads) */
};

struct fg_message {
	uint64_t	 id;		/* local id of this received message */
	uint64_t	 pktno;
	uint32_t	 command;
	uint32_t	 ip;		/* sender, network byte order */
	uint16_t	 port;
	const struct fg_peer *peer;	/* NULL for NOADDLIST senders */
	const char	*user, *host;	/* sender's names, UTF-8 */
	const char	*text;		/* UTF-8, FeiQ's font block removed */
	size_t		 len;
	unsigned	 sealed : 1, broadcast : 1, autoret : 1, multicast : 1;
	unsigned	 encrypted : 1;	/* came encrypted (ENCRYPTOPT) */
	unsigned	 verified : 1;	/* its signature checked out with the pinned key */
	const char	*key_id;	/* the sender key's fingerprint, when verified */
	const void	*attach;	/* raw attachment section, or NULL */
	size_t		 attach_len;
};

struct fg_event {
	enum fg_event_type	 type;
	const struct fg_peer	*peer;
	const struct fg_message	*msg;
	uint64_t		 id;	/* RECEIPT, READ: our message id */
	uint32_t		 ip;	/* RECEIPT, READ, INFO */
	uint16_t		 port;
	const char		*text;	/* INFO */
	int			 absence; /* INFO: 1 for SENDABSENCEINFO */
	const struct fg_offer	*offer;	/* OFFER */
	const struct fg_xfer_info *xfer; /* XFER_* */
	int			 status; /* OFFER_END: why (0 fetched, FG_ERR_*) */
	int			 encrypted; /* RECEIPT: the message went out encrypted */
};

typedef void (*fg_node_event_cb)(struct fg_node *, const struct fg_event *, void *);

/* A destination: an address, and the peer there if one is known. */
struct fg_dest {
	uint32_t	ip;		/* network byte order */
	uint16_t	port;		/* host byte order */
};

/* Called once per destination: 0 when acknowledged, FG_ERR_TIMEOUT when not. */
typedef void (*fg_node_send_cb)(struct fg_node *, uint64_t id,
    const struct fg_dest *to, int status, void *);

#define FG_SEND_SEAL		0x01	/* sealed, with a read receipt */
#define FG_SEND_NOACK		0x02	/* no SENDCHECKOPT, no retries */

/* Makes a node on loop; err gets a reason on failure. */
int	fg_node_new(uv_loop_t *loop, const struct fg_node_config *cfg,
	    fg_node_event_cb cb, void *arg, struct fg_node **out,
	    char *err, size_t errlen);
/* Binds the sockets and announces us (BR_ENTRY); err gets a reason on failure. */
int	fg_node_start(struct fg_node *n, char *err, size_t errlen);
/* Says goodbye (BR_EXIT), closes the sockets; done runs on a later loop turn. */
void	fg_node_stop(struct fg_node *n, void (*done)(struct fg_node *, void *), void *arg);
/* Frees a stopped node; NULL is a no-op. */
void	fg_node_free(struct fg_node *n);

/* Sends text (UTF-8) to each destination; *id names the message in callbacks. */
int	fg_node_send(struct fg_node *n, const struct fg_dest *to, size_t nto,
	    const char *text, unsigned flags, fg_node_send_cb cb, void *arg,
	    uint64_t *id);
/* Sends text to every known peer as a broadcast message (never acknowledged). */
int	fg_node_broadcast(struct fg_node *n, const char *text, size_t *sent);
/* Opens a received sealed message: sends READMSG (and retries it if asked). */
int	fg_node_open_sealed(struct fg_node *n, const struct fg_message *msg);
/* Same, by the sender's address and the message's packet number. */
int	fg_node_open_sealed_at(struct fg_node *n, uint32_t ip, uint16_t port,
	    uint64_t pktno, uint32_t command);
/* Sets or clears the away state (text NULL: back); announces it. */
int	fg_node_set_away(struct fg_node *n, const char *text);
/* Changes nick and/or group (NULL keeps one); announces it. */
int	fg_node_set_names(struct fg_node *n, const char *nick, const char *group);
/* Broadcasts our entry again. */
int	fg_node_refresh(struct fg_node *n);
/* Asks a host for its version (GETINFO) and absence text (GETABSENCEINFO). */
int	fg_node_query_info(struct fg_node *n, const struct fg_dest *to);

/* Offers files and folders (absolute or relative paths) to one host. */
int	fg_node_offer_files(struct fg_node *n, const struct fg_dest *to,
	    const char *const *paths, size_t npaths, const char *text,
	    fg_node_send_cb cb, void *arg, uint64_t *offer_id, char *err,
	    size_t errlen);
/* Withdraws an offer of ours; its files are no longer served. */
int	fg_node_cancel_offer(struct fg_node *n, uint64_t offer_id);

#define FG_ACCEPT_OVERWRITE	0x1	/* replace files of the same name */

/* Download caps: 0 means no cap. */
struct fg_accept_caps {
	uint64_t	max_total;	/* bytes */
	uint64_t	max_files;	/* files and folders */
};
/* Downloads the files of an offer (fids NULL: all) into dir; *xfer_id names it. */
int	fg_node_accept(struct fg_node *n, uint64_t offer_id, const uint32_t *fids,
	    size_t nfids, const char *dir, unsigned flags,
	    const struct fg_accept_caps *caps, uint64_t *xfer_id, char *err,
	    size_t errlen);
/* Declines an offer: tells the sender (RELEASEFILES) and forgets it. */
int	fg_node_decline(struct fg_node *n, uint64_t offer_id);
/* Stops a transfer. */
int	fg_node_cancel_xfer(struct fg_node *n, uint64_t xfer_id);
/* Offers received and not yet finished, oldest first. */
const struct fg_offer *fg_node_offers_first(const struct fg_node *n);
const struct fg_offer *fg_node_offers_next(const struct fg_offer *o);
const struct fg_offer *fg_node_offer_find(const struct fg_node *n, uint64_t id);

/* Our keystore (NULL when encryption is off). */
const struct fg_keystore *fg_node_keystore(const struct fg_node *n);
/* Pins the key a peer sent (after a mismatch warning, say). */
int	fg_node_key_trust(struct fg_node *n, struct fg_peer *p, char *err,
	    size_t errlen);
/* Forgets the pin of (user, host); its key is fetched and pinned anew. */
int	fg_node_key_forget(struct fg_node *n, const char *user, const char *host,
	    char *err, size_t errlen);

/* The peer table (read only for callers). */
const struct fg_peers *fg_node_peers(const struct fg_node *n);
/* Our own names and state. */
const char *fg_node_user(const struct fg_node *n);
const char *fg_node_host(const struct fg_node *n);
const char *fg_node_nick(const struct fg_node *n);
const char *fg_node_group(const struct fg_node *n);
const char *fg_node_away(const struct fg_node *n);	/* NULL when present */
uint16_t fg_node_port(const struct fg_node *n);

/*
 * Fault injection for tests: filter sees every datagram before it is parsed
 * and returns 1 to drop it, as a lossy network would.
 */
typedef int (*fg_node_rx_filter)(void *arg, const void *p, size_t len,
    uint32_t ip, uint16_t port);
void	fg_node_set_rx_filter(struct fg_node *n, fg_node_rx_filter f, void *arg);

struct fg_node_stats {
	uint64_t	rx_packets, rx_bad, rx_dropped, tx_packets, tx_errors;
	uint64_t	retries, duplicates, peers_refused;
};
/* Counters since start. */
void	fg_node_stats(const struct fg_node *n, struct fg_node_stats *st);

#endif /* FG_NODE_H */
