/*
 * node_int: the node's private state, shared by node.c (lifecycle, sockets,
 * dispatch), presence.c (entry family and host lists) and message.c
 * (messages, receipts, info). Nothing outside those three includes it.
 */
#ifndef FG_NODE_INT_H
#define FG_NODE_INT_H

#include <sys/queue.h>

#include "attach.h"
#include "buf.h"
#include "crypto.h"
#include "netif.h"
#include "node.h"
#include "packet.h"
#include "pktno.h"
#include "xfer.h"

#define FG_SEEN_RING		256	/* recent (sender, pktno) pairs kept for dedupe */
#define FG_SEALED_SENT_MAX	1024	/* sealed messages we remember for READ events */
#define FG_ENTRY_REPEAT_MS	5000	/* the second entry round, for lost packets */
#define FG_GETLIST_AFTER_MS	3000	/* answer list requests only this long after start */
#define FG_READ_RETRY_MS	750	/* READMSG resend interval */
#define FG_READ_RETRIES		12
#define FG_MOVE_AFTER_MS	7000	/* a known host moves address only after this */

/* Our names in one charset, for the header and the entry payload. */
struct node_names {
	int		 valid;
	struct fg_buf	 user, host, nick, group;	/* NUL-terminated */
};

enum out_kind { OUT_MSG, OUT_READ };

/* One datagram we resend until it is answered. */
struct outmsg {
	struct fg_node	*node;
	enum out_kind	 kind;
	uint64_t	 id;		/* message id given to the caller */
	uint32_t	 pktno;
	uint32_t	 command;
	struct fg_dest	 to;
	char		*text;		/* UTF-8 (built when the peer is known) */
	struct fg_attach *attach;	/* offered files, names in UTF-8 */
	size_t		 nattach;
	struct fg_buf	 dgram;
	unsigned	 left;		/* retransmissions left */
	unsigned	 interval;
	int		 probing;	/* waiting for an unknown host to answer */
	int		 keywait;	/* waiting for the peer's public key */
	int		 keyasked;	/* asked for it once already */
	int		 encrypted;	/* the datagram built is encrypted */
	int		 noack;
	fg_node_send_cb	 cb;
	void		*arg;
	uv_timer_t	 timer;
	TAILQ_ENTRY(outmsg) entry;
};
TAILQ_HEAD(outmsg_list, outmsg);

/* A file or folder of an offer we made, and whether it was fetched. */
struct out_file {
	uint32_t	 fid;
	char		*path;		/* absolute */
	char		*name;		/* base name, UTF-8 */
	uint64_t	 size, mtime;
	uint32_t	 attr;
	int		 state;		/* OUT_FILE_* */
};
#define OUT_FILE_READY	0
#define OUT_FILE_BUSY	1
#define OUT_FILE_DONE	2

struct out_offer {
	uint64_t	 id;
	uint32_t	 pktno;
	struct fg_dest	 to;
	uint64_t	 expires_ms;
	struct out_file	*files;
	size_t		 nfiles;
	TAILQ_ENTRY(out_offer) entry;
};
TAILQ_HEAD(out_offer_list, out_offer);
TAILQ_HEAD(in_offer_list, fg_offer);

#define FG_MAX_REQUEST		8192	/* a TCP file request */
#define FG_REQUEST_IDLE_MS	500	/* silence that ends a request without NUL */
#define FG_REQUEST_MAX_MS	10000	/* the longest a request may take */
#define FG_MAX_INCOMING		256	/* offers received and kept */
#define FG_MAX_XFERS		32	/* transfers running at once */

/* A TCP connection whose request is being read. */
struct req_conn {
	struct fg_node	*node;
	uv_tcp_t	 tcp;
	uv_timer_t	 timer;
	uint8_t		 buf[FG_MAX_REQUEST];
	size_t		 len;
	uint64_t	 start_ms;
	uint32_t	 ip;
	uint16_t	 port;
	int		 closing, handles;
	TAILQ_ENTRY(req_conn) entry;
};
TAILQ_HEAD(req_conn_list, req_conn);

struct seen {
	uint64_t	pktno;
	uint64_t	who;		/* hash of (user, host) */
};

struct sealed_sent {
	uint64_t	id;
	uint32_t	pktno;
	uint32_t	ip;
};

struct fg_node {
	uv_loop_t	*loop;
	fg_node_event_cb cb;
	void		*cb_arg;

	char		*user, *host, *nick, *group, *away;	/* UTF-8 */
	struct node_names names[4];	/* by enum fg_charset */
	enum fg_charset	 legacy;
	uint32_t	 bind_ip;
	uint16_t	 port;
	int		 bound_any;
	struct fg_targets targets;
	struct fg_targets locals;	/* our own addresses, to spot our echo */
	unsigned	 retry_ms, retries, probe_ms;
	int		 get_list, getting_list;

	uv_udp_t	 udp;
	uv_tcp_t	 tcp;		/* file transfer listens here */
	uv_timer_t	 entry_timer;
	int		 started, stopping, closing;
	void		(*stop_done)(struct fg_node *, void *);
	void		*stop_arg;
	uint64_t	 start_ms;

