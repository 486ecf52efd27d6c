/* config: defaults, the INI file and overrides, with the source of each value. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "feige/feige.h"
#include "netif.h"
#include "proto.h"

#define DEFAULT_MAX_TOTAL	((uint64_t)4 << 30)
#define DEFAULT_MAX_FILES	10000
#define MAX_COUNT		UINT32_MAX
#define PRINT_COLUMN		40	/* where "# from" starts, at the least */

enum type {
	T_TEXT,		/* nick, group: UTF-8, may be empty */
	T_NAME,		/* user, host: UTF-8, not empty, no ':' */
	T_PORT, T_ADDR, T_ADDRS, T_BOOL, T_CHARSET, T_DIR, T_SIZE, T_COUNT
};

struct key {
	const char	*name;
	enum type	 type;
	size_t		 off;	/* of the value in struct fg_config */
};

#define KEY(n, t, f)	{ n, t, offsetof(struct fg_config, f) }
static const struct key keys[] = {
	KEY("identity.nick", T_TEXT, nick),
	KEY("identity.group", T_TEXT, group),
	KEY("identity.user", T_NAME, user),
	KEY("identity.host", T_NAME, host),
	KEY("network.port", T_PORT, port),
	KEY("network.bind", T_ADDR, bind),
	KEY("network.broadcast", T_ADDRS, broadcast),
	KEY("network.broadcast_only", T_BOOL, broadcast_only),
	KEY("charset.legacy", T_CHARSET, legacy),
	KEY("transfer.download_dir", T_DIR, download_dir),
	KEY("transfer.max_total_size", T_SIZE, max_total_size),
	KEY("transfer.max_files", T_COUNT, max_files),
	KEY("transfer.auto_accept", T_BOOL, auto_accept),
	KEY("ui.bell", T_BOOL, bell),
};
_Static_assert(sizeof(keys) / sizeof(keys[0]) == FG_CONFIG_NKEYS,
    "FG_CONFIG_NKEYS must count the keys");

/* A value as parsed, before it is stored. */
struct value {
	char		*str;	/* string types; NULL: unset */
	uint64_t	 num;	/* numbers, booleans, the charset */
};

/* 1 when the key holds a heap string. */
static int
is_string(const struct key *k)
{
	return k->type == T_TEXT || k->type == T_NAME || k->type == T_ADDR ||
	    k->type == T_ADDRS || k->type == T_DIR;
}

/* Where a string key's pointer lives in cfg. */
static char **
str_at(const struct fg_config *cfg, const struct key *k)
{
	return (char **)(void *)((char *)(uintptr_t)cfg + k->off);
}

/* Where a non-string key's value lives in cfg. */
static void *
val_at(const struct fg_config *cfg, const struct key *k)
{
	return (char *)(uintptr_t)cfg + k->off;
}

/* The key called name (any case), or NULL. */
static const struct key *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < FG_CONFIG_NKEYS; i++)
		if (strcasecmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* 1 when some key lives in this section (any case). */
static int
known_section(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < FG_CONFIG_NKEYS; i++)
		if (strncasecmp(keys[i].name, name, n) == 0 &&
		    keys[i].name[n] == '.')
			return 1;
	return 0;
}

/* The user's home directory: $HOME, else the password database; or NULL. */
static const char *
home_dir(void)
{
	const char *home = getenv("HOME");
	const struct passwd *pw;

	if ((home == NULL || home[0] == '\0') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	return home != NULL && home[0] != '\0' ? home : NULL;
}

/* malloc'd printf; NULL when out of memory. */
static char *
xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Checks a name against the wire limits the node applies. */
static int
check_text(const char *s, int is_name, char *msg, size_t msglen)
{
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    (is_name && s[i] == ':'))
			break;
	if (i < len || len > FG_MAX_NAME / 2 || (is_name && len == 0) ||
	    !fg_utf8_valid(s, len)) {
		snprintf(msg, msglen, "\"%s\" is not a valid name (%s to %d bytes"
		    " of UTF-8, no control characters%s)", s, is_name ? "1" : "0",
		    FG_MAX_NAME / 2, is_name ? " or ':'" : "");
		return FG_ERR_INVAL;
	}
	return 0;
}

