/*
 * dirstream: the GETDIRFILES directory stream (protocol notes 5.3),
 *	HHHH:name:size:attr[:key=val]*:<size data bytes unless DIR/RETPARENT>
 * decoded incrementally from chunks of any size, and encoded one header at
 * a time. Pure code, no I/O. Names are reported raw: sanitising is the
 * file engine's job.
 */
#ifndef FG_DIRSTREAM_H
#define FG_DIRSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "proto.h"

struct fg_dirent {
	char		name[FG_MAX_FILENAME + 1];	/* unescaped, raw charset bytes */
	uint64_t	size;
	uint32_t	attr;		/* FG_FILE_TYPE(attr) is the type */
	uint64_t	mtime, atime, ctime;	/* 0 when absent; ctime: key 0x16 */
	uint32_t	perm;
	unsigned	has_mtime : 1, has_atime : 1, has_ctime : 1, has_perm : 1;
};

enum fg_dirstream_ev {
	FG_DS_NEED_MORE = 0, FG_DS_ENTER, FG_DS_FILE, FG_DS_DATA, FG_DS_FILE_END,
	FG_DS_LEAVE, FG_DS_END
};

struct fg_dirstream_event {
	enum fg_dirstream_ev	 type;
	const struct fg_dirent	*ent;	/* all but NEED_MORE, END; valid until the next feed */
	const uint8_t		*data;	/* DATA: points into the caller's chunk */
	size_t			 len;	/* DATA: bytes */
	unsigned		 depth;	/* depth after the event */
};

struct fg_dirstream;

/* Makes a decoder; NULL when out of memory. */
struct fg_dirstream *fg_dirstream_new(void);
/* Frees a decoder; NULL is a no-op. */
void	fg_dirstream_free(struct fg_dirstream *ds);
/*
 * Consumes some of p[0..len) (*used) and reports at most one event. Call
 * again with the rest until everything is used and the event is NEED_MORE.
 * A FILE is followed by DATA totalling ent->size bytes, then FILE_END. After
 * an error every later call returns the same error.
 */
int	fg_dirstream_feed(struct fg_dirstream *ds, const uint8_t *p, size_t len,
	    size_t *used, struct fg_dirstream_event *ev);
/* 1 when the stream has ended (its last record is complete). */
int	fg_dirstream_done(const struct fg_dirstream *ds);
/* Records seen so far. */
uint64_t fg_dirstream_records(const struct fg_dirstream *ds);
/* Bytes of file data announced so far (saturates). */
uint64_t fg_dirstream_bytes(const struct fg_dirstream *ds);

/* Parses one complete header of exactly len bytes into *e. */
int	fg_dirstream_parse_header(const void *p, size_t len, struct fg_dirent *e);
/* Appends e's header in the official layout; FG_ERR_LIMIT when too long. */
int	fg_dirstream_put_header(struct fg_buf *out, const struct fg_dirent *e);

#endif /* FG_DIRSTREAM_H */
