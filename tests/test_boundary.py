"""Odd buffers at the C boundary: an exception or an error code, never a crash or a silent answer.

xorc._binding is the only module that hands numpy memory to C, and cffi's
``from_buffer`` reinterprets bytes without looking at them, so the binding must
refuse everything C cannot safely use. The compiled functions themselves must
refuse sizes that do not fit, before touching memory: those are called here
directly, with tiny real buffers and huge sizes.
"""

import numpy as np
import pytest

import reference
from xorc import _binding
from xorc._ffi import ffi, lib

SIZE_MAX = 2 ** (8 * ffi.sizeof("size_t")) - 1
HALF = 2 ** (4 * ffi.sizeof("size_t"))  # HALF * HALF wraps around to 0
ELEMENTS_MAX = SIZE_MAX // 8  # the most doubles whose byte count fits in size_t

# (n, n_in, n_hidden, n_out) that the core must reject with XORC_ERR_SIZE.
BAD_SIZES = [
    (0, 2, 3, 1),
    (4, 0, 3, 1),
    (4, 2, 0, 1),
    (4, 2, 3, 0),
    (HALF, HALF, 1, 1),
    (HALF, 1, HALF, 1),
    (HALF, 1, 1, HALF),
    (1, HALF, HALF, 1),
    (1, 1, HALF, HALF),
    (SIZE_MAX // 3 + 1, 3, 1, 1),  # n * n_in wraps around to 2
    (HALF, HALF // 8, 1, 1),  # the element count fits, the byte count does not
    (SIZE_MAX, 1, 1, 1),
    (ELEMENTS_MAX + 1, 1, 1, 1),
]
# Each size fits, but the training workspace's total length does not.
WORKSPACE_OVERFLOW = (1, 1, ELEMENTS_MAX // 2 + 1, 1)

PRECISIONS = {
    "float64": (
        "double",
        lib.xorc_forward_d,
        lib.xorc_loss_d,
        lib.xorc_backward_d,
        lib.xorc_update_d,
        lib.xorc_train_d,
    ),
    "float32": ("float", lib.xorc_forward_s, lib.xorc_loss_s, lib.xorc_backward_s, lib.xorc_update_s, lib.xorc_train_s),
}


def options(lr=0.1, steps=3):
    """An ``xorc_options`` for the direct calls below: lr and steps, every other option its default."""
    settings = ffi.new("xorc_options *")
    settings.lr, settings.steps = lr, steps
    return settings


def problem(dtype="float64", bias=True):
    """A 4x2-3-1 network and data, as C-contiguous arrays of `dtype`."""
    rng = np.random.default_rng(5)
    arrays = dict(
        X=rng.uniform(-2, 2, (4, 2)),
        y=rng.uniform(0, 1, (4, 1)),
        W1=rng.uniform(-1, 1, (2, 3)),
        W2=rng.uniform(-1, 1, (3, 1)),
        b1=rng.uniform(-1, 1, 3) if bias else None,
        b2=rng.uniform(-1, 1, 1) if bias else None,
    )
    return {name: None if a is None else a.astype(dtype) for name, a in arrays.items()}


def snapshot(arrays):
    return {name: None if a is None else a.copy() for name, a in arrays.items()}


def assert_unchanged(arrays, before):
    for name, array in arrays.items():
        if array is not None:
            assert array.tobytes() == before[name].tobytes(), f"{name} was written"


# ---- the valid calls work and agree with the numpy reference (so every rejection below is for its one change)


@pytest.mark.parametrize("bias", [False, True])
def test_valid_calls_agree_with_reference(bias):
    p = problem(bias=bias)
    hidden, out = _binding.forward(p["X"], p["W1"], p["W2"], p["b1"], p["b2"])
    want_hidden, want_out = reference.forward(p["X"], p["W1"], p["W2"], p["b1"], p["b2"])
    np.testing.assert_allclose(hidden, want_hidden, rtol=1e-12)
    np.testing.assert_allclose(out, want_out, rtol=1e-12)
    assert _binding.loss(out, p["y"]) == pytest.approx(reference.sse(want_out, p["y"]), rel=1e-12)
    grads = _binding.backward(p["X"], p["y"], hidden, out, p["W2"], bias)
    for got, want in zip(grads, reference.gradients(p["X"], p["y"], p["W1"], p["W2"], p["b1"], p["b2"]), strict=True):
        if bias or got is not None:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    W = p["W1"].copy()
    _binding.update(W, grads[0], 0.5)
    np.testing.assert_allclose(W, p["W1"] - 0.5 * grads[0], rtol=1e-15)
    work = _binding.workspace(2, 3, 1, np.dtype("float64"))
    want = reference.train(p["X"], p["y"], p["W1"], p["W2"], 0.1, 5, p["b1"], p["b2"])
    _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, 5, work)
    for got, expected in zip((p["W1"], p["W2"], p["b1"], p["b2"]), want, strict=True):
        if expected is not None:
            np.testing.assert_allclose(got, expected, rtol=1e-12)


# ---- huge and zero sizes, straight to the compiled functions, with tiny real buffers


def tiny_buffers(dtype, count=12):
    """Real buffers of `count` elements for every pointer argument, filled with a pattern."""
    rng = np.random.default_rng(1)
    return [rng.uniform(-1, 1, count).astype(dtype) for _ in range(count)]


def pointers(ctype, buffers):
    return [ffi.from_buffer(ctype + "[]", b) for b in buffers]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("sizes", BAD_SIZES)
def test_core_rejects_sizes_without_touching_memory(dtype, sizes):
    ctype, forward, loss, backward, _update, train = PRECISIONS[dtype]
    n, n_in, n_hidden, n_out = sizes
    buffers = tiny_buffers(dtype)
    before = [b.copy() for b in buffers]
    p = pointers(ctype, buffers)
    statuses = {
        "forward": forward(*p[:7], n, n_in, n_hidden, n_out, options()),
        "backward": backward(*p[:10], n, n_in, n_hidden, n_out, options()),
        "train": train(
            *p[:4], ffi.NULL, p[4], ffi.NULL, ffi.NULL, p[5], 12, p[6], p[7], n, n_in, n_hidden, n_out, options()
        ),
    }
    if n == 0 or n_out == 0 or n * n_out > ELEMENTS_MAX:
        statuses["loss"] = loss(p[0], p[1], p[2], n, n_out, options())
    assert statuses == dict.fromkeys(statuses, lib.XORC_ERR_SIZE)
    for buffer, copy in zip(buffers, before, strict=True):
        assert buffer.tobytes() == copy.tobytes()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_core_rejects_a_workspace_length_that_overflows(dtype):
    ctype, *_, train = PRECISIONS[dtype]
    buffers = tiny_buffers(dtype)
    before = [b.copy() for b in buffers]
    p = pointers(ctype, buffers)
    assert lib.xorc_train_workspace_len(*WORKSPACE_OVERFLOW[1:]) == 0
    assert (
        train(*p[:4], ffi.NULL, p[4], ffi.NULL, ffi.NULL, p[5], 12, p[6], p[7], *WORKSPACE_OVERFLOW, options(steps=1))
        == lib.XORC_ERR_SIZE
    )
    for buffer, copy in zip(buffers, before, strict=True):
        assert buffer.tobytes() == copy.tobytes()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("length", [0, ELEMENTS_MAX + 1, SIZE_MAX])
def test_core_update_rejects_lengths(dtype, length):
    ctype, *_, update, _train = PRECISIONS[dtype]
    W, grad = tiny_buffers(dtype, 2)
    before = W.copy()
    assert update(
        ffi.from_buffer(ctype + "[]", W), ffi.NULL, ffi.from_buffer(ctype + "[]", grad), length, options()
    ) == (lib.XORC_ERR_SIZE)
    assert W.tobytes() == before.tobytes()


def test_sizes_beyond_size_t_are_refused_by_cffi():
    W, grad = (ffi.from_buffer("double[]", b) for b in tiny_buffers("float64", 2))
    with pytest.raises(OverflowError):
        lib.xorc_update_d(W, ffi.NULL, grad, SIZE_MAX + 1, options())
    with pytest.raises(OverflowError):
        lib.xorc_update_d(W, ffi.NULL, grad, -1, options())


@pytest.mark.parametrize("sizes", [(HALF, HALF, 1), (1, HALF, HALF), (SIZE_MAX, 1, 1), (0, 3, 1), (2, 3, 0)])
def test_no_workspace_for_impossible_sizes(sizes):
    assert lib.xorc_train_workspace_len(*sizes) == 0
    with pytest.raises(ValueError, match="no training workspace fits"):
        _binding.workspace(*sizes, np.dtype("float64"))


# ---- empty arrays and zero-size dimensions through the binding


def test_forward_rejects_empty_arrays():
    p = problem()
    cases = [
        dict(X=np.zeros((0, 2))),
        dict(X=np.zeros((4, 0)), W1=np.zeros((0, 3))),
        dict(W1=np.zeros((2, 0)), W2=np.zeros((0, 1)), b1=np.zeros(0)),
        dict(W2=np.zeros((3, 0)), b2=np.zeros(0)),
    ]
    for change in cases:
        args = {**p, **change}
        with pytest.raises(ValueError, match="empty"):
            _binding.forward(args["X"], args["W1"], args["W2"], args["b1"], args["b2"])


def test_loss_backward_update_train_reject_empty_arrays():
    p = problem()
    empty = np.zeros((0, 1))
    with pytest.raises(ValueError, match="empty"):
        _binding.loss(empty, empty.copy())
    with pytest.raises(ValueError, match="empty"):
        _binding.backward(np.zeros((0, 2)), empty, np.zeros((0, 3)), empty.copy(), p["W2"], True)
    with pytest.raises(ValueError, match="empty"):
        _binding.update(np.zeros(0), np.zeros(0), 0.1)
    before = snapshot(p)
    work = _binding.workspace(2, 3, 1, np.dtype("float64"))
    with pytest.raises(ValueError, match="empty"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], np.zeros((0, 2)), empty, 0.1, 5, work)
    assert_unchanged(p, before)


# ---- outputs that are read-only


@pytest.mark.parametrize("name", ["W1", "W2", "b1", "b2", "work"])
def test_train_refuses_read_only_outputs(name):
    p = problem()
    p["work"] = _binding.workspace(2, 3, 1, np.dtype("float64"))
    p[name].flags.writeable = False
    before = snapshot(p)
    with pytest.raises(ValueError, match=f"{name} is read-only"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, 5, p["work"])
    assert_unchanged(p, before)


def test_update_refuses_a_read_only_view_of_writable_memory():
    W = np.ones((2, 3))
    view = W.view()
    view.flags.writeable = False
    with pytest.raises(ValueError, match="W is read-only"):
        _binding.update(view, np.ones((2, 3)), 0.1)
    assert (W == 1).all()


def test_read_only_inputs_are_fine():
    p = problem()
    for array in p.values():
        array.flags.writeable = False
    _, out = _binding.forward(p["X"], p["W1"], p["W2"], p["b1"], p["b2"])
    np.testing.assert_allclose(out, reference.forward(p["X"], p["W1"], p["W2"], p["b1"], p["b2"])[1], rtol=1e-12)


# ---- wrong dtypes (cffi would reinterpret the bytes), non-contiguous and unaligned memory


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((4, 2), np.float32),
        np.zeros((4, 2), np.int64),
        np.zeros((4, 2), np.float16),
        np.zeros((4, 2), np.complex128),
        np.zeros((4, 2), ">f8"),  # float64, but big-endian
        np.zeros((4, 2), object),
    ],
    ids=["float32", "int64", "float16", "complex128", "big-endian", "object"],
)
def test_wrong_dtype_is_a_type_error(bad):
    p = problem()
    with pytest.raises(TypeError, match="X must be a numpy array of double"):
        _binding.forward(bad, p["W1"], p["W2"], p["b1"], p["b2"])


