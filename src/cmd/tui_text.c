/* tui_text: display widths, cutting and wrapping of UTF-8, and small formatters. */
#include "tui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "feige/feige.h"

uint32_t
fg_tui_decode(const char *s, size_t n, size_t *adv)
{
	mbstate_t st;
	wchar_t wc;
	size_t r;

	if (n == 0) {
		*adv = 0;
		return 0;
	}
	if ((unsigned char)*s < 0x80) {
		*adv = 1;
		return (unsigned char)*s;
	}
	memset(&st, 0, sizeof(st));
	r = mbrtowc(&wc, s, n, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0 ||
	    (uint32_t)wc > 0x10ffff) {
		*adv = 1;
		return 0xfffd;
	}
	*adv = r;
	return (uint32_t)wc;
}

int
fg_tui_cpwidth(uint32_t cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;		/* shown as '?' */
	if ((w = wcwidth((wchar_t)cp)) < 0)
		return 1;
	return w > 2 ? 2 : w;
}

int
fg_tui_width(const char *s, size_t n)
{
	size_t i = 0, adv;
	int w = 0;

	while (i < n) {
		w += fg_tui_cpwidth(fg_tui_decode(s + i, n - i, &adv));
		i += adv;
	}
	return w;
}

size_t
fg_tui_fit(const char *s, size_t n, int width, int *used)
{
	size_t i = 0, adv;
	int w = 0, cw;

	while (i < n) {
		cw = fg_tui_cpwidth(fg_tui_decode(s + i, n - i, &adv));
		if (w + cw > width)
			break;
		w += cw;
		i += adv;
	}
	/* Zero-width characters that follow belong to the last one kept. */
	while (i < n && i > 0 &&
	    fg_tui_cpwidth(fg_tui_decode(s + i, n - i, &adv)) == 0)
		i += adv;
	if (used != NULL)
		*used = w;
	return i;
}

char *
fg_tui_sanitize(const char *s, int keep_newlines)
{
	size_t n, i = 0, o = 0, adv;
	uint32_t cp;
	char *out;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if ((out = malloc(n * 3 + 1)) == NULL)
		return NULL;
	while (i < n) {
		cp = fg_tui_decode(s + i, n - i, &adv);
		if (cp == '\n' && keep_newlines)
			out[o++] = '\n';
		else if (cp == '\r')
			;
		else if (cp == '\t' || cp == '\n')
			out[o++] = ' ';
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    (cp != 0xfffd && wcwidth((wchar_t)cp) < 0) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			out[o++] = '?';
		else if (cp == 0xfffd && (adv == 1 ||
		    memcmp(s + i, "\xef\xbf\xbd", 3) != 0)) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(out + o, s + i, adv);
			o += adv;
		}
		i += adv;
	}
	out[o] = '\0';
	return out;
}

/* Records a row [off, off + len) when there is room; returns the new count. */
static size_t
emit(struct fg_tui_span *rows, size_t nrows, size_t max, size_t off,
    size_t len)
{
	if (nrows < max) {
		rows[nrows].off = off;
		rows[nrows].len = len;
	}
	return nrows + 1;
}

