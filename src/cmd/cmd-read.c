/* cmd-read: `feige read ID`, open a received sealed message. */
#include <stdio.h>

#include "cmd.h"
#include "feige/feige.h"
#include "jsonev.h"
#include "opts.h"

int
fg_cmd_read(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	unsigned long id;
	json_t *req, *reply = NULL, *out;
	char err[256];
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (argc - first != 1)
		return fg_cmd_usage_error(ctx, "read needs one message ID");
	if (fg_opts_number("ID", argv[first], 1, 4294967295UL, &id, err,
	    sizeof(err)) != 0)
		return fg_cmd_usage_error(ctx, "%s", err);
	if ((req = json_pack("{s:i, s:i, s:s, s:I}", "v", FG_PROTO_VERSION,
	    "id", 1, "cmd", "read", "msg", (json_int_t)id)) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_cmd_call(ctx, req, NULL, 0, &reply)) == 0 &&
	    (r = fg_cmd_check(reply)) == 0 && ctx->json) {
		out = json_pack("{s:b, s:I}", "ok", 1, "id", (json_int_t)id);
		if (out == NULL || fg_cmd_print_json(out) != 0)
			r = FG_EXIT_FAIL;
		json_decref(out);
	}
	json_decref(req);
	json_decref(reply);
	return r;
}
