/*
 * rpc: the requests a CLI makes of a node, handled the same way for the
 * daemon (server.c, over the Unix socket) and for the short-lived node that
 * `send`, `broadcast`, `list` and `send-file --wait` run in-process
 * (local.c).
 *
 * Wire protocol, version 1, on <home>/feige.sock (a stream socket): both
 * sides send UTF-8 JSON objects, one per line ("\n"), each line at most
 * 1 MiB (the daemon drops a client whose line is longer).
 *
 * Request:  {"v":1, "id":N, "cmd":NAME, ...arguments}
 * Reply:    {"v":1, "id":N, "ok":true, ...result}
 *           {"v":1, "id":N, "ok":false, "code":CODE, "error":TEXT}
 * "id" is echoed as given (null when absent). Unknown fields are ignored.
 * A request whose "v" is missing or not 1 gets code "bad_version".
 *
 * Commands and results:
 *   status                        user host nick group port away away_text
 *                                 peers version pid stats:{node counters}
 *   list                          peers: [peer...]
 *   send  to:PEER|[PEER...] text:S [seal:bool]
 *                                 msg acked:["ip:port"...]; the reply comes
 *                                 once every destination acknowledged or
 *                                 gave up; else code "timeout" with msg,
 *                                 acked and failed
 *   broadcast text:S              sent: number of peers
 *   away [text:S]                 (default text when absent)
 *   back, refresh                 (nothing)
 *   names [nick:S] [group:S]      (nothing); changes and announces them
 *   info peer:PEER                peer (object or null) address port
 *                                 version absence (strings or null); code
 *                                 "timeout" when the host never answered
 *   read msg:ID                   msg (opens a received sealed message)
 *   watch                         (nothing), then event lines until the
 *                                 client goes away
 *   send_file to:PEER paths:[ABS...] [text:S]
 *                                 offer msg; offers files and folders (1 to
 *                                 1024 absolute paths: the daemon's working
 *                                 folder is not the client's) in one
 *                                 SENDMSG|FILEATTACHOPT; the reply comes once
 *                                 the peer acknowledged; code "timeout" (with
 *                                 offer, msg) when it never did, and then the
 *                                 offer is withdrawn; "file_error" for a path
 *                                 that is not a readable file or folder. The
 *                                 offer is served until offer_end.
 *   offers                        offers: [OFFER...] received and not yet
 *                                 fetched or declined, oldest first
 *   accept offer:ID to:ABS [files:[FID|NAME...]] [overwrite:bool]
 *          [max_total:N] [max_files:N]
 *                                 xfer offer count total; replies at once and
 *                                 downloads into the folder to (absolute,
 *                                 existing); files picks some (a string is a
 *                                 name, else a decimal fid); the caps (bytes,
 *                                 entries; 0 or absent: none) are checked
 *                                 against the announced sizes ("too_large")
 *                                 and again while folders stream in. Follow
 *                                 the xfer_progress/xfer_done events of xfer.
 *                                 Nothing is replaced without overwrite: a
 *                                 name taken gets " (1)" and so on.
 *   decline offer:ID              offer; sends RELEASEFILES and forgets it
 *   cancel offer:ID | xfer:ID     cancelled:"offer"|"xfer" and the id;
 *                                 withdraws an offer of ours (its uploads
 *                                 stop) or stops a transfer; with both, the
 *                                 offer is tried first
 *
 * Events: {"v":1, "event":E, ...}, E one of
 *   peer_join, peer_leave, peer_change   peer
 *   message   id pktno user host text sealed broadcast autoret multicast
 *             attach address port peer
 *   receipt, read                        id address port peer
 *   info      text absence address port peer
 *   offer     OFFER and msg (the id of its message event)
 *   offer_end id why address port peer; one of our offers ended, why is
 *             "fetched", "released" (the peer declined or let go),
 *             "cancelled" or "expired"
 *   xfer_progress  id offer upload address name file_done file_total
 *             offset done total files_done files_total (at most 5 a
 *             second per transfer; offer is ours for uploads, the
 *             received one for downloads; an upload is one file)
 *   xfer_done the same and status ("ok", "cancelled", "error"), error
 *             (text or null), path (the last file written, or null)
 *   log       text: something the node thought worth a log line
 * where peer is {"index","nick","group","user","host","address","port",
 * "away","version","encoding"} (or null for a host not in the table).
 * OFFER is {"id","pktno","user","host","address","port","peer","time"
 * (Unix seconds),"age" (seconds),"text","count","total" (announced bytes;
 * folders count 0),"files":[{"fid","name","size","mtime","type" ("file" or
 * "folder"),"state" ("new","fetching","done","failed","declined")}]}.
 *
 * PEER: a decimal number is a peer's index; else "a.b.c.d" or
 * "a.b.c.d:port" (port defaults to the node's; an address not in the table
 * is still a destination); else "user@host" (ASCII case ignored); else an
 * exact nick. An index or user@host that matches nothing is tried as a nick.
 *
 * Codes: bad_request, bad_version, unknown_command, unknown_peer,
 * ambiguous_peer, unknown_message, timeout, send_failed, too_long, closed,
 * internal, unknown_offer, unknown_xfer, unknown_id, unknown_file,
 * file_error, too_large, busy.
 */
