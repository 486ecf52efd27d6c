/* home: resolving and creating the feige home and its socket path. */
#include "home.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feige/feige.h"

/* 1 when s is a non-empty string. */
static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Writes a then b to out, failing with FG_ERR_LIMIT when it does not fit. */
static int
join(char *out, size_t outlen, const char *a, const char *b, char *err,
    size_t errlen)
{
	int n;

	n = snprintf(out, outlen, "%s%s", a, b);
	if (n < 0 || (size_t)n >= outlen) {
		snprintf(err, errlen, "home path too long: %s%s", a, b);
		return FG_ERR_LIMIT;
	}
	return 0;
}

/* Drops trailing slashes from a path, keeping a lone "/". */
static void
strip_slashes(char *p)
{
	size_t len = strlen(p);

	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
}

int
fg_home_pick(const char *opt, const char *feige_home, const char *xdg_state,
    const char *home, char *out, size_t outlen, char *err, size_t errlen)
{
	int r;

	if (opt != NULL) {
		if (*opt == '\0') {
			snprintf(err, errlen, "--home needs a directory");
			return FG_ERR_INVAL;
		}
		r = join(out, outlen, opt, "", err, errlen);
	} else if (set(feige_home))
		r = join(out, outlen, feige_home, "", err, errlen);
	else if (set(xdg_state) && xdg_state[0] == '/')	/* XDG: relative is ignored */
		r = join(out, outlen, xdg_state, "/feige", err, errlen);
	else if (set(home))
		r = join(out, outlen, home, "/.local/state/feige", err, errlen);
	else {
		snprintf(err, errlen, "cannot find a home directory; use --home "
		    "or set FEIGE_HOME");
		return FG_ERR_NOT_FOUND;
	}
	if (r == 0)
		strip_slashes(out);
	return r;
}

int
fg_home_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[4096], *s;
	struct stat st;
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf)) {
		snprintf(err, errlen, "bad home path");
		return FG_ERR_INVAL;
	}
	memcpy(buf, path, len + 1);
	for (s = buf + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
				snprintf(err, errlen, "cannot create %s: %s",
				    buf, strerror(errno));
				return FG_ERR_SYSTEM;
			}
			*s = c;
		}
		if (*s == '\0')
			break;
	}
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return FG_ERR_INVAL;
	}
	return 0;
}

int
fg_home_resolve(const char *opt, int create, char *out, size_t outlen,
    char *err, size_t errlen)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	int r;

	if (!set(home) && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if ((r = fg_home_pick(opt, getenv("FEIGE_HOME"),
	    getenv("XDG_STATE_HOME"), home, out, outlen, err, errlen)) != 0)
		return r;
	if (create)
		return fg_home_mkdirs(out, err, errlen);
	return 0;
}

int
fg_home_socket(const char *home, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct sockaddr_un sun;
	int r;

	if ((r = join(out, outlen, home, "/" FG_HOME_SOCKET, err,
	    errlen)) != 0)
		return r;
	if (strlen(out) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long (%zu bytes, at most "
		    "%zu): %s", strlen(out), sizeof(sun.sun_path) - 1, out);
		return FG_ERR_LIMIT;
	}
	return 0;
}
