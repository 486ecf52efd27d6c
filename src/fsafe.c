/*
 * fsafe: received names and the files they become.
 *
 * Everything below the download root is reached relative to a directory
 * fd, one component at a time, with O_NOFOLLOW or AT_SYMLINK_NOFOLLOW: a
 * symlink that is already in the target (planted by someone, or left by
 * another program) is refused or replaced, never gone through. Names are
 * made into single components by fg_fsafe_name before they get here, and
 * the file functions check again that they are one component.
 *
 * No function touches global state: umask is left to the kernel (mode
 * arguments are masked by open and mkdir), messages go to the caller's
 * buffer, and errno is restored after the clean-up that follows a failure.
 */

/*
 * _GNU_SOURCE, before any include: syscall() and SYS_renameat2 for the
 * RENAME_NOREPLACE fallback, and the GNU strerror_r (thread-safe, returns
 * the text). The build's _POSIX_C_SOURCE/_XOPEN_SOURCE stay in force.
 */
#define _GNU_SOURCE

#include "fsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "feige/feige.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)	/* linux/fs.h */
#endif

#define PART_SUFFIX	".part"
#define NAME_LIMIT	255	/* NAME_MAX on Linux file systems */
#define COPY_MAX	9999	/* highest "name (N)" tried */

/* How fg_fsafe_finish moves a file without replacing one. */
enum how { HOW_LINK, HOW_RENAME2, HOW_CHECK };

/* Writes the text for errno value e into buf and returns it. */
static const char *
errtext(int e, char *buf, size_t sz)
{
#if defined(__GLIBC__)
	return strerror_r(e, buf, sz);
#else
	if (strerror_r(e, buf, sz) != 0)
		snprintf(buf, sz, "error %d", e);
	return buf;
#endif
}

static int	fail(char *, size_t, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	sysfail(char *, size_t, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Formats a message into err, sets errno to e and returns FG_ERR_SYSTEM. */
static int
fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return FG_ERR_SYSTEM;
}

/* Like fail, with ": " and the text for e appended. */
static int
sysfail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;
	char buf[128];
	size_t n;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		n = strlen(err);
		snprintf(err + n, errlen - n, ": %s",
		    errtext(e, buf, sizeof(buf)));
	}
	errno = e;
	return FG_ERR_SYSTEM;
}

/* Clears the caller's message buffer. */
static void
err_clear(char *err, size_t errlen)
{
	if (err != NULL && errlen > 0)
		err[0] = '\0';
}

/* Closes fd, if open, without disturbing errno. */
static void
close_keep_errno(int fd)
{
	int e = errno;

	if (fd != -1)
		(void)close(fd);
	errno = e;
}

