/* cmd-history: `feige history [PEER]`, the message history read from its database. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "charset.h"
#include "cmd.h"
#include "conf.h"
#include "feige/feige.h"
#include "history.h"
#include "jsonev.h"
#include "proto.h"

/* A row copied out of its callback. */
struct hrow {
	int64_t		 id;
	char		*user, *host, *nick, *address, *text;
	enum fg_history_dir dir;
	enum fg_history_state state;
	int64_t		 time_ms;
	uint64_t	 pktno;
	unsigned	 flags;
	size_t		 nattach;
};

struct hrows {
	struct hrow	*v;
	size_t		 n, cap;
	int		 oom;
};

/* The peers PEER names, as history peer ids. */
struct hpeers {
	int64_t		 ids[FG_HISTORY_MAX_PEER_IDS];
	size_t		 n, more;
};

/* strdup that keeps NULL, and notes running out of memory. */
static char *
dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = 1;
	return d;
}

/* fg_history_list callback: copies a row. */
static int
collect_row(const struct fg_history_row *row, void *arg)
{
	struct hrows *rs = arg;
	struct hrow *r, *v;

	if (rs->n == rs->cap) {
		/* At most 1000 rows come, so the sizes cannot overflow. */
		if ((v = realloc(rs->v, (rs->cap ? rs->cap * 2 : 64) *
		    sizeof(*v))) == NULL) {
			rs->oom = 1;
			return 1;
		}
		rs->v = v;
		rs->cap = rs->cap ? rs->cap * 2 : 64;
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->id = row->id;
	r->user = dup_or_null(row->m.user, &rs->oom);
	r->host = dup_or_null(row->m.host, &rs->oom);
	r->nick = dup_or_null(row->m.nick, &rs->oom);
	r->address = dup_or_null(row->m.address, &rs->oom);
	r->text = dup_or_null(row->m.text, &rs->oom);
	r->dir = row->m.dir;
	r->state = row->m.state;
	r->time_ms = row->m.time_ms;
	r->pktno = row->m.pktno;
	r->flags = row->m.flags;
	r->nattach = row->nattach;
	return rs->oom;
}

/* Frees copied rows. */
static void
rows_free(struct hrows *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].user);
		free(rs->v[i].host);
		free(rs->v[i].nick);
		free(rs->v[i].address);
		free(rs->v[i].text);
	}
	free(rs->v);
}

/* fg_history_find_peers callback: keeps the ids (up to the query's limit). */
static int
collect_peer(const struct fg_history_peer *p, void *arg)
{
	struct hpeers *ps = arg;

	if (ps->n < FG_HISTORY_MAX_PEER_IDS)
		ps->ids[ps->n++] = p->id;
	else
		ps->more++;
	return 0;
}

/* Formats a size as "12 B", "3.4 KiB"... */
static void
size_str(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int i = -1;

	if (v < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)v);
		return;
	}
	while (d >= 1024 && i < 3) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f %s", d, units[i]);
}

/* fg_history_attachments callback: one indented line per file. */
static int
print_attach(const struct fg_history_attach *a, void *arg)
{
	char size[32];

	(void)arg;
	fputs("    + ", stdout);
	fg_cmd_put_clean(stdout, a->name);
	if (FG_FILE_TYPE(a->attr) == FG_FILE_DIR)
		printf("/ (folder)");
	else {
		size_str(a->size, size, sizeof(size));
		printf(" (%s)", size);
	}
	printf(" %s", fg_history_outcome_name(a->outcome));
	if (a->local_path != NULL) {
		fputs(": ", stdout);
		fg_cmd_put_clean(stdout, a->local_path);
	}
	putchar('\n');
	return 0;
}

/* Prints the peer of a row: user@host (nick), an address, or everyone. */
static void
print_peer(const struct hrow *r)
{
	if (r->user == NULL || r->host == NULL) {
		fputs(r->dir == FG_HISTORY_BROADCAST ? "everyone" : "?", stdout);
		return;
	}
	if (r->user[0] == '\0')		/* a host that never said who it is */
		fg_cmd_put_clean(stdout, r->address != NULL ? r->address :
		    r->host);
	else {
		fg_cmd_put_clean(stdout, r->user);
		putchar('@');
		fg_cmd_put_clean(stdout, r->host);
	}
	if (r->nick != NULL && r->nick[0] != '\0' &&
	    strcmp(r->nick, r->user) != 0) {
		fputs(" (", stdout);
		fg_cmd_put_clean(stdout, r->nick);
		putchar(')');
	}
}

/* Prints text, continuation lines indented, control characters cleaned. */
static void
print_text(const char *s)
{
	const char *nl;
	char *line;

	for (;;) {
		if ((nl = strchr(s, '\n')) == NULL) {
			fg_cmd_put_clean(stdout, s);
			return;
		}
		if ((line = strndup(s, (size_t)(nl - s))) != NULL) {
			fg_cmd_put_clean(stdout, line);
			free(line);
		}
		fputs("\n    ", stdout);
		s = nl + 1;
	}
}

