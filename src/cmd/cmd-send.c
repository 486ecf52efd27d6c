/* cmd-send: `feige send PEER TEXT`, acknowledged delivery to one peer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "feige/feige.h"
#include "jsonev.h"
#include "local.h"
#include "opts.h"

/* Prints the --json result {"ok":true,"id":N,"acked":[...]}. */
static int
print_result(json_t *reply)
{
	json_t *out;
	int r;

	out = json_pack("{s:b, s:O?, s:O?}", "ok", 1,
	    "id", json_object_get(reply, "msg"),
	    "acked", json_object_get(reply, "acked"));
	if (out == NULL)
		return FG_EXIT_FAIL;
	r = fg_cmd_print_json(out);
	json_decref(out);
	return r == 0 ? FG_EXIT_OK : FG_EXIT_FAIL;
}

int
fg_cmd_send(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "seal", no_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct fg_node_opts o;
	unsigned wait_ms = FG_LOCAL_WAIT_MS;
	json_t *req = NULL, *reply = NULL;
	const char *peer, *text, *code;
	char *owned = NULL;
	int c, r, seal = 0;

	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((r = fg_cmd_node_getopt(ctx, argc, argv, ":hjs", longopts, &o,
	    &wait_ms, &c)) != FG_CMD_OPTS_END) {
		if (r >= 0)
			return r;
		if (c == 's')
			seal = 1;
	}
	if (argc - optind != 2)
		return fg_cmd_usage_error(ctx, argc - optind < 2 ?
		    "send needs PEER and TEXT" : "too many arguments (quote "
		    "TEXT, or use - to read it from stdin)");
	peer = argv[optind];
	if (*peer == '\0')
		return fg_cmd_usage_error(ctx, "PEER is empty");
	if ((r = fg_cmd_get_text(ctx, argv[optind + 1], &owned, &text)) >= 0)
		return r;
	if ((req = json_pack("{s:i, s:i, s:s, s:s, s:s, s:b}", "v",
	    FG_PROTO_VERSION, "id", 1, "cmd", "send", "to", peer, "text", text,
	    "seal", seal)) == NULL) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto out;
	}
	if ((r = fg_conf_node(ctx, &o)) >= 0 ||
	    (r = fg_cmd_call(ctx, req, &o, wait_ms, &reply)) != 0)
		goto out;
	code = json_string_value(json_object_get(reply, "code"));
	if (!json_is_true(json_object_get(reply, "ok")) && code != NULL &&
	    strcmp(code, "timeout") == 0) {
		fg_cmd_error("no acknowledgement from %s (the message may not "
		    "have arrived)", peer);
		r = FG_EXIT_NO_ACK;
		goto out;
	}
	if ((r = fg_cmd_check(reply)) != 0)
		goto out;
	if (ctx->json)
		r = print_result(reply);
 out:
	fg_node_opts_free(&o);
	free(owned);
	json_decref(req);
	json_decref(reply);
	return r;
}
