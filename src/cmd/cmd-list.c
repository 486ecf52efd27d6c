/* cmd-list: `feige list`, the known peers as a table or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "feige/feige.h"
#include "local.h"
#include "opts.h"

#define NCOLS	9

static const char *const headers[NCOLS] = {
	"INDEX", "NICK", "GROUP", "USER", "HOST", "ADDRESS", "AWAY", "VERSION",
	"ENCODING",
};

/* Columns a code point takes on a terminal: 2 for East Asian wide ones. */
static size_t
cp_width(unsigned long cp)
{
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Display width of UTF-8 text (invalid bytes count one column each). */
static size_t
text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t w = 0, n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			w++;
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : 0;
		cp = *p & (0x3f >> n);
		for (i = 1; i <= n && (p[i] & 0xc0) == 0x80; i++)
			cp = cp << 6 | (p[i] & 0x3f);
		if (i <= n) {		/* broken sequence */
			w++;
			p++;
			continue;
		}
		/* A C1 control is printed as one '?'. */
		w += (cp >= 0x80 && cp <= 0x9f) ? 1 : cp_width(cp);
		p += n + 1;
	}
	return w;
}

/* Fills the nine cells of a peer row; bufs hold the formatted ones. */
static void
row_cells(json_t *p, const char **cell, char *idx, size_t idxlen,
    char *addr, size_t addrlen)
{
	const char *s;

	snprintf(idx, idxlen, "%lld",
	    (long long)json_integer_value(json_object_get(p, "index")));
	snprintf(addr, addrlen, "%s:%lld",
	    json_string_value(json_object_get(p, "address")) ?
	    json_string_value(json_object_get(p, "address")) : "?",
	    (long long)json_integer_value(json_object_get(p, "port")));
	cell[0] = idx;
	cell[1] = json_string_value(json_object_get(p, "nick"));
	cell[2] = json_string_value(json_object_get(p, "group"));
	cell[3] = json_string_value(json_object_get(p, "user"));
	cell[4] = json_string_value(json_object_get(p, "host"));
	cell[5] = addr;
	cell[6] = json_is_true(json_object_get(p, "away")) ? "yes" : "no";
	cell[7] = json_string_value(json_object_get(p, "version"));
	cell[8] = json_string_value(json_object_get(p, "encoding"));
	for (size_t i = 0; i < NCOLS; i++)
		if ((s = cell[i]) == NULL || *s == '\0')
			cell[i] = "-";
}

/* Prints one row padded to the column widths. */
static void
print_row(const char *const *cell, const size_t *width)
{
	size_t i, w;

	for (i = 0; i < NCOLS; i++) {
		fg_cmd_put_clean(stdout, cell[i]);
		if (i == NCOLS - 1)
			break;
		for (w = text_width(cell[i]); w < width[i] + 2; w++)
			putchar(' ');
	}
	putchar('\n');
}

/* Prints the peers as an aligned table. */
static void
print_table(json_t *peers)
{
	size_t width[NCOLS], i, k;
	const char *cell[NCOLS];
	char idx[32], addr[64];
	json_t *p;

	for (k = 0; k < NCOLS; k++)
		width[k] = strlen(headers[k]);
	json_array_foreach(peers, i, p) {
		row_cells(p, cell, idx, sizeof(idx), addr, sizeof(addr));
		for (k = 0; k < NCOLS; k++)
			if (text_width(cell[k]) > width[k])
				width[k] = text_width(cell[k]);
	}
	print_row(headers, width);
	json_array_foreach(peers, i, p) {
		row_cells(p, cell, idx, sizeof(idx), addr, sizeof(addr));
		print_row(cell, width);
	}
	fflush(stdout);
}

int
fg_cmd_list(struct fg_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		FG_NODE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct fg_node_opts o;
	unsigned wait_ms = FG_LOCAL_WAIT_MS;
	json_t *req = NULL, *reply = NULL, *peers;
	int c, r;

	fg_node_opts_init(&o);
	optind = 0;
	opterr = 0;
	while ((r = fg_cmd_node_getopt(ctx, argc, argv, ":hj", longopts, &o,
	    &wait_ms, &c)) != FG_CMD_OPTS_END)
		if (r >= 0)
			return r;
	if (optind < argc)
		return fg_cmd_usage_error(ctx, "unexpected argument '%s'",
		    argv[optind]);
	if ((req = fg_cmd_request("list")) == NULL) {
		fg_cmd_error("out of memory");
		return FG_EXIT_FAIL;
	}
	if ((r = fg_conf_node(ctx, &o)) >= 0 ||
	    (r = fg_cmd_call(ctx, req, &o, wait_ms, &reply)) != 0 ||
	    (r = fg_cmd_check(reply)) != 0)
		goto out;
	if (!json_is_array((peers = json_object_get(reply, "peers")))) {
		fg_cmd_error("bad reply from the daemon");
		r = FG_EXIT_FAIL;
		goto out;
	}
	if (ctx->json) {
		if (fg_cmd_print_json(peers) != 0)
			r = FG_EXIT_FAIL;
	} else
		print_table(peers);
 out:
	fg_node_opts_free(&o);
	json_decref(req);
	json_decref(reply);
	return r;
}
