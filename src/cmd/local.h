/*
 * local: a short-lived node for `send`, `broadcast` and `list` when no
 * daemon runs. It starts a node on its own loop, waits as the request
 * needs (for peers to answer, or for the named peer to appear), runs the
 * request through the same rpc handlers as the daemon, then says goodbye.
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

#endif /* FG_CMD_LOCAL_H */
