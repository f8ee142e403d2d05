"""The recipes (activation, loss, optimizer, momentum, update, init) through the API, the command and the files.

What is checked here against xorc itself is only what must be the same bits by
construction: a fit in pieces and one fit, a saved and loaded network and one never
saved, a sweep and xorc.train. The math is checked against independent oracles
elsewhere: the C program (finite differences, each update's formula in plain C) and
tests/test_recipes_reference.py and tests/test_sklearn_peer.py (numpy, scikit-learn).
"""

import json

import numpy as np
import pytest

import xorc
from xorc.cli import main
from xorc.model_file import ModelFileError

X, Y = xorc.truth_table("xor")
#: One recipe of each optimizer, with the other settings varied across them.
RECIPES = [
    dict(optimizer="gd", activation="tanh", loss="cross_entropy"),
    dict(optimizer="momentum", momentum=0.5, update="online"),
    dict(optimizer="nesterov", activation="relu", init="glorot"),
    dict(optimizer="adam", loss="cross_entropy", update="online", bias=True),
    dict(optimizer="rprop", bias=True, activation="tanh"),
]
IDS = [recipe["optimizer"] for recipe in RECIPES]


def fit_options(recipe):
    """The options of Network.fit among a recipe's."""
    return {key: value for key, value in recipe.items() if key in ("loss", "optimizer", "momentum", "update")}


def same_network(a, b):
    state_a, state_b = a.optimizer_state, b.optimizer_state
    return (
        all(np.array_equal(getattr(a, w), getattr(b, w)) for w in ("W1", "W2"))
        and (a.b1 is None) == (b.b1 is None)
        and (a.b1 is None or (np.array_equal(a.b1, b.b1) and np.array_equal(a.b2, b.b2)))
        and (state_a is None) == (state_b is None)
        and (
            state_a is None
            or (
                state_a.values.tobytes() == state_b.values.tobytes()
                and (state_a.optimizer, state_a.momentum, state_a.updates)
                == (state_b.optimizer, state_b.momentum, state_b.updates)
            )
        )
    )


# ---- Bad input: a ValueError naming the argument and its choices; the command one line, exit 2


@pytest.mark.parametrize(
    "keyword, value, words",
    [
        ("activation", "softplus", ["activation", "'sigmoid', 'tanh', 'relu'"]),
        ("loss", "mse", ["loss", "'sse', 'cross_entropy'"]),
        ("optimizer", "sgd", ["optimizer", "'gd', 'momentum', 'nesterov', 'adam', 'rprop'"]),
        ("update", "mini-batch", ["update", "'batch', 'online'"]),
        ("momentum", 1.0, ["momentum", "0 up to (not including) 1"]),
        ("momentum", -0.1, ["momentum"]),
        ("momentum", float("nan"), ["momentum"]),
        ("momentum", "0.5", ["momentum"]),
        ("init", 0, ["init", "'glorot'"]),
        ("init", float("inf"), ["init"]),
        ("init", "he", ["init", "'glorot'"]),
        ("init", True, ["init"]),
    ],
)
def test_a_bad_setting_is_a_value_error_naming_it(keyword, value, words):
    for call in (
        lambda: xorc.train(steps=1, **{keyword: value}),
        lambda: xorc.sweep(range(2), steps=1, **{keyword: value}),
    ):
        with pytest.raises(ValueError) as raised:
            call()
        for word in words:
            assert word in str(raised.value)


@pytest.mark.parametrize(
    "keywords, words",
    [
        (dict(init=1e308), "init must be a number > 0 and at most"),  # 2a overflows float64
        (dict(init=1e200, dtype="float32"), "(float32)"),
        (dict(momentum=0.99999999, dtype="float32", optimizer="momentum"), "rounds to 1"),
        (dict(X=[[0, 0], [1, 1]], y=[[0], [2]], loss="cross_entropy"), "targets y in [0, 1], got 2"),
    ],
)
def test_settings_beyond_what_the_precision_or_the_loss_holds_are_refused(keywords, words):
    for call in (xorc.train, lambda **kw: xorc.sweep(range(2), **kw)):
        with pytest.raises(ValueError) as raised:
            call(steps=1, **keywords)
        assert words in str(raised.value)


