/*
 * Unit tests: received names made safe, and downloads written as .part and
 * moved to a final name without following or replacing what is there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feige/feige.h"
#include "fsafe.h"

struct fx {
	char	 tmp[64];	/* mkdtemp directory holding everything */
	char	 root[96];	/* tmp/root, the download folder */
	char	 out[96];	/* tmp/outside, what must never be touched */
	char	 small[96];	/* tmp/small, a tiny tmpfs when mounted */
	int	 mounted;
	int	 rootfd;
};

/* nftw callback that removes one entry (children come first). */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Makes tmp/root and tmp/outside (with outside/secret.txt) and opens root. */
static int
setup(void **state)
{
	struct fx *f;
	char err[256];
	FILE *fp;
	char path[160];

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/test_fsafe.XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/root", f->tmp);
	snprintf(f->out, sizeof(f->out), "%s/outside", f->tmp);
	snprintf(f->small, sizeof(f->small), "%s/small", f->tmp);
	if (mkdir(f->root, 0755) == -1 || mkdir(f->out, 0755) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/secret.txt", f->out);
	if ((fp = fopen(path, "w")) == NULL)
		return -1;
	fputs("secret", fp);
	fclose(fp);
	if (fg_fsafe_open_root(f->root, &f->rootfd, err, sizeof(err)) != 0)
		return -1;
	*state = f;
	return 0;
}

/* Unmounts the tmpfs if any, closes root and removes the whole tree. */
static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->mounted)
		(void)umount2(f->small, MNT_DETACH);
	if (f->rootfd != -1)
		close(f->rootfd);
	(void)nftw(f->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Reads dirfd/name into buf as a C string; returns its length. */
static ssize_t
slurp(int dirfd, const char *name, char *buf, size_t sz)
{
	ssize_t n;
	int fd;

	if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW)) == -1)
		return -1;
	n = read(fd, buf, sz - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Writes text to the file at dirfd/name. */
static void
put_file(int dirfd, const char *name, const char *text)
{
	int fd;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* 1 when dirfd/name exists (not following a symlink). */
static int
exists(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Checks that the secret outside the download folder is as it was. */
static void
secret_untouched(const struct fx *f)
{
	char path[160], buf[64];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/secret.txt", f->out);
	assert_non_null(fp = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_string_equal(buf, "secret");
}

/* Downloads text as name under dirfd; returns finish's status. */
static int
download(int dirfd, const char *name, const char *text, uint64_t mtime,
    unsigned flags, char *final, char *err)
{
	uint64_t off;
	int fd, r;

	r = fg_fsafe_open_part(dirfd, name, 0, &fd, &off, err, 256);
	assert_int_equal(r, 0);
	assert_int_equal(off, 0);
	assert_int_equal(fg_fsafe_write_all(fd, text, strlen(text), name, err,
	    256), 0);
	return fg_fsafe_finish(dirfd, name, fd, mtime, flags, final, 256, err,
	    256);
}

/* Checks everything fg_fsafe_name promises about its output. */
static void
check_safe(const char *s)
{
	size_t len = strlen(s), i;
	const unsigned char *u = (const unsigned char *)s;

	assert_true(len >= 1 && len <= FG_FSAFE_NAME_MAX);
	assert_null(strchr(s, '/'));
	assert_null(strchr(s, '\\'));
	assert_true(strcmp(s, ".") != 0 && strcmp(s, "..") != 0);
	for (i = 0; i < len && s[i] == '.'; i++)
		;
	assert_true(i < len);
	for (i = 0; i < len; i++)
		assert_true(u[i] >= 0x20 && u[i] != 0x7f);
	/* Valid UTF-8, and none of the C1, separator or bidi characters. */
	for (i = 0; i < len;) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			assert_true(i + 1 < len && (u[i + 1] & 0xc0) == 0x80);
			assert_false(u[i] == 0xc2 && u[i + 1] <= 0x9f);
			i += 2;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			assert_true(i + 2 < len && (u[i + 1] & 0xc0) == 0x80 &&
			    (u[i + 2] & 0xc0) == 0x80);
			assert_false(u[i] == 0xe0 && u[i + 1] < 0xa0);
			assert_false(u[i] == 0xed && u[i + 1] > 0x9f);
			assert_false(u[i] == 0xe2 && u[i + 1] == 0x80 &&
			    u[i + 2] >= 0xa8 && u[i + 2] <= 0xae);
			assert_false(u[i] == 0xe2 && u[i + 1] == 0x81 &&
			    u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9);
			i += 3;
		} else {
			assert_true(u[i] >= 0xf0 && u[i] <= 0xf4);
			assert_true(i + 3 < len && (u[i + 1] & 0xc0) == 0x80 &&
			    (u[i + 2] & 0xc0) == 0x80 &&
			    (u[i + 3] & 0xc0) == 0x80);
			assert_false(u[i] == 0xf0 && u[i + 1] < 0x90);
			assert_false(u[i] == 0xf4 && u[i + 1] > 0x8f);
			i += 4;
		}
	}
}

static void
test_name_table(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "..", "_.." },
		{ ".", "_." },
		{ "", "_" },
		{ "...", "_..." },
		{ "a/b", "a_b" },
		{ "/etc/passwd", "_etc_passwd" },
		{ "..\\..\\x", ".._.._x" },
		{ "../../.ssh/authorized_keys", ".._.._.ssh_authorized_keys" },
		{ "a\x01" "b\nc\rd", "a_b_c_d" },
		{ "\x1b[31mred", "_[31mred" },
		{ "tab\tname", "tab_name" },
		{ "\x7f", "_" },
		{ "\xc2\x9b" "2J", "_2J" },			/* C1 CSI */
		{ "a\xc2\x85" "b", "a_b" },			/* NEL */
		{ "x\xe2\x80\xae" "txt.exe", "x_txt.exe" },	/* RLO */
		{ "\xe2\x80\xaa\xe2\x80\xac", "__" },		/* LRE, PDF */
		{ "\xe2\x81\xa6" "a\xe2\x81\xa9", "_a_" },	/* LRI, PDI */
		{ "l\xe2\x80\xa8" "p\xe2\x80\xa9", "l_p_" },	/* LS, PS */
		{ "\xff\xfe", "__" },
		{ "\xed\xa0\x80", "___" },			/* surrogate */
		{ "\xc0\xaf", "__" },				/* overlong */
		{ "\xe6\x8a", "__" },				/* cut short */
		{ "\xf4\x90\x80\x80", "____" },			/* > U+10FFFF */
		{ "ok\xe6\x8a.txt", "ok__.txt" },
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(fg_fsafe_name(t[i].in, out, sizeof(out)), 1);
		assert_string_equal(out, t[i].out);
		check_safe(out);
	}
}

