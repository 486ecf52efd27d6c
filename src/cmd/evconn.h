/*
 * evconn: one connection to the daemon that both makes requests and
 * follows events, for the commands that wait for something to happen
 * (`send-file --wait`, `accept`, `recv`). Subscribing comes first, so no
 * event of a request made afterwards can be missed; events that arrive
 * while a reply is awaited are queued, in order, for fg_evconn_event.
 */
#ifndef FG_CMD_EVCONN_H
#define FG_CMD_EVCONN_H

#include <stddef.h>

#include <jansson.h>

#include "client.h"
#include "cmd.h"

struct fg_evconn {
	struct fg_client	 c;
	json_t			*queue;		/* events not yet taken */
	int			 next_id;
	int			 open;
	int			 absent;	/* no daemon listens */
};

/*
 * Connects to the daemon of ctx and, when watch is 1, subscribes to its
 * events. Returns an exit code: FG_EXIT_NO_DAEMON (after printing
 * nodaemon, or the generic hint when NULL, or nothing when it is "") when
 * none runs.
 */
int	fg_evconn_open(struct fg_evconn *e, struct fg_cmd_ctx *ctx, int watch,
	    const char *nodaemon);
/* Sends req (its "id" is set) and reads until its reply; 0 or FG_ERR_*. */
int	fg_evconn_call(struct fg_evconn *e, json_t *req, json_t **reply,
	    char *err, size_t errlen);
/* The next event, queued or read; FG_ERR_CLOSED when the daemon left. */
int	fg_evconn_event(struct fg_evconn *e, json_t **ev, char *err,
	    size_t errlen);
/* Closes the connection and drops queued events. */
void	fg_evconn_close(struct fg_evconn *e);

#endif /* FG_CMD_EVCONN_H */
