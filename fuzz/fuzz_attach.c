/*
 * Fuzz target: the attachment-list parser. Every list that parses is
 * re-encoded and must parse back to the same entries.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "attach.h"
#include "buf.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_attach_list l, back;
	struct fg_buf b;
	size_t i;
	int ok = 1;

	if (size > FG_MAX_DATAGRAM || fg_attach_parse(data, size, &l) != 0)
		return 0;
	assert(l.n <= FG_MAX_ATTACH);
	fg_buf_init(&b, (size_t)FG_MAX_DATAGRAM * 8);
	for (i = 0; i < l.n && ok; i++) {
		assert(strlen(l.v[i].name) <= FG_MAX_FILENAME);
		/* Names holding NUL-free '\a' never parse, so all re-encode. */
		ok = fg_attach_put(&b, &l.v[i]) == 0;
	}
	if (ok) {
		assert(fg_attach_parse(fg_buf_ptr(&b), fg_buf_len(&b), &back) == 0);
		assert(back.n == l.n);
		for (i = 0; i < l.n; i++) {
			assert(back.v[i].fid == l.v[i].fid);
			assert(strcmp(back.v[i].name, l.v[i].name) == 0);
			assert(back.v[i].size == l.v[i].size);
			assert(back.v[i].mtime == l.v[i].mtime);
			assert(back.v[i].attr == l.v[i].attr);
		}
		fg_attach_list_free(&back);
	}
	fg_buf_release(&b);
	fg_attach_list_free(&l);
	return 0;
}