	struct fg_peers	*peers;
	struct fg_pktno	 pktno;
	uint64_t	 next_id;
	struct outmsg_list out;
	struct seen	 seen[FG_SEEN_RING];
	size_t		 seen_next;
	struct sealed_sent sealed[FG_SEALED_SENT_MAX];
	size_t		 sealed_next;
	struct out_offer_list offers_out;
	struct in_offer_list offers_in;
	size_t		 noffers_in;
	struct req_conn_list reqs;
	struct xjob_list jobs;
	size_t		 njobs;
	struct xfer_note_list notes;	/* from workers, under xfer_lock */
	uv_mutex_t	 xfer_lock;
	uv_async_t	 xfer_async;
	uv_timer_t	 offer_timer;	/* expires outgoing offers */
	int		 offers_started;
	unsigned	 offer_lifetime_s;
	struct fg_keystore *ks;
	struct fg_node_stats stats;
	fg_node_rx_filter rx_filter;
	void		*rx_filter_arg;
	uint8_t		 rxbuf[65536];
};

/* node.c */
uint64_t node_now(const struct fg_node *n);
uint32_t node_next_pktno(struct fg_node *n);
const struct node_names *node_names_for(struct fg_node *n, enum fg_charset cs);
int	node_begin(struct fg_node *n, struct fg_buf *b, enum fg_charset cs,
	    uint32_t pktno, uint32_t cmd, size_t max);
int	node_sendto(struct fg_node *n, uint32_t ip, uint16_t port,
	    const void *p, size_t len);
int	node_send_simple(struct fg_node *n, uint32_t ip, uint16_t port,
	    const struct fg_peer *p, uint32_t cmd, const char *extra);
void	node_emit(struct fg_node *n, const struct fg_event *ev);
void	node_close_handle(struct fg_node *n, uv_handle_t *h, uv_close_cb cb);
int	node_decode(struct fg_node *n, enum fg_charset cs, struct fg_span in,
	    char **out);
size_t	node_max_dgram(const struct fg_peer *p);

/* presence.c */
int	presence_announce(struct fg_node *n, uint32_t mode);
void	presence_on_packet(struct fg_node *n, const struct fg_packet *pkt,
	    uint32_t ip, uint16_t port);
struct fg_peer *presence_touch(struct fg_node *n, const struct fg_packet *pkt,
	    uint32_t ip, uint16_t port, int add);

/* offer.c */
int	offer_init(struct fg_node *n);
void	offer_start(struct fg_node *n);
void	offer_stop(struct fg_node *n);
void	offer_free_all(struct fg_node *n);
void	offer_job_ended(struct fg_node *n, const struct xjob *j);
void	offer_on_connection(struct fg_node *n, uv_stream_t *server);
void	offer_on_release(struct fg_node *n, const struct fg_packet *pkt,
	    uint32_t ip);
void	offer_on_message(struct fg_node *n, const struct fg_message *m,
	    const struct fg_peer *p, enum fg_charset cs);
int	message_send_attach(struct fg_node *n, const struct fg_dest *to,
	    const char *text, const struct out_offer *o, fg_node_send_cb cb,
	    void *arg, uint64_t *id);

/* secure.c */
uint32_t secure_status_opts(const struct fg_node *n);
int	secure_can_encrypt(const struct fg_node *n, const struct fg_peer *p);
int	secure_needs_key(struct fg_node *n, const struct outmsg *o);
int	secure_build(struct fg_node *n, struct outmsg *o, const struct fg_peer *p,
	    enum fg_charset cs, uint32_t cmd);
int	secure_open(struct fg_node *n, const struct fg_packet *pkt,
	    struct fg_peer *p, struct fg_buf *plain, unsigned *flags,
	    char *key_id, size_t key_idsz);
void	secure_on_packet(struct fg_node *n, const struct fg_packet *pkt,
	    uint32_t ip, uint16_t port);
int	secure_file_capable(const struct fg_node *n, const struct fg_peer *p);
int	secure_file_request(struct fg_node *n, const struct fg_peer *p,
	    uint64_t offer_pktno, struct xfer_file *f);
int	secure_file_request_open(struct fg_node *n, const struct fg_packet *pkt,
	    uint32_t ip, struct fg_crypto_filereq *q);

/* presence.c, continued */
void	presence_probe(struct fg_node *n, uint32_t ip, uint16_t port);

/* message.c */
void	message_on_packet(struct fg_node *n, const struct fg_packet *pkt,
	    uint32_t ip, uint16_t port);
void	message_peer_known(struct fg_node *n, const struct fg_peer *p);
void	message_cancel_all(struct fg_node *n);
void	message_peer_keyed(struct fg_node *n, const struct fg_peer *p);
int	message_put_attach_list(const struct outmsg *o, enum fg_charset cs,
	    struct fg_buf *b);
void	message_forget_sender(struct fg_node *n, const char *user, const char *host);

#endif /* FG_NODE_INT_H */
