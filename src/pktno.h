/*
 * pktno: packet numbers we send. Seeded from the clock, strictly rising
 * (iptux drops a SENDMSG whose number does not rise), never above 2^31-1
 * (the official client echoes them with %d).
 */
#ifndef FG_PKTNO_H
#define FG_PKTNO_H

#include <stdint.h>
#include <time.h>

struct fg_pktno {
	uint32_t	last;
};

/* Starts the counter so that the first number is the current time. */
void	fg_pktno_init(struct fg_pktno *g);
/* Returns the next number: max(now, last + 1), wrapping to 1 past 2^31-1. */
uint32_t fg_pktno_next(struct fg_pktno *g, time_t now);

#endif /* FG_PKTNO_H */