/* Prints one row the readable way: time, arrow, peer, text, tags. */
static void
print_row(struct fg_history *db, const struct hrow *r)
{
	static const struct {
		unsigned	 flag;
		const char	*tag;
	} tags[] = {
		{ FG_HISTORY_F_SEALED,		"sealed" },
		{ FG_HISTORY_F_BROADCAST,	"broadcast" },
		{ FG_HISTORY_F_AUTORET,		"auto" },
		{ FG_HISTORY_F_ENCRYPTED,	"encrypted" },
		{ FG_HISTORY_F_VERIFIED,	"verified" },
	};
	char when[32], err[512];
	time_t t = (time_t)(r->time_ms / 1000);
	struct tm tm;
	size_t i;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)t);
	printf("#%lld %s %s ", (long long)r->id, when,
	    r->dir == FG_HISTORY_IN ? "<-" : r->dir == FG_HISTORY_OUT ? "->" :
	    "=>");
	print_peer(r);
	fputs(": ", stdout);
	print_text(r->text != NULL ? r->text : "");
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if ((r->flags & tags[i].flag) &&
		    !(tags[i].flag == FG_HISTORY_F_BROADCAST &&
		    r->dir == FG_HISTORY_BROADCAST))
			printf(" [%s]", tags[i].tag);
	if (r->dir == FG_HISTORY_OUT || r->state == FG_HISTORY_OPENED)
		printf(" [%s]", fg_history_state_name(r->state));
	putchar('\n');
	if (r->nattach > 0 && fg_history_attachments(db, r->id, print_attach,
	    NULL, err, sizeof(err)) != 0)
		fg_cmd_error("%s", err);
}

/* fg_history_attachments callback: appends one attachment object. */
static int
json_attach(const struct fg_history_attach *a, void *arg)
{
	json_t *arr = arg, *o;

	if ((o = json_object()) == NULL ||
	    fg_jsonev_set(o, "id", json_integer(a->id)) != 0 ||
	    fg_jsonev_set(o, "fid", json_integer((json_int_t)a->file_id)) != 0 ||
	    fg_jsonev_set(o, "name", fg_jsonev_cstr(a->name)) != 0 ||
	    fg_jsonev_set(o, "type", json_string(FG_FILE_TYPE(a->attr) ==
	    FG_FILE_DIR ? "folder" : "file")) != 0 ||
	    fg_jsonev_set(o, "size", json_integer((json_int_t)a->size)) != 0 ||
	    fg_jsonev_set(o, "mtime", json_integer(a->mtime)) != 0 ||
	    fg_jsonev_set(o, "outcome",
	    json_string(fg_history_outcome_name(a->outcome))) != 0 ||
	    fg_jsonev_set(o, "local_path", fg_jsonev_cstr(a->local_path)) != 0 ||
	    json_array_append_new(arr, o) != 0) {
		json_decref(o);
		return FG_ERR_ALLOC;
	}
	return 0;
}

/* A row as one JSON object; NULL when out of memory. */
static json_t *
row_json(struct fg_history *db, const struct hrow *r)
{
	static const struct {
		unsigned	 flag;
		const char	*name;
	} names[] = {
		{ FG_HISTORY_F_SEALED,		"sealed" },
		{ FG_HISTORY_F_BROADCAST,	"broadcast" },
		{ FG_HISTORY_F_AUTORET,		"autoret" },
		{ FG_HISTORY_F_MULTICAST,	"multicast" },
		{ FG_HISTORY_F_ENCRYPTED,	"encrypted" },
		{ FG_HISTORY_F_SIGNED,		"signed" },
		{ FG_HISTORY_F_VERIFIED,	"verified" },
		{ FG_HISTORY_F_READ,		"read" },
	};
	json_t *o, *flags = NULL, *peer = NULL, *att = NULL;
	char err[512];
	size_t i;

	if ((o = json_object()) == NULL || (flags = json_array()) == NULL ||
	    (att = json_array()) == NULL)
		goto fail;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((r->flags & names[i].flag) &&
		    json_array_append_new(flags, json_string(names[i].name)) != 0)
			goto fail;
	if (r->user != NULL && ((peer = json_object()) == NULL ||
	    fg_jsonev_set(peer, "user", fg_jsonev_cstr(r->user)) != 0 ||
	    fg_jsonev_set(peer, "host", fg_jsonev_cstr(r->host)) != 0 ||
	    fg_jsonev_set(peer, "nick", fg_jsonev_cstr(r->nick)) != 0 ||
	    fg_jsonev_set(peer, "address", fg_jsonev_cstr(r->address)) != 0))
		goto fail;
	if (r->nattach > 0 && fg_history_attachments(db, r->id, json_attach,
	    att, err, sizeof(err)) != 0)
		goto fail;
	if (fg_jsonev_set(o, "id", json_integer(r->id)) != 0 ||
	    fg_jsonev_set(o, "time", json_integer(r->time_ms / 1000)) != 0 ||
	    fg_jsonev_set(o, "time_ms", json_integer(r->time_ms)) != 0 ||
	    fg_jsonev_set(o, "direction",
	    json_string(fg_history_dir_name(r->dir))) != 0 ||
	    fg_jsonev_set(o, "state",
	    json_string(fg_history_state_name(r->state))) != 0 ||
	    fg_jsonev_set(o, "flags", json_incref(flags)) != 0 ||
	    fg_jsonev_set(o, "peer", peer != NULL ? json_incref(peer) :
	    json_null()) != 0 ||
	    fg_jsonev_set(o, "pktno", json_integer((json_int_t)r->pktno)) != 0 ||
	    fg_jsonev_set(o, "text", fg_jsonev_cstr(r->text != NULL ? r->text :
	    "")) != 0 ||
	    fg_jsonev_set(o, "attachments", json_incref(att)) != 0)
		goto fail;
	json_decref(flags);
	json_decref(peer);
	json_decref(att);
	return o;
 fail:
	json_decref(o);
	json_decref(flags);
	json_decref(peer);
	json_decref(att);
	return NULL;
}

