"""The training recipe: every setting of ``xorc.train`` and ``xorc.sweep``, defined once, in one table.

Each ``Option`` of ``OPTIONS`` holds a setting's name, default, check (the API's:
a TypeError or ValueError naming the argument), command-line flag with its help,
whether ``xorc sweep --compare`` can vary it, and whether model files and sweep
files keep it in their metadata (with what a value there must be). From the table
come the defaults and checks of ``xorc.train``, ``xorc.sweep`` and ``Network.fit``,
the flags of ``xorc train`` and ``xorc sweep``, the ``--compare`` axes, the recipe
in ``--json`` output and in both file formats, and the differences between a sweep
file's recipe and a sweep's. A new setting is one entry here (and, to reach the
core, a field of ``struct xorc_options`` filled by the binding): see
docs/adding-an-option.md.

An option's name is its keyword argument, its flag (``--check-every`` for check_every),
its key in file metadata and in ``--json`` output. The data (X and y, or ``--task``)
and the hidden layer's size are also the network's layout: the files keep them as
arrays and as ``shape`` [n_in, hidden, n_out], not as keys of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _settings, _validate
from ._cost import step_work
from ._flag_text import HIDDEN_MAX, INT_MAX, count, hidden_units, one_of, positive_count, positive_number
from ._settings import ACTIVATIONS, LOSSES, OPTIMIZERS, UPDATES
from ._validate import DTYPES
from .data import TASKS

# The commands (and the API functions behind them) that take an option.
TRAIN = "train"  # xorc.train and xorc train
SWEEP = "sweep"  # xorc.sweep and xorc sweep
FIT = "fit"  # Network.fit: the options of training a network it has (not of making one)


# ---- Checks of the API (value, the values checked before it) -> value: the messages name the argument.


def _whole(name: str, minimum: int, maximum: int = INT_MAX) -> Callable[[Any, Mapping[str, Any]], int]:
    return lambda value, _: _validate.integer(name, value, minimum=minimum, maximum=maximum)


def _task(value: Any, _: Mapping[str, Any]) -> str:
    if not isinstance(value, str) or value not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {value!r}")
    return value


# ---- What a value in a file's metadata must be, as JSON (bounded to what xorc itself writes).


def _json_whole(minimum: int, maximum: int = INT_MAX) -> Callable[[Any], bool]:
    return lambda value: _validate.is_whole(value, minimum, maximum)


def _json_positive(value: Any) -> bool:
    return _validate.is_finite_number(value) and value > 0


@dataclass(frozen=True)
class Option:
    """One setting of a training recipe, and every face it has."""

    name: str  # the keyword argument of xorc.train / xorc.sweep, and the attribute of a Recipe
    default: Any
    #: check(value, earlier): the value as the API takes it, converted; TypeError or ValueError naming
    #: the argument. `earlier` holds the options checked before it, in the table's order.
    check: Callable[[Any, Mapping[str, Any]], Any]
    help: str  # the flag's help; "(default: ...)" is added from the default
    #: parse(text): the flag's value (ValueError with the reason); None for an on/off flag without value.
    parse: Callable[[str], Any] | None
    commands: tuple[str, ...]  # TRAIN, SWEEP: the commands and API functions that take it
    compare: bool = False  # an axis of xorc sweep --compare
    metavar: str | None = None
    choices: tuple[str, ...] | None = None  # the flag's values, listed in its usage
    describe: Callable[[Any], str] = str  # the value in words: --compare tables, --out names, help
    model: bool = False  # kept in a model file's metadata
    #: null in a model file's metadata when the network does not know it (one made from weights
    #: has no seed; one never trained, no lr)
    unknown_in_model: bool = False
    sweep: bool = False  # kept in a sweep file's metadata: it decides a seed's result
    #: json_ok(value): a value in a file's metadata that xorc can have written; `wanted` says it in words.
    json_ok: Callable[[Any], bool] = field(default=lambda value: False)
    wanted: str = ""
    #: True for an option added after xorc 0.2: a file without its key was written before it
    #: existed, and so was made with its default. (The options of 0.2 are required.)
    absent_is_default: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def flag_help(self) -> str:
        return f"{self.help} (default: {self.describe(self.default)})"


def _on_off_words(value: Any) -> str:
    return "on" if value else "off"


def _lr_words(value: Any) -> str:
    return f"{value:g}"


def _init_words(value: Any) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _named(name: str, choices: tuple[str, ...]) -> dict[str, Any]:
    """The fields of an option that names one of `choices`: its check, flag, --compare axis and file values."""
    return dict(
        check=_settings.choice(name, choices),
        parse=one_of(choices),
        compare=True,
        choices=choices,
        json_ok=lambda value: isinstance(value, str) and value in choices,
        wanted=" or ".join(repr(choice) for choice in choices),
        absent_is_default=True,
    )


#: The table. The order is the order of the checks (dtype before lr, which must stay finite in it),
#: of the flags in --help, and of the keys in --json output.
OPTIONS: tuple[Option, ...] = (
    Option(
        "task",
        "xor",
        _task,
        "the truth table to learn",
        one_of(TASKS),
        (TRAIN, SWEEP),
        compare=True,
        choices=TASKS,
    ),
    Option(
        "hidden",
        3,
        _whole("hidden", 1),
        f"hidden units, at most {HIDDEN_MAX}",
        hidden_units,
        (TRAIN, SWEEP),
        compare=True,
        metavar="N",
    ),
    Option(
        "bias",
        False,
        lambda value, _: _validate.flag("bias", value),
        "give the networks biases b1, b2 (the post's program has none)",
        None,
        (TRAIN, SWEEP),
        compare=True,
        describe=_on_off_words,
        model=True,
        sweep=True,
        json_ok=lambda value: isinstance(value, bool),
        wanted="true or false",
    ),
    Option(
        "dtype",
        "float64",
        lambda value, _: _validate.dtype(value).name,
        "precision",
        one_of(DTYPES),
        (TRAIN, SWEEP),
        compare=True,
        choices=DTYPES,
        model=True,
        sweep=True,
        json_ok=lambda value: isinstance(value, str) and value in DTYPES,
        wanted=" or ".join(repr(name) for name in DTYPES),
    ),
    Option(
        "lr",
        0.01,
        lambda value, earlier: _validate.learning_rate(value, earlier.get("dtype")),
        "learning rate",
        positive_number,
        (TRAIN, SWEEP, FIT),
        compare=True,
        describe=_lr_words,
        model=True,
        unknown_in_model=True,
        sweep=True,
        json_ok=_json_positive,
        wanted="a number > 0",
    ),
    Option(
        "steps",
        60000,
        _whole("steps", 0),
        "gradient-descent steps",
        count,
        (TRAIN, SWEEP, FIT),
        compare=True,
        metavar="N",
        sweep=True,
        json_ok=_json_whole(0),
        wanted=f"a whole number from 0 to {INT_MAX}",
    ),
    Option(
        "seed",
        1234,
        lambda value, _: _validate.seed(value),
        "seed of numpy's RandomState for the weights",
        count,
        (TRAIN,),
        model=True,
        unknown_in_model=True,
        json_ok=_json_whole(0, _validate.SEED_MAX),
        wanted=f"a whole number from 0 to {_validate.SEED_MAX}",
    ),
    Option(
        "activation",
        "sigmoid",
        help="the hidden units' activation (the output's is always the sigmoid)",
        commands=(TRAIN, SWEEP),
        model=True,
        sweep=True,
        **_named("activation", ACTIVATIONS),
    ),
    Option(
        "loss",
        "sse",
        help="the loss: sse, the sum of squared errors (the post's), or cross_entropy",
        commands=(TRAIN, SWEEP, FIT),
        sweep=True,  # (not in model files, whose "loss" is the last loss of the history)
        **_named("loss", LOSSES),
    ),
    Option(
        "optimizer",
        "gd",
        help="the update: gd (gradient descent), momentum, nesterov, adam, or rprop (iRPROP-, which ignores lr)",
        commands=(TRAIN, SWEEP, FIT),
        model=True,
        unknown_in_model=True,
        sweep=True,
        **_named("optimizer", OPTIMIZERS),
    ),
    Option(
        "momentum",
        0.9,
        _settings.momentum,
        "mu of the momentum and nesterov optimizers, 0 <= mu < 1",
        _settings.momentum_flag,
        (TRAIN, SWEEP, FIT),
        compare=True,
        metavar="MU",
        describe=_lr_words,
        model=True,
        unknown_in_model=True,
        sweep=True,
        json_ok=lambda value: _validate.is_finite_number(value) and 0 <= value < 1,
        wanted="a number from 0 up to (not including) 1",
        absent_is_default=True,
    ),
    Option(
        "update",
        "batch",
        help="batch: one update per step from all rows (the post's); online: one per row, in order",
        commands=(TRAIN, SWEEP, FIT),
        model=True,
        unknown_in_model=True,
        sweep=True,
        **{**_named("update", UPDATES), "check": _settings.update},
    ),
    Option(
        "init",
        1.0,
        _settings.init,
        "the initial weights' range: A for uniform(-A, A) (the post's is 1), or glorot (scikit-learn's)",
        _settings.init_flag,
        (TRAIN, SWEEP),
        compare=True,
        metavar="A|glorot",
        describe=_init_words,
        model=True,
        unknown_in_model=True,
        sweep=True,
        json_ok=lambda value: value == "glorot" or (_validate.is_finite_number(value) and value > 0),
        wanted="a number > 0 or 'glorot'",
        absent_is_default=True,
    ),
    Option(
        "log_every",
        10000,
        _whole("log_every", 0),
        "print the loss every N steps; 0 for the last step only",
        count,
        (TRAIN, FIT),
        metavar="N",
    ),
    Option(
        "check_every",
        100,
        _whole("check_every", 1),
        "check every N steps (and at the last) whether each network has learned the table: "
        "the steps to learn are counted in multiples of N",
        positive_count,
        (SWEEP,),
        metavar="N",
        sweep=True,
        json_ok=_json_whole(1),
        wanted=f"a whole number from 1 to {INT_MAX}",
    ),
)

BY_NAME: dict[str, Option] = {option.name: option for option in OPTIONS}
#: The defaults, by name: what the public signatures take them from.
DEFAULTS: dict[str, Any] = {option.name: option.default for option in OPTIONS}


def options_of(command: str) -> tuple[Option, ...]:
    """The options `command` (TRAIN or SWEEP) takes, in the table's order."""
    return tuple(option for option in OPTIONS if command in option.commands)


