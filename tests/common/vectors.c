/*
 * vectors: a reader for tests/data/vectors.txt. Each vector is a block that
 * starts with "### ID ...", gives "len=N" and a hex dump whose lines are
 * "OOOO  xx xx ... (16 columns)  ascii". The dump is the authority.
 */
#include "vectors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FEIGE_TEST_DATA_DIR
#define FEIGE_TEST_DATA_DIR "tests/data"
#endif

const char *
fgt_data_dir(void)
{
	const char *d = getenv("FEIGE_TEST_DATA_DIR");

	return d != NULL ? d : FEIGE_TEST_DATA_DIR;
}

static FILE *
open_vectors(void)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/vectors.txt", fgt_data_dir());
	return fopen(path, "r");
}

/* Returns 1 when line is the heading of vector id. */
static int
is_heading(const char *line, const char *id)
{
	size_t n = strlen(id);

	return strncmp(line, "### ", 4) == 0 && strncmp(line + 4, id, n) == 0 &&
	    (line[4 + n] == ' ' || line[4 + n] == '\n' || line[4 + n] == '\0');
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
fgt_vector_load(const char *id, uint8_t **data, size_t *len)
{
	FILE *f;
	char line[512];
	int in = 0, col, hi, lo;
	size_t want = 0, n = 0;
	uint8_t *d = NULL;

	*data = NULL;
	*len = 0;
	if ((f = open_vectors()) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "###", 3) == 0) {
			if (in)
				break;
			in = is_heading(line, id);
			continue;
		}
		if (!in)
			continue;
		if (strncmp(line, "len=", 4) == 0) {
			want = strtoul(line + 4, NULL, 10);
			if ((d = malloc(want + 1)) == NULL)
				break;
			continue;
		}
		/* Dump line: 4 hex digits of offset, two spaces, columns. */
		if (d == NULL || strlen(line) < 8 || !isxdigit((unsigned char)line[0]) ||
		    line[4] != ' ' || line[5] != ' ')
			continue;
		for (col = 0; col < 16; col++) {
			size_t at = 6 + 3 * (size_t)col;

			if (at + 1 >= strlen(line))
				break;
			hi = hexval((unsigned char)line[at]);
			lo = hexval((unsigned char)line[at + 1]);
			if (hi < 0 || lo < 0)
				break;
			if (n < want)
				d[n++] = (uint8_t)(hi << 4 | lo);
		}
	}
	fclose(f);
	if (d == NULL || n != want || want == 0) {
		free(d);
		return -1;
	}
	*data = d;
	*len = n;
	return 0;
}

int
fgt_vector_field(const char *id, const char *key, char *dst, size_t dstsz)
{
	FILE *f;
	char line[1024];
	int in = 0, found = -1;
	size_t kl = strlen(key);

	if (dstsz == 0 || (f = open_vectors()) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "###", 3) == 0) {
			if (in)
				break;
			in = is_heading(line, id);
			continue;
		}
		/* The key is followed by a space or '='; the value follows the first '='. */
		if (in && strncmp(line, key, kl) == 0 &&
		    (line[kl] == ' ' || line[kl] == '=')) {
			char *v = strchr(line + kl, '=');

			if (v == NULL)
				continue;
			v++;
			while (*v == ' ')
				v++;
			v[strcspn(v, " \r\n")] = '\0';
			snprintf(dst, dstsz, "%s", v);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}
