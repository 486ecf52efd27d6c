/*
 * entry: the payload of the entry family (BR_ENTRY, ANSENTRY, BR_ABSENCE,
 * BR_EXIT, NOOPERATION):
 *	nick \0 group [\0 "\nUN:u\nHN:h\nNN:nick\nGN:group[\nVS:..]"]   (official)
 *	nick \0 group \0 icon \0 charset                               (iptux)
 */
#ifndef FG_ENTRY_H
#define FG_ENTRY_H

#include "buf.h"
#include "packet.h"

struct fg_entry {
	struct fg_span	nick;		/* section 0, sender's packet charset */
	struct fg_span	group;		/* section 1, may be empty */
	int		has_ext;	/* the UTF-8 "\n" section was present */
	struct fg_span	un, hn, nn, gn, vs; /* its values (UTF-8) */
	struct fg_span	fg;		/* our own "FG:" line: a feige node's version */
	int		has_un, has_hn, has_nn, has_gn, has_vs, has_fg;
	struct fg_span	icon;		/* iptux section 2 */
	struct fg_span	charset;	/* iptux section 3, e.g. "utf-8" */
};

/* Reads the entry payload of pkt; spans point into the packet's bytes. */
int	fg_entry_parse(const struct fg_packet *pkt, struct fg_entry *e);

/* What an entry payload we send carries. */
struct fg_entry_out {
	const char	*nick;	/* already in the packet's charset */
	const char	*group;	/* may be NULL or "" */
	/* The UTF-8 section; left out when un is NULL. */
	const char	*un, *hn, *nn, *gn;
	const char	*vs;	/* optional "VS:" line */
	const char	*fg;	/* optional "FG:" line (feige's version) */
};

/* Appends the entry payload (the extra and its sections) to out. */
int	fg_entry_put(struct fg_buf *out, const struct fg_entry_out *eo);

#endif /* FG_ENTRY_H */
