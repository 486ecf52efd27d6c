/*
 * test_config: defaults, the INI file (sources, comments, quotes, warnings,
 * errors with line numbers), value checks, command-line overrides, size
 * suffixes and the printed form.
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

#include "config.h"
#include "feige/feige.h"

struct fixture {
	char		 dir[64];
	char		 path[PATH_MAX];
	char		*home, *xdg_dl, *xdg_cfg;
	struct fg_config cfg;
	char		 err[1024];
};

/* Saves an environment variable's value. */
static char *
save_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL ? strdup(v) : NULL;
}

/* Puts a saved value back. */
static void
restore_env(const char *name, char *v)
{
	if (v != NULL)
		setenv(name, v, 1);
	else
		unsetenv(name);
	free(v);
}

/* A temporary directory, HOME=/home/u, no XDG_DOWNLOAD_DIR, default config. */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/feige-cfg-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/config.ini", f->dir);
	f->home = save_env("HOME");
	f->xdg_dl = save_env("XDG_DOWNLOAD_DIR");
	f->xdg_cfg = save_env("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	unsetenv("XDG_DOWNLOAD_DIR");
	if (fg_config_init_defaults(&f->cfg) != 0)
		return -1;
	*state = f;
	return 0;
}

/* Frees the config, removes the file and directory, restores the environment. */
static int
teardown(void **state)
{
	struct fixture *f = *state;

	fg_config_free(&f->cfg);
	unlink(f->path);
	rmdir(f->dir);
	restore_env("HOME", f->home);
	restore_env("XDG_DOWNLOAD_DIR", f->xdg_dl);
	restore_env("XDG_CONFIG_HOME", f->xdg_cfg);
	free(f);
	return 0;
}