def sweep_names() -> list[str]:
    """The names of the options ``xorc.sweep`` takes (the task aside: it takes X and y)."""
    return [option.name for option in options_of(SWEEP) if option.name != "task"]


def arguments_of(command: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The options of `command` among a public function's `arguments` (its ``locals()`` on entry).

    ``xorc.train``, ``xorc.sweep`` and ``Network.fit`` spell their options out as keyword
    arguments, with the table's defaults (a test holds them to the table); this picks
    them up by name, so that the function body needs no change for a new option.
    """
    return {option.name: arguments[option.name] for option in options_of(command) if option.name in arguments}


def check(command: str, given: Mapping[str, Any], dtype: Any = None) -> dict[str, Any]:
    """The options of `command` in `given`, checked by the table's checks in its order (a TypeError or
    ValueError naming the argument). `dtype`: the precision when it is not among them (``Network.fit``)."""
    values: dict[str, Any] = {} if dtype is None else {"dtype": dtype}
    for option in options_of(command):
        if option.name in given:
            values[option.name] = option.check(given[option.name], values)
    return {name: value for name, value in values.items() if name in given}


@dataclass(frozen=True, eq=False)
class Recipe:
    """Everything that decides a sweep's results from its seeds, small and picklable: sent with every chunk.

    X (rows, n_in) and y (rows, n_out) are C-contiguous in the recipe's dtype; ``values``
    holds every option of ``xorc sweep`` but the task (which X and y are), checked, read
    as attributes: ``recipe.lr``, ``recipe.hidden``, ``recipe.check_every``. A network
    is checked for having learned the table after 0, check_every, 2·check_every, ...
    steps and after the last step.
    """

    X: np.ndarray
    y: np.ndarray
    values: Mapping[str, Any]

    def __getattr__(self, name: str) -> Any:
        # Only the table's names: pickle and copy look up others (__setstate__) before values is set.
        if name in BY_NAME and "values" in self.__dict__ and name in self.__dict__["values"]:
            return self.__dict__["values"][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def checked(cls, X: np.ndarray, y: np.ndarray, given: Mapping[str, Any]) -> Recipe:
        """The sweep recipe of the data X, y (converted already) and the options `given` (checked here)."""
        unknown = sorted(set(given) - {option.name for option in options_of(SWEEP)} - {"task"})
        if unknown:
            raise TypeError(f"unknown option {unknown[0]!r}; a sweep's are {', '.join(sweep_names())}")
        values = {**{option.name: option.default for option in options_of(SWEEP)}, **given}
        del values["task"]
        values = check(SWEEP, values)
        _settings.targets_for(values["loss"], y)
        return cls(X=X, y=y, values=values)

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_in, hidden, n_out)."""
        return (int(self.X.shape[1]), int(self.values["hidden"]), int(self.y.shape[1]))

    def step_work(self) -> int:
        """The work of one training step of one network (``_cost.step_work``)."""
        return step_work(self.X.shape[0], *self.shape)

    def stored(self) -> dict[str, Any]:
        """The options a sweep file keeps, by key, as JSON values."""
        return {option.name: self.values[option.name] for option in OPTIONS if option.sweep}

    def settings(self) -> str:
        """The recipe in words, e.g. ``2-3-1, no biases, lr 0.01, 60000 steps, float64``, and the settings that
        are not the post's, e.g. ``2-3-1, no biases, tanh, adam, lr 0.01, 60000 steps, float64``."""
        n_in, hidden, n_out = self.shape
        biases = "biases" if self.values["bias"] else "no biases"
        recipe = "".join(f", {words}" for words in recipe_words(self.values))
        return f"{n_in}-{hidden}-{n_out}, {biases}{recipe}, lr {self.lr:g}, {self.steps} steps, {self.dtype}"