/* What a non-regular file is, for messages. */
static const char *
kind(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/* The errno value that best says why a file of mode m cannot be used. */
static int
kind_errno(mode_t m)
{
	if (S_ISLNK(m))
		return ELOOP;
	if (S_ISDIR(m))
		return EISDIR;
	return EINVAL;
}

/*
 * Decodes the strict UTF-8 character at s (no overlongs, surrogates or
 * values above U+10FFFF); returns its length with *cp set, or 0 when s[0]
 * does not begin a complete valid character.
 */
static size_t
utf8_dec(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t need, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < need)
		return 0;
	for (i = 1; i < need; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need;
}

/*
 * 1 when code point c may not appear in a name: ASCII controls and DEL,
 * the separators '/' and '\\' (Windows peers send paths with it), the C1
 * controls (U+009B is a one-byte CSI to some terminals), the line and
 * paragraph separators, and the bidi embeddings, overrides and isolates
 * that make "txt.exe" display as "exe.txt".
 */
static int
bad_cp(uint32_t c)
{
	return c < 0x20 || c == 0x7f || c == '/' || c == '\\' ||
	    (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/*
 * Looks at the unit of a name at s: *n gets the input bytes it takes (a
 * character, or one byte of invalid UTF-8); returns 1 when they are kept
 * as they are and 0 when they become a single '_'.
 */
static int
name_unit(const uint8_t *s, size_t len, size_t *n)
{
	uint32_t c;

	if ((*n = utf8_dec(s, len, &c)) == 0) {
		*n = 1;
		return 0;
	}
	return !bad_cp(c);
}

/* Length of the safe form of s. */
static size_t
safe_len(const uint8_t *s, size_t len)
{
	size_t i, n, total = 0;

	for (i = 0; i < len; i += n)
		total += name_unit(s + i, len - i, &n) ? n : 1;
	return total;
}

/*
 * Appends the safe form of s to out at *olen, stopping before the first
 * unit that would take *olen past max, so cuts fall between characters.
 */
static void
safe_put(const uint8_t *s, size_t len, char *out, size_t *olen, size_t max)
{
	size_t i, n, w;
	int keep;

	for (i = 0; i < len; i += n) {
		keep = name_unit(s + i, len - i, &n);
		w = keep ? n : 1;
		if (*olen + w > max)
			break;
		if (keep)
			memcpy(out + *olen, s + i, n);
		else
			out[*olen] = '_';
		*olen += w;
	}
}

/* Offset of the extension of s (its last '.', not a leading one), or len. */
static size_t
ext_start(const char *s, size_t len)
{
	size_t i;

	for (i = len; i > 1; i--) {
		if (s[i - 1] == '.')
			return len - (i - 1) <= FG_FSAFE_EXT_MAX ? i - 1 : len;
	}
	return len;
}

int
fg_fsafe_name(const char *in, char *out, size_t outsz)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t len, olen = 0, x, i;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (in == NULL || out == NULL || outsz < FG_FSAFE_NAME_MAX + 1)
		return FG_ERR_INVAL;
	len = strlen(in);
	if (safe_len(s, len) <= FG_FSAFE_NAME_MAX)
		safe_put(s, len, out, &olen, FG_FSAFE_NAME_MAX);
	else if ((x = ext_start(in, len)) < len) {
		/* '.' is kept as it is, so the safe extension is no longer. */
		safe_put(s, x, out, &olen,
		    FG_FSAFE_NAME_MAX - safe_len(s + x, len - x));
		safe_put(s + x, len - x, out, &olen, FG_FSAFE_NAME_MAX);
	} else
		safe_put(s, len, out, &olen, FG_FSAFE_NAME_MAX);

	/* Empty, ".", ".." and other all-dot names get a '_' in front. */
	for (i = 0; i < olen && out[i] == '.'; i++)
		;
	if (i == olen) {
		if (olen > FG_FSAFE_NAME_MAX - 1)
			olen = FG_FSAFE_NAME_MAX - 1;
		memmove(out + 1, out, olen);
		out[0] = '_';
		olen++;
	}
	out[olen] = '\0';
	return olen != len || memcmp(out, in, len) != 0;
}

/*
 * Checks that name is one component the file functions may be given: not
 * empty, "." or "..", without '/', and short enough to take ".part".
 */
static int
check_name(const char *name, char *err, size_t errlen)
{
	size_t len;

	if (name == NULL || *name == '\0') {
		fail(err, errlen, EINVAL, "empty file name");
		return FG_ERR_INVAL;
	}
	len = strlen(name);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    memchr(name, '/', len) != NULL) {
		fail(err, errlen, EINVAL, "unsafe file name %s", name);
		return FG_ERR_INVAL;
	}
	if (len > FG_FSAFE_NAME_MAX) {
		fail(err, errlen, ENAMETOOLONG,
		    "file name too long (%zu bytes)", len);
		return FG_ERR_LIMIT;
	}
	return 0;
}

/* Writes "name.part" into part (NAME_LIMIT + 1 bytes); name is checked. */
static void
part_name(const char *name, char *part)
{
	snprintf(part, NAME_LIMIT + 1, "%s" PART_SUFFIX, name);
}

/* Makes the timespec pair for futimens: mtime set, atime left alone. */
static int
mtime_spec(uint64_t mtime, struct timespec ts[2])
{
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = (time_t)mtime;
	ts[1].tv_nsec = 0;
	if (ts[1].tv_sec < 0 || (uint64_t)ts[1].tv_sec != mtime)
		return FG_ERR_RANGE;
	return 0;
}

int
fg_fsafe_open_root(const char *path, int *dirfd, char *err, size_t errlen)
{
	int r, fd = -1;

	*dirfd = -1;
	err_clear(err, errlen);
	if (path == NULL || *path == '\0') {
		fail(err, errlen, EINVAL, "no download folder given");
		r = FG_ERR_INVAL;
		goto out;
	}
	/*
	 * The user chose this path, so symlinks on the way (a linked
	 * ~/Downloads is common) are theirs to follow. Only what a peer names
	 * below it is opened without following links.
	 */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		r = sysfail(err, errlen, errno, "cannot open download folder %s", path);
		goto out;
	}
	*dirfd = fd;
	fd = -1;
	r = 0;
out:
	close_keep_errno(fd);
	return r;
}