def test_rprop_with_online_updates_is_refused_everywhere():
    with pytest.raises(ValueError, match="update='online' cannot be used with optimizer='rprop'"):
        xorc.train(optimizer="rprop", update="online", steps=1)
    with pytest.raises(ValueError, match="rprop"):
        xorc.sweep(range(2), optimizer="rprop", update="online", steps=1)
    net = xorc.Network.random()
    before = net.W1.copy()
    with pytest.raises(ValueError, match="rprop"):
        net.fit(X, Y, optimizer="rprop", update="online", steps=5)
    assert np.array_equal(net.W1, before) and net.steps_trained == 0


@pytest.mark.parametrize(
    "arguments, words",
    [
        (["train", "--optimizer", "sgd"], ["--optimizer", "'gd', 'momentum', 'nesterov', 'adam', 'rprop'"]),
        (["train", "--activation", "sin"], ["--activation"]),
        (["train", "--momentum", "1"], ["--momentum", "up to (not including) 1"]),
        (["train", "--init", "0"], ["--init", "glorot"]),
        (["sweep", "--seeds", "0:2", "--loss", "hinge"], ["--loss"]),
        (["train", "--optimizer", "rprop", "--update", "online"], ["rprop", "online"]),
        (["sweep", "--seeds", "0:2", "--compare", "update=online", "--optimizer", "rprop"], ["rprop"]),
    ],
)
def test_the_command_refuses_a_bad_setting_in_one_line(capsys, arguments, words):
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.startswith("xorc: error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


# ---- The optimizer's state belongs to the network


@pytest.mark.parametrize("recipe", RECIPES, ids=IDS)
def test_a_fit_in_pieces_is_one_fit_bit_for_bit(recipe):
    make = {key: value for key, value in recipe.items() if key in ("activation", "init", "bias")}
    whole, pieces = xorc.Network.random(seed=3, **make), xorc.Network.random(seed=3, **make)
    whole.fit(X, Y, lr=0.05, steps=300, **fit_options(recipe))
    for steps in (1, 99, 200):
        pieces.fit(X, Y, lr=0.05, steps=steps, **fit_options(recipe))
    assert same_network(whole, pieces)
    state = whole.optimizer_state
    if recipe["optimizer"] == "gd":
        assert state is None
    else:
        rows_per_step = 4 if recipe.get("update") == "online" else 1
        assert state.optimizer == recipe["optimizer"] and state.updates == 300 * rows_per_step
        assert not state.values.flags.writeable


def test_another_optimizer_or_momentum_starts_from_zero_state():
    trained = xorc.Network.random(seed=4)
    trained.fit(X, Y, lr=0.1, steps=50, optimizer="momentum", momentum=0.5)
    # The same weights, never trained with momentum: what adam from zero state gives.
    fresh = xorc.Network(trained.W1, trained.W2)
    for net in (trained, fresh):
        net.fit(X, Y, lr=0.1, steps=30, optimizer="adam")
    assert same_network(trained, fresh) and trained.optimizer_state.updates == 30
    # Another momentum is another state too; the same one goes on.
    a, b = xorc.Network.random(seed=5), xorc.Network.random(seed=5)
    a.fit(X, Y, lr=0.1, steps=20, optimizer="nesterov", momentum=0.5)
    b.fit(X, Y, lr=0.1, steps=20, optimizer="nesterov", momentum=0.5)
    a.fit(X, Y, lr=0.1, steps=20, optimizer="nesterov", momentum=0.8)
    restarted = xorc.Network(b.W1, b.W2)
    restarted.fit(X, Y, lr=0.1, steps=20, optimizer="nesterov", momentum=0.8)
    assert np.array_equal(a.W1, restarted.W1) and a.optimizer_state.updates == 20


def test_a_fit_of_no_steps_leaves_the_state_alone():
    net = xorc.Network.random(seed=6)
    net.fit(X, Y, lr=0.1, steps=10, optimizer="adam")
    before = net.optimizer_state
    net.fit(X, Y, lr=0.1, steps=0, optimizer="momentum")
    after = net.optimizer_state
    assert after.optimizer == "adam" and after.values.tobytes() == before.values.tobytes()


def test_a_failed_fit_puts_the_state_back():
    net = xorc.Network.random(seed=8, bias=True)
    net.fit(X, Y, lr=0.01, steps=20, optimizer="momentum")
    before = net.optimizer_state

    def fails_after_training(step, loss):
        return np.array([1, 2]) if step >= 40 else None  # no single truth value: a TypeError

    with pytest.raises(TypeError):
        net.fit(X, Y, lr=0.01, steps=50, log_every=20, callback=fails_after_training, optimizer="momentum")
    after = net.optimizer_state
    assert after.values.tobytes() == before.values.tobytes() and after.updates == before.updates == 20


def test_an_interrupted_fit_keeps_its_state_and_resumes_bit_for_bit():
    whole = xorc.Network.random(seed=9)
    whole.fit(X, Y, lr=0.05, steps=400, log_every=50, optimizer="adam", update="online")

    def stop_at_200(step, loss):
        if step == 200:
            raise KeyboardInterrupt

    net = xorc.Network.random(seed=9)
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, Y, lr=0.05, steps=400, log_every=50, callback=stop_at_200, optimizer="adam", update="online")
    assert net.steps_trained == 200 and net.optimizer_state.updates == 800
    net.fit(X, Y, lr=0.05, steps=200, log_every=50, optimizer="adam", update="online")
    assert same_network(whole, net)


