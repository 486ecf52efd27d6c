/*
 * client: the CLI's side of the daemon's socket. A plain blocking AF_UNIX
 * stream: send one request line, then read reply and event lines.
 */
#ifndef FG_CMD_CLIENT_H
#define FG_CMD_CLIENT_H

#include <stddef.h>

#include <jansson.h>

struct fg_client {
	int	 fd;
	char	*buf;		/* received bytes not yet returned */
	size_t	 len, cap;
};

/* Connects to path; FG_ERR_NOT_FOUND when no daemon listens there. */
int	fg_client_connect(struct fg_client *c, const char *path, char *err,
	    size_t errlen);
/* Sends msg as one line. */
int	fg_client_send(struct fg_client *c, json_t *msg, char *err,
	    size_t errlen);
/* Reads the next line as JSON; FG_ERR_CLOSED when the daemon hung up. */
int	fg_client_recv(struct fg_client *c, json_t **msg, char *err,
	    size_t errlen);
/* Closes the connection and frees the buffer. */
void	fg_client_close(struct fg_client *c);

#endif /* FG_CMD_CLIENT_H */