int
fg_fsafe_mkdir(int dirfd, const char *name, int *subfd, int *existed,
    char *err, size_t errlen)
{
	struct stat st;
	int r, fd = -1, ex = 0, e;

	*subfd = -1;
	if (existed != NULL)
		*existed = 0;
	err_clear(err, errlen);
	if ((r = check_name(name, err, errlen)) != 0)
		goto out;
	if (mkdirat(dirfd, name, 0755) == -1) {
		/* EEXIST for a symlink too, dangling or not: not followed. */
		if (errno != EEXIST) {
			r = sysfail(err, errlen, errno, "cannot make folder %s",
			    name);
			goto out;
		}
		ex = 1;
	}
	/*
	 * Open what is there now, not what mkdirat saw: O_NOFOLLOW refuses a
	 * symlink even if one was swapped in after mkdirat, and O_DIRECTORY
	 * refuses anything else.
	 */
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		e = errno;
		if ((e == ELOOP || e == ENOTDIR) &&
		    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			r = fail(err, errlen, S_ISLNK(st.st_mode) ? ELOOP :
			    ENOTDIR, "refusing folder %s: %s is in the way",
			    name, S_ISREG(st.st_mode) ? "a file" :
			    kind(st.st_mode));
		else
			r = sysfail(err, errlen, e, "cannot open folder %s",
			    name);
		goto out;
	}
	*subfd = fd;
	fd = -1;
	if (existed != NULL)
		*existed = ex;
	r = 0;
out:
	close_keep_errno(fd);
	return r;
}

