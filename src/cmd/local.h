/*
 * local: a short-lived node for `send`, `broadcast` and `list` when no
 * daemon runs. It starts a node on its own loop, waits as the request
 * needs (for peers to answer, or for the named peer to appear), runs the
 * request through the same rpc handlers as the daemon, then says goodbye.
 * A session (`send-file --wait`) also follows the node's events until the
 * caller has seen what it waits for.
 */
#ifndef FG_CMD_LOCAL_H
#define FG_CMD_LOCAL_H

#include <stddef.h>

#include <jansson.h>

#include "opts.h"

/* Default wait for peers' answers, in ms (`list --wait`). */
#define FG_LOCAL_WAIT_MS	1500

/*
 * Runs req on a short-lived node: list and broadcast first wait wait_ms
 * for peers; send waits up to wait_ms for its peers to appear. *reply gets
 * the rpc reply. FG_ERR_SYSTEM means the node could not start (err says why).
 */
int	fg_local_run(const struct fg_node_opts *o, json_t *req,
	    unsigned wait_ms, json_t **reply, char *err, size_t errlen);

/* Gets each reply and event line of a session; returns 1 to end it. */
typedef int (*fg_local_line_cb)(void *arg, json_t *msg);

/*
 * Runs req on a short-lived node that is watched from its start, as a
 * client that sent "watch" first: line gets the request's reply and every
 * event until it returns 1 or SIGINT/SIGTERM comes (*interrupted is then
 * 1). The request waits for its peer as send does. FG_ERR_SYSTEM means the
 * node could not start (err says why).
 */
int	fg_local_session(const struct fg_node_opts *o, json_t *req,
	    unsigned wait_ms, fg_local_line_cb line, void *arg,
	    int *interrupted, char *err, size_t errlen);

#endif /* FG_CMD_LOCAL_H */
