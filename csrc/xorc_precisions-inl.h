/*
 * xorc_precisions-inl.h — the training step (xorc_step-inl.h) and then the header
 * named by XORC_PER_PRECISION, once for double and once for float, over the lane
 * types of the level being built (xorc_lanes-inl.h). Inside them:
 *   REAL, REAL_IS_FLOAT, VR, VM, ABS, ALL_TRUE  the precision's types and lane tests
 *   SELECT, SQRT, LOG  lane selection, the square root, and libm's log for one value
 *   FN(name)   the name with the precision's and the level's suffix (layer_d_avx2)
 *   PUB(name)  the name with the precision's suffix (xorc_train_d)
 */

#define REAL double
#define REAL_IS_FLOAT 0
#define VR LV(vd)
#define VM LV(md)
#define ALL_TRUE LV(all_true_d)
#define ABS ABS_D
#define SELECT SELECT_D
#define SQRT LV(sqrt_d)
#define LOG log
#define FN(name) LV(name##_d)
#define PUB(name) name##_d
#include "xorc_step-inl.h"
#include XORC_PER_PRECISION
#undef REAL
#undef REAL_IS_FLOAT
#undef VR
#undef VM
#undef ALL_TRUE
#undef ABS
#undef SELECT
#undef SQRT
#undef LOG
#undef FN
#undef PUB

#define REAL float
#define REAL_IS_FLOAT 1
#define VR LV(vf)
#define VM LV(mf)
#define ALL_TRUE LV(all_true_f)
#define ABS ABS_F
#define SELECT SELECT_F
#define SQRT LV(sqrt_f)
#define LOG logf
#define FN(name) LV(name##_s)
#define PUB(name) name##_s
#include "xorc_step-inl.h"
#include XORC_PER_PRECISION
#undef REAL
#undef REAL_IS_FLOAT
#undef VR
#undef VM
#undef ALL_TRUE
#undef ABS
#undef SELECT
#undef SQRT
#undef LOG
#undef FN
#undef PUB
