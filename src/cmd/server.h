/*
 * server: the daemon's side of the Unix socket. It listens on
 * <home>/feige.sock, reads JSON request lines from each client, hands them
 * to rpc and writes the replies and `watch` events back as lines.
 */
#ifndef FG_CMD_SERVER_H
#define FG_CMD_SERVER_H

#include <stddef.h>

#include <uv.h>

#include "rpc.h"

/* Longest request line a client may send. */
#define FG_SERVER_MAX_LINE	(1024 * 1024)
/* A client whose unsent output passes this is dropped (a stuck watcher). */
#define FG_SERVER_MAX_BACKLOG	(8 * 1024 * 1024)

struct fg_server;

/* Checks path: *busy when a daemon answers there; removes a stale socket. */
int	fg_server_probe(const char *path, int *busy, char *err, size_t errlen);
/* Listens on path; *busy is set when another daemon answers there. */
int	fg_server_listen(uv_loop_t *loop, struct fg_rpc *rpc, const char *path,
	    struct fg_server **out, int *busy, char *err, size_t errlen);
/* Stops listening, removes the socket and drops every client. */
void	fg_server_close(struct fg_server *s);
/* Frees a closed server once the loop has run; NULL is a no-op. */
void	fg_server_free(struct fg_server *s);
/* Number of connected clients. */
size_t	fg_server_clients(const struct fg_server *s);

#endif /* FG_CMD_SERVER_H */
