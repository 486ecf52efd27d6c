/*
 * hist: the glue between a node and the history database. The daemon and
 * the short-lived node open one and hand it to rpc (fg_rpc_set_hist); rpc
 * calls in here when it sends for a client and for every node event. The
 * glue records messages in and out, broadcasts, read receipts, and offers
 * with their files as attachments whose outcome follows the transfers.
 * Every function takes a NULL handle as "no history". A history error is
 * printed on stderr and never fails what caused it.
 */
#ifndef FG_CMD_HIST_H
#define FG_CMD_HIST_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "history.h"
#include "node.h"
#include "peer.h"

/* Outgoing messages remembered to map acknowledgements to their peer. */
#define FG_HIST_RING		1024
/* How long a write waits for another process's lock: a send never waits long. */
#define FG_HIST_BUSY_MS		250
/* Offers whose outcome is still followed; the oldest is forgotten. */
#define FG_HIST_MAX_OFFERS	256

struct fg_hist;

/* Opens (or creates) the history database at path for a node. */
int	fg_hist_open(const char *path, struct fg_hist **out, char *err,
	    size_t errlen);
/* Opens path, or says on stderr why not and gives NULL; "" or NULL: none. */
struct fg_hist *fg_hist_try_open(const char *path);
/* Lets the glue look offers up on n and settle downloads on loop (a timer). */
void	fg_hist_set_node(struct fg_hist *h, uv_loop_t *loop, struct fg_node *n);
/* Closes the glue's timer; run the loop once more before fg_hist_close. */
void	fg_hist_stop(struct fg_hist *h);
/* Closes the database and frees h; NULL is a no-op. */
void	fg_hist_close(struct fg_hist *h);
/* The database underneath (for tests and readers). */
struct fg_history *fg_hist_db(struct fg_hist *h);
/* 1 while h would print history errors (tests turn it off). */
void	fg_hist_set_quiet(struct fg_hist *h, int quiet);

/* Records node events: messages in, read receipts, offers, transfer ends. */
void	fg_hist_event(struct fg_hist *h, const struct fg_event *ev);

/* Records a message sent as node message id to each of to[] (peers from t). */
void	fg_hist_sent(struct fg_hist *h, const struct fg_peers *t, uint64_t id,
	    const struct fg_dest *to, size_t nto, const char *text, int sealed);
/*
 * Moves a recorded message to acked (status 0) or failed, for one
 * destination. For an offer, id is the offer id given to
 * fg_hist_record_offer_out (not the message id the node reports).
 */
void	fg_hist_send_result(struct fg_hist *h, uint64_t id,
	    const struct fg_dest *to, int status);
/* Records a broadcast that went to sent peers. */
void	fg_hist_broadcast(struct fg_hist *h, const char *text, size_t sent);
/* Records that the user opened the received sealed message msg_id. */
void	fg_hist_opened(struct fg_hist *h, uint64_t msg_id);

/*
 * Records an offer of ours (fg_node_offer_files returned offer_id): the
 * message with text and one attachment per path. Call it right after the
 * node took the offer; the ack goes to fg_hist_send_result with offer_id,
 * and the outcome follows from FG_EV_XFER_DONE and FG_EV_OFFER_END.
 */
void	fg_hist_record_offer_out(struct fg_hist *h, const struct fg_peers *t,
	    uint64_t offer_id, const struct fg_dest *to, const char *text,
	    const char *const *paths, size_t npaths);
/* Notes the folder an incoming offer is being downloaded into. */
void	fg_hist_offer_accepted(struct fg_hist *h, uint64_t offer_id,
	    const char *dir);
/* Marks the files of an incoming offer we declined as declined. */
void	fg_hist_offer_declined(struct fg_hist *h, uint64_t offer_id);
/*
 * Settles the files of an incoming offer after a download ended, from the
 * offer as the node has it now (after: NULL when the node dropped it, which
 * it does once every file is fetched). The timer calls it; tests may too.
 */
void	fg_hist_settle_download(struct fg_hist *h, uint64_t offer_id,
	    const struct fg_offer *after);

#endif /* FG_CMD_HIST_H */
