/* cmd-accept: `feige accept OFFER`, fetching files offered to us. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "config.h"
#include "evconn.h"
#include "feige/feige.h"
#include "fetch.h"
#include "progress.h"

/* Long-only option codes. */
enum { OPT_TO = 0x200, OPT_OVERWRITE, OPT_MAX_SIZE, OPT_MAX_FILES };

int
fg_cmd_accept(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "to", required_argument, NULL, OPT_TO },
		{ "overwrite", no_argument, NULL, OPT_OVERWRITE },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "max-files", required_argument, NULL, OPT_MAX_FILES },
		{ NULL, 0, NULL, 0 },
	};
	struct fg_fetch_opts o;
	struct fg_config cfg;
	struct fg_evconn e;
	json_t *files = NULL;
	const char *to = NULL;
	char dir[PATH_MAX], err[1024];
	uint64_t offer;
	int c, i, r;

	memset(&o, 0, sizeof(o));
	memset(&e, 0, sizeof(e));
	memset(&cfg, 0, sizeof(cfg));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fg_cmd_print_cmd_help(ctx->cmd, stdout);
			return FG_EXIT_OK;
		case 'j':
			ctx->json = 1;
			break;
		case OPT_TO:
			to = optarg;
			break;
		case OPT_OVERWRITE:
			o.overwrite = 1;
			break;
		case OPT_MAX_SIZE:
			if ((r = fg_fetch_parse_cap(ctx, "--max-size", optarg,
			    1, &o.max_total)) >= 0)
				return r;
			break;
		case OPT_MAX_FILES:
			if ((r = fg_fetch_parse_cap(ctx, "--max-files", optarg,
			    0, &o.max_files)) >= 0)
				return r;
			break;
		default:
			return fg_cmd_bad_option(ctx, c, argv);
		}
	}
	if (optind >= argc)
		return fg_cmd_usage_error(ctx, "accept needs OFFER");
	if ((r = fg_fetch_parse_id(ctx, "OFFER", argv[optind], &offer)) >= 0)
		return r;
	if (argc - optind > 1) {
		if ((files = json_array()) == NULL) {
			fg_cmd_error("out of memory");
			return FG_EXIT_FAIL;
		}
		for (i = optind + 1; i < argc; i++)
			if (json_array_append_new(files,
			    json_string(argv[i])) != 0) {
				json_decref(files);
				return fg_cmd_usage_error(ctx, "FILE '%s' is "
				    "not UTF-8", argv[i]);
			}
	}
	/* The daemon first: no folder is made for nothing. */
	if ((r = fg_conf_load(ctx, &cfg)) >= 0 ||
	    (r = fg_evconn_open(&e, ctx, 1, NULL)) != FG_EXIT_OK)
		goto out;
	if (fg_fetch_dir(to != NULL ? to : cfg.download_dir, dir, sizeof(dir),
	    err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		r = FG_EXIT_FAIL;
		goto out;
	}
	o.dir = dir;
	o.json = ctx->json;
	o.progress = fg_progress_tty();
	r = fg_fetch_run(&e, offer, files, &o);
 out:
	fg_config_free(&cfg);
	fg_evconn_close(&e);
	json_decref(files);
	return r;
}
