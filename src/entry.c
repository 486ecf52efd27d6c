/*
 * entry: entry-family payload codec. The official UTF-8 section starts with
 * '\n' and holds KEY:value lines; unknown keys are ignored. When section 2
 * does not start with '\n' it is iptux's icon name and section 3 its charset.
 */
#include "entry.h"

#include <string.h>

#include "feige/feige.h"
#include "proto.h"

/* Reads the "\nUN:..\nHN:.." lines of the UTF-8 section into e. */
static void
parse_ext(struct fg_span s, struct fg_entry *e)
{
	struct fg_buf b;
	struct fg_span line;

	e->has_ext = 1;
	fg_buf_view(&b, s.p, s.len);
	while (fg_buf_get_field(&b, '\n', &line) == 0) {
		struct fg_span v;

		if (line.len < 3 || line.p[2] != ':')
			continue;
		v.p = line.p + 3;
		v.len = line.len - 3;
		if (v.len > FG_MAX_NAME)
			continue;
		if (memcmp(line.p, "UN", 2) == 0) {
			e->un = v;
			e->has_un = 1;
		} else if (memcmp(line.p, "HN", 2) == 0) {
			e->hn = v;
			e->has_hn = 1;
		} else if (memcmp(line.p, "NN", 2) == 0) {
			e->nn = v;
			e->has_nn = 1;
		} else if (memcmp(line.p, "GN", 2) == 0) {
			e->gn = v;
			e->has_gn = 1;
		} else if (memcmp(line.p, "VS", 2) == 0) {
			e->vs = v;
			e->has_vs = 1;
		} else if (memcmp(line.p, "FG", 2) == 0) {
			e->fg = v;
			e->has_fg = 1;
		}
	}
}

int
fg_entry_parse(const struct fg_packet *pkt, struct fg_entry *e)
{
	struct fg_span s2;

	memset(e, 0, sizeof(*e));
	e->nick = fg_packet_section(pkt, 0);
	e->group = fg_packet_section(pkt, 1);
	if (e->nick.len > FG_MAX_NAME || e->group.len > FG_MAX_NAME) {
		memset(e, 0, sizeof(*e));
		return FG_ERR_LIMIT;
	}
	s2 = fg_packet_section(pkt, 2);
	if (s2.len > 0 && s2.p[0] == '\n')
		parse_ext(s2, e);
	else if (s2.len > 0 || pkt->nsect >= 3) {
		e->icon = s2;
		e->charset = fg_packet_section(pkt, 3);
		if (e->icon.len > FG_MAX_NAME)
			e->icon = FG_SPAN_NULL;
		if (e->charset.len > 32)
			e->charset = FG_SPAN_NULL;
	}
	return 0;
}

/* Appends "\nKEY:value" when value is not NULL. */
static int
put_line(struct fg_buf *out, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	if (strchr(value, '\n') != NULL)
		return FG_ERR_INVAL;
	return fg_buf_putf(out, "\n%s:%s", key, value);
}

int
fg_entry_put(struct fg_buf *out, const struct fg_entry_out *eo)
{
	const char *group = eo->group != NULL ? eo->group : "";
	int r;

	if (eo->nick == NULL)
		return FG_ERR_INVAL;
	if ((r = fg_buf_put_str(out, eo->nick)) != 0 ||
	    (r = fg_buf_put_u8(out, '\0')) != 0 ||
	    (r = fg_buf_put_str(out, group)) != 0)
		return r;
	if (eo->un == NULL && eo->vs == NULL && eo->fg == NULL)
		return fg_buf_put_u8(out, '\0');
	if ((r = fg_buf_put_u8(out, '\0')) != 0)
		return r;
	if (eo->un != NULL &&
	    ((r = put_line(out, "UN", eo->un)) != 0 ||
	    (r = put_line(out, "HN", eo->hn != NULL ? eo->hn : "")) != 0 ||
	    (r = put_line(out, "NN", eo->nn != NULL ? eo->nn : "")) != 0 ||
	    (r = put_line(out, "GN", eo->gn != NULL ? eo->gn : "")) != 0))
		return r;
	if ((r = put_line(out, "VS", eo->vs)) != 0)
		return r;
	return put_line(out, "FG", eo->fg);
}
