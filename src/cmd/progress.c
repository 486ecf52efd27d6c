/* progress: sizes, rates, time left and a throttled status line. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feige/feige.h"

/* The monotonic clock in milliseconds (the default clock). */
static uint64_t
mono_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
fg_progress_init(struct fg_progress *p, FILE *out, int on)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->on = on && out != NULL;
	p->clock = mono_ms;
	p->rate = -1;
}

void
fg_progress_set_clock(struct fg_progress *p, fg_progress_clock clock,
    void *arg)
{
	p->clock = clock != NULL ? clock : mono_ms;
	p->clock_arg = arg;
}

int
fg_progress_tty(void)
{
	return isatty(STDERR_FILENO);
}

void
fg_progress_sample(struct fg_progress *p, uint64_t bytes)
{
	uint64_t now = p->clock(p->clock_arg), dt;
	double inst;

	if (!p->sampling || bytes < p->sample_bytes || now < p->sample_ms) {
		/* The first sample, or a new job: start over, keep the rate. */
		p->sampling = 1;
		p->sample_ms = now;
		p->sample_bytes = bytes;
		return;
	}
	if ((dt = now - p->sample_ms) < FG_PROGRESS_SAMPLE_MS)
		return;
	inst = (double)(bytes - p->sample_bytes) * 1000.0 / (double)dt;
	if (p->rate < 0)
		p->rate = inst;
	else
		p->rate = (FG_PROGRESS_ALPHA * inst +
		    (100 - FG_PROGRESS_ALPHA) * p->rate) / 100;
	p->sample_ms = now;
	p->sample_bytes = bytes;
}

void
fg_progress_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB",
	    "EiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1024;
		u++;
	}
	/* "1024 KiB" after rounding reads better as "1.0 MiB". */
	if (v >= 1023.5 && u < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1024;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
}

void
fg_progress_rate(double rate, char *buf, size_t len)
{
	char b[32];

	if (rate < 0) {
		snprintf(buf, len, "--");
		return;
	}
	fg_progress_bytes((uint64_t)(rate + 0.5), b, sizeof(b));
	snprintf(buf, len, "%.29s/s", b);
}

void
fg_progress_eta(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		snprintf(buf, len, "--:--");
	else if (secs >= 100 * 3600)
		snprintf(buf, len, ">99h");
	else if (secs >= 3600)
		snprintf(buf, len, "%d:%02d:%02d", (int)(secs / 3600),
		    (int)(secs / 60 % 60), (int)(secs % 60));
	else
		snprintf(buf, len, "%d:%02d", (int)(secs / 60),
		    (int)(secs % 60));
}

int64_t
fg_progress_eta_secs(uint64_t left, double rate)
{
	double s;

	if (left == 0)
		return 0;
	if (rate < 1)
		return -1;
	s = (double)left / rate + 0.5;
	return s > 1e9 ? (int64_t)1e9 : (int64_t)s;
}

/* Columns a code point takes: 2 for the wide East Asian ranges, else 1. */
static int
cp_cols(unsigned cp)
{
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Decodes the code point at s into *cp; returns its length (bad byte: '?'). */
static size_t
next_cp(const unsigned char *s, unsigned *cp)
{
	*cp = *s;
	if (*cp < 0x80)
		return 1;
	if (*cp >= 0xc2 && *cp < 0xe0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((*cp & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (*cp >= 0xe0 && *cp < 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((*cp & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) |
		    (s[2] & 0x3f);
		return 3;
	}
	if (*cp >= 0xf0 && *cp < 0xf5 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((*cp & 0x07) << 18) | ((unsigned)(s[1] & 0x3f) << 12) |
		    ((unsigned)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	*cp = '?';
	return 1;
}

size_t
fg_progress_cols(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t cols = 0;
	unsigned cp;

	while (*p != '\0') {
		p += next_cp(p, &cp);
		cols += (size_t)cp_cols(cp);
	}
	return cols;
}

/*
 * Copies name into out for the status line: control characters and bad
 * bytes become '?', and a name wider than cols is cut, ending in "...".
 */
static void
fit_name(const char *name, int cols, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t o = 0, n, k, cut = 0;
	int used = 0, w, cutcols = 0, marked = 0;
	unsigned cp;

	if (outlen == 0)
		return;
	for (; *s != '\0'; s += n) {
		n = next_cp(s, &cp);
		w = cp_cols(cp);
		if (!marked && used + w > cols - 3) {
			/* Where "..." goes if the rest is too wide. */
			marked = 1;
			cut = o;
			cutcols = used;
		}
		if (used + w > cols) {
			o = cut;
			used = cutcols;
			if (o + 4 <= outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (o + n + 1 > outlen)
			break;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    (n == 1 && *s >= 0x80))
			out[o++] = '?';
		else
			for (k = 0; k < n; k++)
				out[o++] = (char)s[k];
		used += w;
	}
	out[o] = '\0';
}

void
fg_progress_line(const struct fg_progress *p, const char *name,
    uint64_t done, uint64_t total, char *buf, size_t len)
{
	char nm[256], d[32], t[32], r[32], e[32];

	fit_name(name != NULL ? name : "", FG_PROGRESS_NAME_COLS, nm,
	    sizeof(nm));
	fg_progress_bytes(done, d, sizeof(d));
	fg_progress_rate(p->rate, r, sizeof(r));
	if (total == 0 || done > total) {
		snprintf(buf, len, "%s  %s  %s", nm, d, r);
		return;
	}
	fg_progress_bytes(total, t, sizeof(t));
	fg_progress_eta(fg_progress_eta_secs(total - done, p->rate), e,
	    sizeof(e));
	snprintf(buf, len, "%s  %s / %s  %d%%  %s  ETA %s", nm, d, t,
	    (int)(done * 100.0 / (double)total), r, e);
}

int
fg_progress_update(struct fg_progress *p, const char *name, uint64_t done,
    uint64_t total, uint64_t bytes, int force)
{
	char line[512];
	uint64_t now;

	fg_progress_sample(p, bytes);
	if (!p->on)
		return 0;
	now = p->clock(p->clock_arg);
	if (!force && p->drawn && now - p->last_draw < FG_PROGRESS_REDRAW_MS)
		return 0;
	fg_progress_line(p, name, done, total, line, sizeof(line));
	/* Back to the start of the line, draw, erase the rest of the old. */
	fprintf(p->out, "\r%s\033[K", line);
	fflush(p->out);
	p->drawn = 1;
	p->last_draw = now;
	return 1;
}

void
fg_progress_clear(struct fg_progress *p)
{
	if (!p->on || !p->drawn)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->drawn = 0;
}

int
fg_progress_parse_size(const char *s, uint64_t *v, char *err, size_t errlen)
{
	const char *p = s;
	uint64_t n = 0;
	unsigned shift = 0;

	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			goto big;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case 'k': case 'K':	shift = 10; break;
	case 'm': case 'M':	shift = 20; break;
	case 'g': case 'G':	shift = 30; break;
	case 't': case 'T':	shift = 40; break;
	}
	if (shift != 0) {
		p++;
		if (*p == 'i' || *p == 'I') {
			p++;
			if (*p != 'b' && *p != 'B')
				goto bad;
		}
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		goto bad;
	if (shift != 0 && n > (UINT64_MAX >> shift))
		goto big;
	*v = n << shift;
	return 0;
 bad:
	snprintf(err, errlen, "'%s' is not a size (try 4G, 512M, 100K or "
	    "a number of bytes)", s);
	return FG_ERR_FORMAT;
 big:
	snprintf(err, errlen, "'%s' is too large", s);
	return FG_ERR_RANGE;
}
