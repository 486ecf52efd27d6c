/*
 * fsafe: the download side's file-system guard. Received names become one
 * safe path component; files are written as `name.part` under a directory
 * fd, never through a symlink, and moved to their final name without
 * replacing anything unless asked. Every function is thread-safe (no global
 * state, no umask calls) and reports failure as a status code, errno left
 * as the failing call set it, and a message naming the file in err.
 */
#ifndef FG_FSAFE_H
#define FG_FSAFE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Longest name fg_fsafe_name makes, and the longest the file functions
 * take: NAME_MAX (255) less ".part", so that `name.part` is a legal name.
 */
#define FG_FSAFE_NAME_MAX	250
/* An extension (from the last '.', the dot included) is kept when cutting
 * or numbering only if it is at most this long. */
#define FG_FSAFE_EXT_MAX	16

/* fg_fsafe_finish flags. */
#define FG_FSAFE_OVERWRITE	0x1	/* replace a file, never a directory */
#define FG_FSAFE_SYNC		0x2	/* fsync the file before it is moved */

/*
 * Makes a safe single path component from a received UTF-8 name: bytes
 * < 0x20, 0x7f, '/', '\\', the C1 controls U+0080..U+009F, U+2028/U+2029
 * and the bidi controls U+202A..U+202E and U+2066..U+2069 become '_', as
 * does each byte of invalid UTF-8; ':', spaces and a leading '-' are kept.
 * A name that is empty or only dots becomes "_" followed by the dots. The
 * result is cut at a UTF-8 boundary to at most FG_FSAFE_NAME_MAX bytes,
 * keeping an extension of at most FG_FSAFE_EXT_MAX bytes. outsz must be at
 * least FG_FSAFE_NAME_MAX + 1. Returns 1 if anything changed, 0 if the name
 * was already safe, FG_ERR_INVAL for a NULL in or a too small out.
 */
int	fg_fsafe_name(const char *in, char *out, size_t outsz);

/*
 * Opens the download root the user chose (O_DIRECTORY|O_NOFOLLOW|
 * O_CLOEXEC): symlinks inside the path are followed, a symlink as its last
 * component is refused (end the path with '/' to go through it).
 */
int	fg_fsafe_open_root(const char *path, int *dirfd, char *err,
	    size_t errlen);

/*
 * Makes (mode 0755 & ~umask) or opens the sub-directory name (one safe
 * component) under dirfd without following a symlink there; anything but a
 * directory in the way is an error. *existed is 1 when it was there.
 */
int	fg_fsafe_mkdir(int dirfd, const char *name, int *subfd, int *existed,
	    char *err, size_t errlen);

/*
 * Opens `name.part` under dirfd for writing (mode 0644 & ~umask), refusing
 * a symlink, FIFO, device, directory or a file with other hard links. With
 * resume an existing .part is kept and *offset gets its size (the fd is
 * positioned there); without, it is truncated and *offset is 0.
 */
int	fg_fsafe_open_part(int dirfd, const char *name, int resume, int *fd,
	    uint64_t *offset, char *err, size_t errlen);

/*
 * Writes all len bytes to fd, going on after EINTR and short writes. On
 * failure (ENOSPC, EIO, EDQUOT, EFBIG...) returns FG_ERR_SYSTEM with errno
 * preserved and err naming the file and the cause.
 */
int	fg_fsafe_write_all(int fd, const void *p, size_t len,
	    const char *name_for_errors, char *err, size_t errlen);

/*
 * Finishes a download: fsyncs with FG_FSAFE_SYNC, sets the mtime (0 leaves
 * it), closes fd (always, even on failure), then moves `name.part` under
 * dirfd to `name`, or when that exists to `name (1).ext` ... `name
 * (9999).ext`, never replacing anything; with FG_FSAFE_OVERWRITE it takes
 * `name`, replacing a file or symlink there (not what a symlink points to)
 * but never a directory. The final name goes to final_out, which must hold
 * at least 256 bytes. On any failure `name.part` stays.
 */
int	fg_fsafe_finish(int dirfd, const char *name, int fd, uint64_t mtime,
	    unsigned flags, char *final_out, size_t finalsz, char *err,
	    size_t errlen);

/* Sets the mtime of the directory open as dirfd (0 leaves it). */
int	fg_fsafe_set_dir_mtime(int dirfd, uint64_t mtime);

/*
 * Size of the regular file `name.part` under dirfd; 0 and FG_ERR_NOT_FOUND
 * when there is none or it is not a regular file (never followed).
 */
/* Removes name.part under dirfd if it is an empty regular file (never following a link). */
int	fg_fsafe_drop_empty_part(int dirfd, const char *name);
int	fg_fsafe_part_size(int dirfd, const char *name, uint64_t *size);

#endif /* FG_FSAFE_H */
