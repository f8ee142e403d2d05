/*
 * xorc — full-batch gradient descent for a two-layer sigmoid network.
 *
 * The network maps an input row x (n_in values) to an output row (n_out values):
 *
 *     h   = sigmoid(x · W1 + b1)         hidden activations, n_hidden values
 *     out = sigmoid(h · W2 + b2)         outputs, n_out values
 *     SSE = sum over rows and outputs of (y - out)^2
 *
 * and learns W1, W2 (and b1, b2) by full-batch gradient descent on the SSE:
 * W <- W - lr * dSSE/dW, one step per pass over all n rows.
 *
 * Conventions, shared by every entry point:
 *  - All buffers are owned by the caller, contiguous and row-major:
 *      X (n, n_in), y (n, n_out), W1 (n_in, n_hidden), W2 (n_hidden, n_out),
 *      b1 (n_hidden), b2 (n_out), hidden (n, n_hidden), out (n, n_out).
 *  - Outputs come first in the argument list, then inputs, then sizes. An output
 *    buffer must not overlap any other buffer argument, unless the function
 *    says it may (xorc_exp_*, xorc_sigmoid_*).
 *  - b1 and b2 are optional: pass NULL for a network without biases (and then
 *    NULL for db1, db2). b1 and b2 must be both NULL or both non-NULL.
 *  - Every function returns XORC_OK or a negative XORC_ERR_* code; on an error
 *    nothing has been written. xorc_strerror() describes a code.
 *  - The library keeps no state, allocates nothing, never prints and never
 *    exits: any number of threads may call it on different buffers.
 *  - Each function comes twice, with the BLAS suffixes: _d for double, _s for
 *    float. Both are built from one definition of the math (xorc_kernels.h).
 */
#ifndef XORC_H
#define XORC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cdef-begin: the declarations below are read by xorc/_ffi_build.py */

/* Status codes. */
enum {
    XORC_OK = 0,
    XORC_ERR_NULL = -1,     /* a required buffer is NULL, or only one bias is given */
    XORC_ERR_SIZE = -2,     /* a dimension is zero, or a buffer size overflows size_t */
    XORC_ERR_LR = -3,       /* the learning rate is not finite and positive */
    XORC_ERR_WORKSPACE = -4 /* the workspace is shorter than xorc_train_workspace_len() */
};

/* A static, human-readable description of a status code. */
const char *xorc_strerror(int status);

/*
 * The elementwise functions the network is made of, over n values (n may be 0):
 * out[i] = exp(x[i]), within 0.52 ulp (xorc's own, not libm's; see xorc_exp.h), and
 * out[i] = sigmoid(z[i]) = 1 / (1 + exp(-z[i])), exactly 0 or 1 where it saturates.
 * out may be x (or z) itself.
 */
int xorc_exp_d(double *out, const double *x, size_t n);
int xorc_exp_s(float *out, const float *x, size_t n);
int xorc_sigmoid_d(double *out, const double *z, size_t n);
int xorc_sigmoid_s(float *out, const float *z, size_t n);

/* Forward pass over n rows: hidden = sigmoid(X·W1 + b1), out = sigmoid(hidden·W2 + b2). */
int xorc_forward_d(double *hidden, double *out, const double *X, const double *W1, const double *b1,
                   const double *W2, const double *b2, size_t n, size_t n_in, size_t n_hidden,
                   size_t n_out);
int xorc_forward_s(float *hidden, float *out, const float *X, const float *W1, const float *b1,
                   const float *W2, const float *b2, size_t n, size_t n_in, size_t n_hidden,
                   size_t n_out);

/* Sum of squared errors: *loss = sum (y - out)^2 over n rows of n_out values. */
int xorc_loss_d(double *loss, const double *out, const double *y, size_t n, size_t n_out);
int xorc_loss_s(float *loss, const float *out, const float *y, size_t n, size_t n_out);

/*
 * Backward pass: the gradients of the SSE, given the forward pass's hidden and out.
 *   delta = dSSE/dZ2 = 2 (out - y) * out * (1 - out)       (n, n_out)
 *   dW2   = hidden^T · delta,   db2 = column sums of delta
 *   dZ1   = (delta · W2^T) * hidden * (1 - hidden)
 *   dW1   = X^T · dZ1,          db1 = column sums of dZ1
 * delta is an output too (the gradient at the output pre-activations).
 * db1, db2 may be NULL (both) for a network without biases.
 */
int xorc_backward_d(double *dW1, double *db1, double *dW2, double *db2, double *delta,
                    const double *X, const double *y, const double *hidden, const double *out,
                    const double *W2, size_t n, size_t n_in, size_t n_hidden, size_t n_out);
int xorc_backward_s(float *dW1, float *db1, float *dW2, float *db2, float *delta, const float *X,
                    const float *y, const float *hidden, const float *out, const float *W2,
                    size_t n, size_t n_in, size_t n_hidden, size_t n_out);

/* Gradient-descent update of one parameter buffer: W[p] <- W[p] - lr * grad[p]. */
int xorc_update_d(double *W, const double *grad, size_t len, double lr);
int xorc_update_s(float *W, const float *grad, size_t len, float lr);

/*
 * The number of elements (doubles for _d, floats for _s) that xorc_train_*
 * needs as workspace for these sizes; 0 if a size is zero or the count
 * overflows size_t.
 */
size_t xorc_train_workspace_len(size_t n_in, size_t n_hidden, size_t n_out);

/*
 * Trains in place: `steps` full-batch gradient-descent steps on the n rows,
 * each exactly forward, backward and update as the functions above compute
 * them, then *loss = the SSE of the updated network (the SSE after `steps`
 * updates; with steps = 0, of the network as given). `work` holds work_len
 * elements of scratch space, at least xorc_train_workspace_len(n_in, n_hidden, n_out).
 */
int xorc_train_d(double *W1, double *b1, double *W2, double *b2, double *loss, double *work,
                 size_t work_len, const double *X, const double *y, size_t n, size_t n_in,
                 size_t n_hidden, size_t n_out, double lr, uint64_t steps);
int xorc_train_s(float *W1, float *b1, float *W2, float *b2, float *loss, float *work,
                 size_t work_len, const float *X, const float *y, size_t n, size_t n_in,
                 size_t n_hidden, size_t n_out, float lr, uint64_t steps);

/*
 * The initial weights of the seed program: out[i] for i < n are the first n
 * numbers that numpy's legacy generator, np.random.RandomState(seed), draws with
 * .uniform(low, high): the Mersenne Twister MT19937 seeded as its reference
 * init_genrand(seed) does, 53-bit u = (a * 2^26 + b) / 2^53 in [0, 1) from two
 * 32-bit outputs a >> 5 and b >> 6, and out[i] = low + (high - low) * u.
 * W1 = uniform(-1, 1, (n_in, n_hidden)) and then W2 from the same generator are
 * the first n_in * n_hidden numbers and the next n_hidden * n_out.
 */
int xorc_random_uniform_d(double *out, size_t n, double low, double high, uint32_t seed);

/* cdef-end */

#ifdef __cplusplus
}
#endif

#endif /* XORC_H */
