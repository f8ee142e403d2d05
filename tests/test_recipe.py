"""The Recipe table drives the API, the flags and the files (xorc/recipe.py).

Every option of the table: its default is the public signatures' default and the
flag's; its flag is in --help with that default; it goes through model and sweep
metadata and back; and a value the API refuses is refused by each file reader, in one
line naming its key, the file left as it was. A new option that is not wired through
one of these fails here, naming what is missing.
"""

import inspect
import json
import pickle
import subprocess
import sys

import numpy as np
import pytest
from npz_edits import archive_bytes, array, members, npy

import xorc
from xorc import recipe
from xorc.cli import build_parser, main

#: A value other than the default for every option a file keeps: a new option needs one here.
SAMPLES = {
    "bias": True,
    "dtype": "float32",
    "lr": 0.25,
    "steps": 7,
    "seed": 77,
    "check_every": 3,
    "activation": "tanh",
    "loss": "cross_entropy",
    "optimizer": "momentum",
    "momentum": 0.5,
    "update": "online",
    "init": 0.5,
}
#: Values the options may be given that are wrong somewhere: the API's check decides for which.
BAD = ["text", None, [1], {"a": 1}, True, 10**400, -(10**400), 2**63, 2**32, -1, 0, 0.0, 1.5, -0.5, "float16"]

MODEL_OPTIONS = [option for option in recipe.OPTIONS if option.model]
SWEEP_OPTIONS = [option for option in recipe.OPTIONS if option.sweep]


def api_refuses(option, value):
    try:
        option.check(value, {"dtype": np.dtype("float64")})
    except (TypeError, ValueError):
        return True
    return False


# ---- The public signatures


@pytest.mark.parametrize(
    "function, command",
    [(xorc.train, recipe.TRAIN), (xorc.sweep, recipe.SWEEP), (xorc.Network.fit, recipe.FIT)],
    ids=["train", "sweep", "fit"],
)
def test_public_signatures_take_the_tables_options_with_its_defaults(function, command):
    parameters = inspect.signature(function).parameters
    for option in recipe.options_of(command):
        if option.name == "task":  # the API takes the data, X and y
            continue
        assert option.name in parameters, f"{function.__qualname__} has no argument {option.name}"
        assert parameters[option.name].default == option.default, option.name
        assert parameters[option.name].kind is not inspect.Parameter.VAR_KEYWORD
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def test_network_random_draws_with_the_tables_defaults():
    parameters = inspect.signature(xorc.Network.random).parameters
    for name in ("hidden", "seed", "dtype", "bias"):
        assert parameters[name].default == recipe.DEFAULTS[name], name


def test_the_seed_programs_defaults():
    """The table's defaults are the seed program's (the blog post's numbers, not the table's own)."""
    assert recipe.DEFAULTS["hidden"] == 3 and recipe.DEFAULTS["lr"] == 0.01 and recipe.DEFAULTS["steps"] == 60000
    assert recipe.DEFAULTS["seed"] == 1234 and recipe.DEFAULTS["dtype"] == "float64"
    assert recipe.DEFAULTS["bias"] is False and recipe.DEFAULTS["task"] == "xor"


@pytest.mark.parametrize("option", [o for o in recipe.OPTIONS if o.name != "task"], ids=lambda o: o.name)
def test_every_check_names_its_argument(option):
    refused = [value for value in BAD if api_refuses(option, value)]
    assert refused, f"no bad value for {option.name}"
    for value in refused:
        with pytest.raises((TypeError, ValueError), match=option.name):
            option.check(value, {"dtype": np.dtype("float64")})


def test_train_and_sweep_refuse_an_option_they_do_not_take():
    with pytest.raises(TypeError):
        xorc.train(check_every=5)
    with pytest.raises(TypeError):
        xorc.sweep(range(2), seed=5)


# ---- The flags


