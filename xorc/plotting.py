"""Pictures: what a network learned (its loss curve beside its decision surface) and what a
sweep found (histograms of its final losses beside the fraction learned against steps), each in one PNG.

Needs matplotlib, the optional extra ``pip install "xorc-trainer[plot]"``. matplotlib is
imported only when a picture is drawn, never by ``import xorc``, and only through
its object-oriented interface (a ``Figure`` on an Agg canvas): pyplot, the global
backend and the global style are left alone.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import numpy as np

from ._distribution import install_line
from ._files import write_atomically
from .data import TASKS, truth_table
from .network import Network

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .sweeps import SweepResult

INSTALL = install_line("plot")

#: Points per side of the grid the decision surface is evaluated on.
GRID = 201
#: How far the surface reaches beyond the unit square, so the corner points sit inside it.
MARGIN = 0.1


def require_matplotlib() -> None:
    """Raise ImportError, naming the extra to install, unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(f"drawing needs matplotlib, which is not installed: {INSTALL}", name="matplotlib") from None


def plot(net: Network, path: str | os.PathLike[str], history: Sequence[tuple[int, float]] | None = None) -> None:
    """Draw `net` into the PNG file `path`: the loss curve (left) and the decision surface (right).

    The loss curve plots `history` (default: ``net.history``), (step, loss) pairs, on
    a log scale; it is as fine as the history (train with a smaller ``log_every`` for
    a smoother curve). For a network with two inputs the right panel is a heat map of
    its output over the unit square with the 0.5 contour and the training points of
    its task marked with their targets; for other networks it shows the output for
    each row of the task's truth table, or says why there is nothing to draw. The file
    is written atomically. Raises ImportError when matplotlib is missing.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be an xorc.Network, got {type(net).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    points = _history(net.history if history is None else history)
    require_matplotlib()
    _write_png(_network_figure(net, points), path)


def _write_png(figure: Figure, path: str | os.PathLike[str]) -> None:
    """Save `figure` to `path` as a PNG, whole or not at all (written atomically)."""

    def write(file: BinaryIO) -> None:
        figure.savefig(file, format="png")

    write_atomically(path, write)


def _network_figure(net: Network, points: np.ndarray) -> Figure:
    """The Figure that ``plot`` saves: the loss curve of `points`, (step, loss) rows, beside what `net` computes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.8, 3.9), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    loss_axes, right_axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.0]})
    figure.suptitle(_title(net), fontsize=13)
    _loss_curve(loss_axes, points)
    task = net.settings.task if net.settings.task in TASKS else None
    n_in = net.shape[0]
    if n_in == 2:
        _decision_surface(figure, right_axes, net, task)
    elif task is not None:
        _row_outputs(right_axes, net, task)
    else:
        _note(
            right_axes,
            f"No decision surface: the network has {n_in} inputs\n(drawn for 2 inputs) and its truth table is unknown.",
        )
    return figure


def _history(history: Any) -> np.ndarray:
    """The (step, loss) pairs as a (k, 2) float64 array, or a ValueError naming `history`."""
    try:
        points = np.array(history, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("history must be a sequence of (step, loss) pairs of numbers") from None
    if points.size == 0:
        return np.empty((0, 2))
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"history must be a sequence of (step, loss) pairs, got shape {points.shape}")
    return points


def _title(net: Network) -> str:
    n_in, hidden, n_out = net.shape
    words = [f"{n_in}-{hidden}-{n_out} network"]
    if net.settings.task is not None:
        words[0] += f" on {net.settings.task}"
    words.append(f"{net.steps_trained:,} steps")
    if net.settings.lr is not None:
        words.append(f"lr {net.settings.lr:g}")
    words.append(net.dtype.name)
    return ", ".join(words)


