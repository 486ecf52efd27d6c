/* cmd: the command table and the helpers every command uses. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charset.h"
#include "client.h"
#include "feige/feige.h"
#include "home.h"
#include "jsonev.h"
#include "local.h"
#include "rpc.h"
#include "server.h"

#define NODE_NOTE \
"Node options (used only when no daemon runs and a short-lived node is\n" \
"started; `feige daemon` always uses them):\n" FG_NODE_OPTS_HELP

const struct fg_cmd_entry fg_cmd_table[] = {
	{ "daemon", "daemon [node options]",
	  "Run this user's node in the foreground until SIGINT or SIGTERM. The\n"
	  "other commands talk to it over <home>/feige.sock; it logs one line\n"
	  "per notable thing to stderr. It records every message in the history\n"
	  "(see `feige history`) and takes its settings from the config file\n"
	  "(see `feige config`); with [transfer] auto_accept it accepts offers\n"
	  "within max_files and max_total_size into download_dir and declines\n"
	  "the others.\n\n"
	  "Options:\n" FG_NODE_OPTS_HELP,
	  fg_cmd_daemon },
	{ "list", "list [--json] [--wait MS] [node options]",
	  "List the known peers: INDEX NICK GROUP USER HOST ADDRESS AWAY VERSION\n"
	  "ENCODING. Without a daemon a short-lived node asks the network and\n"
	  "waits --wait MS (default 1500) for answers.\n\n"
	  "  --json     one JSON array of peer objects\n"
	  "  --wait MS  how long a short-lived node waits for answers\n\n"
	  NODE_NOTE,
	  fg_cmd_list },
	{ "send", "send [--seal] [--json] [--wait MS] [node options] PEER TEXT",
	  "Send TEXT (\"-\": read it from stdin, minus one trailing newline) to\n"
	  "PEER: a list index, an IPv4 address with an optional :port, user@host\n"
	  "or a nick. Exits 0 only when the peer acknowledged the message; 3 when\n"
	  "PEER is unknown; 4 when it never acknowledged. Without a daemon a\n"
	  "short-lived node waits up to --wait MS (default 1500) for PEER.\n"
	  "Put -- before a TEXT that starts with '-'.\n\n"
	  "  --seal     send it sealed; the peer's client reports when it is opened\n"
	  "  --json     print {\"ok\":true,\"id\":N,\"acked\":[...]} on success\n"
	  "  --wait MS  how long a short-lived node waits for PEER to appear\n\n"
	  NODE_NOTE,
	  fg_cmd_send },
	{ "broadcast", "broadcast [--json] [--wait MS] [node options] TEXT",
	  "Send TEXT (\"-\": stdin) to every known peer, unacknowledged. Without\n"
	  "a daemon a short-lived node first waits --wait MS for peers.\n\n"
	  "  --json     print {\"ok\":true,\"sent\":N}\n"
	  "  --wait MS  how long a short-lived node waits for peers\n\n"
	  NODE_NOTE,
	  fg_cmd_broadcast },
	{ "away", "away [TEXT]",
	  "Mark us away, with TEXT as the automatic reply (default: \""
	  FG_RPC_AWAY_TEXT "\").\nNeeds a daemon.\n",
	  fg_cmd_away },
	{ "back", "back",
	  "Clear the away state. Needs a daemon.\n",
	  fg_cmd_back },
	{ "refresh", "refresh",
	  "Announce us again so that every peer answers. Needs a daemon.\n",
	  fg_cmd_refresh },
	{ "info", "info [--json] PEER",
	  "Ask PEER for its version and absence text. Exits 4 when it never\n"
	  "answers. Needs a daemon.\n",
	  fg_cmd_info },
	{ "watch", "watch [--json]",
	  "Print events as they happen until the daemon stops: peers joining,\n"
	  "leaving and changing, messages, receipts, read notices and info\n"
	  "answers. With --json one JSON object per line. Needs a daemon.\n",
	  fg_cmd_watch },
	{ "read", "read [--json] ID",
	  "Open the received sealed message ID (as `watch` shows it), which\n"
	  "sends the sender its read receipt. Needs a daemon.\n",
	  fg_cmd_read },
	{ "keys", "keys [--json] [list | trust PEER | forget PEER]",
	  "Show our key's fingerprint, the pinned keys and each encrypting\n"
	  "peer's key state. A peer whose key differs from the one pinned on\n"
	  "first sight is refused until you `trust` it; `forget` drops a pin\n"
	  "(the next key seen is pinned). list and forget work without a daemon.\n",
	  fg_cmd_keys },
	{ "status", "status [--json]",
	  "Show the daemon's user, host, nick, group, port, away state and the\n"
	  "number of known peers. Needs a daemon.\n",
	  fg_cmd_status },
	{ "send-file", "send-file [-m TEXT] [--wait] [--json] [node options] PEER "
	  "PATH...",
	  "Offer files and folders to PEER (as for send) in one message, with\n"
	  "TEXT (\"-\": stdin) as its text, and print the offer's ID once PEER\n"
	  "acknowledged it. Exits 3 when PEER is unknown, 4 when it never\n"
	  "acknowledged (the offer is then withdrawn). The daemon serves the\n"
	  "files until all were fetched, the peer declines, `feige cancel ID`,\n"
	  "or the daemon's --offer-lifetime passes.\n\n"
	  "  -m, --message TEXT  the text that goes with the files\n"
	  "  --wait     stay until the offer ends, with upload progress on\n"
	  "             stderr when it is a terminal: exit 0 when everything was\n"
	  "             fetched, 6 when the peer declined, 1 when the offer was\n"
	  "             cancelled or expired. Without a daemon a short-lived node\n"
	  "             serves the offer meanwhile (and withdraws it on ^C).\n"
	  "  --json     print {\"ok\":true,\"offer\":N,\"msg\":M}; with --wait also\n"
	  "             the upload and offer_end events, one JSON object a line\n\n"
	  NODE_NOTE,
	  fg_cmd_send_file },
	{ "offers", "offers [--json]",
	  "List the offers of files made to us and not yet fetched or declined:\n"
	  "ID FROM FILES SIZE AGE, then one indented line per file or folder\n"
	  "(fid, name, size, state; a folder's size is known once fetched).\n"
	  "Needs a daemon.\n\n"
	  "  --json     one JSON array of offer objects\n",
	  fg_cmd_offers },
	{ "accept", "accept [--to DIR] [--overwrite] [--max-size N] "
	  "[--max-files N] [--json] OFFER [FILE...]",
	  "Fetch OFFER (all of it, or each FILE given by name or fid) into DIR\n"
	  "(default: transfer.download_dir of the config file, else\n"
	  "$XDG_DOWNLOAD_DIR, else ~/Downloads; made when missing) and\n"
	  "wait until it is done: exit 0, or 1 with the error. Nothing is\n"
	  "replaced unless --overwrite: a name taken gets \" (1)\" and so on. On a\n"
	  "terminal, stderr shows the file, bytes, rate and time left. ^C leaves\n"
	  "the transfer to the daemon (`feige cancel XFER` stops it). Needs a\n"
	  "daemon.\n\n"
	  "  --to DIR       where the files go\n"
	  "  --overwrite    replace files of the same name\n"
	  "  --max-size N   fetch at most N bytes (suffixes K, M, G, T)\n"
	  "  --max-files N  fetch at most N files and folders\n"
	  "  --json         print each xfer_progress and xfer_done event as one\n"
	  "                 JSON object a line\n",
	  fg_cmd_accept },
	{ "decline", "decline [--json] OFFER",
	  "Refuse OFFER: the sender is told (RELEASEFILES) and it is forgotten.\n"
	  "Needs a daemon.\n",
	  fg_cmd_decline },
	{ "cancel", "cancel [--json] ID",
	  "Withdraw an offer of ours (ID as send-file printed it; its uploads\n"
	  "stop) or stop a transfer (its id from `watch` or `accept --json`).\n"
	  "Needs a daemon.\n",
	  fg_cmd_cancel },
	{ "recv", "recv [--to DIR] [--yes] [--max-size N] [--max-files N] "
	  "[--overwrite] [--once] [--json]",
	  "Wait for offers and fetch each in turn into DIR (as accept does),\n"
	  "those already waiting first. An offer of more than --max-size bytes\n"
	  "or --max-files files and folders is declined; the caps also bound\n"
	  "what a folder may stream in. Without --yes each offer is asked about\n"
	  "on the terminal (\"[y/N]\"; no declines it), and with no terminal on\n"
	  "stdin --yes is required. The defaults come from the config file's\n"
	  "[transfer] download_dir, max_total_size, max_files and auto_accept.\n"
	  "Needs a daemon.\n\n"
	  "  --to DIR       where the files go\n"
	  "  --yes          accept without asking\n"
	  "  --max-size N   cap in bytes (default 4G; suffixes K, M, G, T; 0: none)\n"
	  "  --max-files N  cap on files and folders (default 10000; 0: none)\n"
	  "  --overwrite    replace files of the same name\n"
	  "  --once         stop after the first offer: exit 0 when it was\n"
	  "                 received, else 1\n"
	  "  --json         offers, transfer events and declines as JSON lines\n",
	  fg_cmd_recv },
	{ "history", "history [--json] [--search Q] [--limit N] [--before ID] [PEER]",
	  "Show the recorded messages, oldest first within the page: the newest\n"
	  "--limit N (default 50, at most 1000), or those before message #ID.\n"
	  "PEER is user@host, a nick, or an IPv4 address (with an optional\n"
	  ":port) as last seen; exits 3 when it matches nothing recorded. Reads\n"
	  "the database directly: no daemon is needed.\n\n"
	  "  --search Q      only messages with every word of Q (any substring\n"
	  "                  of three or more characters, CJK included)\n"
	  "  --json          one JSON object per message, with its attachments\n"
	  "  --history FILE  the database (default: the global --history, else\n"
	  "                  $XDG_DATA_HOME/feige/history.db)\n",
	  fg_cmd_history },
	{ "config", "config [--json] [node options]",
	  "Print the effective settings (\"key = value  # from <source>\"): the\n"
	  "defaults, then the config file (the global --config FILE, else\n"
	  "$FEIGE_CONFIG, else $XDG_CONFIG_HOME/feige/config.ini), then the\n"
	  "node options given here, which win as they do for other commands.\n\n"
	  "  --json     {\"file\",\"exists\",\"history\",\"settings\":[{\"key\",\n"
	  "             \"value\",\"source\",\"origin\"}...]}\n\n"
	  "Options:\n" FG_NODE_OPTS_HELP,
	  fg_cmd_config },
	{ "tui", "tui [node options]",
	  "The interactive chat UI (also `feige` with no command): peers, one\n"
	  "conversation per peer and one for everyone, transfers, history.\n"
	  "Starts a daemon with the node options when none runs; /help inside.\n\n"
	  "Options:\n" FG_NODE_OPTS_HELP,
	  fg_cmd_tui },
	{ "help", "help [COMMAND]",
	  "Show the help of feige or of one command.\n",
	  fg_cmd_help },
	{ NULL, NULL, NULL, NULL },
};

const struct fg_cmd_entry *
fg_cmd_find(const char *name)
{
	const struct fg_cmd_entry *e;

	for (e = fg_cmd_table; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

void
fg_cmd_print_help(FILE *f)
{
	const struct fg_cmd_entry *e;

	fprintf(f, "feige %s: IP Messenger (IPMsg) for Linux\n\n", FEIGE_VERSION);
	fprintf(f, "usage: feige [--home DIR] [--config FILE] [--history FILE | "
	    "--no-history]\n             [--json] COMMAND [ARGS]\n"
	    "       feige --help | --version\n\ncommands:\n");
	for (e = fg_cmd_table; e->name != NULL; e++)
		fprintf(f, "  feige %s\n", e->usage);
	fprintf(f, "\nglobal options:\n"
	    "  --home DIR  state directory (default $FEIGE_HOME, else\n"
	    "              $XDG_STATE_HOME/feige, else ~/.local/state/feige);\n"
	    "              the daemon listens on DIR/" FG_HOME_SOCKET "\n"
	    "  --config FILE  settings file (default $FEIGE_CONFIG, else\n"
	    "              $XDG_CONFIG_HOME/feige/config.ini); flags override it\n"
	    "  --history FILE  message history database (default\n"
	    "              $XDG_DATA_HOME/feige/history.db)\n"
	    "  --no-history  record no history\n"
	    "  --json      machine-readable output (also per command)\n"
	    "  --help      this help; `feige COMMAND --help` for a command's\n"
	    "  --version   print the version\n"
	    "\nexit codes:\n"
	    "  0  success\n"
	    "  1  other failure\n"
	    "  2  usage error\n"
	    "  3  unknown (or ambiguous) peer\n"
	    "  4  the peer never answered (no acknowledgement)\n"
	    "  5  no daemon could be reached or started, or the port could not\n"
	    "     be bound\n"
	    "  6  the peer declined the offer (send-file --wait)\n");
}

void
fg_cmd_print_cmd_help(const struct fg_cmd_entry *e, FILE *f)
{
	fprintf(f, "usage: feige %s\n\n%s", e->usage, e->help);
}

void
fg_cmd_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("feige: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
fg_cmd_usage_error(const struct fg_cmd_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("feige: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (ctx != NULL && ctx->cmd != NULL)
		fprintf(stderr, "usage: feige %s\n", ctx->cmd->usage);
	else
		fprintf(stderr, "try 'feige --help'\n");
	return FG_EXIT_USAGE;
}

int
fg_cmd_bad_option(const struct fg_cmd_ctx *ctx, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':')
		return fg_cmd_usage_error(ctx, "option '%s' needs a value", arg);
	if (strncmp(arg, "--", 2) == 0)
		return fg_cmd_usage_error(ctx, "bad option '%s'", arg);
	if (optopt > 0 && optopt < 0x100)
		return fg_cmd_usage_error(ctx, "unknown option '-%c'", optopt);
	return fg_cmd_usage_error(ctx, "unknown option '%s'", arg);
}

void
fg_cmd_put_clean(FILE *f, const char *s)
{
	unsigned char c;

	for (; s != NULL && *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			s++;		/* a C1 control, e.g. U+009B (CSI) */
			c = '?';
		}
		fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
	}
}