static void
test_name_unchanged(void **state)
{
	static const char *same[] = {
		"\xe6\x8a\xa5\xe5\x91\x8a.txt",		/* 报告.txt */
		"a:b",
		" leading and trailing ",
		"-rf",
		".bashrc",
		"_..",
		"a..b",
		"\xf0\x9f\x93\x84 doc.pdf",		/* U+1F4C4 */
		"\xc2\xa0nbsp",				/* U+00A0 is not C1 */
		"\xe2\x80\xa7\xe2\x80\xaf",		/* U+2027, U+202F */
		"\xe2\x81\xa5\xe2\x81\xaa",		/* U+2065, U+206A */
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(fg_fsafe_name(same[i], out, sizeof(out)), 0);
		assert_string_equal(out, same[i]);
		check_safe(out);
	}
	assert_int_equal(fg_fsafe_name("x", out, 100), FG_ERR_INVAL);
	assert_int_equal(fg_fsafe_name(NULL, out, sizeof(out)), FG_ERR_INVAL);
}

static void
test_name_long(void **state)
{
	char in[1200], out[256];
	size_t i, len;

	(void)state;
	/* 300 ASCII bytes: cut, ".txt" kept. */
	memset(in, 'a', 296);
	memcpy(in + 296, ".txt", 5);
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	len = strlen(out);
	assert_int_equal(len, FG_FSAFE_NAME_MAX);
	assert_string_equal(out + len - 4, ".txt");
	check_safe(out);

	/* Exactly the limit is not cut. */
	in[FG_FSAFE_NAME_MAX - 4] = '\0';
	memcpy(in + FG_FSAFE_NAME_MAX - 4, ".txt", 5);
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 0);
	assert_string_equal(out, in);

	/* 100 CJK characters (300 bytes): cut between characters. */
	for (i = 0; i < 100; i++)
		memcpy(in + i * 3, "\xe6\x8a\xa5", 3);
	in[300] = '\0';
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	len = strlen(out);
	assert_true(len <= FG_FSAFE_NAME_MAX && len % 3 == 0 && len >= 246);
	assert_memory_equal(out, in, len);
	check_safe(out);

	/* ... and with an extension, which survives. */
	memcpy(in + 300, ".docx", 6);
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	len = strlen(out);
	assert_true(len <= FG_FSAFE_NAME_MAX);
	assert_string_equal(out + len - 5, ".docx");
	assert_int_equal((len - 5) % 3, 0);
	check_safe(out);

	/* A 17-byte "extension" is not kept: the whole is cut. */
	memset(in, 'b', 290);
	memcpy(in + 290, ".0123456789abcdef", 18);
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	assert_int_equal(strlen(out), FG_FSAFE_NAME_MAX);
	assert_int_equal(strspn(out, "b"), FG_FSAFE_NAME_MAX);

	/* Replacements shrink the name: 300 bytes of RLO become 100 '_'. */
	for (i = 0; i < 100; i++)
		memcpy(in + i * 3, "\xe2\x80\xae", 3);
	in[300] = '\0';
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	assert_int_equal(strlen(out), 100);
	assert_int_equal(strspn(out, "_"), 100);

	/* Only dots, many of them. */
	memset(in, '.', 1000);
	in[1000] = '\0';
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	assert_int_equal(strlen(out), FG_FSAFE_NAME_MAX);
	assert_int_equal(out[0], '_');
	assert_int_equal(strspn(out + 1, "."), FG_FSAFE_NAME_MAX - 1);

	/* Invalid bytes at the cut. */
	memset(in, 0xff, 1000);
	assert_int_equal(fg_fsafe_name(in, out, sizeof(out)), 1);
	assert_int_equal(strspn(out, "_"), FG_FSAFE_NAME_MAX);
}