int
fg_cmd_history(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "search", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "before", required_argument, NULL, 'b' },
		{ "history", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct fg_history_query q;
	struct fg_history *db = NULL;
	struct hpeers peers;
	struct hrows rows;
	const char *file = NULL, *peer = NULL;
	char path[PATH_MAX], err[1024];
	unsigned long v;
	json_t *j;
	size_t i;
	int c, r;

	memset(&q, 0, sizeof(q));
	memset(&peers, 0, sizeof(peers));
	memset(&rows, 0, sizeof(rows));
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
		case 's':
			if (!fg_utf8_valid(optarg, strlen(optarg)))
				return fg_cmd_usage_error(ctx, "--search is not "
				    "valid UTF-8");
			q.search = optarg;
			break;
		case 'n':
			if (fg_opts_number("--limit", optarg, 1, 1000, &v, err,
			    sizeof(err)) != 0)
				return fg_cmd_usage_error(ctx, "%s", err);
			q.limit = (unsigned)v;
			break;
		case 'b':
			if (fg_opts_number("--before", optarg, 1, 4294967295UL,
			    &v, err, sizeof(err)) != 0)
				return fg_cmd_usage_error(ctx, "%s", err);
			q.before_id = (int64_t)v;
			break;
		case 'f':
			if (*optarg == '\0')
				return fg_cmd_usage_error(ctx, "--history needs "
				    "a file");
			file = optarg;
			break;
		default:
			return fg_cmd_bad_option(ctx, c, argv);
		}
	}
	if (argc - optind > 1)
		return fg_cmd_usage_error(ctx, "too many arguments");
	if (optind < argc && *(peer = argv[optind]) == '\0')
		return fg_cmd_usage_error(ctx, "PEER is empty");
	if (fg_conf_history(ctx, file, 0, path, sizeof(path), err,
	    sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_FAIL;
	}
	if (path[0] == '\0')
		return fg_cmd_usage_error(ctx, "no history to read "
		    "(--no-history)");
	if (access(path, F_OK) != 0) {
		/* Nothing recorded yet: do not create the database to say so. */
		if (peer != NULL) {
			fg_cmd_error("'%s' matches nothing in the history (%s "
			    "does not exist)", peer, path);
			return FG_EXIT_UNKNOWN_PEER;
		}
		if (!ctx->json)
			fg_cmd_error("no history yet (%s does not exist)", path);
		return FG_EXIT_OK;
	}
	if (fg_history_open(path, &db, err, sizeof(err)) != 0) {
		fg_cmd_error("%s", err);
		return FG_EXIT_FAIL;
	}
	r = FG_EXIT_FAIL;
	if (peer != NULL) {
		if (fg_history_find_peers(db, peer, collect_peer, &peers, err,
		    sizeof(err)) != 0) {
			fg_cmd_error("%s", err);
			goto out;
		}
		if (peers.n == 0) {
			fg_cmd_error("'%s' matches nothing in the history", peer);
			r = FG_EXIT_UNKNOWN_PEER;
			goto out;
		}
		if (peers.more > 0)
			fg_cmd_error("warning: '%s' matches %zu peers; showing "
			    "the first %d", peer, peers.n + peers.more,
			    FG_HISTORY_MAX_PEER_IDS);
		q.peer_ids = peers.ids;
		q.npeer_ids = peers.n;
	}
	if (fg_history_list(db, &q, collect_row, &rows, err,
	    sizeof(err)) != 0 || rows.oom) {
		fg_cmd_error("%s", rows.oom ? "out of memory" : err);
		goto out;
	}
	/* The page comes newest first; print it oldest first. */
	for (i = rows.n; i > 0; i--) {
		if (!ctx->json) {
			print_row(db, &rows.v[i - 1]);
			continue;
		}
		if ((j = row_json(db, &rows.v[i - 1])) == NULL ||
		    fg_cmd_print_json(j) != 0) {
			json_decref(j);
			fg_cmd_error("out of memory");
			goto out;
		}
		json_decref(j);
	}
	if (fflush(stdout) != 0)
		goto out;
	r = FG_EXIT_OK;
 out:
	rows_free(&rows);
	fg_history_close(db);
	return r;
}
