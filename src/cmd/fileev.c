/* fileev: readable lines for offers, transfers and node log lines. */
#include "fileev.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "progress.h"

/* The integer field key of o (0 when absent). */
static long long
jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

uint64_t
fg_fileev_uint(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

void
fg_fileev_who(FILE *f, json_t *o)
{
	json_t *peer = json_object_get(o, "peer");
	const char *nick = json_is_object(peer) ?
	    fg_cmd_jstr(peer, "nick") : "";

	fg_cmd_put_clean(f, fg_cmd_jstr(o, "user"));
	fputc('@', f);
	fg_cmd_put_clean(f, fg_cmd_jstr(o, "host"));
	if (*nick != '\0' && strcmp(nick, fg_cmd_jstr(o, "user")) != 0) {
		fputs(" (", f);
		fg_cmd_put_clean(f, nick);
		fputc(')', f);
	}
}

void
fg_fileev_who_str(json_t *o, char *buf, size_t len)
{
	FILE *f;

	if (len == 0)
		return;
	buf[0] = '\0';
	if ((f = fmemopen(buf, len, "w")) == NULL)
		return;
	fg_fileev_who(f, o);
	fclose(f);
	buf[len - 1] = '\0';	/* a full buffer gets no NUL */
}

/* Prints text on one line: line breaks become spaces, controls '?'. */
static void
put_line(FILE *f, const char *text)
{
	char *copy, *p;

	if ((copy = strdup(text)) == NULL)
		return;
	for (p = copy; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	fg_cmd_put_clean(f, copy);
	free(copy);
}

/* "[offer 12] user@host (nick): 2 items, 1.5 MiB: a.txt, pics/: text". */
static void
print_offer(FILE *f, json_t *ev)
{
	json_t *files = json_object_get(ev, "files"), *file;
	const char *text = fg_cmd_jstr(ev, "text");
	char size[32];
	size_t i, n = json_array_size(files);

	fg_progress_bytes((uint64_t)jint(ev, "total"), size, sizeof(size));
	fprintf(f, "[offer %lld] ", jint(ev, "id"));
	fg_fileev_who(f, ev);
	fprintf(f, ": %zu item%s, %s:", n, n == 1 ? "" : "s", size);
	for (i = 0; i < n && i < FG_FILEEV_NAMES; i++) {
		file = json_array_get(files, i);
		fputs(i > 0 ? ", " : " ", f);
		fg_cmd_put_clean(f, fg_cmd_jstr(file, "name"));
		if (strcmp(fg_cmd_jstr(file, "type"), "folder") == 0)
			fputc('/', f);
	}
	if (n > FG_FILEEV_NAMES)
		fputs(", ...", f);
	if (*text != '\0') {
		fputs(" -- ", f);
		put_line(f, text);
	}
}

/* "[download 14] name 1.0 MiB / 2.0 MiB, file 1 of 2" (or "[upload ...]"). */
static void
print_xfer(FILE *f, json_t *ev, int done)
{
	const char *dir = json_is_true(json_object_get(ev, "upload")) ?
	    "upload" : "download";
	const char *status = fg_cmd_jstr(ev, "status");
	char a[32], b[32];

	if (!done) {
		fg_progress_bytes(fg_fileev_uint(ev, "file_done"), a,
		    sizeof(a));
		fg_progress_bytes(fg_fileev_uint(ev, "file_total"), b,
		    sizeof(b));
		fprintf(f, "[%s %lld] ", dir, jint(ev, "id"));
		fg_cmd_put_clean(f, fg_cmd_jstr(ev, "name"));
		fprintf(f, " %s / %s, item %lld of %lld (offer %lld)", a, b,
		    jint(ev, "files_done") + 1, jint(ev, "files_total"),
		    jint(ev, "offer"));
		return;
	}
	fg_progress_bytes((uint64_t)jint(ev, "done"), a, sizeof(a));
	fprintf(f, "[%s %lld %s] %lld of %lld item%s, %s", dir, jint(ev, "id"),
	    strcmp(status, "ok") == 0 ? "done" : status, jint(ev, "files_done"),
	    jint(ev, "files_total"), jint(ev, "files_total") == 1 ? "" : "s",
	    a);
	if (strcmp(status, "ok") != 0) {
		fputs(": ", f);
		fg_cmd_put_clean(f, fg_cmd_jstr(ev, "error"));
	} else if (*fg_cmd_jstr(ev, "path") != '\0') {
		fputs(", last ", f);
		fg_cmd_put_clean(f, fg_cmd_jstr(ev, "path"));
	}
}

int
fg_fileev_print(FILE *f, json_t *ev)
{
	const char *e = fg_cmd_jstr(ev, "event");
	const char *why;

	if (strcmp(e, "offer") == 0)
		print_offer(f, ev);
	else if (strcmp(e, "offer_end") == 0) {
		why = fg_cmd_jstr(ev, "why");
		fprintf(f, "[offer_end %lld] ", jint(ev, "id"));
		fg_cmd_put_clean(f, why);
		if (strcmp(why, "fetched") == 0 || strcmp(why, "released") == 0)
			fprintf(f, " by %s", fg_cmd_jstr(ev, "address"));
	} else if (strcmp(e, "xfer_progress") == 0)
		print_xfer(f, ev, 0);
	else if (strcmp(e, "xfer_done") == 0)
		print_xfer(f, ev, 1);
	else if (strcmp(e, "log") == 0) {
		fputs("[log] ", f);
		fg_cmd_put_clean(f, fg_cmd_jstr(ev, "text"));
	} else
		return 0;
	return 1;
}