static void
test_finish_basic(void **state)
{
	struct fx *f = *state;
	char final[256], err[256], buf[64];
	struct stat st;
	uint64_t size;

	assert_int_equal(download(f->rootfd, "report.txt", "hello", 1000000000,
	    0, final, err), 0);
	assert_string_equal(final, "report.txt");
	assert_int_equal(slurp(f->rootfd, "report.txt", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(fstatat(f->rootfd, "report.txt", &st, 0), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1000000000);
	assert_int_equal(st.st_nlink, 1);
	assert_false(exists(f->rootfd, "report.txt.part"));
	assert_int_equal(fg_fsafe_part_size(f->rootfd, "report.txt", &size),
	    FG_ERR_NOT_FOUND);
	assert_int_equal(size, 0);

	/* mtime 0 leaves the time the file got. */
	assert_int_equal(download(f->rootfd, "now.txt", "x", 0, FG_FSAFE_SYNC,
	    final, err), 0);
	assert_int_equal(fstatat(f->rootfd, "now.txt", &st, 0), 0);
	assert_true(st.st_mtim.tv_sec > 1000000000);
}

static void
test_finish_collisions(void **state)
{
	struct fx *f = *state;
	char final[256], err[256], buf[64], name[256], want[256];
	size_t len;
	int i;

	put_file(f->rootfd, "report.txt", "first");
	assert_int_equal(download(f->rootfd, "report.txt", "second", 0, 0,
	    final, err), 0);
	assert_string_equal(final, "report (1).txt");
	assert_int_equal(download(f->rootfd, "report.txt", "third", 0, 0,
	    final, err), 0);
	assert_string_equal(final, "report (2).txt");
	slurp(f->rootfd, "report.txt", buf, sizeof(buf));
	assert_string_equal(buf, "first");
	slurp(f->rootfd, "report (1).txt", buf, sizeof(buf));
	assert_string_equal(buf, "second");
	slurp(f->rootfd, "report (2).txt", buf, sizeof(buf));
	assert_string_equal(buf, "third");

	put_file(f->rootfd, ".bashrc", "mine");
	assert_int_equal(download(f->rootfd, ".bashrc", "theirs", 0, 0, final,
	    err), 0);
	assert_string_equal(final, ".bashrc (1)");
	slurp(f->rootfd, ".bashrc", buf, sizeof(buf));
	assert_string_equal(buf, "mine");

	put_file(f->rootfd, "a.tar.gz", "1");
	assert_int_equal(download(f->rootfd, "a.tar.gz", "2", 0, 0, final,
	    err), 0);
	assert_string_equal(final, "a.tar (1).gz");

	put_file(f->rootfd, "README", "1");
	assert_int_equal(download(f->rootfd, "README", "2", 0, 0, final, err),
	    0);
	assert_string_equal(final, "README (1)");

	/*
	 * A name at the limit still gets numbers: " (1)" to " (99)" fit
	 * NAME_MAX, from " (100)" on the stem is cut by a byte.
	 */
	memset(name, 'n', FG_FSAFE_NAME_MAX - 4);
	memcpy(name + FG_FSAFE_NAME_MAX - 4, ".txt", 5);
	put_file(f->rootfd, name, "0");
	assert_int_equal(download(f->rootfd, name, "1", 0, 0, final, err), 0);
	memset(want, 'n', FG_FSAFE_NAME_MAX - 4);
	memcpy(want + FG_FSAFE_NAME_MAX - 4, " (1).txt", 9);
	assert_string_equal(final, want);
	for (i = 2; i < 100; i++) {
		snprintf(want + FG_FSAFE_NAME_MAX - 4,
		    sizeof(want) - (FG_FSAFE_NAME_MAX - 4), " (%d).txt", i);
		put_file(f->rootfd, want, "n");
	}
	assert_int_equal(download(f->rootfd, name, "100", 0, 0, final, err),
	    0);
	len = strlen(final);
	assert_int_equal(len, 255);
	assert_int_equal(strspn(final, "n"), 245);
	assert_string_equal(final + 245, " (100).txt");
	assert_true(exists(f->rootfd, final));
}

static void
test_finish_overwrite(void **state)
{
	struct fx *f = *state;
	char final[256], err[256], buf[64];

	put_file(f->rootfd, "o.txt", "old");
	assert_int_equal(download(f->rootfd, "o.txt", "new", 0,
	    FG_FSAFE_OVERWRITE, final, err), 0);
	assert_string_equal(final, "o.txt");
	slurp(f->rootfd, "o.txt", buf, sizeof(buf));
	assert_string_equal(buf, "new");
	assert_false(exists(f->rootfd, "o.txt.part"));
	assert_false(exists(f->rootfd, "o (1).txt"));

	/* Never over a directory: the .part stays. */
	assert_int_equal(mkdirat(f->rootfd, "d", 0755), 0);
	assert_int_equal(download(f->rootfd, "d", "data", 0,
	    FG_FSAFE_OVERWRITE, final, err), FG_ERR_SYSTEM);
	assert_int_equal(errno, EISDIR);
	assert_non_null(strstr(err, "directory"));
	assert_string_equal(final, "");
	assert_true(exists(f->rootfd, "d.part"));
}

static void
test_symlink_part(void **state)
{
	struct fx *f = *state;
	char target[160], err[256], dangling[160];
	uint64_t off, size;
	int fd, resume;

	snprintf(target, sizeof(target), "%s/secret.txt", f->out);
	assert_int_equal(symlinkat(target, f->rootfd, "x.part"), 0);
	for (resume = 0; resume <= 1; resume++) {
		assert_int_equal(fg_fsafe_open_part(f->rootfd, "x", resume,
		    &fd, &off, err, sizeof(err)), FG_ERR_SYSTEM);
		assert_int_equal(errno, ELOOP);
		assert_int_equal(fd, -1);
		assert_non_null(strstr(err, "x.part"));
		assert_non_null(strstr(err, "symbolic link"));
	}
	assert_int_equal(fg_fsafe_part_size(f->rootfd, "x", &size),
	    FG_ERR_NOT_FOUND);
	secret_untouched(f);

	/* A dangling one must not make its target either. */
	snprintf(dangling, sizeof(dangling), "%s/made.txt", f->out);
	assert_int_equal(symlinkat(dangling, f->rootfd, "w.part"), 0);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "w", 0, &fd, &off, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(access(dangling, F_OK), -1);
}

static void
test_symlink_final(void **state)
{
	struct fx *f = *state;
	char target[160], final[256], err[256], buf[64];
	struct stat st;

	snprintf(target, sizeof(target), "%s/secret.txt", f->out);
	assert_int_equal(symlinkat(target, f->rootfd, "y"), 0);
	assert_int_equal(download(f->rootfd, "y", "evil", 0, 0, final, err), 0);
	assert_string_equal(final, "y (1)");
	assert_int_equal(fstatat(f->rootfd, "y", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISLNK(st.st_mode));
	secret_untouched(f);

	assert_int_equal(download(f->rootfd, "y", "fine", 0, FG_FSAFE_OVERWRITE,
	    final, err), 0);
	assert_string_equal(final, "y");
	assert_int_equal(fstatat(f->rootfd, "y", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode));
	slurp(f->rootfd, "y", buf, sizeof(buf));
	assert_string_equal(buf, "fine");
	secret_untouched(f);

	/* A dangling symlink holds its name too. */
	assert_int_equal(symlinkat("/nonexistent/z", f->rootfd, "z"), 0);
	assert_int_equal(download(f->rootfd, "z", "1", 0, 0, final, err), 0);
	assert_string_equal(final, "z (1)");
}

static void
test_mkdir(void **state)
{
	struct fx *f = *state;
	char err[256];
	struct stat st;
	int sub, sub2, existed;

	assert_int_equal(symlinkat(f->out, f->rootfd, "sub"), 0);
	assert_int_equal(fg_fsafe_mkdir(f->rootfd, "sub", &sub, &existed, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(sub, -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_non_null(strstr(err, "sub"));

	put_file(f->rootfd, "file", "x");
	assert_int_equal(fg_fsafe_mkdir(f->rootfd, "file", &sub, &existed, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(errno, ENOTDIR);

	assert_int_equal(fg_fsafe_mkdir(f->rootfd, "..", &sub, &existed, err,
	    sizeof(err)), FG_ERR_INVAL);
	assert_int_equal(fg_fsafe_mkdir(f->rootfd, "a/b", &sub, &existed, err,
	    sizeof(err)), FG_ERR_INVAL);

	assert_int_equal(fg_fsafe_mkdir(f->rootfd, "new", &sub, &existed, err,
	    sizeof(err)), 0);
	assert_int_equal(existed, 0);
	assert_int_equal(fg_fsafe_mkdir(f->rootfd, "new", &sub2, &existed, err,
	    sizeof(err)), 0);
	assert_int_equal(existed, 1);
	close(sub2);

	/* Inside it, then its time. */
	put_file(sub, "in.txt", "x");
	assert_int_equal(fg_fsafe_set_dir_mtime(sub, 1234567890), 0);
	assert_int_equal(fstatat(f->rootfd, "new", &st, 0), 0);
	assert_int_equal(st.st_mtim.tv_sec, 1234567890);
	assert_int_equal(fg_fsafe_set_dir_mtime(sub, 0), 0);
	assert_int_equal(fg_fsafe_set_dir_mtime(sub, UINT64_MAX), FG_ERR_RANGE);
	close(sub);
}

static void
test_special_part(void **state)
{
	struct fx *f = *state;
	char err[256], path[300];
	uint64_t off;
	int fd;

	assert_int_equal(mkfifoat(f->rootfd, "z.part", 0644), 0);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "z", 0, &fd, &off, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err, "FIFO"));
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "z", 1, &fd, &off, err,
	    sizeof(err)), FG_ERR_SYSTEM);

	assert_int_equal(mkdirat(f->rootfd, "dir.part", 0755), 0);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "dir", 0, &fd, &off, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(errno, EISDIR);

	/* A hard link to a file outside. */
	snprintf(path, sizeof(path), "%s/secret.txt", f->out);
	assert_int_equal(linkat(AT_FDCWD, path, f->rootfd, "h.part", 0), 0);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "h", 0, &fd, &off, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(errno, EMLINK);
	secret_untouched(f);

	/* Names that are not one component. */
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "../x", 0, &fd, &off,
	    err, sizeof(err)), FG_ERR_INVAL);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "", 0, &fd, &off,
	    err, sizeof(err)), FG_ERR_INVAL);
	memset(path, 'l', FG_FSAFE_NAME_MAX + 1);
	path[FG_FSAFE_NAME_MAX + 1] = '\0';
	assert_int_equal(fg_fsafe_open_part(f->rootfd, path, 0, &fd, &off,
	    err, sizeof(err)), FG_ERR_LIMIT);
}