/* Parses "A[,B...]" (spaces allowed around commas) into "A,B". */
static int
parse_addrs(const char *s, char **out, char *msg, size_t msglen)
{
	struct fg_buf b, in;
	struct fg_span item;
	char ip[64];
	uint32_t a;
	size_t n = 0;
	int r = 0;

	*out = NULL;
	fg_buf_init(&b, FG_MAX_TARGETS * 16);
	fg_buf_view(&in, s, strlen(s));
	while (r == 0 && fg_buf_len(&in) > 0) {
		(void)fg_buf_get_field(&in, ',', &item);
		item = fg_span_trim(item);
		if (fg_span_cstr(item, ip, sizeof(ip)) != 0 ||
		    fg_netif_parse_ip(ip, &a) != 0) {
			snprintf(msg, msglen, "\"%s\" is not a list of IPv4"
			    " addresses (bad item \"%.*s\")", s,
			    (int)(item.len > 64 ? 64 : item.len),
			    (const char *)item.p);
			r = FG_ERR_FORMAT;
		} else if (++n > FG_MAX_TARGETS) {
			snprintf(msg, msglen, "more than %d addresses",
			    FG_MAX_TARGETS);
			r = FG_ERR_LIMIT;
		} else if ((n > 1 && (r = fg_buf_put_u8(&b, ',')) != 0) ||
		    (r = fg_buf_put_str(&b, ip)) != 0)
			snprintf(msg, msglen, "out of memory");
	}
	/* A trailing comma leaves an empty last item that the loop never saw. */
	if (r == 0 && s[0] != '\0' && s[strlen(s) - 1] == ',') {
		snprintf(msg, msglen, "\"%s\" ends with a comma", s);
		r = FG_ERR_FORMAT;
	}
	if (r == 0 && n > 0) {
		if ((*out = fg_span_dup(fg_buf_span(&b))) == NULL) {
			snprintf(msg, msglen, "out of memory");
			r = FG_ERR_ALLOC;
		}
	}
	fg_buf_release(&b);
	return r;
}

/* Parses a byte count with an optional binary K, M, G or T suffix. */
static int
parse_size(const char *s, uint64_t *v, char *msg, size_t msglen)
{
	struct fg_span rest;
	const char *units = "KMGT", *u;
	uint64_t n;
	int shift = 0, r;

	*v = 0;
	if ((r = fg_span_leading_dec(fg_span_str(s), UINT64_MAX, &n,
	    &rest)) == 0 && rest.len > 0) {
		if (rest.len == 1 && rest.p[0] != '\0' &&
		    (u = strchr(units, (char)(rest.p[0] & ~0x20))) != NULL)
			shift = 10 * (int)(u - units + 1);
		else
			r = FG_ERR_FORMAT;
	}
	if (r == 0 && shift > 0 && n > (UINT64_MAX >> shift))
		r = FG_ERR_RANGE;
	if (r == FG_ERR_RANGE) {
		snprintf(msg, msglen, "%s is too large", s);
		return r;
	}
	if (r != 0) {
		snprintf(msg, msglen, "\"%s\" is not a size (bytes, or a number"
		    " with a K, M, G or T suffix)", s);
		return r;
	}
	*v = n << shift;
	return 0;
}

/* Parses a boolean: true/false, yes/no, on/off, 1/0 (any case). */
static int
parse_bool(const char *s, uint64_t *v, char *msg, size_t msglen)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	snprintf(msg, msglen, "\"%s\" is not a boolean (true/false, yes/no,"
	    " on/off, 1/0)", s);
	return FG_ERR_FORMAT;
}

/* Expands a leading "~" and insists on an absolute path. */
static int
parse_dir(const char *s, char **out, char *msg, size_t msglen)
{
	const char *home;

	*out = NULL;
	if (s[0] == '~' && (s[1] == '\0' || s[1] == '/')) {
		if ((home = home_dir()) == NULL) {
			snprintf(msg, msglen, "\"%s\": no home directory", s);
			return FG_ERR_NOT_FOUND;
		}
		*out = xprintf("%s%s", home, s + 1);
	} else if (s[0] == '/')
		*out = strdup(s);
	else {
		snprintf(msg, msglen, "\"%s\" is not an absolute path (nor starts"
		    " with ~/)", s);
		return FG_ERR_INVAL;
	}
	if (*out == NULL) {
		snprintf(msg, msglen, "out of memory");
		return FG_ERR_ALLOC;
	}
	return 0;
}