def _loss_curve(axes: Axes, points: np.ndarray) -> None:
    from matplotlib.ticker import FuncFormatter, NullFormatter, ScalarFormatter

    axes.set_title("Training loss")
    axes.set_xlabel("step")
    positive = points[points[:, 1] > 0] if len(points) else points
    if len(positive) == 0:
        axes.set_ylabel("loss (sum of squared errors)")
        _note(axes, "No training history to draw.")
        return
    steps, losses = positive[:, 0], positive[:, 1]
    marker = "o" if len(positive) <= 30 else None
    axes.plot(steps, losses, color="tab:blue", linewidth=2, marker=marker)
    decades = np.log10(losses.max() / losses.min())
    if decades >= 1:
        # A loss that fell by a factor of 10 or more reads best on a log scale, labelled in
        # plain numbers (1, 0.5, 0.2, 0.1 ...; past two decades the powers of ten only).
        axes.set_ylabel("loss (sum of squared errors, log scale)")
        axes.set_yscale("log")
        axes.yaxis.set_major_formatter(FuncFormatter(_plain_number))
        axes.yaxis.set_minor_formatter(FuncFormatter(_label_twos_and_fives) if decades < 2 else NullFormatter())
        axes.grid(True, which="minor", alpha=0.15)
    else:
        # A loss that barely moved (a network that did not learn): on a log scale its few
        # ticks would read 1.14×10^0, 1.12×10^0 ...; a linear axis reads 1.12, 1.13 ...
        axes.set_ylabel("loss (sum of squared errors)")
        axes.yaxis.set_major_formatter(ScalarFormatter(useOffset=False))
    axes.grid(True, which="major", alpha=0.4)
    axes.plot(steps[-1:], losses[-1:], "o", color="tab:blue")
    axes.text(
        0.97,
        0.95,
        f"final loss {losses[-1]:.4g}\nat step {steps[-1]:,.0f}",
        transform=axes.transAxes,
        ha="right",
        va="top",
        fontsize=10,
    )
    if steps[-1] >= 10000:
        axes.xaxis.set_major_formatter(FuncFormatter(lambda step, _: f"{step / 1000:g}k" if step else "0"))
    else:
        axes.xaxis.set_major_formatter(FuncFormatter(lambda step, _: f"{step:,.0f}"))


def _decision_surface(figure: Figure, axes: Axes, net: Network, task: str | None) -> None:
    low, high = -MARGIN, 1.0 + MARGIN
    ticks = np.linspace(low, high, GRID)
    x1, x2 = np.meshgrid(ticks, ticks)
    grid = np.column_stack([x1.ravel(), x2.ravel()])
    outputs = net.predict(grid)[:, 0].astype(np.float64).reshape(x1.shape)
    image = axes.imshow(
        outputs,
        origin="lower",
        extent=(low, high, low, high),
        cmap="RdBu_r",
        vmin=0.0,
        vmax=1.0,
        interpolation="bilinear",
    )
    colour_bar = figure.colorbar(image, ax=axes, fraction=0.07, pad=0.03)
    colour_bar.set_label("network output")
    contour = axes.contour(x1, x2, outputs, levels=[0.5], colors="black", linewidths=1.5, linestyles="--")
    axes.clabel(contour, fmt={0.5: "0.5"}, fontsize=10)
    axes.plot([0, 1, 1, 0, 0], [0, 0, 1, 1, 0], color="0.3", linewidth=0.8, linestyle=":")
    n_out = net.shape[2]
    title = "Output over the unit square" if n_out == 1 else f"Output 1 of {n_out} over the unit square"
    axes.set_title(title)
    axes.set_xlabel("input x1")
    axes.set_ylabel("input x2")
    axes.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0])
    axes.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
    if task is None:
        axes.text(0.5, -0.05, "(task unknown: no training points)", ha="center", fontsize=9, color="0.2")
        return
    X, y = truth_table(task)
    predicted = net.predict(X)[:, 0]
    for (a, b), target, output in zip(X, y[:, 0], predicted, strict=True):
        axes.scatter(
            [a], [b], s=140, c=[target], cmap="RdBu_r", vmin=0, vmax=1, edgecolors="white", linewidths=2, zorder=3
        )
        axes.annotate(
            f"target {target:g}\noutput {output:.2f}",
            (a, b),
            xytext=(12 if a < 0.5 else -12, 10 if b < 0.5 else -10),
            textcoords="offset points",
            ha="left" if a < 0.5 else "right",
            va="bottom" if b < 0.5 else "top",
            fontsize=9,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "alpha": 0.85, "linewidth": 0},
            zorder=4,
        )


