/*
 * cmd-keys: `feige keys [list]`, `feige keys trust PEER`, `feige keys forget
 * PEER`. Our key's fingerprint, the pinned keys (trust on first use, as ssh
 * does) and the state of each encrypting peer's key. Listing and forgetting
 * work on the files when no daemon runs; trusting needs the key a peer sent,
 * which only the daemon holds.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "feige/feige.h"
#include "home.h"
#include "jsonev.h"
#include "keystore.h"
#include "opts.h"

/* Prints a keys reply (or a document of the same form) for people. */
static void
print_keys(json_t *doc)
{
	json_t *a, *o;
	size_t i;

	printf("our key: %s\n", json_string_value(json_object_get(doc, "fingerprint")));
	a = json_object_get(doc, "pins");
	printf("pinned keys: %zu\n", json_array_size(a));
	json_array_foreach(a, i, o)
		printf("  %s@%s  %s\n", json_string_value(json_object_get(o, "user")),
		    json_string_value(json_object_get(o, "host")),
		    json_string_value(json_object_get(o, "id")));
	a = json_object_get(doc, "peers");
	if (json_array_size(a) > 0)
		printf("peers that encrypt:\n");
	json_array_foreach(a, i, o)
		printf("  %lld  %s@%s  %s%s%s\n",
		    (long long)json_integer_value(json_object_get(o, "index")),
		    json_string_value(json_object_get(o, "user")),
		    json_string_value(json_object_get(o, "host")),
		    json_string_value(json_object_get(o, "state")),
		    json_string_length(json_object_get(o, "key")) > 0 ? "  " : "",
		    json_string_value(json_object_get(o, "key")));
}

/* Reads the key files directly (no daemon): our fingerprint and the pins. */
static json_t *
keys_from_files(struct fg_cmd_ctx *ctx, struct fg_keystore **ksp, char *err,
    size_t errlen)
{
	char home[4096];
	const struct fg_ks_pin *pin;
	json_t *doc, *pins;
	size_t i;

	*ksp = NULL;
	if (fg_home_resolve(ctx->home_opt, 1, home, sizeof(home), err, errlen) != 0 ||
	    fg_keystore_open(home, ksp, err, errlen) != 0)
		return NULL;
	if ((pins = json_array()) == NULL)
		return NULL;
	for (i = 0; i < fg_keystore_npins(*ksp); i++) {
		pin = fg_keystore_pin(*ksp, i);
		(void)json_array_append_new(pins, json_pack("{s:s, s:s, s:s}", "user",
		    pin->user, "host", pin->host, "id", pin->id));
	}
	doc = json_pack("{s:b, s:s, s:o, s:[]}", "ok", 1, "fingerprint",
	    fg_keystore_my_fingerprint(*ksp) != NULL ?
	    fg_keystore_my_fingerprint(*ksp) : "", "pins", pins, "peers");
	return doc;
}

int
fg_cmd_keys(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	struct fg_keystore *ks = NULL;
	const char *verb = "list", *peer = NULL;
	json_t *req = NULL, *reply = NULL, *doc;
	char err[1024];
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first < argc)
		verb = argv[first++];
	if (strcmp(verb, "list") != 0 && strcmp(verb, "trust") != 0 &&
	    strcmp(verb, "forget") != 0)
		return fg_cmd_usage_error(ctx, "keys takes list, trust PEER or forget PEER");
	if (strcmp(verb, "list") != 0) {
		if (argc - first != 1)
			return fg_cmd_usage_error(ctx, "keys %s needs one PEER", verb);
		peer = argv[first];
	} else if (argc != first)
		return fg_cmd_usage_error(ctx, "keys list takes no argument");

	if (peer == NULL)
		req = json_pack("{s:i, s:i, s:s}", "v", FG_PROTO_VERSION, "id", 1,
		    "cmd", "keys");
	else
		req = json_pack("{s:i, s:i, s:s, s:s}", "v", FG_PROTO_VERSION, "id",
		    1, "cmd", strcmp(verb, "trust") == 0 ? "keys_trust" : "keys_forget",
		    "peer", peer);
	if (req == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	r = fg_cmd_call(ctx, req, NULL, 0, &reply);
	json_decref(req);
	if (r == FG_EXIT_NO_DAEMON && strcmp(verb, "trust") != 0) {
		/* No daemon: the files answer for themselves. */
		json_decref(reply);
		reply = NULL;
		if ((doc = keys_from_files(ctx, &ks, err, sizeof(err))) == NULL) {
			fg_cmd_error("%s", err);
			fg_keystore_free(ks);
			return FG_EXIT_FAIL;
		}
		r = FG_EXIT_OK;
		if (peer != NULL) {
			const char *at = strchr(peer, '@');
			char user[256];

			if (at == NULL || (size_t)(at - peer) >= sizeof(user)) {
				json_decref(doc);
				fg_keystore_free(ks);
				return fg_cmd_usage_error(ctx, "without a daemon, "
				    "forget takes user@host");
			}
			snprintf(user, sizeof(user), "%.*s", (int)(at - peer), peer);
			if (fg_keystore_forget(ks, user, at + 1, err, sizeof(err)) < 0) {
				fg_cmd_error("%s", err);
				r = FG_EXIT_FAIL;
			}
		} else if (ctx->json)
			r = fg_cmd_print_json(doc) == 0 ? FG_EXIT_OK : FG_EXIT_FAIL;
		else
			print_keys(doc);
		json_decref(doc);
		fg_keystore_free(ks);
		return r;
	}
	if (r == 0 && (r = fg_cmd_check(reply)) == 0) {
		if (ctx->json)
			r = fg_cmd_print_json(reply) == 0 ? FG_EXIT_OK : FG_EXIT_FAIL;
		else if (peer == NULL)
			print_keys(reply);
		else
			printf("%s the key of %s@%s\n", strcmp(verb, "trust") == 0 ?
			    "pinned" : "forgot", json_string_value(json_object_get(reply,
			    "user")), json_string_value(json_object_get(reply, "host")));
	}
	json_decref(reply);
	return r;
}
