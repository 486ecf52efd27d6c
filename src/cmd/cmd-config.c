/* cmd-config: `feige config`, the effective settings and where each came from. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "config.h"
#include "feige/feige.h"
#include "jsonev.h"
#include "opts.h"

/* The origin of a setting as a word. */
static const char *
origin_name(enum fg_config_origin o)
{
	switch (o) {
	case FG_CONFIG_FILE:	return "file";
	case FG_CONFIG_ENV:	return "environment";
	case FG_CONFIG_CMDLINE:	return "command line";
	default:		return "default";
	}
}

/* fg_config_foreach callback: appends {"key","value","source","origin"}. */
static int
json_setting(const char *key, const char *value,
    const struct fg_config_source *src, void *arg)
{
	json_t *arr = arg, *o;
	char where[PATH_MAX + 64];

	fg_config_source_str(src, where, sizeof(where));
	if ((o = json_object()) == NULL ||
	    fg_jsonev_set(o, "key", json_string(key)) != 0 ||
	    fg_jsonev_set(o, "value", fg_jsonev_cstr(value)) != 0 ||
	    fg_jsonev_set(o, "source", fg_jsonev_cstr(where)) != 0 ||
	    fg_jsonev_set(o, "origin", json_string(origin_name(src->origin))) != 0 ||
	    json_array_append_new(arr, o) != 0) {
		json_decref(o);
		return FG_ERR_ALLOC;
	}
	return 0;
}

/* Prints {"file","exists","history","settings":[...]} as one line. */
static int
print_json(const struct fg_node_opts *o, const char *file, int exists)
{
	json_t *out, *arr;
	int r = FG_EXIT_FAIL;

	if ((out = json_object()) == NULL || (arr = json_array()) == NULL ||
	    json_object_set_new(out, "settings", arr) != 0 ||
	    fg_jsonev_set(out, "file", fg_jsonev_cstr(file)) != 0 ||
	    fg_jsonev_set(out, "exists", json_boolean(exists)) != 0 ||
	    fg_jsonev_set(out, "history", fg_jsonev_cstr(o->history_path[0] ?
	    o->history_path : NULL)) != 0 ||
	    fg_config_foreach(&o->conf, json_setting, arr) != 0 ||
	    fg_cmd_print_json(out) != 0)
		fg_cmd_error("out of memory");
	else
		r = FG_EXIT_OK;
	json_decref(out);
	return r;
}

int
fg_cmd_config(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct fg_node_opts o;
	char file[PATH_MAX];
	const char *shown = NULL;
	int c, r, named, exists = 0;

	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((r = fg_cmd_node_getopt(ctx, argc, argv, ":hj", longopts, &o,
	    NULL, &c)) != FG_CMD_OPTS_END)
		if (r >= 0)
			return r;
	if (optind < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[optind]);
	if ((r = fg_conf_node(ctx, &o)) >= 0)
		goto out;
	if (fg_conf_path(ctx, file, sizeof(file), &named) == 0) {
		shown = file;
		exists = access(file, F_OK) == 0;
	}
	if (ctx->json) {
		r = print_json(&o, shown, exists);
		goto out;
	}
	printf("# config file: %s%s\n", shown != NULL ? shown : "(none: no "
	    "home directory)", shown != NULL && !exists ? " (not there: "
	    "defaults)" : "");
	printf("# history: %s\n", o.history_path[0] ? o.history_path :
	    "(none)");
	r = fg_config_print(&o.conf, stdout) == 0 && fflush(stdout) == 0 ?
	    FG_EXIT_OK : FG_EXIT_FAIL;
 out:
	fg_node_opts_free(&o);
	return r;
}