/* Writes the config file. */
static void
write_file(struct fixture *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Loads the file; asserts the status. */
static void
load(struct fixture *f, int want)
{
	int r = fg_config_load_file(&f->cfg, f->path, f->err, sizeof(f->err));

	if (r != want)
		fail_msg("load: %d (%s), want %d", r, f->err, want);
}

/* Asserts a key's value and where it came from. */
static void
check(const struct fg_config *cfg, const char *key, const char *value,
    const char *from)
{
	const struct fg_config_source *src;
	const char *v;
	char buf[64], where[PATH_MAX + 32];

	assert_int_equal(fg_config_get(cfg, key, &v, buf, sizeof(buf), &src), 0);
	if (value == NULL)
		assert_null(v);
	else {
		assert_non_null(v);
		assert_string_equal(v, value);
	}
	fg_config_source_str(src, where, sizeof(where));
	assert_string_equal(where, from);
}

/* Asserts that err contains s. */
static void
err_has(const char *err, const char *s)
{
	if (strstr(err, s) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", err, s);
}

/* Every default, and where download_dir comes from. */
static void
test_defaults(void **state)
{
	struct fixture *f = *state;
	struct fg_config c;

	assert_int_equal(f->cfg.port, 2425);
	assert_int_equal(f->cfg.legacy, FG_CS_GBK);
	assert_int_equal(f->cfg.max_total_size, (uint64_t)4 << 30);
	assert_int_equal(f->cfg.max_files, 10000);
	assert_false(f->cfg.auto_accept);
	assert_true(f->cfg.bell);
	assert_false(f->cfg.broadcast_only);
	assert_null(f->cfg.nick);
	assert_null(f->cfg.group);
	assert_null(f->cfg.user);
	assert_null(f->cfg.host);
	assert_null(f->cfg.bind);
	assert_null(f->cfg.broadcast);
	check(&f->cfg, "transfer.download_dir", "/home/u/Downloads", "default");
	check(&f->cfg, "charset.legacy", "gbk", "default");
	check(&f->cfg, "transfer.max_total_size", "4G", "default");
	check(&f->cfg, "identity.nick", NULL, "default");
	check(&f->cfg, "ui.bell", "true", "default");

	setenv("XDG_DOWNLOAD_DIR", "/data/dl", 1);
	assert_int_equal(fg_config_init_defaults(&c), 0);
	check(&c, "transfer.download_dir", "/data/dl",
	    "environment XDG_DOWNLOAD_DIR");
	fg_config_free(&c);
	fg_config_free(NULL);
}

/* A file that sets everything: values and file:line sources. */
static void
test_full_file(void **state)
{
	struct fixture *f = *state;
	char where[PATH_MAX + 16];

	write_file(f,
	    "# feige configuration\n"				/* 1 */
	    "[identity]\n"					/* 2 */
	    "nick = \xe5\xbc\xa0\xe4\xb8\x89\n"			/* 3: 张三 */
	    "group = Dev\n"					/* 4 */
	    "user = zhang\n"					/* 5 */
	    "host = laptop\n"					/* 6 */
	    "\n"						/* 7 */
	    "[network]\n"					/* 8 */
	    "port = 2426\n"					/* 9 */
	    "bind = 192.168.1.10\n"				/* 10 */
	    "broadcast = 192.168.1.255, 10.0.0.255\n"		/* 11 */
	    "broadcast_only = yes\n"				/* 12 */
	    "[charset]\n"					/* 13 */
	    "legacy = CP932\n"					/* 14 */
	    "[transfer]\n"					/* 15 */
	    "download_dir = ~/incoming\n"			/* 16 */
	    "max_total_size = 512M\n"				/* 17 */
	    "max_files = 42\n"					/* 18 */
	    "auto_accept = on\n"				/* 19 */
	    "[ui]\n"						/* 20 */
	    "bell = off\n");					/* 21 */
	load(f, 0);
	assert_int_equal(f->cfg.nwarnings, 0);
	snprintf(where, sizeof(where), "%s:3", f->path);
	check(&f->cfg, "identity.nick", "\xe5\xbc\xa0\xe4\xb8\x89", where);
	snprintf(where, sizeof(where), "%s:6", f->path);
	check(&f->cfg, "identity.host", "laptop", where);
	snprintf(where, sizeof(where), "%s:9", f->path);
	check(&f->cfg, "network.port", "2426", where);
	snprintf(where, sizeof(where), "%s:11", f->path);
	check(&f->cfg, "network.broadcast", "192.168.1.255,10.0.0.255", where);
	snprintf(where, sizeof(where), "%s:14", f->path);
	check(&f->cfg, "charset.legacy", "cp932", where);
	snprintf(where, sizeof(where), "%s:16", f->path);
	check(&f->cfg, "transfer.download_dir", "/home/u/incoming", where);
	snprintf(where, sizeof(where), "%s:21", f->path);
	check(&f->cfg, "ui.bell", "false", where);
	assert_string_equal(f->cfg.group, "Dev");
	assert_string_equal(f->cfg.user, "zhang");
	assert_string_equal(f->cfg.bind, "192.168.1.10");
	assert_int_equal(f->cfg.port, 2426);
	assert_true(f->cfg.broadcast_only);
	assert_int_equal(f->cfg.legacy, FG_CS_CP932);
	assert_int_equal(f->cfg.max_total_size, (uint64_t)512 << 20);
	assert_int_equal(f->cfg.max_files, 42);
	assert_true(f->cfg.auto_accept);
	assert_false(f->cfg.bell);
	/* Later lines win, and a second file stacks on the first. */
	write_file(f, "[network]\nport = 1\nport = 2\n");
	load(f, 0);
	snprintf(where, sizeof(where), "%s:3", f->path);
	check(&f->cfg, "network.port", "2", where);
	assert_string_equal(f->cfg.group, "Dev");
}

/* Comments, quotes, blanks, CRLF, a BOM, and keys in any case. */
static void
test_syntax(void **state)
{
	struct fixture *f = *state;

	write_file(f,
	    "\xef\xbb\xbf; a BOM, then a comment\r\n"
	    "   # indented comment\r\n"
	    "\t\r\n"
	    "[ identity ]\r\n"
	    "  nick\t=   \"  spaced out  \"   \r\n"
	    "GROUP=\"\"\r\n"
	    "host = a \"quoted\" word\r\n"
	    "user = \"\"quoted\"\"\n"
	    "[Network]\n"
	    "port=\"3000\"\n"
	    "bind =\n"
	    "[ui]\n"
	    "bell = # not a comment\n");
	load(f, FG_ERR_FORMAT);	/* the bell line */
	err_has(f->err, ":13: ui.bell: \"# not a comment\" is not a boolean");
	assert_null(f->cfg.nick);	/* nothing was applied */
	write_file(f,
	    "\xef\xbb\xbf; a BOM, then a comment\r\n"
	    "   # indented comment\r\n"
	    "\t\r\n"
	    "[ identity ]\r\n"
	    "  nick\t=   \"  spaced out  \"   \r\n"
	    "GROUP=\"\"\r\n"
	    "host = a \"quoted\" word\r\n"
	    "user = \"\"quoted\"\"\n"
	    "[Network]\n"
	    "port=\"3000\"\n"
	    "bind =\n");
	load(f, 0);
	assert_string_equal(f->cfg.nick, "  spaced out  ");
	assert_string_equal(f->cfg.group, "");
	assert_string_equal(f->cfg.host, "a \"quoted\" word");
	assert_string_equal(f->cfg.user, "\"quoted\"");
	assert_int_equal(f->cfg.port, 3000);
	assert_null(f->cfg.bind);
	assert_int_equal(f->cfg.nwarnings, 0);
}

/* Unknown keys and sections warn with file:line and do not stop the load. */
static void
test_unknown(void **state)
{
	struct fixture *f = *state;
	char want[PATH_MAX + 64];

	write_file(f,
	    "[identity]\n"
	    "nick = n\n"
	    "colour = blue\n"
	    "[plugins]\n"
	    "a = 1\n"
	    "b = 2\n"
	    "[ui]\n"
	    "bell = no\n");
	load(f, 0);
	assert_int_equal(f->cfg.nwarnings, 2);
	snprintf(want, sizeof(want), "%s:3: unknown key \"colour\" in [identity]",
	    f->path);
	err_has(f->cfg.warnings[0], want);
	snprintf(want, sizeof(want), "%s:4: unknown section [plugins]", f->path);
	err_has(f->cfg.warnings[1], want);
	assert_string_equal(f->cfg.nick, "n");
	assert_false(f->cfg.bell);
}

/* Malformed lines fail with their line number and change nothing. */
static void
test_malformed(void **state)
{
	static const struct {
		const char	*text;
		const char	*where;
	} cases[] = {
		{ "[network]\nport = 3000\nport 2425\n", ":3: malformed line" },
		{ "[network\nport = 1\n", ":1: malformed section header" },
		{ "[]\n", ":1: malformed section header" },
		{ "[ui]\n= true\n", ":2: malformed line (no key" },
		{ "[ui]\nbell = \"yes\n", ":2: malformed value" },
		{ "[ui]\nbell = \"\n", ":2: malformed value" },
		{ "port = 1\n", ":1: \"port\" comes before any [section]" },
	};
	struct fixture *f = *state;
	char *big;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(f, cases[i].text);
		load(f, FG_ERR_FORMAT);
		err_has(f->err, f->path);
		err_has(f->err, cases[i].where);
		assert_int_equal(f->cfg.port, 2425);
		check(&f->cfg, "network.port", "2425", "default");
	}
	/* 4096 bytes is the longest line; one more is an error. */
	assert_non_null(big = malloc(16384));
	snprintf(big, 16384, "[identity]\n# %4094d\n# %4095d\n", 0, 0);
	assert_int_equal(strlen(big), 11 + 4096 + 1 + 4097 + 1);
	write_file(f, big);
	load(f, FG_ERR_LIMIT);
	err_has(f->err, ":3: line longer than 4096 bytes");
	big[11 + 4096] = '\0';
	write_file(f, big);	/* no final newline, exactly 4096 bytes */
	load(f, 0);
	free(big);
	/* A missing file is fine and changes nothing. */
	unlink(f->path);
	load(f, 0);
	assert_int_equal(f->cfg.port, 2425);
}

/* Values that do not fit are refused with a message naming key and value. */
static void
test_bad_values(void **state)
{
	static const struct {
		const char	*key, *value, *msg;
		int		 r;
	} cases[] = {
		{ "network.port", "70000", "network.port: \"70000\" is not a port"
		    " number (1 to 65535)", FG_ERR_RANGE },
		{ "network.port", "0", "not a port number", FG_ERR_RANGE },
		{ "network.port", "-1", "not a port number", FG_ERR_FORMAT },
		{ "network.port", "", "not a port number", FG_ERR_FORMAT },
		{ "charset.legacy", "klingon", "charset.legacy: unknown charset"
		    " \"klingon\" (use utf-8, gbk, gb18030 or cp932)", FG_ERR_CHARSET },
		{ "transfer.max_total_size", "12Q", "transfer.max_total_size:"
		    " \"12Q\" is not a size", FG_ERR_FORMAT },
		{ "transfer.max_total_size", "16777216T", "is too large",
		    FG_ERR_RANGE },
		{ "transfer.max_total_size", "99999999999999999999", "too large",
		    FG_ERR_RANGE },
		{ "transfer.max_total_size", "K", "not a size", FG_ERR_FORMAT },
		{ "transfer.max_total_size", "1KB", "not a size", FG_ERR_FORMAT },
		{ "transfer.max_total_size", "1 K", "not a size", FG_ERR_FORMAT },
		{ "ui.bell", "maybe", "ui.bell: \"maybe\" is not a boolean",
		    FG_ERR_FORMAT },
		{ "transfer.max_files", "1e3", "not a count", FG_ERR_FORMAT },
		{ "transfer.max_files", "4294967296", "not a count", FG_ERR_RANGE },
		{ "network.bind", "example.com", "not an IPv4 address",
		    FG_ERR_FORMAT },
		{ "network.broadcast", "10.0.0.1,,10.0.0.2", "bad item \"\"",
		    FG_ERR_FORMAT },
		{ "network.broadcast", "10.0.0.1,", "ends with a comma",
		    FG_ERR_FORMAT },
		{ "network.broadcast", "10.0.0.300", "bad item \"10.0.0.300\"",
		    FG_ERR_FORMAT },
		{ "identity.user", "a:b", "not a valid name", FG_ERR_INVAL },
		{ "identity.host", "", "not a valid name", FG_ERR_INVAL },
		{ "identity.nick", "tab\there", "not a valid name", FG_ERR_INVAL },
		{ "identity.nick", "\xff\xfe", "not a valid name", FG_ERR_INVAL },
		{ "transfer.download_dir", "relative/dir", "not an absolute path",
		    FG_ERR_INVAL },
	};
	struct fixture *f = *state;
	char text[256], want[PATH_MAX + 64], *dot;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f->err[0] = '\0';
		assert_int_equal(fg_config_set(&f->cfg, cases[i].key,
		    cases[i].value, NULL, f->err, sizeof(f->err)), cases[i].r);
		err_has(f->err, cases[i].msg);
		err_has(f->err, cases[i].key);
	}
	/* The same checks apply in the file, with file:line in front. */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dot = strchr(cases[i].key, '.');
		snprintf(text, sizeof(text), "\n[%.*s]\n%s = %s\n",
		    (int)(dot - cases[i].key), cases[i].key, dot + 1,
		    cases[i].value);
		write_file(f, text);
		load(f, cases[i].r);
		snprintf(want, sizeof(want), "%s:3: %s", f->path, cases[i].key);
		err_has(f->err, want);
		err_has(f->err, cases[i].msg);
	}
	assert_int_equal(fg_config_set(&f->cfg, "network.colour", "1", NULL,
	    f->err, sizeof(f->err)), FG_ERR_NOT_FOUND);
	err_has(f->err, "unknown setting \"network.colour\"");
	assert_int_equal(fg_config_set(&f->cfg, "ui.bell", NULL, NULL,
	    f->err, sizeof(f->err)), FG_ERR_INVAL);
	/* Nothing above changed a value. */
	assert_int_equal(f->cfg.port, 2425);
	check(&f->cfg, "transfer.max_total_size", "4G", "default");
}