static void
test_resume(void **state)
{
	struct fx *f = *state;
	char data[1500], final[256], err[256], buf[1600];
	uint64_t off, size;
	int fd;

	memset(data, 'A', 1000);
	memset(data + 1000, 'B', 500);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "r.bin", 0, &fd, &off,
	    err, sizeof(err)), 0);
	assert_int_equal(fg_fsafe_write_all(fd, data, 1000, "r.bin", err,
	    sizeof(err)), 0);
	close(fd);	/* the connection broke */

	assert_int_equal(fg_fsafe_part_size(f->rootfd, "r.bin", &size), 0);
	assert_int_equal(size, 1000);
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "r.bin", 1, &fd, &off,
	    err, sizeof(err)), 0);
	assert_int_equal(off, 1000);
	assert_int_equal(fg_fsafe_write_all(fd, data + 1000, 500, "r.bin", err,
	    sizeof(err)), 0);
	assert_int_equal(fg_fsafe_finish(f->rootfd, "r.bin", fd, 0, 0, final,
	    sizeof(final), err, sizeof(err)), 0);
	assert_int_equal(slurp(f->rootfd, "r.bin", buf, sizeof(buf)), 1500);
	assert_memory_equal(buf, data, 1500);

	/* Without resume an old .part starts over. */
	put_file(f->rootfd, "t.bin.part", "stale data");
	assert_int_equal(fg_fsafe_open_part(f->rootfd, "t.bin", 0, &fd, &off,
	    err, sizeof(err)), 0);
	assert_int_equal(off, 0);
	close(fd);
	assert_int_equal(fg_fsafe_part_size(f->rootfd, "t.bin", &size), 0);
	assert_int_equal(size, 0);
}