#ifndef FG_CMD_RPC_H
#define FG_CMD_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "node.h"
#include "peer.h"

/* Received sealed messages remembered for `read`. */
#define FG_RPC_SEALED_MAX	1024
/* Destinations in one send request. */
#define FG_RPC_MAX_DESTS	64
/* Received offers whose message text is remembered for `offers`. */
#define FG_RPC_OFFER_TEXTS	256
/* Text `away` uses when none is given. */
#define FG_RPC_AWAY_TEXT	"I am away from my desk."

struct fg_rpc;

/* Gets a reply or event line for ctx; msg is borrowed for the call only. */
typedef void (*fg_rpc_reply_cb)(void *ctx, json_t *msg);

/* Outcomes of fg_rpc_resolve. */
#define FG_RESOLVE_OK		0
#define FG_RESOLVE_UNKNOWN	1	/* no such peer */
#define FG_RESOLVE_AMBIGUOUS	2	/* a nick several peers have */
#define FG_RESOLVE_BAD		3	/* malformed (empty, bad port) */

/* Makes a handler set on loop; info_ms bounds `info` waits. NULL: no memory. */
struct fg_rpc *fg_rpc_new(uv_loop_t *loop, unsigned info_ms);
/* Gives the handlers their node (before any request that needs one). */
void	fg_rpc_set_node(struct fg_rpc *rpc, struct fg_node *node);
struct fg_hist;
/* Gives the handlers a history to record sends and events in (NULL: none). */
void	fg_rpc_set_hist(struct fg_rpc *rpc, struct fg_hist *hist);
/* Handles one request; reply gets exactly one reply now or later. */
int	fg_rpc_handle(struct fg_rpc *rpc, json_t *req, fg_rpc_reply_cb reply,
	    void *ctx);
/* Feeds a node event: remembers sealed messages, answers waits, tells watchers. */
void	fg_rpc_event(struct fg_rpc *rpc, const struct fg_event *ev);
/* Forgets ctx: its pending replies are dropped and its watch ends. */
void	fg_rpc_forget(struct fg_rpc *rpc, const void *ctx);
/* Number of replies still owed to ctx. */
size_t	fg_rpc_pending(const struct fg_rpc *rpc, const void *ctx);
/* 1 when ctx watches events. */
int	fg_rpc_watching(const struct fg_rpc *rpc, const void *ctx);
/* Starts closing the handles; run the loop, then fg_rpc_free. */
void	fg_rpc_close(struct fg_rpc *rpc);
/* Frees everything, dropping pending replies; NULL is a no-op. */
void	fg_rpc_free(struct fg_rpc *rpc);

/* Resolves a PEER string on table t; returns a FG_RESOLVE_ value, err says why. */
int	fg_rpc_resolve(const struct fg_peers *t, uint16_t defport,
	    const char *s, struct fg_dest *dest, const struct fg_peer **peer,
	    char *err, size_t errlen);
/* An error reply {"v":1,"id":id,"ok":false,"code":code,"error":text}. */
json_t	*fg_rpc_error(json_t *id, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif /* FG_CMD_RPC_H */