# ---- Model files keep the activation and the optimizer's state


@pytest.mark.parametrize("recipe", RECIPES, ids=IDS)
def test_save_load_and_go_on_is_one_fit(tmp_path, recipe):
    make = {key: value for key, value in recipe.items() if key in ("activation", "init", "bias")}
    whole, saved = xorc.Network.random(seed=11, **make), xorc.Network.random(seed=11, **make)
    whole.fit(X, Y, lr=0.05, steps=120, **fit_options(recipe))
    saved.fit(X, Y, lr=0.05, steps=70, **fit_options(recipe))
    saved.save(tmp_path / "m.npz")
    loaded = xorc.load(tmp_path / "m.npz")
    assert loaded.activation == saved.activation and same_network(loaded, saved)
    assert loaded.settings == saved.settings
    loaded.fit(X, Y, lr=0.05, steps=50, **fit_options(recipe))
    assert same_network(whole, loaded)


def saved_with_state(tmp_path):
    net = xorc.Network.random(seed=12)
    net.fit(X, Y, lr=0.05, steps=10, optimizer="adam")
    net.save(tmp_path / "m.npz")
    return tmp_path / "m.npz"


def rewritten(path, meta_changes=None, arrays=None, drop=()):
    with np.load(path, allow_pickle=False) as archive:
        contents = {key: archive[key] for key in archive.files if key not in drop}
    meta = json.loads(str(contents["meta"][()]))
    meta.update(meta_changes or {})
    contents["meta"] = np.array(json.dumps(meta))
    contents.update(arrays or {})
    np.savez(path, **contents)


