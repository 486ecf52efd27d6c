/* cmd-info: `feige info PEER`, a host's version and absence text. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "feige/feige.h"
#include "jsonev.h"

/* Prints "key value" with the value cleaned of control characters. */
static void
print_kv(const char *key, const char *value)
{
	printf("%-9s ", key);
	fg_cmd_put_clean(stdout, value != NULL && *value != '\0' ? value : "-");
	putchar('\n');
}

int
fg_cmd_info(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	json_t *req, *reply = NULL, *peer;
	char buf[512];
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (argc - first != 1)
		return fg_cmd_usage_error(ctx, "info needs one PEER");
	if (*argv[first] == '\0')
		return fg_cmd_usage_error(ctx, "PEER is empty");
	if ((req = json_pack("{s:i, s:i, s:s, s:s}", "v", FG_PROTO_VERSION,
	    "id", 1, "cmd", "info", "peer", argv[first])) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_cmd_call(ctx, req, NULL, 0, &reply)) != 0 ||
	    (r = fg_cmd_check(reply)) != 0)
		goto out;
	if (ctx->json) {
		json_object_del(reply, "v");
		json_object_del(reply, "id");
		if (fg_cmd_print_json(reply) != 0)
			r = FG_EXIT_FAIL;
		goto out;
	}
	if (json_is_object((peer = json_object_get(reply, "peer")))) {
		snprintf(buf, sizeof(buf), "#%lld %s@%s",
		    (long long)json_integer_value(json_object_get(peer, "index")),
		    fg_cmd_jstr(peer, "user"),
		    fg_cmd_jstr(peer, "host"));
		print_kv("peer", buf);
		print_kv("nick", fg_cmd_jstr(peer, "nick"));
	}
	snprintf(buf, sizeof(buf), "%s:%lld",
	    fg_cmd_jstr(reply, "address"),
	    (long long)json_integer_value(json_object_get(reply, "port")));
	print_kv("address", buf);
	print_kv("version", fg_cmd_jstr(reply, "version"));
	print_kv("absence", fg_cmd_jstr(reply, "absence"));
	fflush(stdout);
 out:
	json_decref(req);
	json_decref(reply);
	return r;
}
