/* cmd-away: `feige away [TEXT]` and `feige back`. */
#include <string.h>

#include "charset.h"
#include "cmd.h"
#include "feige/feige.h"
#include "jsonev.h"

int
fg_cmd_away(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	json_t *req;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (argc - first > 1)
		return fg_cmd_usage_error(ctx, "too many arguments (quote TEXT)");
	if (argc - first == 1 && !fg_utf8_valid(argv[first],
	    strlen(argv[first])))
		return fg_cmd_usage_error(ctx, "TEXT is not valid UTF-8");
	if (argc - first == 1)
		req = json_pack("{s:i, s:i, s:s, s:s}", "v", FG_PROTO_VERSION,
		    "id", 1, "cmd", "away", "text", argv[first]);
	else
		req = fg_cmd_request("away");
	return fg_cmd_run_simple(ctx, req);
}

int
fg_cmd_back(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[first]);
	return fg_cmd_run_simple(ctx, fg_cmd_request("back"));
}