/* Parses text for key k into v; msg gets the reason when it does not fit. */
static int
parse_value(const struct key *k, const char *s, struct value *v, char *msg,
    size_t msglen)
{
	enum fg_charset cs = FG_CS_UTF8;
	uint32_t ip;
	int r = 0;

	memset(v, 0, sizeof(*v));
	switch (k->type) {
	case T_TEXT:
	case T_NAME:
		if ((r = check_text(s, k->type == T_NAME, msg, msglen)) == 0 &&
		    (v->str = strdup(s)) == NULL)
			r = FG_ERR_ALLOC;
		break;
	case T_PORT:
		if ((r = fg_span_dec(fg_span_str(s), UINT16_MAX, &v->num)) == 0 &&
		    v->num == 0)
			r = FG_ERR_RANGE;
		if (r != 0)
			snprintf(msg, msglen, "\"%s\" is not a port number (1 to"
			    " 65535)", s);
		break;
	case T_ADDR:
		/* Empty means any address, so that an override can clear it. */
		if (s[0] != '\0' && fg_netif_parse_ip(s, &ip) != 0) {
			snprintf(msg, msglen, "\"%s\" is not an IPv4 address", s);
			r = FG_ERR_FORMAT;
		} else if (s[0] != '\0' && (v->str = strdup(s)) == NULL)
			r = FG_ERR_ALLOC;
		break;
	case T_ADDRS:
		r = parse_addrs(s, &v->str, msg, msglen);
		break;
	case T_BOOL:
		r = parse_bool(s, &v->num, msg, msglen);
		break;
	case T_CHARSET:
		if (fg_charset_from_name(s, &cs) != 0) {
			snprintf(msg, msglen, "unknown charset \"%s\" (use utf-8,"
			    " gbk, gb18030 or cp932)", s);
			r = FG_ERR_CHARSET;
		}
		v->num = (uint64_t)cs;
		break;
	case T_DIR:
		r = parse_dir(s, &v->str, msg, msglen);
		break;
	case T_SIZE:
		r = parse_size(s, &v->num, msg, msglen);
		break;
	case T_COUNT:
		if ((r = fg_span_dec(fg_span_str(s), MAX_COUNT, &v->num)) != 0)
			snprintf(msg, msglen, "\"%s\" is not a count (0 to"
			    " %u)", s, (unsigned)MAX_COUNT);
		break;
	}
	if (r == FG_ERR_ALLOC)
		snprintf(msg, msglen, "out of memory");
	return r;
}

/* Stores a parsed value, taking its string. */
static void
store(struct fg_config *cfg, const struct key *k, struct value *v)
{
	if (is_string(k)) {
		free(*str_at(cfg, k));
		*str_at(cfg, k) = v->str;
		v->str = NULL;
		return;
	}
	switch (k->type) {
	case T_PORT:
		*(uint16_t *)val_at(cfg, k) = (uint16_t)v->num;
		break;
	case T_BOOL:
		*(int *)val_at(cfg, k) = (int)v->num;
		break;
	case T_CHARSET:
		*(enum fg_charset *)val_at(cfg, k) = (enum fg_charset)v->num;
		break;
	default:
		*(uint64_t *)val_at(cfg, k) = v->num;
		break;
	}
}

int
fg_config_set(struct fg_config *cfg, const char *key, const char *value,
    const struct fg_config_source *src, char *err, size_t errlen)
{
	const struct key *k;
	struct value v = { NULL, 0 };
	struct fg_config_source *s;
	char msg[512], *name = NULL;
	int r;

	if ((k = find_key(key)) == NULL) {
		snprintf(err, errlen, "unknown setting \"%s\"", key);
		return FG_ERR_NOT_FOUND;
	}
	if (value == NULL) {
		snprintf(err, errlen, "%s: no value", k->name);
		return FG_ERR_INVAL;
	}
	if ((r = parse_value(k, value, &v, msg, sizeof(msg))) != 0) {
		snprintf(err, errlen, "%s: %s", k->name, msg);
		goto out;
	}
	if (src != NULL && src->name != NULL &&
	    (name = strdup(src->name)) == NULL) {
		snprintf(err, errlen, "out of memory");
		r = FG_ERR_ALLOC;
		goto out;
	}
	store(cfg, k, &v);
	s = &cfg->src[k - keys];
	free(s->name);
	s->origin = src != NULL ? src->origin : FG_CONFIG_CMDLINE;
	s->name = name;
	s->line = src != NULL ? src->line : 0;
 out:
	free(v.str);
	return r;
}