static void
test_finish_errors(void **state)
{
	struct fx *f = *state;
	char final[8], err[256];
	uint64_t off;
	int fd;

	assert_int_equal(fg_fsafe_open_part(f->rootfd, "e", 0, &fd, &off, err,
	    sizeof(err)), 0);
	/* Too small for a final name: fails, fd is closed, .part stays. */
	assert_int_equal(fg_fsafe_finish(f->rootfd, "e", fd, 0, 0, final,
	    sizeof(final), err, sizeof(err)), FG_ERR_INVAL);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_true(exists(f->rootfd, "e.part"));
	assert_false(exists(f->rootfd, "e"));
}

static void
test_open_root(void **state)
{
	struct fx *f = *state;
	char link[160], err[256], slash[170];
	int fd;

	snprintf(link, sizeof(link), "%s/link", f->tmp);
	assert_int_equal(symlink(f->root, link), 0);
	/* The user's own folder may be a link (a linked ~/Downloads). */
	assert_int_equal(fg_fsafe_open_root(link, &fd, err, sizeof(err)), 0);
	assert_true(fd >= 0);
	close(fd);
	snprintf(slash, sizeof(slash), "%s/", link);
	assert_int_equal(fg_fsafe_open_root(slash, &fd, err, sizeof(err)), 0);
	close(fd);
	assert_int_equal(fg_fsafe_open_root("/nonexistent/dl", &fd, err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "/nonexistent/dl"));
	assert_non_null(strstr(err, "No such file"));
}

