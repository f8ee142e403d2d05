/*
 * xorc_sizes.h — the size checks shared by the core's source files (internal,
 * not part of the public API).
 */
#ifndef XORC_SIZES_H
#define XORC_SIZES_H

#include <stddef.h>

/* a * b, stored in *product, unless it exceeds `limit` (then 0 is returned). */
int xorc_mul_within(size_t a, size_t b, size_t limit, size_t *product);

/*
 * Every dimension is at least 1 and every buffer of these sizes, counted in
 * bytes of the wider type (double), fits in size_t.
 */
int xorc_sizes_ok(size_t n, size_t n_in, size_t n_hidden, size_t n_out);

#endif /* XORC_SIZES_H */