int
fg_cmd_node_option(struct fg_cmd_ctx *ctx, struct fg_node_opts *o, int c,
    char **argv)
{
	char err[1024];
	int r;

	if (c == '?' || c == ':')
		return fg_cmd_bad_option(ctx, c, argv);
	if ((r = fg_node_opts_apply(o, c, optarg, err, sizeof(err))) < 0)
		return fg_cmd_usage_error(ctx, "%s", err);
	if (r == 0)
		return fg_cmd_bad_option(ctx, '?', argv);
	return -1;
}

int
fg_cmd_node_getopt(struct fg_cmd_ctx *ctx, int argc, char **argv,
    const char *shortopts, const struct option *longopts,
    struct fg_node_opts *o, unsigned *wait_ms, int *opt)
{
	int c, r;

	*opt = 0;
	for (;;) {
		if ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) == -1)
			return FG_CMD_OPTS_END;
		switch (c) {
		case 'h':
			fg_cmd_print_cmd_help(ctx->cmd, stdout);
			return FG_EXIT_OK;
		case 'j':
			ctx->json = 1;
			continue;
		case 'w':
			if (wait_ms == NULL)
				break;	/* a --wait of the command's own */
			if ((r = fg_cmd_wait_option(ctx, optarg, wait_ms)) >= 0)
				return r;
			continue;
		case '?':
		case ':':
			return fg_cmd_bad_option(ctx, c, argv);
		}
		/* Node options have codes past the characters. */
		if (c < 256) {
			*opt = c;
			return FG_CMD_OPTS_MINE;
		}
		if ((r = fg_cmd_node_option(ctx, o, c, argv)) >= 0)
			return r;
	}
}

