"""The core's MT19937 draws numpy's RandomState stream exactly, and start-up stays light."""

import numpy as np
import pytest

import installed
import xorc
from xorc import _binding


@pytest.mark.parametrize("seed", [0, 1, 1234, 2**31, 2**32 - 1])
def test_random_uniform_is_numpys_random_state_stream(seed):
    # 312 doubles use up the 624 words of state: cross that boundary several times.
    for n in (1, 9, 311, 312, 313, 1000):
        expected = np.random.RandomState(seed).uniform(-1.0, 1.0, n)
        assert _binding.random_uniform(n, seed).tobytes() == expected.tobytes()
    expected = np.random.RandomState(seed).uniform(-3.5, 2.0, 50)
    assert _binding.random_uniform(50, seed, -3.5, 2.0).tobytes() == expected.tobytes()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_network_random_draws_as_the_seed_program(dtype):
    net = xorc.Network.random(3, 5, 2, seed=7, dtype=dtype, bias=True)
    generator = np.random.RandomState(7)
    for got, shape in zip((net.W1, net.W2, net.b1, net.b2), [(3, 5), (5, 2), (5,), (2,)], strict=True):
        assert got.tobytes() == generator.uniform(-1.0, 1.0, shape).astype(dtype).tobytes()


def test_command_imports_nothing_heavy(tmp_path):
    """Start-up: 'xorc train' imports nothing it does not use (issue 5: at most 1.3x importing numpy).

    numpy.random alone costs about 22 ms, secrets (with hashlib) and zipfile about 10 ms
    each, cffi's compiler more: against some 230 ms for importing numpy.
    """
    heavy = ("numpy.random", "json", "secrets", "hashlib", "zipfile", "cffi.api", "pycparser")
    code = (
        "import sys, xorc.cli; xorc.cli.main(['train', '--steps', '0', '--quiet']); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = installed.run(["-c", code], tmp_path, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"