int
fg_config_init_defaults(struct fg_config *cfg)
{
	const char *xdg = getenv("XDG_DOWNLOAD_DIR"), *home;
	struct fg_config_source *s;

	memset(cfg, 0, sizeof(*cfg));
	cfg->port = FEIGE_DEFAULT_PORT;
	cfg->legacy = FG_CS_GBK;
	cfg->max_total_size = DEFAULT_MAX_TOTAL;
	cfg->max_files = DEFAULT_MAX_FILES;
	cfg->bell = 1;
	s = &cfg->src[find_key("transfer.download_dir") - keys];
	if (xdg != NULL && xdg[0] == '/') {
		s->origin = FG_CONFIG_ENV;
		if ((s->name = strdup("XDG_DOWNLOAD_DIR")) == NULL ||
		    (cfg->download_dir = strdup(xdg)) == NULL)
			goto fail;
	} else if ((home = home_dir()) != NULL &&
	    (cfg->download_dir = xprintf("%s/Downloads", home)) == NULL)
		goto fail;
	return 0;
 fail:
	fg_config_free(cfg);
	return FG_ERR_ALLOC;
}

void
fg_config_free(struct fg_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < FG_CONFIG_NKEYS; i++) {
		if (is_string(&keys[i]))
			free(*str_at(cfg, &keys[i]));
		free(cfg->src[i].name);
	}
	for (i = 0; i < cfg->nwarnings; i++)
		free(cfg->warnings[i]);
	memset(cfg, 0, sizeof(*cfg));
}

/* Makes dst a deep copy of src; on failure dst is empty. */
static int
config_copy(struct fg_config *dst, const struct fg_config *src)
{
	char **p;
	size_t i;
	int failed = 0;

	*dst = *src;
	for (i = 0; i < FG_CONFIG_NKEYS; i++) {
		if (is_string(&keys[i]) && *(p = str_at(dst, &keys[i])) != NULL)
			failed |= (*p = strdup(*p)) == NULL;
		p = &dst->src[i].name;
		if (*p != NULL)
			failed |= (*p = strdup(*p)) == NULL;
	}
	for (i = 0; i < dst->nwarnings; i++)
		failed |= (dst->warnings[i] = strdup(dst->warnings[i])) == NULL;
	if (failed) {
		fg_config_free(dst);
		return FG_ERR_ALLOC;
	}
	return 0;
}

