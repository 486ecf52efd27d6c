/* cmd-broadcast: `feige broadcast TEXT`, one message to every known peer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "conf.h"
#include "feige/feige.h"
#include "jsonev.h"
#include "local.h"
#include "opts.h"

int
fg_cmd_broadcast(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct fg_node_opts o;
	unsigned wait_ms = FG_LOCAL_WAIT_MS;
	json_t *req = NULL, *reply = NULL, *out;
	const char *text;
	char *owned = NULL;
	int c, r;

	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((r = fg_cmd_node_getopt(ctx, argc, argv, ":hj", longopts, &o,
	    &wait_ms, &c)) != FG_CMD_OPTS_END)
		if (r >= 0)
			return r;
	if (argc - optind != 1)
		return fg_cmd_usage_error(ctx, argc - optind < 1 ?
		    "broadcast needs TEXT" : "too many arguments (quote TEXT)");
	if ((r = fg_cmd_get_text(ctx, argv[optind], &owned, &text)) >= 0)
		return r;
	if ((req = json_pack("{s:i, s:i, s:s, s:s}", "v", FG_PROTO_VERSION,
	    "id", 1, "cmd", "broadcast", "text", text)) == NULL) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto done;
	}
	if ((r = fg_conf_node(ctx, &o)) >= 0 ||
	    (r = fg_cmd_call(ctx, req, &o, wait_ms, &reply)) != 0 ||
	    (r = fg_cmd_check(reply)) != 0)
		goto done;
	if (ctx->json) {
		out = json_pack("{s:b, s:O?}", "ok", 1, "sent",
		    json_object_get(reply, "sent"));
		if (out == NULL || fg_cmd_print_json(out) != 0)
			r = FG_EXIT_FAIL;
		json_decref(out);
	}
 done:
	fg_node_opts_free(&o);
	free(owned);
	json_decref(req);
	json_decref(reply);
	return r;
}
