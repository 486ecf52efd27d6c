/*
 * rpc: the requests a CLI makes of a node, handled the same way for the
 * daemon (server.c, over the Unix socket) and for the short-lived node that
 * `send`, `broadcast` and `list` run in-process (local.c).
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
 *   info peer:PEER                peer (object or null) address port
 *                                 version absence (strings or null); code
 *                                 "timeout" when the host never answered
 *   read msg:ID                   msg (opens a received sealed message)
 *   watch                         (nothing), then event lines until the
 *                                 client goes away
 *
 * Events: {"v":1, "event":E, ...}, E one of
 *   peer_join, peer_leave, peer_change   peer
 *   message   id pktno user host text sealed broadcast autoret multicast
 *             attach address port peer
 *   receipt, read                        id address port peer
 *   info      text absence address port peer
 * where peer is {"index","nick","group","user","host","address","port",
 * "away","version","encoding"} (or null for a host not in the table).
 *
 * PEER: a decimal number is a peer's index; else "a.b.c.d" or
 * "a.b.c.d:port" (port defaults to the node's; an address not in the table
 * is still a destination); else "user@host" (ASCII case ignored); else an
 * exact nick. An index or user@host that matches nothing is tried as a nick.
 *
 * Codes: bad_request, bad_version, unknown_command, unknown_peer,
 * ambiguous_peer, unknown_message, timeout, send_failed, too_long, closed,
 * internal.
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