@pytest.mark.parametrize(
    "change, words",
    [
        (dict(drop=("optimizer_state",)), "optimizer_state"),
        (dict(meta_changes={"optimizer_state": None}), "holds an optimizer_state array"),
        (dict(arrays={"optimizer_state": np.zeros(5)}), "optimizer_state"),
        (dict(arrays={"optimizer_state": np.full(18, np.nan)}), "NaN"),
        (
            dict(meta_changes={"optimizer_state": {"optimizer": "gd", "momentum": None, "updates": 3}}),
            "optimizer_state",
        ),
        (dict(meta_changes={"optimizer_state": {"optimizer": "adam", "momentum": 0.9, "updates": 3}}), "momentum"),
        (dict(meta_changes={"optimizer_state": {"optimizer": "adam", "momentum": None, "updates": 0}}), "updates"),
        (dict(meta_changes={"activation": "swish"}), "activation"),
        (dict(arrays={"optimizer_state": np.concatenate([np.zeros(9), -np.ones(9)])}), "negative second moment"),
        (dict(arrays={"format_version": np.array(1, dtype=np.int64)}), "format version 1 has no"),
        (dict(meta_changes={"optimizer": "sgd"}), "optimizer"),
    ],
)
def test_a_damaged_optimizer_state_is_refused_naming_the_file(tmp_path, change, words):
    path = saved_with_state(tmp_path)
    rewritten(path, **change)
    with pytest.raises(ModelFileError) as raised:
        xorc.load(path)
    assert str(path) in str(raised.value) and words in str(raised.value)


def test_a_network_without_state_saves_none(tmp_path):
    net = xorc.train(steps=10, activation="relu")
    net.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as archive:
        assert "optimizer_state" not in archive.files
        meta = json.loads(str(archive["meta"][()]))
    assert meta["optimizer_state"] is None and meta["activation"] == "relu"
    assert xorc.load(tmp_path / "m.npz").activation == "relu"


# ---- Sweeps: any recipe, bit for bit as xorc.train


@pytest.mark.parametrize("recipe", RECIPES, ids=IDS)
def test_a_sweep_is_xorc_train_seed_by_seed(recipe):
    seeds = range(10, 23)
    result = xorc.sweep(seeds, steps=150, lr=0.05, check_every=10, **recipe)
    for k, seed in enumerate(seeds):
        net = xorc.train(seed=seed, steps=150, lr=0.05, **recipe)
        assert net.predict(X).tobytes() == result.outputs[k].tobytes()
        assert net.history[-1][1] == result.losses[k]


def test_the_command_trains_and_compares_recipes(capsys):
    assert main(["train", "--activation", "tanh", "--optimizer", "adam", "--steps", "300", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    net = xorc.train(activation="tanh", optimizer="adam", steps=300)
    assert document["activation"] == "tanh" and document["optimizer"] == "adam" and document["loss_function"] == "sse"
    assert document["outputs"] == net.predict(X).tolist()
    arguments = ["sweep", "--seeds", "0:30", "--steps", "500", "--json", "--compare", "optimizer=gd,adam"]
    assert main(arguments) == 0
    compared = json.loads(capsys.readouterr().out)["compare"]
    assert [entry["setting"] for entry in compared] == ["optimizer gd", "optimizer adam"] or len(compared) == 2
    adam = xorc.sweep(range(30), steps=500, optimizer="adam")
    assert compared[1]["losses"] == adam.losses.tolist()


# ---- init


@pytest.mark.parametrize("init", [1.0, 0.5, 3, "glorot"])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_init_draws_numpys_stream(init, activation):
    n_in, hidden, n_out = 3, 5, 2
    net = xorc.Network.random(n_in, hidden, n_out, seed=21, bias=True, activation=activation, init=init)
    if init == "glorot":  # scikit-learn's bound per layer (its sigmoid rule: factor 2)
        factor = 2.0 if activation == "sigmoid" else 6.0
        first, second = np.sqrt(factor / (n_in + hidden)), np.sqrt(factor / (hidden + n_out))
    else:
        first = second = float(init)
    rs = np.random.RandomState(21)
    expected = [
        rs.uniform(-first, first, (n_in, hidden)),
        rs.uniform(-second, second, (hidden, n_out)),
        rs.uniform(-first, first, hidden),
        rs.uniform(-second, second, n_out),
    ]
    for got, want in zip((net.W1, net.W2, net.b1, net.b2), expected, strict=True):
        assert got.tobytes() == want.tobytes()
    assert net.settings.init == (init if init == "glorot" else float(init))
