/* Unit tests: the CLI's home resolution, socket path limits and node options. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "feige/feige.h"
#include "home.h"
#include "opts.h"

/* Picks a home and checks the result (or that it fails with want_r). */
static void
check_pick(const char *opt, const char *fh, const char *xdg, const char *home,
    int want_r, const char *want)
{
	char out[256], err[256];
	int r;

	r = fg_home_pick(opt, fh, xdg, home, out, sizeof(out), err, sizeof(err));
	assert_int_equal(r, want_r);
	if (r == 0)
		assert_string_equal(out, want);
	else
		assert_true(strlen(err) > 0);
}

static void
test_pick_order(void **state)
{
	(void)state;
	check_pick("/o", "/f", "/x", "/h", 0, "/o");
	check_pick(NULL, "/f", "/x", "/h", 0, "/f");
	check_pick(NULL, "", "/x", "/h", 0, "/x/feige");
	check_pick(NULL, NULL, "/x", "/h", 0, "/x/feige");
	check_pick(NULL, NULL, NULL, "/h", 0, "/h/.local/state/feige");
	/* A relative XDG_STATE_HOME is ignored, as the XDG spec says. */
	check_pick(NULL, NULL, "rel", "/h", 0, "/h/.local/state/feige");
	check_pick(NULL, NULL, "", "/h", 0, "/h/.local/state/feige");
	/* Trailing slashes go; a lone "/" stays. */
	check_pick("/o//", NULL, NULL, NULL, 0, "/o");
	check_pick("/", NULL, NULL, NULL, 0, "/");
	check_pick("relative/dir", NULL, NULL, NULL, 0, "relative/dir");
	check_pick("", NULL, NULL, "/h", FG_ERR_INVAL, NULL);
	check_pick(NULL, NULL, NULL, NULL, FG_ERR_NOT_FOUND, NULL);
	check_pick(NULL, NULL, NULL, "", FG_ERR_NOT_FOUND, NULL);
}

static void
test_pick_too_long(void **state)
{
	char out[16], err[256];

	(void)state;
	assert_int_equal(fg_home_pick(NULL, NULL, "/a/very/long/dir", NULL, out,
	    sizeof(out), err, sizeof(err)), FG_ERR_LIMIT);
}

static void
test_socket_path(void **state)
{
	char home[200], out[512], err[256];

	(void)state;
	assert_int_equal(fg_home_socket("/tmp/h", out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_string_equal(out, "/tmp/h/feige.sock");
	/* sun_path holds 108 bytes with the NUL: 107 fit, 108 do not. */
	memset(home, 'a', sizeof(home));
	home[0] = '/';
	home[107 - strlen("/feige.sock")] = '\0';
	assert_int_equal(fg_home_socket(home, out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(out), 107);
	home[107 - strlen("/feige.sock")] = 'a';
	home[108 - strlen("/feige.sock")] = '\0';
	assert_int_equal(fg_home_socket(home, out, sizeof(out), err,
	    sizeof(err)), FG_ERR_LIMIT);
	assert_non_null(strstr(err, "too long"));
}

static void
test_mkdirs(void **state)
{
	char base[] = "/tmp/feige-test-home-XXXXXX", path[256], err[256];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(base));
	snprintf(path, sizeof(path), "%s/a/b/c", base);
	assert_int_equal(fg_home_mkdirs(path, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Existing is fine; a file in the way is not. */
	assert_int_equal(fg_home_mkdirs(path, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/a/b/c/file", base);
	fclose(fopen(path, "w"));
	assert_int_equal(fg_home_mkdirs(path, err, sizeof(err)), FG_ERR_INVAL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/b/c", base);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a/b", base);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", base);
	rmdir(path);
	rmdir(base);
}

static void
test_node_opts(void **state)
{
	struct fg_node_opts o;
	char err[256];

	(void)state;
	fg_node_opts_init(&o);
	assert_int_equal(o.cfg.port, FEIGE_DEFAULT_PORT);
	assert_int_equal(o.cfg.legacy, FG_CS_GBK);
	assert_int_equal(fg_node_opts_send_ms(&o), 5000);
	assert_int_equal(fg_node_opts_apply(&o, 'x', "1", err, sizeof(err)), 0);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_PORT, "24250", err,
	    sizeof(err)), 1);
	assert_int_equal(o.cfg.port, 24250);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_PORT, "0", err,
	    sizeof(err)) < 0);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_PORT, "65536", err,
	    sizeof(err)) < 0);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_PORT, "12a", err,
	    sizeof(err)) < 0);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_PORT, "", err,
	    sizeof(err)) < 0);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_BIND, "127.0.0.2", err,
	    sizeof(err)), 1);
	assert_string_equal(o.cfg.bind, "127.0.0.2");
	assert_true(fg_node_opts_apply(&o, FG_NOPT_BIND, "localhost", err,
	    sizeof(err)) < 0);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_USER, "a:b", err,
	    sizeof(err)) < 0);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_USER, "", err,
	    sizeof(err)) < 0);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_NICK, "\xff", err,
	    sizeof(err)) < 0);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_LEGACY, "CP936", err,
	    sizeof(err)), 1);
	assert_int_equal(o.cfg.legacy, FG_CS_GBK);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_LEGACY, "sjis", err,
	    sizeof(err)), 1);
	assert_int_equal(o.cfg.legacy, FG_CS_CP932);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_LEGACY, "latin1", err,
	    sizeof(err)) < 0);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_RETRY_MS, "200", err,
	    sizeof(err)), 1);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_RETRIES, "2", err,
	    sizeof(err)), 1);
	assert_int_equal(fg_node_opts_send_ms(&o), 600);
	assert_true(fg_node_opts_apply(&o, FG_NOPT_RETRIES, "0", err,
	    sizeof(err)) < 0);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_BROADCAST_ONLY, NULL,
	    err, sizeof(err)), 1);
	assert_int_equal(o.cfg.broadcast_only, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_order),
		cmocka_unit_test(test_pick_too_long),
		cmocka_unit_test(test_socket_path),
		cmocka_unit_test(test_mkdirs),
		cmocka_unit_test(test_node_opts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
