/*
 * hostlist: host-list exchange for peers that broadcast does not reach.
 * GETLIST's extra is the start index (decimal, empty = 0). ANSLIST's is
 *	%5d \a %5d \a { user \a host \a status \a ip \a port \a nick \a group \a }*
 * continuation index (0 = last part), host count, then the hosts. The port
 * is byte-swapped (2425 shows as 30985); '\b' stands for an empty nick or group.
 */
#ifndef FG_HOSTLIST_H
#define FG_HOSTLIST_H

#include <stdint.h>

#include "buf.h"

struct fg_hostent {
	struct fg_span	user, host;
	uint32_t	status;		/* the host's last command word */
	struct fg_span	addr;		/* dotted IPv4 text */
	uint16_t	port;		/* host byte order, already swapped back */
	struct fg_span	nick, group;	/* empty for '\b' */
};

struct fg_hostlist {
	uint32_t	cont;		/* next start index; 0 when this is the last part */
	uint32_t	count;		/* hosts announced in this part */
	struct fg_buf	b;		/* cursor over the remaining host fields */
	uint32_t	seen;
};

/* Reads the ANSLIST header of extra; then fg_hostlist_next yields the hosts. */
int	fg_hostlist_begin(struct fg_hostlist *hl, struct fg_span extra);
/* Reads the next host; FG_ERR_NOT_FOUND after the last one. */
int	fg_hostlist_next(struct fg_hostlist *hl, struct fg_hostent *he);
/* Reads a GETLIST extra (empty = 0). */
int	fg_hostlist_parse_start(struct fg_span extra, uint32_t *start);
/* Appends the ANSLIST header. */
int	fg_hostlist_put_header(struct fg_buf *out, uint32_t cont, uint32_t count);
/* Appends one host (spans in he, port in host order). */
int	fg_hostlist_put_host(struct fg_buf *out, const struct fg_hostent *he);

#endif /* FG_HOSTLIST_H */