int
fg_cmd_wait_option(struct fg_cmd_ctx *ctx, const char *arg, unsigned *ms)
{
	unsigned long v;
	char err[256];

	if (fg_opts_number("--wait", arg, 0, 600000, &v, err,
	    sizeof(err)) != 0)
		return fg_cmd_usage_error(ctx, "%s", err);
	*ms = (unsigned)v;
	return -1;
}

const char *
fg_cmd_jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

int
fg_cmd_print_json(json_t *j)
{
	char *s;

	if ((s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL)
		return FG_ERR_ALLOC;
	printf("%s\n", s);
	free(s);
	return fflush(stdout) == 0 ? 0 : FG_ERR_SYSTEM;
}

int
fg_cmd_exit_code(const char *code)
{
	if (code == NULL)
		return FG_EXIT_FAIL;
	if (strcmp(code, "unknown_peer") == 0 ||
	    strcmp(code, "ambiguous_peer") == 0)
		return FG_EXIT_UNKNOWN_PEER;
	if (strcmp(code, "timeout") == 0)
		return FG_EXIT_NO_ACK;
	if (strcmp(code, "bad_request") == 0)
		return FG_EXIT_USAGE;
	return FG_EXIT_FAIL;
}

json_t *
fg_cmd_request(const char *cmd)
{
	return json_pack("{s:i, s:i, s:s}", "v", FG_PROTO_VERSION, "id", 1,
	    "cmd", cmd);
}

int
fg_cmd_socket(struct fg_cmd_ctx *ctx, int create, char *out, size_t outlen)
{
	char home[PATH_MAX], err[1024];

	if (fg_home_resolve(ctx->home_opt, 0, home, sizeof(home), err,
	    sizeof(err)) != 0 ||
	    fg_home_socket(home, out, outlen, err, sizeof(err)) != 0 ||
	    (create && fg_home_mkdirs(home, err, sizeof(err)) != 0)) {
		fg_cmd_error("%s", err);
		return FG_EXIT_FAIL;
	}
	return 0;
}

/* Reads lines from the daemon until the reply to req's id arrives. */
static int
await_reply(struct fg_client *c, json_t **reply, char *err, size_t errlen)
{
	json_t *m;
	int r;

	for (;;) {
		if ((r = fg_client_recv(c, &m, err, errlen)) != 0)
			return r;
		if (json_object_get(m, "id") != NULL &&
		    json_object_get(m, "event") == NULL) {
			*reply = m;
			return 0;
		}
		json_decref(m);
	}
}

int
fg_cmd_call(struct fg_cmd_ctx *ctx, json_t *req,
    const struct fg_node_opts *local, unsigned wait_ms, json_t **reply)
{
	char path[PATH_MAX], err[1024];
	struct fg_client c;
	int r;

	*reply = NULL;
	if ((r = fg_cmd_socket(ctx, 0, path, sizeof(path))) != 0)
		return r;
	r = fg_client_connect(&c, path, err, sizeof(err));
	if (r == FG_ERR_NOT_FOUND) {
		if (local == NULL) {
			fg_cmd_error("no daemon running (start one with "
			    "'feige daemon')");
			return FG_EXIT_NO_DAEMON;
		}
		r = fg_local_run(local, req, wait_ms, reply, err, sizeof(err));
		if (r == 0)
			return 0;
		fg_cmd_error("%s", err);
		return r == FG_ERR_SYSTEM ? FG_EXIT_NO_DAEMON : FG_EXIT_FAIL;
	}
	if (r != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_NO_DAEMON;
	}
	if ((r = fg_client_send(&c, req, err, sizeof(err))) == 0)
		r = await_reply(&c, reply, err, sizeof(err));
	fg_client_close(&c);
	if (r != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_FAIL;
	}
	return 0;
}

int
fg_cmd_run_simple(struct fg_cmd_ctx *ctx, json_t *req)
{
	json_t *reply = NULL, *ok;
	int r;

	if (req == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_cmd_call(ctx, req, NULL, 0, &reply)) == 0 &&
	    (r = fg_cmd_check(reply)) == 0 && ctx->json) {
		ok = json_pack("{s:b}", "ok", 1);
		if (ok == NULL || fg_cmd_print_json(ok) != 0)
			r = FG_EXIT_FAIL;
		json_decref(ok);
	}
	json_decref(req);
	json_decref(reply);
	return r;
}

