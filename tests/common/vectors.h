/*
 * vectors: loads the byte-exact sample packets of tests/data/vectors.txt
 * (the hex dumps under each "### ID" heading) for tests and fuzz seeds.
 */
#ifndef FGT_VECTORS_H
#define FGT_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/* Loads vector id (e.g. "V3") into a malloc'd buffer; returns 0 or -1. */
int	fgt_vector_load(const char *id, uint8_t **data, size_t *len);
/* Reads a "key = value" line of vector id (e.g. "C2", "key") into dst. */
int	fgt_vector_field(const char *id, const char *key, char *dst, size_t dstsz);
/* Path of the test data directory. */
const char *fgt_data_dir(void);

#endif /* FGT_VECTORS_H */