def test_mixed_precisions_are_a_type_error():
    p = problem()
    before = snapshot(p)
    work = _binding.workspace(2, 3, 1, np.dtype("float32"))
    with pytest.raises(TypeError, match="must be a numpy array of float"):
        _binding.train(p["W1"].astype(np.float32), p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, 5, work)
    with pytest.raises(TypeError, match="work must be a numpy array of double"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, 5, work)
    assert_unchanged(p, before)


def test_weights_of_no_supported_dtype_are_a_type_error():
    p = problem()
    with pytest.raises(TypeError, match="W1 must be a float32 or float64 numpy array"):
        _binding.forward(p["X"], p["W1"].astype(np.int32), p["W2"], p["b1"], p["b2"])


@pytest.mark.parametrize(
    "make",
    [
        lambda X: np.asfortranarray(X),
        lambda X: np.repeat(X, 2, axis=1)[:, ::2],
        lambda X: X[::-1],
        lambda X: np.broadcast_to(X[0], (2**40, 2)),  # 2**40 rows that share one row of memory
    ],
    ids=["fortran", "strided", "reversed", "broadcast-huge"],
)
def test_non_contiguous_inputs_are_refused(make):
    p = problem()
    X = make(p["X"])
    with pytest.raises(ValueError, match="X must be C-contiguous"):
        _binding.forward(X, p["W1"], p["W2"], p["b1"], p["b2"])


