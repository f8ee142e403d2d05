/*
 * xorc_level-inl.h — one SIMD level's lockstep kernels, xorc_lockstep_d_LEVEL and
 * xorc_lockstep_s_LEVEL (xorc_internal.h): the level's lanes, the exponential and
 * the training step over them, for both precisions. Included once by each
 * xorc_level_*.c, after xorc_level.h, with LEVEL, LANES, BLOCKS and the level's lane
 * operations defined (xorc_lanes-inl.h).
 */
#include "xorc_lanes-inl.h"
#include "xorc_exp-inl.h"
#define XORC_PER_PRECISION "xorc_lockstep-inl.h"
#include "xorc_precisions-inl.h"
