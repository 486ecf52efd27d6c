/* cmd-watch: `feige watch`, the daemon's events as they happen. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "feige/feige.h"
#include "fileev.h"
#include "jsonev.h"

/* Prints "#3 user@host (nick)" for a peer object, or the bare address. */
static void
print_who(json_t *ev, json_t *peer)
{
	const char *nick;

	if (json_is_object(peer)) {
		printf("#%lld ", (long long)json_integer_value(
		    json_object_get(peer, "index")));
		fg_cmd_put_clean(stdout, fg_cmd_jstr(peer, "user"));
		putchar('@');
		fg_cmd_put_clean(stdout, fg_cmd_jstr(peer, "host"));
		nick = fg_cmd_jstr(peer, "nick");
		if (*nick != '\0' && strcmp(nick, fg_cmd_jstr(peer, "user")) != 0) {
			fputs(" (", stdout);
			fg_cmd_put_clean(stdout, nick);
			putchar(')');
		}
		return;
	}
	printf("%s:%lld", fg_cmd_jstr(ev, "address"),
	    (long long)json_integer_value(json_object_get(ev, "port")));
}

/* Prints message text: control characters cleaned, later lines indented. */
static void
print_text(const char *s)
{
	char line[4096];
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, "\n");
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		fg_cmd_put_clean(stdout, line);
		s += n;
		if (*s == '\n' && *++s != '\0')
			fputs("\n  ", stdout);
	}
}

/* Prints a message event: "[message] user@host (nick): text". */
static void
print_message(json_t *ev)
{
	json_t *peer = json_object_get(ev, "peer");
	const char *nick = json_is_object(peer) ? fg_cmd_jstr(peer, "nick") : "";
	long long id = (long long)json_integer_value(json_object_get(ev, "id"));

	if (json_is_true(json_object_get(ev, "sealed")))
		printf("[sealed %lld] ", id);
	else if (json_is_true(json_object_get(ev, "autoret")))
		fputs("[auto-reply] ", stdout);
	else if (json_is_true(json_object_get(ev, "broadcast")))
		fputs("[broadcast] ", stdout);
	else
		fputs("[message] ", stdout);
	fg_cmd_put_clean(stdout, fg_cmd_jstr(ev, "user"));
	putchar('@');
	fg_cmd_put_clean(stdout, fg_cmd_jstr(ev, "host"));
	if (*nick != '\0') {
		fputs(" (", stdout);
		fg_cmd_put_clean(stdout, nick);
		putchar(')');
	}
	if (json_is_true(json_object_get(ev, "attach")))
		fputs(" [attachment]", stdout);
	fputs(": ", stdout);
	print_text(fg_cmd_jstr(ev, "text"));
	if (json_is_true(json_object_get(ev, "sealed")))
		printf("  (open with: feige read %lld)", id);
}

/* Prints one event as a readable line. */
static void
print_event(json_t *ev)
{
	const char *e = fg_cmd_jstr(ev, "event");
	json_t *peer = json_object_get(ev, "peer");

	if (fg_fileev_print(stdout, ev))
		;	/* offers, transfers and log lines */
	else if (strcmp(e, "message") == 0)
		print_message(ev);
	else if (strcmp(e, "peer_join") == 0 || strcmp(e, "peer_leave") == 0 ||
	    strcmp(e, "peer_change") == 0) {
		printf("[%s] ", e + 5);
		print_who(ev, peer);
		if (strcmp(e, "peer_leave") != 0)
			printf(" %s:%lld%s", fg_cmd_jstr(peer, "address"),
			    (long long)json_integer_value(json_object_get(peer,
			    "port")), json_is_true(json_object_get(peer,
			    "away")) ? " away" : "");
	} else if (strcmp(e, "receipt") == 0 || strcmp(e, "read") == 0) {
		printf("[%s] message %lld %s by ", e,
		    (long long)json_integer_value(json_object_get(ev, "id")),
		    strcmp(e, "read") == 0 ? "opened" : "acknowledged");
		print_who(ev, peer);
	} else if (strcmp(e, "info") == 0) {
		fputs(json_is_true(json_object_get(ev, "absence")) ?
		    "[absence] " : "[info] ", stdout);
		print_who(ev, peer);
		fputs(": ", stdout);
		print_text(fg_cmd_jstr(ev, "text"));
	} else {
		fputs("[", stdout);
		fg_cmd_put_clean(stdout, e);
		fputs("]", stdout);
	}
	putchar('\n');
}

int
fg_cmd_watch(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	char path[PATH_MAX], err[1024];
	struct fg_client c;
	json_t *req = NULL, *m = NULL;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[first]);
	if ((r = fg_cmd_socket(ctx, 0, path, sizeof(path))) != 0)
		return r;
	if ((r = fg_client_connect(&c, path, err, sizeof(err))) != 0) {
		if (r == FG_ERR_NOT_FOUND)
			fg_cmd_error("no daemon running (start one with "
			    "'feige daemon')");
		else
			fg_cmd_error("%s", err);
		return FG_EXIT_NO_DAEMON;
	}
	if ((req = fg_cmd_request("watch")) == NULL) {
		fg_cmd_error("out of memory");
		r = FG_EXIT_FAIL;
		goto out;
	}
	if (fg_client_send(&c, req, err, sizeof(err)) != 0 ||
	    fg_client_recv(&c, &m, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		r = FG_EXIT_FAIL;
		goto out;
	}
	if ((r = fg_cmd_check(m)) != 0)
		goto out;
	for (;;) {
		json_decref(m);
		m = NULL;
		if ((r = fg_client_recv(&c, &m, err, sizeof(err))) != 0)
			break;
		if (json_object_get(m, "event") == NULL)
			continue;
		if (ctx->json) {
			if (fg_cmd_print_json(m) != 0)
				break;	/* stdout went away */
		} else {
			print_event(m);
			if (fflush(stdout) != 0)
				break;
		}
	}
	/* The daemon stopped (or our output went away): a normal end. */
	r = r == 0 || r == FG_ERR_CLOSED ? FG_EXIT_OK : FG_EXIT_FAIL;
	if (r != FG_EXIT_OK)
		fg_cmd_error("%s", err);
 out:
	json_decref(req);
	json_decref(m);
	fg_client_close(&c);
	return r;
}