def test_non_contiguous_output_is_refused_and_unchanged():
    W = np.ones((3, 4))[:, ::2]
    with pytest.raises(ValueError, match="W must be C-contiguous"):
        _binding.update(W, np.ones((3, 2)), 0.1)
    assert (W == 1).all()


def unaligned(array):
    """A C-contiguous copy of `array` whose data starts one byte past an aligned address."""
    raw = bytearray(array.nbytes + 1)
    copy = np.frombuffer(raw, dtype=array.dtype, offset=1, count=array.size).reshape(array.shape)
    copy[...] = array
    assert not copy.flags.aligned and copy.flags.c_contiguous
    return copy


def test_unaligned_arrays_are_refused():
    """A misaligned double* is undefined behaviour in C (and a fault on strict-alignment machines)."""
    p = problem()
    with pytest.raises(ValueError, match="X is not aligned"):
        _binding.forward(unaligned(p["X"]), p["W1"], p["W2"], p["b1"], p["b2"])
    W = unaligned(p["W1"])
    with pytest.raises(ValueError, match="W is not aligned"):
        _binding.update(W, np.ones((2, 3)), 0.1)
    assert W.tobytes() == p["W1"].tobytes()


def test_unaligned_user_input_is_copied_not_refused():
    import xorc

    net = xorc.Network.random(seed=3)
    X, y = xorc.truth_table("xor")
    assert net.predict(unaligned(X)).tobytes() == net.predict(X).tobytes()
    assert xorc.Network(unaligned(np.asarray(net.W1)), net.W2).predict(X).tobytes() == net.predict(X).tobytes()
    assert net.loss(unaligned(X), unaligned(y)) == net.loss(X, y)