def _row_outputs(axes: Axes, net: Network, task: str) -> None:
    from matplotlib.patches import Patch

    X, y = truth_table(task)
    outputs = net.predict(X)[:, 0].astype(np.float64)
    rows = np.arange(len(X))
    colours = ["tab:red" if target > 0.5 else "tab:blue" for target in y[:, 0]]
    axes.bar(rows, outputs, color=colours, alpha=0.85)
    axes.scatter(rows, y[:, 0], marker="_", s=500, color="black", linewidths=2.5, zorder=3)
    for row, output, target in zip(rows, outputs, y[:, 0], strict=True):
        # Above the bar, or above the target marker where the bar reaches near it, so the
        # marker never hides the value.
        top = max(output, target) if abs(output - target) < 0.12 else output
        axes.annotate(
            f"{output:.2f}", (row, top), xytext=(0, 5), textcoords="offset points", ha="center", va="bottom", fontsize=8
        )
    axes.axhline(0.5, color="0.3", linestyle="--", linewidth=1)
    axes.set_xticks(rows, ["".join(f"{v:g}" for v in row) for row in X])
    axes.set_ylim(-0.05, 1.3)
    axes.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
    axes.set_title(f"Output for each row of {task}")
    axes.set_xlabel("inputs " + "".join(f"x{m + 1}" for m in range(X.shape[1])))
    axes.set_ylabel("network output")
    handles = [
        Patch(color="tab:red", alpha=0.85, label="target 1"),
        Patch(color="tab:blue", alpha=0.85, label="target 0"),
        axes.scatter([], [], marker="_", s=200, color="black", linewidths=2.5, label="target value"),
    ]
    axes.legend(handles=handles, loc="upper center", ncols=3, fontsize=9, frameon=False)


def _note(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, transform=axes.transAxes, wrap=True)
    axes.set_xticks([])
    axes.set_yticks([])


#: Learned and not learned, in every histogram; no curve of the right panel uses these colours.
LEARNED, NOT_LEARNED = "#2a9d58", "#d1495b"
#: One colour per setting's curve (and its histogram's legend), none of them green or red: twelve
#: that tell apart, and past six a dashed line too, so that up to twelve settings read apart.
SETTING_COLOURS = [
    "#1f6fb4", "#e09f3e", "#6a4c93", "#3a3a3a", "#17a2b8", "#b5838d",
    "#8c564b", "#f2c14e", "#9a9a9a", "#e377c2", "#0b3c5d", "#bcbd22",
]  # fmt: skip
#: More settings than this get their histograms in two columns of smaller panels.
ONE_COLUMN_MAX = 4


def plot_sweep(
    results: SweepResult | Sequence[SweepResult], path: str | os.PathLike[str], labels: Sequence[str] | None = None
) -> None:
    """A sweep's final losses and how fast it learned, to `path` (PNG).

    Left, the histogram of final losses, learned and not learned stacked in two
    colours; given several results (a comparison), one panel per result, stacked, on
    one shared log-scaled loss axis so they read against each other; `labels` titles
    the panels (default: each result's settings). Right, the fraction of seeds that
    had learned the table against the number of steps (``learning_curve``), one
    curve per result: how many steps are enough, for every budget up to the sweep's.
    The file is written whole or not at all (written atomically).
    """
    require_matplotlib()
    runs = [results] if not isinstance(results, Sequence) else list(results)
    if not runs:
        raise ValueError("results is empty: nothing to plot")
    if labels is None:
        labels = [run.settings() for run in runs]
    elif len(labels) != len(runs):
        raise ValueError(f"labels has {len(labels)} entries for {len(runs)} results")
    _write_png(_sweep_figure(runs, labels), path)