int
fg_cmd_check(json_t *reply)
{
	const char *text;

	if (json_is_true(json_object_get(reply, "ok")))
		return 0;
	text = json_string_value(json_object_get(reply, "error"));
	fg_cmd_error("%s", text != NULL ? text : "request failed");
	return fg_cmd_exit_code(json_string_value(json_object_get(reply,
	    "code")));
}

int
fg_cmd_read_stdin(char **out)
{
	size_t len = 0, cap = 0, n;
	char *buf = NULL, *p;

	*out = NULL;
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= FG_SERVER_MAX_LINE / 2) {
				free(buf);
				fg_cmd_error("text on stdin is too long");
				return FG_EXIT_FAIL;
			}
			if ((p = realloc(buf, cap + 65536)) == NULL) {
				free(buf);
				fg_cmd_error("out of memory");
				return FG_EXIT_FAIL;
			}
			buf = p;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, stdin);
		len += n;
		if (n == 0) {
			if (ferror(stdin)) {
				free(buf);
				fg_cmd_error("cannot read stdin: %s",
				    strerror(errno));
				return FG_EXIT_FAIL;
			}
			break;
		}
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL || !fg_utf8_valid(buf, len)) {
		free(buf);
		fg_cmd_error("text on stdin is not UTF-8 text");
		return FG_EXIT_FAIL;
	}
	*out = buf;
	return 0;
}