# ---- wrong shapes, None and things that are not arrays


def test_wrong_shapes_name_the_argument():
    p = problem()
    cases = [
        (dict(W2=np.zeros((4, 1))), r"W2 must have shape \(3, 1\)|W1 must have shape"),
        (dict(b1=np.zeros(2)), r"b1 must have shape \(3,\)"),
        (dict(b2=np.zeros(2)), r"b2 must have shape \(1,\)"),
        (dict(X=np.zeros((4, 3))), r"W1 must have shape \(3, 3\)"),
        (dict(X=np.zeros(8)), "X must be 2-D"),
        (dict(X=np.zeros((4, 2, 1))), "X must be 2-D"),
        (dict(W2=np.zeros(3)), "W2 must be 2-D"),
    ]
    for change, words in cases:
        args = {**p, **change}
        with pytest.raises(ValueError, match=words):
            _binding.forward(args["X"], args["W1"], args["W2"], args["b1"], args["b2"])


def test_backward_and_loss_shapes():
    p = problem()
    hidden, out = _binding.forward(p["X"], p["W1"], p["W2"], p["b1"], p["b2"])
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\)"):
        _binding.backward(p["X"], np.zeros((4, 2)), hidden, out, p["W2"], True)
    with pytest.raises(ValueError, match=r"hidden must have shape \(4, 3\)"):
        _binding.backward(p["X"], p["y"], hidden[:3], out, p["W2"], True)
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\)"):
        _binding.loss(out, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="out must be 2-D"):
        _binding.loss(out.ravel(), p["y"].ravel())
    with pytest.raises(ValueError, match=r"grad must have shape \(2, 3\)"):
        _binding.update(p["W1"].copy(), np.zeros((3, 2)), 0.1)