int
fg_fsafe_open_part(int dirfd, const char *name, int resume, int *fd,
    uint64_t *offset, char *err, size_t errlen)
{
	char part[NAME_LIMIT + 1];
	struct stat st;
	int r, f = -1, fl, e;

	*fd = -1;
	*offset = 0;
	err_clear(err, errlen);
	if ((r = check_name(name, err, errlen)) != 0)
		goto out;
	part_name(name, part);

	/*
	 * The common case first: no .part yet. O_EXCL with O_NOFOLLOW creates
	 * a new regular file or fails if anything at all (a symlink, a FIFO, a
	 * stale .part) holds the name, so a fresh file needs no more checks.
	 */
	if (!resume) {
		f = openat(dirfd, part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
		if (f >= 0) {
			*fd = f;
			return 0;
		}
		if (errno != EEXIST) {
			r = sysfail(err, errlen, errno, "cannot open %s", part);
			goto out;
		}
	}

	/*
	 * Look before opening: opening a device or a FIFO has effects of its
	 * own (a tape rewinds, a waiting reader wakes), so those are refused
	 * unopened. This is only a first filter; the fstat on the open fd
	 * below is what holds if the entry changes in between.
	 */
	if (fstatat(dirfd, part, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode)) {
			r = fail(err, errlen, kind_errno(st.st_mode),
			    "refusing to write %s: it is %s", part,
			    kind(st.st_mode));
			goto out;
		}
	} else if (errno != ENOENT) {
		r = sysfail(err, errlen, errno, "cannot look at %s", part);
		goto out;
	}

	/*
	 * O_NOFOLLOW: a symlink named name.part (even a dangling one, which
	 * O_CREAT would otherwise create the target of) fails with ELOOP.
	 * O_NONBLOCK: a FIFO without a reader fails with ENXIO instead of
	 * hanging the worker. No O_TRUNC: nothing is cut before the checks.
	 */
	f = openat(dirfd, part, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0644);
	if (f == -1) {
		e = errno;
		if (e == ELOOP)
			r = fail(err, errlen, e, "refusing to write %s: it is "
			    "a symbolic link", part);
		else if (e == ENXIO)
			r = fail(err, errlen, e, "refusing to write %s: it is "
			    "a FIFO or socket", part);
		else
			r = sysfail(err, errlen, e, "cannot open %s", part);
		goto out;
	}
	if (fstat(f, &st) == -1) {
		r = sysfail(err, errlen, errno, "cannot stat %s", part);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = fail(err, errlen, kind_errno(st.st_mode),
		    "refusing to write %s: it is %s", part, kind(st.st_mode));
		goto out;
	}
	/*
	 * A second hard link would be a way out of the folder just like a
	 * symlink: writing would change the file under its other name.
	 */
	if (st.st_nlink != 1) {
		r = fail(err, errlen, EMLINK, "refusing to write %s: it has "
		    "%ju links", part, (uintmax_t)st.st_nlink);
		goto out;
	}
	if ((fl = fcntl(f, F_GETFL)) == -1 ||
	    fcntl(f, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		r = sysfail(err, errlen, errno, "cannot set up %s", part);
		goto out;
	}
	if (resume) {
		if (lseek(f, st.st_size, SEEK_SET) == -1) {
			r = sysfail(err, errlen, errno, "cannot seek in %s",
			    part);
			goto out;
		}
		*offset = (uint64_t)st.st_size;
	} else if (st.st_size != 0 && ftruncate(f, 0) == -1) {
		r = sysfail(err, errlen, errno, "cannot truncate %s", part);
		goto out;
	}
	*fd = f;
	f = -1;
	r = 0;
out:
	close_keep_errno(f);
	return r;
}

int
fg_fsafe_write_all(int fd, const void *p, size_t len,
    const char *name_for_errors, char *err, size_t errlen)
{
	const uint8_t *s = p;
	const char *name = name_for_errors != NULL ? name_for_errors : "file";
	ssize_t n;

	err_clear(err, errlen);
	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return sysfail(err, errlen, errno, "cannot write %s",
			    name);
		}
		/* write never returns 0 for a regular file; do not spin. */
		if (n == 0)
			return sysfail(err, errlen, EIO, "cannot write %s",
			    name);
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes the i-th candidate final name for name into out (NAME_LIMIT + 1
 * bytes): name itself for 0, else "stem (i)ext", the stem cut back to a
 * UTF-8 boundary when the whole would not fit NAME_LIMIT.
 */
static void
candidate(const char *name, unsigned i, char *out)
{
	char suf[16];
	size_t len, x, stem, room, back;

	if (i == 0) {
		snprintf(out, NAME_LIMIT + 1, "%s", name);
		return;
	}
	len = strlen(name);
	x = ext_start(name, len);
	snprintf(suf, sizeof(suf), " (%u)", i);
	/* len <= FG_FSAFE_NAME_MAX and the extension <= FG_FSAFE_EXT_MAX. */
	room = NAME_LIMIT - strlen(suf) - (len - x);
	stem = x;
	if (stem > room) {
		stem = room;
		for (back = 0; back < 3 && stem > 1 &&
		    ((uint8_t)name[stem] & 0xc0) == 0x80; back++)
			stem--;
	}
	snprintf(out, NAME_LIMIT + 1, "%.*s%s%s", (int)stem, name, suf,
	    name + x);
}

/*
 * Moves part to final under dirfd unless final exists (then -1 with errno
 * EEXIST); *how remembers which method works on this file system.
 *
 * RENAME_NOREPLACE is the atomic no-replace in one call: it fails with
 * EEXIST if anything (a file, a dangling symlink) holds the name, and a
 * symlink there is neither followed nor replaced. Where the file system
 * lacks it, link+unlink does the same in two calls; FAT, some FUSE and
 * network file systems have no hard links either, and only there a
 * check-then-rename is left, which has a window in which a name made by
 * someone else could be replaced.
 */
static int
move_noreplace(int dirfd, const char *part, const char *final, enum how *how)
{
	struct stat st;
	int e;

	/* One system call where the kernel and file system have it. */
	if (*how == HOW_RENAME2) {
#ifdef SYS_renameat2
		if (syscall(SYS_renameat2, dirfd, part, dirfd, final,
		    RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
#endif
		*how = HOW_LINK;
	}
	if (*how == HOW_LINK) {
		if (linkat(dirfd, part, dirfd, final, 0) == 0) {
			if (unlinkat(dirfd, part, 0) == 0)
				return 0;
			/* Undo, so that a failure leaves only the .part. */
			e = errno;
			(void)unlinkat(dirfd, final, 0);
			errno = e;
			return -1;
		}
		if (errno != EPERM && errno != EOPNOTSUPP && errno != EXDEV &&
		    errno != ENOSYS)
			return -1;
		*how = HOW_CHECK;
	}
	if (fstatat(dirfd, final, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	return renameat(dirfd, part, dirfd, final);
}

int
fg_fsafe_finish(int dirfd, const char *name, int fd, uint64_t mtime,
    unsigned flags, char *final_out, size_t finalsz, char *err,
    size_t errlen)
{
	char part[NAME_LIMIT + 1], cand[NAME_LIMIT + 1];
	struct timespec ts[2];
	struct stat st, pst;
	enum how how = HOW_RENAME2;
	unsigned i;
	int r, e;

	if (final_out != NULL && finalsz > 0)
		final_out[0] = '\0';
	err_clear(err, errlen);
	if (fd < 0) {
		fail(err, errlen, EBADF, "no file to finish");
		r = FG_ERR_INVAL;
		goto out;
	}
	if ((r = check_name(name, err, errlen)) != 0)
		goto out;
	if (final_out == NULL || finalsz < NAME_LIMIT + 1) {
		fail(err, errlen, EINVAL, "no room for the final name");
		r = FG_ERR_INVAL;
		goto out;
	}
	part_name(name, part);
	if (mtime != 0 && mtime_spec(mtime, ts) != 0) {
		fail(err, errlen, ERANGE, "%s: modification time %ju out of "
		    "range", part, (uintmax_t)mtime);
		r = FG_ERR_RANGE;
		goto out;
	}

	if ((flags & FG_FSAFE_SYNC) && fsync(fd) == -1) {
		r = sysfail(err, errlen, errno, "cannot sync %s", part);
		goto out;
	}
	if (mtime != 0 && futimens(fd, ts) == -1) {
		r = sysfail(err, errlen, errno, "cannot set the time of %s",
		    part);
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		r = sysfail(err, errlen, errno, "cannot stat %s", part);
		goto out;
	}
	/* close may report a delayed write error (NFS): data not safe. */
	e = close(fd);
	fd = -1;
	if (e == -1) {
		r = sysfail(err, errlen, errno, "cannot write %s", part);
		goto out;
	}

	/*
	 * The name must still be the file we wrote. This narrows, but cannot
	 * close, the window in which someone could swap it; a swapped-in
	 * symlink would at worst be moved as a symlink, never followed.
	 */
	if (fstatat(dirfd, part, &pst, AT_SYMLINK_NOFOLLOW) == -1) {
		r = sysfail(err, errlen, errno, "cannot find %s", part);
		goto out;
	}
	if (pst.st_dev != st.st_dev || pst.st_ino != st.st_ino) {
		r = fail(err, errlen, ESTALE, "%s was replaced while it was "
		    "written", part);
		goto out;
	}

	if (flags & FG_FSAFE_OVERWRITE) {
		/*
		 * rename replaces the name itself: a symlink there is
		 * replaced, not followed, and a directory makes it fail
		 * (EISDIR), so no directory is ever replaced.
		 */
		if (renameat(dirfd, part, dirfd, name) == -1) {
			e = errno;
			if (e == EISDIR)
				r = fail(err, errlen, e, "cannot replace "
				    "%s: it is a directory", name);
			else
				r = sysfail(err, errlen, e, "cannot rename %s "
				    "to %s", part, name);
			goto out;
		}
		snprintf(final_out, finalsz, "%s", name);
		r = 0;
		goto out;
	}

	for (i = 0; i <= COPY_MAX; i++) {
		candidate(name, i, cand);
		if (move_noreplace(dirfd, part, cand, &how) == 0) {
			snprintf(final_out, finalsz, "%s", cand);
			r = 0;
			goto out;
		}
		if (errno != EEXIST) {
			r = sysfail(err, errlen, errno,
			    "cannot rename %s to %s", part, cand);
			goto out;
		}
	}
	r = fail(err, errlen, EEXIST, "cannot save %s: %s and %d numbered "
	    "copies exist", part, name, COPY_MAX);
out:
	close_keep_errno(fd);
	return r;
}

int
fg_fsafe_set_dir_mtime(int dirfd, uint64_t mtime)
{
	struct timespec ts[2];
	int r;

	if (mtime == 0)
		return 0;
	if ((r = mtime_spec(mtime, ts)) != 0) {
		errno = ERANGE;
		return r;
	}
	/* A directory fd is the directory itself: nothing to follow. */
	if (futimens(dirfd, ts) == -1)
		return FG_ERR_SYSTEM;
	return 0;
}

int
fg_fsafe_part_size(int dirfd, const char *name, uint64_t *size)
{
	char part[NAME_LIMIT + 1];
	struct stat st;
	int r;

	*size = 0;
	if ((r = check_name(name, NULL, 0)) != 0)
		return r;
	part_name(name, part);
	if (fstatat(dirfd, part, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? FG_ERR_NOT_FOUND : FG_ERR_SYSTEM;
	if (!S_ISREG(st.st_mode))
		return FG_ERR_NOT_FOUND;
	*size = (uint64_t)st.st_size;
	return 0;
}

int
fg_fsafe_drop_empty_part(int dirfd, const char *name)
{
	char part[NAME_LIMIT + 1];
	struct stat st;

	if (check_name(name, NULL, 0) != 0)
		return FG_ERR_INVAL;
	part_name(name, part);
	if (fstatat(dirfd, part, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return FG_ERR_NOT_FOUND;
	if (!S_ISREG(st.st_mode) || st.st_size != 0)
		return FG_ERR_INVAL;
	return unlinkat(dirfd, part, 0) == 0 ? 0 : FG_ERR_SYSTEM;
}
