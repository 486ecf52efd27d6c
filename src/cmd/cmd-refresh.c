/* cmd-refresh: `feige refresh`, announce us again. */
#include "cmd.h"
#include "feige/feige.h"

int
fg_cmd_refresh(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[first]);
	return fg_cmd_run_simple(ctx, fg_cmd_request("refresh"));
}
