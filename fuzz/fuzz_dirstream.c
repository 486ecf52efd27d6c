/*
 * fuzz_dirstream: feeds the input to the directory stream decoder in chunks
 * whose size the first byte picks, checks the event invariants, and
 * re-encodes every decoded header to check that it decodes the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dirstream.h"
#include "feige/feige.h"
#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

/* What the walk has reported so far. */
struct walk {
	unsigned	depth;
	int		in_file;
	uint64_t	want, got;
	uint64_t	records;
	int		ended;
};

/* Checks that two entries agree on what the encoder writes. */
static void
same_ent(const struct fg_dirent *a, const struct fg_dirent *b)
{
	CHECK(strcmp(a->name, b->name) == 0);
	CHECK(a->attr == b->attr);
	if (FG_FILE_TYPE(a->attr) == FG_FILE_RETPARENT)
		CHECK(b->size == 0);
	else
		CHECK(a->size == b->size);
	CHECK(a->has_mtime == b->has_mtime && a->mtime == b->mtime);
	CHECK(a->has_ctime == b->has_ctime && a->ctime == b->ctime);
}

/* Encodes e and decodes it again; only a too-long header may fail. */
static void
round_trip(const struct fg_dirent *e)
{
	struct fg_buf b;
	struct fg_dirent d;
	int r;

	fg_buf_init(&b, 2 * FG_MAX_DIRHDR);
	r = fg_dirstream_put_header(&b, e);
	if (r == 0) {
		CHECK(fg_buf_len(&b) <= FG_MAX_DIRHDR);
		CHECK(fg_dirstream_parse_header(fg_buf_ptr(&b), fg_buf_len(&b),
		    &d) == 0);
		same_ent(e, &d);
	} else
		CHECK(r == FG_ERR_LIMIT && fg_buf_len(&b) == 0);
	fg_buf_release(&b);
}

/* Feeds one chunk until it is used or an error; returns the status. */
static int
feed(struct fg_dirstream *ds, struct walk *w, const uint8_t *p, size_t len)
{
	struct fg_dirstream_event ev;
	size_t off = 0, used;
	int r;

	for (;;) {
		r = fg_dirstream_feed(ds, p == NULL ? NULL : p + off, len - off,
		    &used, &ev);
		if (r != 0) {
			CHECK(r < 0 && used == 0 && ev.type == FG_DS_NEED_MORE);
			CHECK(fg_dirstream_feed(ds, NULL, 0, &used, &ev) == r);
			CHECK(!fg_dirstream_done(ds));
			return r;
		}
		CHECK(used <= len - off);
		CHECK(ev.depth <= FG_MAX_DIR_DEPTH);
		if (ev.type != FG_DS_NEED_MORE && ev.type != FG_DS_DATA &&
		    ev.type != FG_DS_FILE_END)
			CHECK(!w->in_file);
		if (ev.type != FG_DS_NEED_MORE)
			CHECK(!w->ended);
		switch (ev.type) {
		case FG_DS_NEED_MORE:
			CHECK(used == len - off && ev.depth == w->depth);
			return 0;
		case FG_DS_ENTER:
			CHECK(ev.depth == w->depth + 1);
			w->records++;
			round_trip(ev.ent);
			break;
		case FG_DS_LEAVE:
			CHECK(ev.depth + 1 == w->depth && ev.ent->size == 0);
			w->records++;
			round_trip(ev.ent);
			break;
		case FG_DS_FILE:
			CHECK(ev.depth == w->depth);
			w->records++;
			w->in_file = 1;
			w->want = ev.ent->size;
			w->got = 0;
			round_trip(ev.ent);
			break;
		case FG_DS_DATA:
			CHECK(w->in_file && ev.len > 0 && ev.len == used);
			CHECK(ev.data == p + off);
			CHECK(ev.len <= w->want - w->got);
			w->got += ev.len;
			break;
		case FG_DS_FILE_END:
			CHECK(w->in_file && w->got == w->want && used == 0);
			w->in_file = 0;
			break;
		case FG_DS_END:
			CHECK(used == 0 && ev.depth == 0 && fg_dirstream_done(ds));
			w->ended = 1;
			break;
		}
		w->depth = ev.depth;
		CHECK(fg_dirstream_records(ds) == w->records);
		off += used;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_dirstream *ds;
	struct fg_dirent e;
	struct walk w;
	size_t chunk, off, n;

	if (size < 1)
		return 0;
	/* The rest taken as one header must parse or fail cleanly. */
	if (fg_dirstream_parse_header(data + 1, size - 1, &e) == 0)
		round_trip(&e);

	/* 0 feeds everything at once, else chunks of 1..255 bytes. */
	chunk = data[0] == 0 ? size : data[0];
	data++;
	size--;
	if ((ds = fg_dirstream_new()) == NULL)
		return 0;
	memset(&w, 0, sizeof(w));
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		if (feed(ds, &w, data + off, n) != 0)
			goto out;
	}
	if (feed(ds, &w, NULL, 0) == 0)
		CHECK(fg_dirstream_done(ds) == w.ended);
 out:
	fg_dirstream_free(ds);
	return 0;
}
