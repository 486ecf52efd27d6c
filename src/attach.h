/*
 * attach: the attachment list of SENDMSG|FILEATTACHOPT,
 *	fileID:name:size:mtime:attr[:key=val[,val]]...:\a fileID:...
 * fileID is decimal; size, mtime, attr and extended attributes are hex; a
 * ':' in a name is written "::". Entries may be separated by "\a", ":\a",
 * "\a:" or ":\a:"; we emit ":\a".
 */
#ifndef FG_ATTACH_H
#define FG_ATTACH_H

#include <stdint.h>

#include "buf.h"
#include "proto.h"

struct fg_attach {
	uint32_t	fid;
	char		name[FG_MAX_FILENAME + 1];	/* unescaped, packet charset */
	uint64_t	size;
	uint64_t	mtime;
	uint32_t	attr;		/* FG_FILE_TYPE(attr) is the type */
	uint64_t	ctime;		/* FG_XATTR_CREATETIME, when has_ctime */
	uint32_t	perm;		/* FG_XATTR_PERM, when has_perm */
	uint32_t	clip_pos;	/* FG_XATTR_CLIPBOARDPOS, when has_clip_pos */
	unsigned	has_ctime : 1, has_perm : 1, has_clip_pos : 1;
};

struct fg_attach_list {
	struct fg_attach *v;
	size_t		 n;
};

/* Reads the next entry from b into *a; FG_ERR_NOT_FOUND at the end of the list. */
int	fg_attach_next(struct fg_buf *b, struct fg_attach *a);
/* Parses a whole list (at most FG_MAX_ATTACH entries) into a new array. */
int	fg_attach_parse(const void *p, size_t len, struct fg_attach_list *list);
/* Frees the array of a parsed list. */
void	fg_attach_list_free(struct fg_attach_list *list);
/* Appends one entry, ending in ":\a". */
int	fg_attach_put(struct fg_buf *out, const struct fg_attach *a);
/* Appends name with every ':' doubled. */
int	fg_attach_put_name(struct fg_buf *out, const char *name);
/*
 * Reads a name field ending at a single ':' ("::" is a literal ':') into
 * dst (NUL-terminated, at most FG_MAX_FILENAME bytes) and consumes the ':'.
 */
int	fg_attach_get_name(struct fg_buf *b, char *dst, size_t dstsz);

#endif /* FG_ATTACH_H */