size_t
fg_tui_wrap(const char *s, int width, int indent, struct fg_tui_span *rows,
    size_t max)
{
	size_t pos = 0, i, adv, nrows = 0, brk, n = strlen(s);
	uint32_t cp = 0;
	int avail, cols, cw = 0, brk_space;

	if (width < 1)
		width = 1;
	for (;;) {
		avail = nrows == 0 ? width : width - indent;
		if (avail < 1)
			avail = 1;
		i = pos;
		cols = 0;
		brk = 0;
		brk_space = 0;
		/* Break opportunities: at a space, or before a wide character. */
		while (i < n && s[i] != '\n') {
			cp = fg_tui_decode(s + i, n - i, &adv);
			cw = fg_tui_cpwidth(cp);
			if (cols + cw > avail)
				break;
			if (cp == ' ') {
				brk = i;
				brk_space = 1;
			} else if (cw == 2 && i > pos) {
				brk = i;
				brk_space = 0;
			}
			cols += cw;
			i += adv;
		}
		/* Zero-width characters stay with what they follow. */
		while (i < n && s[i] != '\n' && i > pos &&
		    fg_tui_cpwidth(fg_tui_decode(s + i, n - i, &adv)) == 0)
			i += adv;
		if (i >= n || s[i] == '\n') {
			nrows = emit(rows, nrows, max, pos, i - pos);
			if (i >= n || i + 1 >= n)
				break;
			pos = i + 1;
			continue;
		}
		cp = fg_tui_decode(s + i, n - i, &adv);
		if (i == pos) {
			/* Wider than the row: take it anyway. */
			nrows = emit(rows, nrows, max, pos, adv);
			pos = i + adv;
		} else if (cp == ' ') {
			nrows = emit(rows, nrows, max, pos, i - pos);
			pos = i + 1;
		} else if (fg_tui_cpwidth(cp) == 2 || brk <= pos) {
			nrows = emit(rows, nrows, max, pos, i - pos);
			pos = i;
		} else {
			nrows = emit(rows, nrows, max, pos, brk - pos);
			pos = brk + (size_t)brk_space;
		}
		if (pos >= n)
			break;
	}
	return nrows;
}

void
fg_tui_size_str(uint64_t n, char *buf, size_t len)
{
	static const char *units[] = { "KB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (v < 10.0)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
}

void
fg_tui_progress(uint64_t done, uint64_t total, int width, char *buf,
    size_t len)
{
	unsigned pct;
	int bar, fill, i;
	size_t o = 0;

	if (len == 0)
		return;
	if (total == 0)
		pct = 100;
	else if (done >= total)
		pct = 100;
	else
		pct = (unsigned)((double)done * 100.0 / (double)total);
	bar = width - 7;	/* "[" bar "] " "100%" */
	if (bar < 1) {
		snprintf(buf, len, "%u%%", pct);
		return;
	}
	fill = (int)((long long)bar * pct / 100);
	if (o + 1 < len)
		buf[o++] = '[';
	for (i = 0; i < bar && o + 1 < len; i++)
		buf[o++] = i < fill ? '#' : '.';
	buf[o] = '\0';
	snprintf(buf + o, len - o, "] %3u%%", pct);
}

int
fg_tui_split_args(const char *s, char ***argv, size_t *argc)
{
	char **v = NULL, **nv, *cur = NULL;
	size_t n = 0, clen = 0;
	char q = 0;
	int in = 0, r = FG_ERR_ALLOC;

	*argv = NULL;
	*argc = 0;
	if ((cur = malloc(strlen(s) + 1)) == NULL)
		return FG_ERR_ALLOC;
	for (;; s++) {
		if (*s == '\0' || (q == 0 && (*s == ' ' || *s == '\t'))) {
			if (in) {
				cur[clen] = '\0';
				if ((nv = realloc(v, (n + 2) * sizeof(*v))) == NULL)
					goto out;
				v = nv;
				if ((v[n] = strdup(cur)) == NULL)
					goto out;
				v[++n] = NULL;
				clen = 0;
				in = 0;
			}
			if (*s == '\0')
				break;
			continue;
		}
		in = 1;
		if (q == 0 && (*s == '"' || *s == '\''))
			q = *s;
		else if (q != 0 && *s == q)
			q = 0;
		else if (*s == '\\' && q != '\'' && s[1] != '\0')
			cur[clen++] = *++s;
		else
			cur[clen++] = *s;
	}
	*argv = v;
	*argc = n;
	v = NULL;
	r = 0;
 out:
	fg_tui_free_args(v, n);
	free(cur);
	return r;
}

void
fg_tui_free_args(char **argv, size_t argc)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
