/*
 * test_cmd_config: the config file and the command-line node options
 * merged into the node's configuration: a flag beats the file, the file
 * beats the default, and every value says where it came from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "config.h"
#include "feige/feige.h"
#include "opts.h"

#define XIAOMING "\xe5\xb0\x8f\xe6\x98\x8e"	/* 小明 */

struct fixture {
	char	dir[64];
	char	path[PATH_MAX];
};

/* A temporary directory for the config files. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/feige-conf-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/config.ini", f->dir);
	*state = f;
	return 0;
}

/* Removes the files and the directory. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Writes the config file. */
static void
write_file(struct fixture *f, const char *text)
{
	FILE *fp;

	assert_non_null((fp = fopen(f->path, "w")));
	fputs(text, fp);
	fclose(fp);
}

/* The source of key in o's settings, as `feige config` prints it. */
static const char *
source(const struct fg_node_opts *o, const char *key, char *buf, size_t len)
{
	const struct fg_config_source *src;
	const char *value;
	char vbuf[64];

	assert_int_equal(fg_config_get(&o->conf, key, &value, vbuf,
	    sizeof(vbuf), &src), 0);
	fg_config_source_str(src, buf, len);
	return buf;
}

/* Applies one node option as getopt would hand it over. */
static void
flag(struct fg_node_opts *o, int code, const char *arg)
{
	char err[256];

	assert_int_equal(fg_node_opts_apply(o, code, arg, err, sizeof(err)), 1);
}

