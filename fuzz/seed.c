/*
 * seed: writes the seed corpus of one fuzz target into a directory, from
 * the test vectors and a few hand-made samples. Usage: seed NAME DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

struct sample {
	const char	*bytes;
	size_t		 len;
};

#define S(lit) { lit, sizeof(lit) - 1 }

static const char *packet_vectors[] = {
	"V1", "V1b", "V2", "V3", "V4", "V5", "V5b", "V6", "V8", "V9", NULL
};

static const struct sample packet_extra[] = {
	S("1_lbt80_0#128#107D1A0B2AB9#1753#0#0#4000#9:1509276943:"
	    "\xb8\xe8\xd5\xdf:\xa1\xb0\xc0\xee\xcf\xe0\xba\xd5\xa1\xb1:96:59f59258:0:0:"),
	S("1_iptux 0.8.3:3:me:box:16777473:Nick\0Grp\0icon.png\0utf-8"),
	S("1_iptux 0.8.3:7:u:h:2097248:6553f101:2:1a"),
	S("1_lbt6_0#128#001122334455#0#0#0#4001#9:12:u:h:32:hi{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 x 8404992;}\0"),
	S("1:9:u:h:97:1700000001"),
	S("1:5:u:h:2097184:msg\0" "0:a:1:2:1\a:1:b:0:2:2\a:"),
};

static const struct sample attach_extra[] = {
	S("0:report::v2.txt:1a2b:6553f100:1:\a1:photos:0:6553f100:2:\a"),
	S("1:a:10:20:1:\a:2:b:0:20:2:\a:"),
	S("1:a:10:20:1\a2:b:0:20:2"),
	S("7:pic.png:400:6553f100:20:8=1f:16=6553f0ff:10=1a4:99=5,6:14=6553f101:\a"),
	S("0:\xb1\xa8\xb8\xe6::v2.txt:1:2:1:\a"),
};

static const struct sample dirstream_extra[] = {
	S("002f:b.txt:000000003:1:14=6553f100:16=6553f100:xyz"),
	S("0018:a::b:3:1:16=1:14=2:abc"),
	S("001c:big:100000000:1:14=1:"),
	S("0016:d:0:2:0010:.:0:3:"),
};

/* First byte: bits 0-1 charset, bit 2 encode from UTF-8, bits 3-7 the cut point. */
static const struct sample charset_extra[] = {
	S("\x79hi\xd5\xc5\xc8\xfd{/font;-16 0 0 0 400 0 0 0 134 0 0 2 32 "
	    "\xce\xa2\xc8\xed\xd1\xc5\xba\xda 8404992;}"),
	S("\x7e\xe2\x80\x9c\xe6\x9d\x8e\xe7\x9b\xb8\xe8\xb5\xab\xe2\x80\x9d"
	    "\xf0\x9f\x98\x80\xe2\x82\xac"),
	S("\x85\xe2\x80\x9c\xe6\xad\x8c\xe8\x80\x85\xe2\x82\xac\xf0\x9f\x98\x80"),
	S("\x83\x83\x65\x83\x58\x83\x67\xb6\xc0\x83"),
	S("\x52" "a\x81\x30\x81\x30\x94\x39\xfc\x36\xd5\x20\x80\x81\x30"),
	S("\xfc\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe5\xbc"),
	S("\x01\xb8\xe8\xd5\xdf\xa1\xb0\xc0\xee\xcf\xe0\xba\xd5\xa1\xb1"),
	S("\x04\xe5\xbc\xa0\xe4\xb8\x89"),
};

static const struct sample fsafe_extra[] = {
	S(".."), S("/etc/passwd"), S("..\\..\\x"), S("\x1b[31mred"),
	S("\xe6\x8a\xa5\xe5\x91\x8a.txt"), S("\xe2\x80\xae" "evil.exe"), S("\xff\xfe"),
};

/* GETPUBKEY/ANSPUBKEY extras and an encrypted SENDMSG extra. */
static const struct sample crypto_extra[] = {
	S("21003"), S("41900004:10001-c0010203"),
	S("41900004:AAAA:/4I9qRkALGsNm/7kuNGnBw==:AAAA"),
};

static int
write_seed(const char *dir, const char *name, const void *p, size_t n)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (n > 0 && fwrite(p, 1, n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static int
write_samples(const char *dir, const char *prefix, const struct sample *s, size_t n)
{
	char name[64];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s-%zu", prefix, i);
		if (write_seed(dir, name, s[i].bytes, s[i].len) != 0)
			return -1;
	}
	return 0;
}

/* Writes vector id; for "V3" with section set, only its attachment section. */
static int
write_vector(const char *dir, const char *id, int attach_only)
{
	uint8_t *d;
	size_t n, i;
	int r;

	if (fgt_vector_load(id, &d, &n) != 0)
		return -1;
	if (attach_only) {
		for (i = 0; i < n && d[i] != '\0'; i++)
			;
		r = i < n ? write_seed(dir, id, d + i + 1, n - i - 1) : -1;
	} else
		r = write_seed(dir, id, d, n);
	free(d);
	return r;
}

int
main(int argc, char **argv)
{
	const char *dir;
	size_t i;
	int r = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: seed packet|attach|dirstream|charset DIR\n");
		return 2;
	}
	dir = argv[2];
	if (strcmp(argv[1], "packet") == 0) {
		for (i = 0; packet_vectors[i] != NULL && r == 0; i++)
			r = write_vector(dir, packet_vectors[i], 0);
		if (r == 0)
			r = write_samples(dir, "extra", packet_extra,
			    sizeof(packet_extra) / sizeof(packet_extra[0]));
	} else if (strcmp(argv[1], "attach") == 0) {
		r = write_vector(dir, "V3", 1);
		if (r == 0)
			r = write_samples(dir, "extra", attach_extra,
			    sizeof(attach_extra) / sizeof(attach_extra[0]));
	} else if (strcmp(argv[1], "dirstream") == 0) {
		r = write_vector(dir, "V7", 0);
		if (r == 0)
			r = write_samples(dir, "extra", dirstream_extra,
			    sizeof(dirstream_extra) / sizeof(dirstream_extra[0]));
	} else if (strcmp(argv[1], "charset") == 0) {
		r = write_samples(dir, "extra", charset_extra,
		    sizeof(charset_extra) / sizeof(charset_extra[0]));
	} else if (strcmp(argv[1], "fsafe") == 0) {
		r = write_samples(dir, "extra", fsafe_extra,
		    sizeof(fsafe_extra) / sizeof(fsafe_extra[0]));
	} else if (strcmp(argv[1], "crypto") == 0) {
		r = write_samples(dir, "extra", crypto_extra,
		    sizeof(crypto_extra) / sizeof(crypto_extra[0]));
	} else {
		fprintf(stderr, "seed: unknown target %s\n", argv[1]);
		return 2;
	}
	if (r != 0) {
		fprintf(stderr, "seed: could not write the %s corpus to %s\n", argv[1], dir);
		return 1;
	}
	return 0;
}
