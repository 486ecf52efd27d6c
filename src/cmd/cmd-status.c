/* cmd-status: `feige status`, the daemon's own names and state. */
#include <stdio.h>

#include "cmd.h"
#include "feige/feige.h"

/* Prints "key: value" for a string, number or boolean field of the reply. */
static void
print_field(json_t *reply, const char *key)
{
	json_t *v = json_object_get(reply, key);

	printf("%-10s ", key);
	if (json_is_string(v) && *json_string_value(v) != '\0')
		fg_cmd_put_clean(stdout, json_string_value(v));
	else if (json_is_integer(v))
		printf("%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "yes" : "no", stdout);
	else
		fputs("-", stdout);
	putchar('\n');
}

int
fg_cmd_status(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const char *const keys[] = {
		"user", "host", "nick", "group", "port", "away", "away_text",
		"peers", "version", "pid",
	};
	json_t *req, *reply = NULL;
	size_t i;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[first]);
	if ((req = fg_cmd_request("status")) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_cmd_call(ctx, req, NULL, 0, &reply)) == 0 &&
	    (r = fg_cmd_check(reply)) == 0) {
		if (ctx->json) {
			json_object_del(reply, "v");
			json_object_del(reply, "id");
			if (fg_cmd_print_json(reply) != 0)
				r = FG_EXIT_FAIL;
		} else {
			for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				print_field(reply, keys[i]);
			fflush(stdout);
		}
	}
	json_decref(req);
	json_decref(reply);
	return r;
}