static void
test_merge(void **state)
{
	struct fixture *f = *state;
	struct fg_node_opts o;
	char err[512], buf[PATH_MAX + 64], want[PATH_MAX + 64];

	write_file(f,
	    "# feige\n"
	    "[identity]\n"
	    "nick = " XIAOMING "\n"
	    "group = dev\n"
	    "[network]\n"
	    "port = 2426\n"
	    "broadcast = 127.0.0.3, 127.0.0.4\n"
	    "[transfer]\n"
	    "auto_accept = yes\n"
	    "max_files = 3\n"
	    "colour = blue\n"
	    "[plugins]\n"
	    "x = 1\n");
	fg_node_opts_init(&o);
	flag(&o, FG_NOPT_PORT, "24270");
	flag(&o, FG_NOPT_BIND, "127.0.0.2");
	flag(&o, FG_NOPT_BROADCAST_ONLY, NULL);
	flag(&o, FG_NOPT_RETRIES, "2");
	flag(&o, FG_NOPT_PORT, "24271");	/* the last one wins */
	assert_int_equal(fg_node_opts_load(&o, f->path, err, sizeof(err)), 0);

	/* Flag beats file beats default. */
	assert_int_equal(o.cfg.port, 24271);
	assert_string_equal(o.cfg.nick, XIAOMING);
	assert_string_equal(o.cfg.group, "dev");
	assert_string_equal(o.cfg.bind, "127.0.0.2");
	assert_string_equal(o.cfg.broadcast, "127.0.0.3,127.0.0.4");
	assert_int_equal(o.cfg.broadcast_only, 1);
	assert_int_equal(o.cfg.legacy, FG_CS_GBK);
	assert_null(o.cfg.user);
	assert_null(o.cfg.host);
	assert_int_equal(o.cfg.retries, 2);	/* no config key: kept */
	assert_int_equal(o.conf.auto_accept, 1);
	assert_int_equal(o.conf.max_files, 3);

	/* Where each came from. */
	assert_string_equal(source(&o, "network.port", buf, sizeof(buf)),
	    "command line --port");
	assert_string_equal(source(&o, "network.broadcast_only", buf,
	    sizeof(buf)), "command line --broadcast-only");
	snprintf(want, sizeof(want), "%s:3", f->path);
	assert_string_equal(source(&o, "identity.nick", buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "%s:7", f->path);
	assert_string_equal(source(&o, "network.broadcast", buf, sizeof(buf)),
	    want);
	assert_string_equal(source(&o, "charset.legacy", buf, sizeof(buf)),
	    "default");

	/* The unknown key and the unknown section, one warning each. */
	assert_int_equal(o.conf.nwarnings, 2);
	assert_non_null(strstr(o.conf.warnings[0], "colour"));
	assert_non_null(strstr(o.conf.warnings[1], "[plugins]"));
	fg_node_opts_free(&o);
}

static void
test_defaults_and_errors(void **state)
{
	struct fixture *f = *state;
	struct fg_node_opts o;
	char err[512], want[PATH_MAX + 16];

	/* No file: the node's defaults. */
	fg_node_opts_init(&o);
	assert_int_equal(fg_node_opts_load(&o, NULL, err, sizeof(err)), 0);
	assert_int_equal(o.cfg.port, FEIGE_DEFAULT_PORT);
	assert_null(o.cfg.nick);
	assert_null(o.cfg.bind);
	assert_int_equal(o.cfg.broadcast_only, 0);
	fg_node_opts_free(&o);

	/* A missing file is no error either. */
	fg_node_opts_init(&o);
	assert_int_equal(fg_node_opts_load(&o, "/nonexistent/feige.ini", err,
	    sizeof(err)), 0);
	assert_int_equal(o.cfg.port, FEIGE_DEFAULT_PORT);
	fg_node_opts_free(&o);

	/* A malformed file: an error naming file:line. */
	write_file(f, "[network]\nport = 2426\nport 99\n");
	fg_node_opts_init(&o);
	assert_int_not_equal(fg_node_opts_load(&o, f->path, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s:3:", f->path);
	assert_memory_equal(err, want, strlen(want));
	fg_node_opts_free(&o);

	/* A bad value in the file, even when a flag would override it. */
	write_file(f, "[network]\nport = 70000\n");
	fg_node_opts_init(&o);
	flag(&o, FG_NOPT_PORT, "2427");
	assert_int_not_equal(fg_node_opts_load(&o, f->path, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s:2:", f->path);
	assert_memory_equal(err, want, strlen(want));
	fg_node_opts_free(&o);

	/* A flag the config check refuses is named as the flag. */
	write_file(f, "[identity]\nnick = ok\n");
	fg_node_opts_init(&o);
	flag(&o, FG_NOPT_NICK, "tab\there");
	assert_int_not_equal(fg_node_opts_load(&o, f->path, err, sizeof(err)), 0);
	assert_memory_equal(err, "--nick: ", 8);
	fg_node_opts_free(&o);
}

/* The CLI side: --config, $FEIGE_CONFIG, and the history file choice. */
static void
test_cli(void **state)
{
	struct fixture *f = *state;
	struct fg_cmd_ctx ctx;
	struct fg_node_opts o;
	char path[PATH_MAX], *out = NULL;
	size_t outlen = 0;
	FILE *fp;
	int named;

	write_file(f, "[identity]\nnick = file-nick\n[network]\nport = 2426\n");
	memset(&ctx, 0, sizeof(ctx));
	ctx.config_opt = f->path;
	ctx.history_opt = "/tmp/feige-test-ha.db";
	assert_int_equal(fg_conf_path(&ctx, path, sizeof(path), &named), 0);
	assert_string_equal(path, f->path);
	assert_int_equal(named, 1);

	fg_node_opts_init(&o);
	flag(&o, FG_NOPT_PORT, "24270");
	assert_int_equal(fg_conf_node(&ctx, &o), -1);
	assert_int_equal(o.cfg.port, 24270);
	assert_string_equal(o.cfg.nick, "file-nick");
	assert_string_equal(o.history_path, "/tmp/feige-test-ha.db");

	/* What `feige config` prints. */
	assert_non_null((fp = open_memstream(&out, &outlen)));
	assert_int_equal(fg_config_print(&o.conf, fp), 0);
	fclose(fp);
	assert_non_null(strstr(out, "network.port = 24270"));
	assert_non_null(strstr(out, "# from command line --port"));
	assert_non_null(strstr(out, "identity.nick = file-nick"));
	assert_non_null(strstr(out, "config.ini:2"));
	free(out);
	fg_node_opts_free(&o);

	/* The command's --no-history beats the global --history. */
	fg_node_opts_init(&o);
	assert_int_equal(fg_node_opts_apply(&o, FG_NOPT_NO_HISTORY, NULL, path,
	    sizeof(path)), 1);
	assert_int_equal(fg_conf_node(&ctx, &o), -1);
	assert_string_equal(o.history_path, "");
	fg_node_opts_free(&o);

	/* $FEIGE_CONFIG when there is no --config; a named file must exist. */
	ctx.config_opt = NULL;
	setenv("FEIGE_CONFIG", f->path, 1);
	assert_int_equal(fg_conf_path(&ctx, path, sizeof(path), &named), 0);
	assert_string_equal(path, f->path);
	ctx.config_opt = "/nonexistent/feige.ini";
	fg_node_opts_init(&o);
	assert_int_equal(fg_conf_node(&ctx, &o), FG_EXIT_USAGE);
	fg_node_opts_free(&o);
	unsetenv("FEIGE_CONFIG");

	/* A malformed file is a usage error (exit 2). */
	write_file(f, "nick = early\n");
	ctx.config_opt = f->path;
	fg_node_opts_init(&o);
	assert_int_equal(fg_conf_node(&ctx, &o), FG_EXIT_USAGE);
	fg_node_opts_free(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_and_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
