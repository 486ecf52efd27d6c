/* pktno: the packet-number generator. */
#include "pktno.h"

#include "proto.h"

void
fg_pktno_init(struct fg_pktno *g)
{
	g->last = 0;
}

uint32_t
fg_pktno_next(struct fg_pktno *g, time_t now)
{
	uint32_t t, next;

	/* A clock past 2038 (or before 1970) cannot seed: fall back to counting. */
	t = (now > 0 && (uint64_t)now <= FG_MAX_PKTNO) ? (uint32_t)now : 0;
	next = g->last >= FG_MAX_PKTNO ? 1 : g->last + 1;
	if (t > next && g->last < FG_MAX_PKTNO)
		next = t;
	g->last = next;
	return next;
}