/* Adds a warning unless there are too many; out of memory drops it too. */
static void
warn(struct fg_config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(struct fg_config *cfg, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (cfg->nwarnings >= FG_CONFIG_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((cfg->warnings[cfg->nwarnings] = strdup(buf)) != NULL)
		cfg->nwarnings++;
}

/* Strips ASCII blanks from both ends of s in place. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Where the parse of a file stands. */
struct ini {
	const char	*path;
	unsigned	 lineno;
	char		 section[64];	/* "" before the first section */
	int		 skip;		/* in a section no key lives in */
};

/* Applies one line of the file to cfg. */
static int
parse_line(struct fg_config *cfg, struct ini *st, char *line, char *err,
    size_t errlen)
{
	struct fg_config_source src = { FG_CONFIG_FILE,
	    (char *)(uintptr_t)st->path, st->lineno };
	char *s = trim(line), *eq, *key, *val, msg[768];
	char full[sizeof(st->section) + FG_CONFIG_MAX_LINE + 2];
	size_t n;
	int r;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		n = strlen(s);
		if (s[n - 1] != ']') {
			snprintf(err, errlen, "%s:%u: malformed section header"
			    " (no closing ']')", st->path, st->lineno);
			return FG_ERR_FORMAT;
		}
		s[n - 1] = '\0';
		s = trim(s + 1);
		if (*s == '\0' || strlen(s) >= sizeof(st->section)) {
			snprintf(err, errlen, "%s:%u: malformed section header",
			    st->path, st->lineno);
			return FG_ERR_FORMAT;
		}
		snprintf(st->section, sizeof(st->section), "%s", s);
		/* One warning for the section, none for each of its keys. */
		if ((st->skip = !known_section(s)))
			warn(cfg, "%s:%u: unknown section [%s] (ignored)",
			    st->path, st->lineno, s);
		return 0;
	}
	if ((eq = strchr(s, '=')) == NULL) {
		snprintf(err, errlen, "%s:%u: malformed line (want key = value,"
		    " [section] or a comment)", st->path, st->lineno);
		return FG_ERR_FORMAT;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (*key == '\0') {
		snprintf(err, errlen, "%s:%u: malformed line (no key before '=')",
		    st->path, st->lineno);
		return FG_ERR_FORMAT;
	}
	if (*val == '"') {
		n = strlen(val);
		if (n < 2 || val[n - 1] != '"') {
			snprintf(err, errlen, "%s:%u: malformed value (a quote"
			    " opens it but does not end it)", st->path,
			    st->lineno);
			return FG_ERR_FORMAT;
		}
		val[n - 1] = '\0';
		val++;
	}
	if (st->section[0] == '\0') {
		snprintf(err, errlen, "%s:%u: \"%s\" comes before any [section]",
		    st->path, st->lineno, key);
		return FG_ERR_FORMAT;
	}
	if (st->skip)
		return 0;
	snprintf(full, sizeof(full), "%s.%s", st->section, key);
	if (find_key(full) == NULL) {
		warn(cfg, "%s:%u: unknown key \"%s\" in [%s] (ignored)",
		    st->path, st->lineno, key, st->section);
		return 0;
	}
	if ((r = fg_config_set(cfg, full, val, &src, msg, sizeof(msg))) != 0)
		snprintf(err, errlen, "%s:%u: %s", st->path, st->lineno, msg);
	return r;
}

int
fg_config_load_file(struct fg_config *cfg, const char *path, char *err,
    size_t errlen)
{
	struct fg_config tmp;
	struct ini st;
	char line[FG_CONFIG_MAX_LINE + 3];
	size_t n;
	FILE *fp;
	int r;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return FG_ERR_SYSTEM;
	}
	/* Work on a copy, so that a bad line leaves cfg as it was. */
	if ((r = config_copy(&tmp, cfg)) != 0) {
		snprintf(err, errlen, "out of memory");
		fclose(fp);
		return r;
	}
	memset(&st, 0, sizeof(st));
	st.path = path;
	while (fgets(line, sizeof(line), fp) != NULL) {
		st.lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(fp))
			n = sizeof(line);	/* too long, or has a NUL */
		if (n > 0 && n < sizeof(line) && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n > FG_CONFIG_MAX_LINE) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes"
			    " (or with a NUL byte)", path, st.lineno,
			    FG_CONFIG_MAX_LINE);
			r = FG_ERR_LIMIT;
			goto out;
		}
		/* A UTF-8 byte-order mark, as some editors write. */
		if (st.lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, n - 2);
		if ((r = parse_line(&tmp, &st, line, err, errlen)) != 0)
			goto out;
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		r = FG_ERR_SYSTEM;
		goto out;
	}
	fg_config_free(cfg);
	*cfg = tmp;
	memset(&tmp, 0, sizeof(tmp));
 out:
	fg_config_free(&tmp);
	fclose(fp);
	return r;
}

/* Formats a size, with the largest binary suffix that divides it. */
static void
format_size(uint64_t v, char *buf, size_t bufsz)
{
	static const char units[] = "KMGT";
	int i;

	for (i = 3; i >= 0 && v != 0; i--) {
		if (v % ((uint64_t)1 << (10 * (i + 1))) == 0) {
			snprintf(buf, bufsz, "%llu%c", (unsigned long long)
			    (v >> (10 * (i + 1))), units[i]);
			return;
		}
	}
	snprintf(buf, bufsz, "%llu", (unsigned long long)v);
}