def _sweep_figure(runs: Sequence[SweepResult], labels: Sequence[str]) -> Figure:
    """The Figure that ``plot_sweep`` saves, for one or more results and their panel titles."""
    from matplotlib import ticker
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    # One set of log-spaced bins for every panel. Losses of exactly 0 (a saturated
    # float32 network) cannot sit on a log axis: they are drawn in the lowest bin.
    every = np.concatenate([run.losses for run in runs])
    every = every[np.isfinite(every)]
    positive = every[every > 0]
    low = positive.min() if positive.size else 1e-12
    high = max(every.max() if every.size else 1.0, low * 10)
    edges = np.geomspace(low / 1.05, high * 1.05, 61)
    # Every panel labels the same ticks: 1, 2 and 5 times each power of ten over a few
    # decades, the powers of ten alone over more (they would crowd the axis).
    # (Two columns of narrower panels: the powers of ten alone.)
    narrow = len(runs) > ONE_COLUMN_MAX
    labelled = (1.0, 2.0, 5.0) if np.log10(edges[-1] / edges[0]) <= 4 and not narrow else (1.0,)

    # A Figure of its own on the Agg canvas: no pyplot, so the caller's backend and figures are left alone.
    # (One result gets one and a half panels' height, so its curve's legend has room.) Past
    # ONE_COLUMN_MAX results, the histograms stand in two columns, each titled by what sets it apart.
    columns = 1 if len(runs) <= ONE_COLUMN_MAX else 2
    rows = -(-len(runs) // columns)
    height = 2.0 + (2.3 if columns == 1 else 2.0) * max(rows, 1.5)
    figure = Figure(figsize=(15 if columns == 1 else 18, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(_sweep_title(runs, labels), fontsize=13)
    grid = figure.add_gridspec(rows, columns + 1, width_ratios=[1.45, 1.0] if columns == 1 else [1.0, 1.0, 1.2])
    first = figure.add_subplot(grid[0, 0])
    axes = [first] + [
        figure.add_subplot(grid[number // columns, number % columns], sharex=first) for number in range(1, len(runs))
    ]
    colours = [SETTING_COLOURS[number % len(SETTING_COLOURS)] for number in range(len(runs))]
    styles = [_line_style(number) for number in range(len(runs))]
    _learning_curves(figure.add_subplot(grid[:, columns]), runs, labels, colours, styles)
    titles = labels if columns == 1 else _differences([label.split(": ")[-1] for label in labels])
    for axis, run, label, colour, style in zip(axes, runs, titles, colours, styles, strict=True):
        losses = np.clip(np.nan_to_num(run.losses, nan=high, posinf=high), edges[0], edges[-1])
        learned, missed = losses[run.learned], losses[~run.learned]
        low_ci, high_ci = run.ci95
        axis.hist(
            [learned, missed],
            bins=edges.tolist(),
            stacked=True,
            color=[LEARNED, NOT_LEARNED],
            hatch=["", "///"],  # not learned is hatched too, for readers who cannot tell red from green
            edgecolor="white",
            linewidth=0.3,
            label=[f"learned ({learned.size})", f"not learned ({missed.size})"],
        )
        if np.all((run.targets == 0) | (run.targets == 1)):
            # An output on the wrong side of 0.5 is at least 0.5 from a 0/1 target and adds at
            # least 0.25 to the SSE (ln 2 to the cross-entropy): every network left of this line
            # has learned the table.
            bound = np.log(2) if getattr(run.recipe, "loss", "sse") == "cross_entropy" else 0.25
            axis.axvline(
                bound, color="0.3", linestyle="--", linewidth=1, label=f"loss {bound:.3g}: below it, always learned"
            )
        # The setting's curve on the right, in the colour that ties it to this panel.
        handles, names = axis.get_legend_handles_labels()
        handles.append(Line2D([], [], color=colour, linewidth=3, linestyle=style))
        names.append("its curve, right")
        axis.set_xscale("log")
        axis.xaxis.set_major_locator(ticker.LogLocator(base=10, subs=labelled))
        axis.xaxis.set_major_formatter(ticker.FuncFormatter(_plain_number))
        axis.xaxis.set_minor_locator(ticker.LogLocator(base=10, subs=[float(k) for k in range(1, 10)]))
        axis.xaxis.set_minor_formatter(ticker.NullFormatter())
        axis.set_ylabel("seeds")
        axis.set_title(
            f"{label}\nlearned {run.n_learned} of {len(run)} = {100 * run.fraction_learned:.1f}%"
            f"  (95% CI {100 * low_ci:.1f}% to {100 * high_ci:.1f}%)",
            fontsize=10,
        )
        if columns == 1:
            axis.legend(handles, names, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
        else:  # small panels: the legend inside, without the loss line's entry
            keep = [k for k, name in enumerate(names) if not name.startswith("loss ")]
            axis.legend(
                [handles[k] for k in keep], [names[k] for k in keep], loc="upper left", fontsize=8, frameon=False
            )
        axis.grid(axis="x", which="major", alpha=0.3)
    steps = {run.steps for run in runs}
    after = f" after {steps.pop()} steps" if len(steps) == 1 else ""
    loss_names = {getattr(run.recipe, "loss", "sse") for run in runs}
    what = "sum of squared errors" if loss_names == {"sse"} else "the recipe's loss"
    for axis in axes[-columns:]:
        axis.set_xlabel(f"final loss ({what}{after}, log scale)")
    return figure


def _line_style(number: int) -> Literal["-", "--"]:
    """The line style of setting `number`: solid for the first six, then dashed."""
    return "-" if number % len(SETTING_COLOURS) < 6 else "--"


def _sweep_title(runs: Sequence[SweepResult], labels: Sequence[str]) -> str:
    """The picture's title: what was swept (the labels' shared "task, seeds" part, where they have one)."""
    what = "each recipe" if len(runs) > 1 else "the recipe"
    prefixes = {label.split(": ")[0] for label in labels if ": " in label}
    if len(prefixes) == 1 and all(": " in label for label in labels):
        swept = prefixes.pop()
    else:
        swept = f"{len(runs[0])} seeds" if len({len(run) for run in runs}) == 1 else "seeds"
    return f"Sweep of {swept}: how often {what} learns the table, and how fast"


def _learning_curves(
    axes: Axes, runs: Sequence[SweepResult], labels: Sequence[str], colours: Sequence[str], styles: Sequence[str]
) -> None:
    """The fraction of seeds that had learned by each checked step, one curve per result, with its final value.

    A curve counts a network from the first check at which it had learned (``learned_at``);
    a network whose output later crossed back over 0.5 stays counted, so a curve can end
    above the fraction learned at the end. The legend and a note on the panel say so.
    """
    from matplotlib import ticker

    crossed_back = 0
    # One result: its settings head the histogram, so its curve is named by its steps alone.
    names = (
        [f"by step {runs[0].steps}"] if len(runs) == 1 else _differences([label.split(": ")[-1] for label in labels])
    )
    for run, name, colour, style in zip(runs, names, colours, styles, strict=True):
        steps, fraction = run.learning_curve()
        text = f"{name}: {100 * fraction[-1]:.1f}%"
        back = int(np.count_nonzero((run.learned_at >= 0) & ~run.learned))
        if back:
            text += f" ({100 * run.fraction_learned:.1f}% at the end)"
            crossed_back += back
        axes.plot(steps, 100 * fraction, drawstyle="steps-post", color=colour, linestyle=style, linewidth=2, label=text)
    axes.set_title("Had learned by step s (every output on its target's side of 0.5)", fontsize=10)
    axes.set_xlabel(
        f"steps (checked every {runs[0].check_every})" if len({r.check_every for r in runs}) == 1 else "steps"
    )
    axes.set_ylabel("seeds that had learned (%)")
    axes.set_ylim(0, 102)
    axes.set_xlim(left=0)
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}%"))
    if max(run.steps for run in runs) >= 10000:
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(lambda step, _: f"{step / 1000:g}k" if step else "0"))
    axes.grid(True, alpha=0.3)
    note = None
    if crossed_back:
        networks = "network" if crossed_back == 1 else "networks"
        note = (
            f"{crossed_back} {networks} learned, then crossed back\nover 0.5. A curve counts each from its\n"
            "first time, so it can end above the share\nlearned at the end (in brackets)."
        )
    if len(runs) <= ONE_COLUMN_MAX:
        axes.legend(loc="best", fontsize=9, alignment="left", framealpha=0.9, title=note, title_fontsize=9)
    else:  # many curves: the legend below the panel, where it hides none of them
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.07), fontsize=9, alignment="left", frameon=False,
            title=note, title_fontsize=9,
        )  # fmt: skip


def _differences(names: Sequence[str]) -> list[str]:
    """Each of several recipes' settings ("2-3-1, biases, lr 0.01, ...") without the parts they all share."""
    parts = [name.split(", ") for name in names]
    shared = set(parts[0]).intersection(*parts[1:])
    return [
        ", ".join(part for part in these if part not in shared) or name
        for these, name in zip(parts, names, strict=True)
    ]


def _plain_number(value: float, _: object) -> str:
    """A tick label in plain numbers: 0.001, 0.5, 1, 20 (never 10^-3 or 1.14×10^0)."""
    return f"{value:g}"


def _label_twos_and_fives(value: float, _: object) -> str:
    """Minor tick labels at 2 and 5 times a power of ten (0.02, 0.05, 0.2, ...); the others unlabelled."""
    if value <= 0:
        return ""
    mantissa = value / 10 ** np.floor(np.log10(value))
    return f"{value:g}" if np.isclose(mantissa, 2) or np.isclose(mantissa, 5) else ""
