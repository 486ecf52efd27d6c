/* cmd-offers: `feige offers`, the files offered to us and still waiting. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "feige/feige.h"
#include "fileev.h"
#include "progress.h"

/* Writes "5s", "3m", "2h" or "4d" for an age in seconds. */
static void
fmt_age(uint64_t secs, char *buf, size_t len)
{
	unsigned long long s = secs;

	if (s < 60)
		snprintf(buf, len, "%llus", s);
	else if (s < 3600)
		snprintf(buf, len, "%llum", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh", s / 3600);
	else
		snprintf(buf, len, "%llud", s / 86400);
}

/* Prints the offers as a table with one indented line per file. */
static void
print_table(json_t *offers)
{
	json_t *o, *f;
	char from[512], size[32], age[32];
	size_t i, k, w, width = 4;

	for (i = 0; i < json_array_size(offers); i++) {
		fg_fileev_who_str(json_array_get(offers, i), from,
		    sizeof(from));
		if ((w = fg_progress_cols(from)) > width)
			width = w;
	}
	printf("%-6s %s%*s  %5s  %9s  %s\n", "ID", "FROM", (int)(width - 4),
	    "", "FILES", "SIZE", "AGE");
	for (i = 0; i < json_array_size(offers); i++) {
		o = json_array_get(offers, i);
		fg_fileev_who_str(o, from, sizeof(from));
		fg_progress_bytes(fg_fileev_uint(o, "total"), size,
		    sizeof(size));
		fmt_age(fg_fileev_uint(o, "age"), age, sizeof(age));
		printf("%-6llu %s%*s  %5llu  %9s  %s\n",
		    (unsigned long long)fg_fileev_uint(o, "id"), from,
		    (int)(width - fg_progress_cols(from)), "",
		    (unsigned long long)json_array_size(json_object_get(o,
		    "files")), size, age);
		for (k = 0; k < json_array_size(json_object_get(o, "files"));
		    k++) {
			f = json_array_get(json_object_get(o, "files"), k);
			printf("       #%-4llu ",
			    (unsigned long long)fg_fileev_uint(f, "fid"));
			fg_cmd_put_clean(stdout, fg_cmd_jstr(f, "name"));
			if (strcmp(fg_cmd_jstr(f, "type"), "folder") == 0)
				printf("/  folder");
			else {
				fg_progress_bytes(fg_fileev_uint(f, "size"),
				    size, sizeof(size));
				printf("  %s", size);
			}
			printf("  %s\n", fg_cmd_jstr(f, "state"));
		}
	}
}

int
fg_cmd_offers(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	json_t *req = NULL, *reply = NULL, *offers;
	int r, first;

	if ((r = fg_cmd_simple_opts(ctx, argc, argv, &first)) >= 0)
		return r;
	if (first < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[first]);
	if ((req = fg_cmd_request("offers")) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_cmd_call(ctx, req, NULL, 0, &reply)) != 0 ||
	    (r = fg_cmd_check(reply)) != 0)
		goto out;
	offers = json_object_get(reply, "offers");
	if (ctx->json)
		r = fg_cmd_print_json(offers) == 0 ? FG_EXIT_OK : FG_EXIT_FAIL;
	else if (json_array_size(offers) > 0)
		print_table(offers);
 out:
	json_decref(req);
	json_decref(reply);
	return r;
}