static void
test_write_dev_full(void **state)
{
	char err[256];
	int fd;

	(void)state;
	if ((fd = open("/dev/full", O_WRONLY)) == -1) {
		print_message("no /dev/full; skipping\n");
		skip();
	}
	assert_int_equal(fg_fsafe_write_all(fd, "x", 1, "f.part", err,
	    sizeof(err)), FG_ERR_SYSTEM);
	assert_int_equal(errno, ENOSPC);
	assert_non_null(strstr(err, "f.part"));
	assert_non_null(strstr(err, "No space left"));
	close(fd);
}

static void
test_enospc(void **state)
{
	struct fx *f = *state;
	char err[256], chunk[8192];
	uint64_t off;
	int dfd, fd, r = 0, i;

	if (getuid() != 0 || mkdir(f->small, 0755) == -1 ||
	    mount("tmpfs", f->small, "tmpfs", 0, "size=64k") == -1) {
		print_message("cannot mount a small tmpfs; skipping\n");
		skip();
	}
	f->mounted = 1;
	assert_int_equal(fg_fsafe_open_root(f->small, &dfd, err, sizeof(err)),
	    0);
	assert_int_equal(fg_fsafe_open_part(dfd, "big.bin", 0, &fd, &off, err,
	    sizeof(err)), 0);
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 64 && r == 0; i++)
		r = fg_fsafe_write_all(fd, chunk, sizeof(chunk), "big.bin.part",
		    err, sizeof(err));
	assert_int_equal(r, FG_ERR_SYSTEM);
	assert_int_equal(errno, ENOSPC);
	assert_non_null(strstr(err, "No space left"));
	assert_non_null(strstr(err, "big.bin.part"));
	close(fd);	/* the engine does not call finish after a failure */
	assert_true(exists(dfd, "big.bin.part"));
	assert_false(exists(dfd, "big.bin"));
	close(dfd);
	assert_int_equal(umount2(f->small, 0), 0);
	f->mounted = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_table),
		cmocka_unit_test(test_name_unchanged),
		cmocka_unit_test(test_name_long),
		cmocka_unit_test_setup_teardown(test_finish_basic, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_finish_collisions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_finish_overwrite, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_symlink_part, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_symlink_final, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_part, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_root, setup,
		    teardown),
		cmocka_unit_test(test_write_dev_full),
		cmocka_unit_test_setup_teardown(test_enospc, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
