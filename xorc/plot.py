"""Pictures, with matplotlib (optional: ``pip install "xorc[plot]"``), imported only here and only when drawing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .sweep import SweepResult

INSTALL_HINT = 'plotting needs matplotlib: pip install "xorc[plot]"'


def require_matplotlib() -> None:
    """Raise ImportError, naming the install command, when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(INSTALL_HINT) from None


def plot_sweep(
    results: SweepResult | Sequence[SweepResult], path: str | os.PathLike[str], labels: Sequence[str] | None = None
) -> None:
    """Histograms of a sweep's final losses, learned and not learned stacked in two colours, to `path` (PNG).

    Given several results (a comparison), one panel per result, stacked, on one
    shared log-scaled loss axis so they read against each other; `labels` titles
    the panels (default: each result's settings). The file is written whole or not
    at all (drawn to a temporary file beside it, then renamed).
    """
    require_matplotlib()
    from matplotlib import ticker
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    runs = [results] if not isinstance(results, Sequence) else list(results)
    if not runs:
        raise ValueError("results is empty: nothing to plot")
    if labels is None:
        labels = [run.settings() for run in runs]
    elif len(labels) != len(runs):
        raise ValueError(f"labels has {len(labels)} entries for {len(runs)} results")

    # One set of log-spaced bins for every panel. Losses of exactly 0 (a saturated
    # float32 network) cannot sit on a log axis: they are drawn in the lowest bin.
    every = np.concatenate([run.losses for run in runs])
    every = every[np.isfinite(every)]
    positive = every[every > 0]
    low = positive.min() if positive.size else 1e-12
    high = max(every.max() if every.size else 1.0, low * 10)
    edges = np.geomspace(low / 1.05, high * 1.05, 61)

    # A Figure of its own on the Agg canvas: no pyplot, so the caller's backend and figures are left alone.
    figure = Figure(figsize=(10, 1.2 + 2.3 * len(runs)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(runs), 1, sharex=True, squeeze=False)
    for axis, run, label in zip(axes[:, 0], runs, labels, strict=True):
        losses = np.clip(np.nan_to_num(run.losses, nan=high, posinf=high), edges[0], edges[-1])
        learned, missed = losses[run.learned], losses[~run.learned]
        low_ci, high_ci = run.ci95
        axis.hist(
            [learned, missed],
            bins=edges,
            stacked=True,
            color=["#2a9d58", "#d1495b"],
            label=[f"learned ({learned.size})", f"not learned ({missed.size})"],
        )
        if np.all((run.targets == 0) | (run.targets == 1)):
            # An output on the wrong side of 0.5 is at least 0.5 from a 0/1 target and adds
            # at least 0.25 to the SSE: every network left of this line has learned the table.
            axis.axvline(0.25, color="0.3", linestyle="--", linewidth=1, label="loss 0.25: below it, always learned")
        axis.set_xscale("log")
        axis.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
        axis.xaxis.set_minor_formatter(ticker.FuncFormatter(_label_twos_and_fives))
        axis.set_ylabel("seeds")
        axis.set_title(
            f"{label}\nlearned {run.n_learned} of {len(run)} = {100 * run.fraction_learned:.1f}%"
            f"  (95% CI {100 * low_ci:.1f}% to {100 * high_ci:.1f}%)",
            fontsize=10,
        )
        axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
        axis.grid(axis="x", which="major", alpha=0.3)
    steps = {run.steps for run in runs}
    after = f" after {steps.pop()} steps" if len(steps) == 1 else ""
    axes[-1, 0].set_xlabel(f"final loss (sum of squared errors{after}, log scale)")

    temporary = f"{os.fspath(path)}.{os.getpid()}.tmp"
    with open(temporary, "xb") as file:  # "x": never overwrite a file that is not ours
        try:
            figure.savefig(file, format="png", dpi=110)
        except BaseException:
            os.unlink(temporary)
            raise
    try:
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _label_twos_and_fives(value: float, _: object) -> str:
    """Minor tick labels at 2 and 5 times a power of ten (0.02, 0.05, 0.2, ...); the others unlabelled."""
    if value <= 0:
        return ""
    mantissa = value / 10 ** np.floor(np.log10(value))
    return f"{value:g}" if np.isclose(mantissa, 2) or np.isclose(mantissa, 5) else ""