/* Good values of every kind, including sizes with suffixes. */
static void
test_values(void **state)
{
	static const struct {
		const char	*value, *shown;
		uint64_t	 bytes;
	} sizes[] = {
		{ "0", "0", 0 },
		{ "1000", "1000", 1000 },
		{ "1024", "1K", 1024 },
		{ "1k", "1K", 1024 },
		{ "1536K", "1536K", 1536 << 10 },
		{ "2m", "2M", 2 << 20 },
		{ "4G", "4G", (uint64_t)4 << 30 },
		{ "1T", "1T", (uint64_t)1 << 40 },
		{ "16777215T", "16777215T", (uint64_t)16777215 << 40 },
		{ "18446744073709551615", "18446744073709551615", UINT64_MAX },
	};
	static const char *const yes[] = { "true", "YES", "On", "1" };
	static const char *const no[] = { "false", "No", "OFF", "0" };
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(fg_config_set(&f->cfg, "transfer.max_total_size",
		    sizes[i].value, NULL, f->err, sizeof(f->err)), 0);
		assert_int_equal(f->cfg.max_total_size, sizes[i].bytes);
		check(&f->cfg, "transfer.max_total_size", sizes[i].shown,
		    "command line");
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(fg_config_set(&f->cfg, "ui.bell", no[i], NULL,
		    f->err, sizeof(f->err)), 0);
		assert_false(f->cfg.bell);
		assert_int_equal(fg_config_set(&f->cfg, "UI.Bell", yes[i], NULL,
		    f->err, sizeof(f->err)), 0);
		assert_true(f->cfg.bell);
	}
	assert_int_equal(fg_config_set(&f->cfg, "charset.legacy", "GB18030",
	    NULL, f->err, sizeof(f->err)), 0);
	assert_int_equal(f->cfg.legacy, FG_CS_GB18030);
	assert_int_equal(fg_config_set(&f->cfg, "network.port", "65535", NULL,
	    f->err, sizeof(f->err)), 0);
	assert_int_equal(fg_config_set(&f->cfg, "transfer.download_dir", "~",
	    NULL, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->cfg.download_dir, "/home/u");
	assert_int_equal(fg_config_set(&f->cfg, "network.broadcast",
	    " 10.0.0.255 ,192.168.0.255 ", NULL, f->err, sizeof(f->err)), 0);
	assert_string_equal(f->cfg.broadcast, "10.0.0.255,192.168.0.255");
	assert_int_equal(fg_config_set(&f->cfg, "network.broadcast", "", NULL,
	    f->err, sizeof(f->err)), 0);
	assert_null(f->cfg.broadcast);
}

