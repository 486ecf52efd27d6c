/* cmd-decline: `feige decline OFFER`, refusing files offered to us. */
#include "cmd.h"
#include "feige/feige.h"
#include "fetch.h"
#include "jsonev.h"

int
fg_cmd_decline(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	uint64_t id;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (argc - first != 1)
		return fg_cmd_usage_error(ctx, argc - first < 1 ?
		    "decline needs OFFER" : "too many arguments");
	if ((r = fg_fetch_parse_id(ctx, "OFFER", argv[first], &id)) >= 0)
		return r;
	return fg_cmd_run_simple(ctx, json_pack("{s:i, s:i, s:s, s:I}", "v",
	    FG_PROTO_VERSION, "id", 1, "cmd", "decline", "offer",
	    (json_int_t)id));
}
