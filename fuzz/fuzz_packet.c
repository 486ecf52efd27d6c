/*
 * Fuzz target: a whole datagram through the header parser and, by mode,
 * the entry, file-request, host-list and attachment parsers. A header that
 * parses is rebuilt and must parse back to the same fields.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "buf.h"
#include "entry.h"
#include "filereq.h"
#include "hostlist.h"
#include "packet.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rebuilds the header of pkt and checks that it reads back the same. */
static void
check_header_roundtrip(const struct fg_packet *pkt)
{
	char user[FG_MAX_NAME + 1], host[FG_MAX_NAME + 1];
	struct fg_packet back;
	struct fg_buf b;

	if (fg_span_cstr(pkt->user, user, sizeof(user)) != 0 ||
	    fg_span_cstr(pkt->host, host, sizeof(host)) != 0 ||
	    strlen(user) != pkt->user.len || strlen(host) != pkt->host.len)
		return;
	fg_buf_init(&b, FG_MAX_DATAGRAM);
	if (fg_packet_put_header(&b, pkt->pktno, user, host, pkt->command) == 0) {
		assert(fg_packet_parse(fg_buf_ptr(&b), fg_buf_len(&b), &back) == 0);
		assert(back.pktno == pkt->pktno && back.command == pkt->command);
		assert(back.user.len == pkt->user.len && back.host.len == pkt->host.len);
	}
	fg_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_packet pkt;
	struct fg_entry e;
	struct fg_filereq req;
	struct fg_hostlist hl;
	struct fg_hostent he;
	struct fg_attach_list l;
	struct fg_buf b;

	if (fg_packet_parse(data, size, &pkt) != 0)
		return 0;
	assert(pkt.nsect <= FG_MAX_SECTIONS);
	check_header_roundtrip(&pkt);
	(void)fg_packet_is_iptux(&pkt);
	(void)fg_packet_is_feiq(&pkt);
	switch (fg_packet_mode(&pkt)) {
	case FG_CMD_BR_ENTRY:
	case FG_CMD_ANSENTRY:
	case FG_CMD_BR_ABSENCE:
	case FG_CMD_BR_EXIT:
		(void)fg_entry_parse(&pkt, &e);
		break;
	case FG_CMD_GETFILEDATA:
	case FG_CMD_GETDIRFILES:
	case FG_CMD_RELEASEFILES:
		if (fg_filereq_parse(&pkt, &req) == 0) {
			fg_buf_init(&b, 256);
			assert(fg_filereq_put(&b, &req) == 0);
			fg_buf_release(&b);
		}
		break;
	case FG_CMD_ANSLIST:
		if (fg_hostlist_begin(&hl, pkt.extra) == 0)
			while (fg_hostlist_next(&hl, &he) == 0)
				assert(he.user.len > 0);
		break;
	case FG_CMD_SENDMSG:
		if ((pkt.command & FG_OPT_FILEATTACH) && pkt.nsect > 0 &&
		    fg_attach_parse(pkt.sect[0].p, pkt.sect[0].len, &l) == 0) {
			assert(l.n <= FG_MAX_ATTACH);
			fg_attach_list_free(&l);
		}
		break;
	}
	return 0;
}