int
fg_cmd_get_text(struct fg_cmd_ctx *ctx, const char *arg, char **owned,
    const char **text)
{
	int r;

	*owned = NULL;
	*text = arg;
	if (strcmp(arg, "-") == 0) {
		if ((r = fg_cmd_read_stdin(owned)) != 0)
			return r;
		*text = *owned;
		return -1;
	}
	if (!fg_utf8_valid(arg, strlen(arg)))
		return fg_cmd_usage_error(ctx, "TEXT is not valid UTF-8");
	return -1;
}

int
fg_cmd_simple_opts(struct fg_cmd_ctx *ctx, int argc, char **argv, int *first)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fg_cmd_print_cmd_help(ctx->cmd, stdout);
			return FG_EXIT_OK;
		case 'j':
			ctx->json = 1;
			break;
		default:
			return fg_cmd_bad_option(ctx, c, argv);
		}
	}
	*first = optind;
	return -1;
}

int
fg_cmd_help(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	const struct fg_cmd_entry *e;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first >= argc) {
		fg_cmd_print_help(stdout);
		return FG_EXIT_OK;
	}
	if (argc - first > 1)
		return fg_cmd_usage_error(ctx, "too many arguments");
	if ((e = fg_cmd_find(argv[first])) == NULL)
		return fg_cmd_usage_error(ctx, "unknown command '%s'",
		    argv[first]);
	fg_cmd_print_cmd_help(e, stdout);
	return FG_EXIT_OK;
}