def recipe_words(values: Mapping[str, Any]) -> list[str]:
    """The settings of `values` that are not the post's, in words: ``tanh``, ``adam``, ``momentum 0.5``."""
    words = [values[name] for name in ("activation", "loss", "optimizer", "update") if values[name] != DEFAULTS[name]]
    if values["optimizer"] in _settings.USES_MOMENTUM:  # "momentum 0.9", "nesterov, momentum 0.9"
        words = [word for word in words if word != "momentum"] + [f"momentum {values['momentum']:g}"]
    if values["init"] != DEFAULTS["init"]:
        words.append(f"init {_init_words(values['init'])}")
    return words


def differences(there: Recipe, here: Recipe) -> list[str]:
    """The options of two recipes that differ, in words ("lr 0.5 there, 0.25 here"); the data aside."""
    found = []
    if there.shape != here.shape:
        found.append(f"shape {'-'.join(map(str, there.shape))} there, {'-'.join(map(str, here.shape))} here")
    for option in OPTIONS:
        if option.sweep and there.values[option.name] != here.values[option.name]:
            found.append(f"{option.name} {there.values[option.name]} there, {here.values[option.name]} here")
    return found


def read_meta(
    meta: Mapping[str, Any],
    kept: str,
    layout: Iterable[str],
    fail: Callable[[str], Exception],
    label: Callable[[str], str] = lambda key: f"its metadata's {key!r}",
) -> dict[str, Any]:
    """The options a file's metadata keeps (`kept`: "model" or "sweep"), by name, each a value xorc can have
    written: bounded as the API's checks bound it (no 400-digit lr, no check_every of 2**63). Else
    `fail`, naming the key (`label(key)` in the message). Null is "not known" where the option allows it.
    The values are converted as the API converts them.

    A key that is neither an option nor one of the format's `layout` keys is refused: a newer xorc
    wrote it, for an option this one would train without.
    """
    values = {}
    for option in OPTIONS:
        if not getattr(option, kept):
            continue
        if option.name not in meta:
            if option.absent_is_default:
                values[option.name] = option.default
                continue
            raise fail(f"the metadata has no {option.name!r}")
        value = meta[option.name]
        nullable = kept == "model" and option.unknown_in_model
        if value is None and nullable:
            values[option.name] = None
            continue
        wanted = option.wanted + (" or null" if nullable else "")
        if value is None or not option.json_ok(value):
            raise fail(f"{label(option.name)} must be {wanted}, got {_validate.short(value)}")
        try:
            values[option.name] = option.check(value, {})  # as the API takes it (lr 1 is 1.0)
        except (TypeError, ValueError):
            raise fail(f"{label(option.name)} must be {wanted}, got {_validate.short(value)}") from None
    unknown = sorted(set(meta) - set(layout) - set(values))
    if unknown:
        raise fail(f"its metadata holds a setting this xorc does not know, {unknown[0][:40]!r}: upgrade xorc")
    return values
