/* client: blocking JSON-lines requests to the daemon. */
#include "client.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feige/feige.h"
#include "server.h"

int
fg_client_connect(struct fg_client *c, const char *path, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	int fd, e;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return FG_ERR_LIMIT;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		e = errno;
		close(fd);
		if (e == ENOENT || e == ECONNREFUSED) {
			snprintf(err, errlen, "no daemon running");
			return FG_ERR_NOT_FOUND;
		}
		snprintf(err, errlen, "cannot connect to %s: %s", path,
		    strerror(e));
		return FG_ERR_SYSTEM;
	}
	c->fd = fd;
	return 0;
}

int
fg_client_send(struct fg_client *c, json_t *msg, char *err, size_t errlen)
{
	char *s;
	size_t len, off = 0;
	ssize_t n;
	int r = 0;

	if ((s = json_dumps(msg, JSON_COMPACT)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return FG_ERR_ALLOC;
	}
	len = strlen(s);
	s[len] = '\n';		/* json_dumps' NUL becomes the newline */
	len++;
	while (off < len) {
		n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot talk to the daemon: %s",
			    strerror(errno));
			r = FG_ERR_SYSTEM;
			break;
		}
		off += (size_t)n;
	}
	free(s);
	return r;
}

int
fg_client_recv(struct fg_client *c, json_t **msg, char *err, size_t errlen)
{
	json_error_t jerr;
	char *nl, *p;
	size_t linelen;
	ssize_t n;

	*msg = NULL;
	for (;;) {
		if (c->len > 0 &&
		    (nl = memchr(c->buf, '\n', c->len)) != NULL) {
			linelen = (size_t)(nl - c->buf);
			*msg = json_loadb(c->buf, linelen, 0, &jerr);
			memmove(c->buf, nl + 1, c->len - linelen - 1);
			c->len -= linelen + 1;
			if (*msg == NULL) {
				snprintf(err, errlen, "bad line from the "
				    "daemon: %s", jerr.text);
				return FG_ERR_FORMAT;
			}
			return 0;
		}
		if (c->len > FG_SERVER_MAX_LINE) {
			snprintf(err, errlen, "the daemon sent a line that is "
			    "too long");
			return FG_ERR_LIMIT;
		}
		if (c->cap - c->len < 65536) {
			if ((p = realloc(c->buf, c->cap + 65536)) == NULL) {
				snprintf(err, errlen, "out of memory");
				return FG_ERR_ALLOC;
			}
			c->buf = p;
			c->cap += 65536;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read from the daemon: %s",
			    strerror(errno));
			return FG_ERR_SYSTEM;
		}
		if (n == 0) {
			snprintf(err, errlen, "the daemon closed the connection");
			return FG_ERR_CLOSED;
		}
		c->len += (size_t)n;
	}
}

void
fg_client_close(struct fg_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}
