/*
 * fileev: readable one-line renderings of the file events (offer,
 * offer_end, xfer_progress, xfer_done) and of node log lines, from their
 * JSON form, shared by `watch` and the daemon's log. Peer-controlled text
 * is printed with control characters shown as '?'.
 */
#ifndef FG_CMD_FILEEV_H
#define FG_CMD_FILEEV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* Names shown in an offer line before "...". */
#define FG_FILEEV_NAMES		5

/* The unsigned integer field key of an event (0 when absent or negative). */
uint64_t fg_fileev_uint(json_t *o, const char *key);
/* Prints ev as one line (no newline) on f; 1 when it is a file or log event. */
int	fg_fileev_print(FILE *f, json_t *ev);
/* Prints "user@host (nick)" for an offer or event that carries a sender. */
void	fg_fileev_who(FILE *f, json_t *o);
/* The same into buf. */
void	fg_fileev_who_str(json_t *o, char *buf, size_t len);

#endif /* FG_CMD_FILEEV_H */
