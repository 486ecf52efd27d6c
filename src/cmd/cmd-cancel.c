/* cmd-cancel: `feige cancel ID`, withdrawing offers or stopping transfers. */
#include "cmd.h"
#include "feige/feige.h"
#include "fetch.h"
#include "jsonev.h"

int
fg_cmd_cancel(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	json_t *req = NULL, *reply = NULL, *out;
	uint64_t id;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (argc - first != 1)
		return fg_cmd_usage_error(ctx, argc - first < 1 ?
		    "cancel needs ID" : "too many arguments");
	if ((r = fg_fetch_parse_id(ctx, "ID", argv[first], &id)) >= 0)
		return r;
	/* Ids are unique across offers and transfers: ask for either. */
	if ((req = json_pack("{s:i, s:i, s:s, s:I, s:I}", "v",
	    FG_PROTO_VERSION, "id", 1, "cmd", "cancel", "offer",
	    (json_int_t)id, "xfer", (json_int_t)id)) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_cmd_call(ctx, req, NULL, 0, &reply)) == 0 &&
	    (r = fg_cmd_check(reply)) == 0 && ctx->json) {
		out = json_pack("{s:b, s:O?, s:I}", "ok", 1, "cancelled",
		    json_object_get(reply, "cancelled"), "id", (json_int_t)id);
		if (out == NULL || fg_cmd_print_json(out) != 0)
			r = FG_EXIT_FAIL;
		json_decref(out);
	}
	json_decref(req);
	json_decref(reply);
	return r;
}