def test_train_shapes_and_short_workspace_change_nothing():
    p = problem()
    before = snapshot(p)
    work = _binding.workspace(2, 3, 1, np.dtype("float64"))
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\)"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"][:2], 0.1, 5, work)
    with pytest.raises(ValueError, match="workspace is shorter"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, 5, work[:-1])
    assert_unchanged(p, before)


@pytest.mark.parametrize("value", [None, [[1.0, 0.0]] * 4, 3.0, "X"], ids=["None", "list", "float", "str"])
def test_not_an_array_is_a_type_error(value):
    p = problem()
    with pytest.raises(TypeError, match="X must be a numpy array"):
        _binding.forward(value, p["W1"], p["W2"], p["b1"], p["b2"])
    with pytest.raises(TypeError, match="W1 must be a float32 or float64 numpy array"):
        _binding.forward(p["X"], value, p["W2"], p["b1"], p["b2"])
    with pytest.raises(TypeError, match="out must be a float32 or float64 numpy array"):
        _binding.loss(value, p["y"])
    with pytest.raises(TypeError, match="grad must be a numpy array"):
        _binding.update(p["W1"].copy(), value, 0.1)
    with pytest.raises(TypeError, match="work must be a numpy array"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, 5, value)


def test_one_bias_alone_is_refused():
    p = problem()
    with pytest.raises(ValueError, match="b1 and b2 must be given together"):
        _binding.forward(p["X"], p["W1"], p["W2"], p["b1"], None)
    work = _binding.workspace(2, 3, 1, np.dtype("float64"))
    before = snapshot(p)
    with pytest.raises(ValueError, match="b1 and b2 must be given together"):
        _binding.train(p["W1"], p["W2"], None, p["b2"], p["X"], p["y"], 0.1, 5, work)
    assert_unchanged(p, before)


# ---- learning rates and step counts


BAD_LRS = [0.0, -0.0, -0.1, float("nan"), float("inf"), -float("inf")]


@pytest.mark.parametrize(
    "dtype, lr",
    [("float64", lr) for lr in BAD_LRS]
    # Fine doubles that round to inf and to 0 in float (where C's own conversion would be undefined).
    + [("float32", lr) for lr in [*BAD_LRS, 1e300, 1e-300]],
)
def test_bad_learning_rates_change_nothing(dtype, lr):
    p = problem(dtype)
    work = _binding.workspace(2, 3, 1, np.dtype(dtype))
    before = snapshot(p)
    with pytest.raises(ValueError, match="learning rate must be finite and positive"):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], lr, 5, work)
    with pytest.raises(ValueError, match="learning rate must be finite and positive"):
        _binding.update(p["W1"], np.ones_like(p["W1"]), lr)
    assert_unchanged(p, before)


@pytest.mark.parametrize("lr", ["0.1", None, [0.1]])
def test_learning_rate_that_is_not_a_number(lr):
    p = problem()
    with pytest.raises(TypeError, match="lr must be a real number"):
        _binding.update(p["W1"], np.ones_like(p["W1"]), lr)


@pytest.mark.parametrize("steps", [-1, 2**64])
def test_steps_out_of_range(steps):
    p = problem()
    work = _binding.workspace(2, 3, 1, np.dtype("float64"))
    before = snapshot(p)
    with pytest.raises(OverflowError):
        _binding.train(p["W1"], p["W2"], p["b1"], p["b2"], p["X"], p["y"], 0.1, steps, work)
    assert_unchanged(p, before)