@pytest.mark.parametrize("command", [recipe.TRAIN, recipe.SWEEP])
def test_every_option_has_its_flag_with_the_tables_default(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    args = build_parser().parse_args([command])
    for option in recipe.options_of(command):
        assert option.flag in text, option.flag
        assert f"(default: {option.describe(option.default)})" in text, option.flag
        assert getattr(args, option.name) == option.default, option.name


def test_compare_axes_are_the_tables():
    from xorc._sweep_command import COMPARABLE

    assert set(COMPARABLE) == {option.name for option in recipe.options_of(recipe.SWEEP) if option.compare}


def flag_words(option, value):
    """The command-line words that give `option` the value `value`."""
    if option.parse is None:  # an on/off flag
        return [option.flag] if value else []
    return [option.flag, option.describe(value)]


def test_a_flag_value_reaches_the_api_as_the_api_takes_it(capsys):
    """xorc sweep --json reports the recipe's options under their names, as xorc.sweep's result does."""
    argv = ["sweep", "--seeds", "0:3", "--quiet", "--json"]
    for option in SWEEP_OPTIONS:
        argv += flag_words(option, SAMPLES[option.name])
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    for option in SWEEP_OPTIONS:
        assert document[option.name] == SAMPLES[option.name], option.name
    expected = xorc.sweep(range(3), **{option.name: SAMPLES[option.name] for option in SWEEP_OPTIONS})
    assert document["losses"] == expected.losses.tolist()


# ---- The files: every option there and back


def meta_of(path):
    with np.load(path, allow_pickle=False) as arrays:
        return json.loads(str(arrays["meta"][()]))


def rewrite_meta(path, **changes):
    """The file at `path` with its metadata changed (a value of ... removes the key); its new bytes."""
    parts = members(path.read_bytes())
    meta = json.loads(str(array(parts, "meta.npy")[()]))
    meta.update(changes)
    for key in [key for key, value in changes.items() if value is ...]:
        del meta[key]
    parts["meta.npy"] = npy(np.array(json.dumps(meta, sort_keys=True)))
    path.write_bytes(archive_bytes(parts))
    return path.read_bytes()


def test_every_kept_option_has_a_sample():
    assert {o.name for o in MODEL_OPTIONS + SWEEP_OPTIONS} <= set(SAMPLES), "give the new option a sample value"


@pytest.mark.parametrize("option", MODEL_OPTIONS, ids=lambda o: o.name)
def test_model_metadata_round_trip(tmp_path, option):
    given = {option.name: SAMPLES[option.name]} if recipe.TRAIN in option.commands else {}
    net = xorc.train(steps=5, **given)
    net.save(tmp_path / "a.npz")
    assert meta_of(tmp_path / "a.npz")[option.name] == SAMPLES[option.name]
    xorc.load(tmp_path / "a.npz").save(tmp_path / "b.npz")
    assert (tmp_path / "b.npz").read_bytes() == (tmp_path / "a.npz").read_bytes()


@pytest.mark.parametrize("option", SWEEP_OPTIONS, ids=lambda o: o.name)
def test_sweep_metadata_round_trip(tmp_path, option):
    path = tmp_path / "s.npz"
    options = {"steps": 5, option.name: SAMPLES[option.name]}
    result = xorc.sweep(range(3), checkpoint=path, **options)
    assert meta_of(path)[option.name] == SAMPLES[option.name]
    loaded = xorc.load_sweep(path)
    assert getattr(loaded, option.name) == getattr(result, option.name) == SAMPLES[option.name]
    assert xorc.sweep(range(3), checkpoint=path, **options).resumed == 3  # the same recipe: resumed


@pytest.fixture(scope="module")
def model_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.npz"
    xorc.train(steps=5).save(path)
    return path.read_bytes()


@pytest.fixture(scope="module")
def sweep_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "s.npz"
    xorc.sweep(range(3), steps=5, checkpoint=path)
    return path.read_bytes()


def refused_values(option, nullable=False):
    """What a file must not hold for `option`: every value its check refuses, and no key at all
    (unless files before it were made with its default); null where a file may not know it."""
    missing = [] if option.absent_is_default else [...]  # ...: the key left out
    return missing + [v for v in BAD if api_refuses(option, v) and not (v is None and nullable)]


def each_refused(path, original, option, values, read, error):
    """`read(path)` refuses each of `values` in the metadata with one line naming the key, the file kept."""
    assert len(values) >= 5
    for value in values:
        path.write_bytes(original)
        data = rewrite_meta(path, **{option.name: value})
        with pytest.raises(error, match=repr(option.name)) as refused:
            read(path)
        assert "\n" not in str(refused.value) and path.read_bytes() == data


@pytest.mark.parametrize("option", MODEL_OPTIONS, ids=lambda o: o.name)
def test_model_reader_refuses_what_the_api_refuses(tmp_path, model_bytes, option):
    values = refused_values(option, nullable=option.unknown_in_model)  # a network may not know how it was made
    each_refused(tmp_path / "m.npz", model_bytes, option, values, xorc.load, xorc.ModelFileError)


@pytest.mark.parametrize("option", SWEEP_OPTIONS, ids=lambda o: o.name)
def test_sweep_reader_refuses_what_the_api_refuses(tmp_path, sweep_bytes, option):
    def read_and_resume(path):
        data = path.read_bytes()
        with pytest.raises(xorc.SweepFileError):
            xorc.sweep(range(3), steps=5, checkpoint=path)
        assert path.read_bytes() == data
        xorc.load_sweep(path)

    each_refused(tmp_path / "s.npz", sweep_bytes, option, refused_values(option), read_and_resume, xorc.SweepFileError)


# ---- Where the recipe lives


def test_the_sweep_file_format_does_not_import_the_worker_module():
    code = "import sys, xorc.sweeping.file; print('xorc.sweeping.chunks' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_names_dask_workers_and_older_code_import_still_work():
    # A Dask worker unpickles train_chunk by its module's name: xorc 0.2's name still finds it, and a
    # pickle made now names its new home. Recipe is imported from there too.
    from xorc._sweep_chunks import train_chunk as by_the_old_name
    from xorc.sweeping.chunks import Recipe, on_target_side, train_chunk

    assert Recipe is recipe.Recipe and callable(train_chunk) and callable(on_target_side)
    assert by_the_old_name is train_chunk and train_chunk.__module__ == "xorc.sweeping.chunks"
    assert pickle.loads(pickle.dumps(train_chunk)) is train_chunk
    # A function pickles as a reference (the GLOBAL opcode): module and name, as xorc 0.2 wrote them.
    assert pickle.loads(b"cxorc._sweep_chunks\ntrain_chunk\n.") is train_chunk


def test_sweep_result_reads_its_recipe():
    result = xorc.sweep(range(2), steps=5, lr=0.5, hidden=4)
    assert result.recipe.lr == result.lr == 0.5 and result.shape == (2, 4, 1) and result.hidden == 4
    assert result.inputs is result.recipe.X and result.targets is result.recipe.y
    with pytest.raises(AttributeError):
        result.no_such_option  # noqa: B018


# ---- The cost model


def test_one_step_of_the_seed_network_costs_what_a_hand_count_gives():
    from xorc import _binding, _cost

    # Per row: 2·3 + 3·1 multiply-adds, 3 + 1 sigmoids; then 2·3 + 3·1 weight updates: 4·13 + 9.
    assert _cost.step_work(4, 2, 3, 1) == 61
    assert _binding.piece_steps(4, 2, 3, 1) == _binding.PIECE_UNITS // 61
    assert xorc.sweeps.prepare(range(1)).recipe.step_work() == 61