/* The command line wins over the file and says so. */
static void
test_override(void **state)
{
	struct fixture *f = *state;
	struct fg_config_source flag = { FG_CONFIG_CMDLINE, "--port", 0 };
	struct fg_config_source env = { FG_CONFIG_ENV, "FEIGE_NICK", 0 };
	char where[PATH_MAX + 16];

	write_file(f, "[network]\nport = 3000\n[identity]\nnick = filenick\n");
	load(f, 0);
	snprintf(where, sizeof(where), "%s:2", f->path);
	check(&f->cfg, "network.port", "3000", where);
	assert_int_equal(fg_config_set(&f->cfg, "network.port", "4000", &flag,
	    f->err, sizeof(f->err)), 0);
	check(&f->cfg, "network.port", "4000", "command line --port");
	assert_int_equal(f->cfg.port, 4000);
	assert_int_equal(fg_config_set(&f->cfg, "identity.nick", "envnick", &env,
	    f->err, sizeof(f->err)), 0);
	check(&f->cfg, "identity.nick", "envnick", "environment FEIGE_NICK");
	/* A bad override leaves the value and its source alone. */
	assert_int_equal(fg_config_set(&f->cfg, "network.port", "x", &flag,
	    f->err, sizeof(f->err)), FG_ERR_FORMAT);
	check(&f->cfg, "network.port", "4000", "command line --port");
}

