/*
 * Fuzz target: fg_fsafe_name on any bytes (cut at the first NUL, as a C
 * string would be). The output must be one safe path component: 1 to
 * FG_FSAFE_NAME_MAX bytes of strict UTF-8 with no '/', '\\', control,
 * C1, line-separator or bidi-control character, not all dots; its result
 * says whether it changed the name, and a safe name maps to itself.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the strict UTF-8 character at s with *cp set, or 0 if invalid. */
static size_t
dec(const uint8_t *s, size_t len, uint32_t *cp)
{
	size_t need, i;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (len < need)
		return 0;
	v = s[0] & (0x7f >> need);
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	/* Overlongs, surrogates and values past U+10FFFF. */
	if ((need == 2 && v < 0x80) || (need == 3 && v < 0x800) ||
	    (need == 4 && v < 0x10000) || (v >= 0xd800 && v <= 0xdfff) ||
	    v > 0x10ffff)
		return 0;
	*cp = v;
	return need;
}

/* Checks the promises about a name fg_fsafe_name made. */
static void
check(const char *out)
{
	const uint8_t *s = (const uint8_t *)out;
	size_t len = strlen(out), i, n;
	uint32_t c;

	assert(len >= 1 && len <= FG_FSAFE_NAME_MAX);
	assert(strspn(out, ".") < len);
	for (i = 0; i < len; i += n) {
		n = dec(s + i, len - i, &c);
		assert(n > 0);
		assert(c >= 0x20 && c != 0x7f && c != '/' && c != '\\');
		assert(c < 0x80 || c > 0x9f);
		assert(c != 0x2028 && c != 0x2029);
		assert(c < 0x202a || c > 0x202e);
		assert(c < 0x2066 || c > 0x2069);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, out[FG_FSAFE_NAME_MAX + 1], again[FG_FSAFE_NAME_MAX + 1];
	int r;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	r = fg_fsafe_name(in, out, sizeof(out));
	assert(r == 0 || r == 1);
	check(out);
	assert(r == (strcmp(in, out) != 0));
	/* What it made is safe, so it comes back unchanged. */
	assert(fg_fsafe_name(out, again, sizeof(again)) == 0);
	assert(strcmp(out, again) == 0);
	free(in);
	return 0;
}