int
fg_config_get(const struct fg_config *cfg, const char *key,
    const char **value, char *buf, size_t bufsz,
    const struct fg_config_source **src)
{
	const struct key *k;

	*value = NULL;
	if (src != NULL)
		*src = NULL;
	if ((k = find_key(key)) == NULL)
		return FG_ERR_NOT_FOUND;
	if (bufsz < 32)
		return FG_ERR_LIMIT;
	if (src != NULL)
		*src = &cfg->src[k - keys];
	switch (k->type) {
	case T_PORT:
		snprintf(buf, bufsz, "%u",
		    (unsigned)*(const uint16_t *)val_at(cfg, k));
		break;
	case T_BOOL:
		snprintf(buf, bufsz, "%s", *(const int *)val_at(cfg, k) ? "true" :
		    "false");
		break;
	case T_CHARSET:
		snprintf(buf, bufsz, "%s",
		    fg_charset_name(*(const enum fg_charset *)val_at(cfg, k)));
		break;
	case T_SIZE:
		format_size(*(const uint64_t *)val_at(cfg, k), buf, bufsz);
		break;
	case T_COUNT:
		snprintf(buf, bufsz, "%llu",
		    (unsigned long long)*(const uint64_t *)val_at(cfg, k));
		break;
	default:
		*value = *str_at(cfg, k);
		return 0;
	}
	*value = buf;
	return 0;
}

int
fg_config_foreach(const struct fg_config *cfg, fg_config_cb cb, void *arg)
{
	const struct fg_config_source *src;
	const char *value;
	char buf[64];
	size_t i;
	int r;

	for (i = 0; i < FG_CONFIG_NKEYS; i++) {
		if ((r = fg_config_get(cfg, keys[i].name, &value, buf,
		    sizeof(buf), &src)) != 0 ||
		    (r = cb(keys[i].name, value, src, arg)) != 0)
			return r;
	}
	return 0;
}

void
fg_config_source_str(const struct fg_config_source *src, char *out,
    size_t outsz)
{
	const char *name = src->name != NULL ? src->name : "";
	const char *sep = src->name != NULL ? " " : "";

	switch (src->origin) {
	case FG_CONFIG_FILE:
		snprintf(out, outsz, "%s:%u", name, src->line);
		break;
	case FG_CONFIG_ENV:
		snprintf(out, outsz, "environment%s%s", sep, name);
		break;
	case FG_CONFIG_CMDLINE:
		snprintf(out, outsz, "command line%s%s", sep, name);
		break;
	default:
		snprintf(out, outsz, "default");
		break;
	}
}

/* Prints one setting for fg_config_print; quotes what would not read back. */
static int
print_one(const char *key, const char *value, const struct fg_config_source *src,
    void *arg)
{
	FILE *fp = arg;
	char where[1024];
	size_t n;
	int len, quote;

	fg_config_source_str(src, where, sizeof(where));
	if (value == NULL) {
		if ((len = fprintf(fp, "%s =", key)) < 0)
			return FG_ERR_SYSTEM;
		fprintf(fp, "%*s# unset, from %s\n", len < PRINT_COLUMN ?
		    PRINT_COLUMN - len : 4, "", where);
		return 0;
	}
	n = strlen(value);
	quote = n == 0 || value[0] == '"' || value[0] == ' ' ||
	    value[0] == '\t' || value[n - 1] == ' ' || value[n - 1] == '\t';
	if ((len = fprintf(fp, quote ? "%s = \"%s\"" : "%s = %s", key,
	    value)) < 0)
		return FG_ERR_SYSTEM;
	fprintf(fp, "%*s# from %s\n", len < PRINT_COLUMN ? PRINT_COLUMN - len : 4,
	    "", where);
	return 0;
}

int
fg_config_print(const struct fg_config *cfg, FILE *fp)
{
	(void)fg_config_foreach(cfg, print_one, fp);
	return ferror(fp) ? FG_ERR_SYSTEM : 0;
}

int
fg_config_default_path(char *out, size_t outsz)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home;
	int n;

	if (outsz > 0)
		out[0] = '\0';
	/* The XDG spec says to ignore a relative value. */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, outsz, "%s/feige/config.ini", xdg);
	else if ((home = home_dir()) != NULL)
		n = snprintf(out, outsz, "%s/.config/feige/config.ini", home);
	else
		return FG_ERR_NOT_FOUND;
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return FG_ERR_LIMIT;
	}
	return 0;
}