struct walk {
	size_t		 n;
	char		 keys[FG_CONFIG_NKEYS][32];
};

/* Records each key; stops at ui.bell with 5. */
static int
walk_cb(const char *key, const char *value, const struct fg_config_source *src,
    void *arg)
{
	struct walk *w = arg;

	(void)value;
	assert_non_null(src);
	snprintf(w->keys[w->n++], sizeof(w->keys[0]), "%s", key);
	return strcmp(key, "ui.bell") == 0 ? 5 : 0;
}

/* foreach visits every key in order; print shows values and sources. */
static void
test_print(void **state)
{
	struct fixture *f = *state;
	struct fg_config_source flag = { FG_CONFIG_CMDLINE, "--nick", 0 };
	struct walk w;
	char out[8192], want[PATH_MAX + 64];
	FILE *fp;
	size_t n;

	memset(&w, 0, sizeof(w));
	assert_int_equal(fg_config_foreach(&f->cfg, walk_cb, &w), 5);
	assert_int_equal(w.n, FG_CONFIG_NKEYS);
	assert_string_equal(w.keys[0], "identity.nick");
	assert_string_equal(w.keys[4], "network.port");

	write_file(f, "[network]\nport = 3000\n");
	load(f, 0);
	assert_int_equal(fg_config_set(&f->cfg, "identity.nick", " padded",
	    &flag, f->err, sizeof(f->err)), 0);
	assert_non_null(fp = fmemopen(out, sizeof(out), "w"));
	assert_int_equal(fg_config_print(&f->cfg, fp), 0);
	n = (size_t)ftell(fp);
	fclose(fp);
	out[n < sizeof(out) ? n : sizeof(out) - 1] = '\0';
	snprintf(want, sizeof(want), "network.port = 3000");
	err_has(out, want);
	snprintf(want, sizeof(want), "# from %s:2\n", f->path);
	err_has(out, want);
	err_has(out, "identity.nick = \" padded\"");
	err_has(out, "# from command line --nick\n");
	err_has(out, "identity.group =");
	err_has(out, "# unset, from default\n");
	err_has(out, "transfer.max_total_size = 4G");
	err_has(out, "transfer.download_dir = /home/u/Downloads");
	err_has(out, "ui.bell = true");
	err_has(out, "charset.legacy = gbk");
}

/* The default path follows XDG_CONFIG_HOME, then HOME. */
static void
test_default_path(void **state)
{
	char out[PATH_MAX], tiny[4];

	(void)state;
	setenv("XDG_CONFIG_HOME", "/xdg/cfg", 1);
	assert_int_equal(fg_config_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/xdg/cfg/feige/config.ini");
	assert_int_equal(fg_config_default_path(tiny, sizeof(tiny)),
	    FG_ERR_LIMIT);
	assert_string_equal(tiny, "");
	setenv("XDG_CONFIG_HOME", "", 1);
	assert_int_equal(fg_config_default_path(out, sizeof(out)), 0);
	assert_string_equal(out, "/home/u/.config/feige/config.ini");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_path, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
