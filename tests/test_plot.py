"""Pictures: a valid PNG of the loss curve and decision surface; matplotlib optional and never imported early."""

import json
import os
import struct
import sys

import numpy as np
import pytest

import installed
import xorc
from xorc.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    """(width, height) from the PNG's IHDR chunk, after checking the signature and chunk layout."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert data[-8:-4] == b"IEND"
    return width, height


def plausible_picture(path):
    width, height = png_size(path)
    assert 800 <= width <= 2000 and 300 <= height <= 1200, (width, height)
    assert 10_000 < path.stat().st_size < 2_000_000


# Without matplotlib (these run everywhere)


def test_import_xorc_never_imports_matplotlib(tmp_path):
    code = "import sys, xorc, xorc.cli, xorc.plotting; assert 'matplotlib' not in sys.modules, 'imported'"
    done = installed.run(["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr


def test_train_plot_without_matplotlib_exits_1_before_training(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` sees when it is absent
    out = tmp_path / "out.png"
    assert main(["train", "--plot", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("xorc: error: --plot: ")
    assert 'pip install "xorc-trainer[plot]"' in captured.err
    assert not out.exists()


def test_plot_without_matplotlib_raises_import_error_naming_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "xorc-trainer\[plot\]"'):
        xorc.plot(xorc.Network.random(), tmp_path / "out.png")
    assert os.listdir(tmp_path) == []


# With matplotlib (skipped where it is not installed)


@pytest.fixture
def matplotlib():
    return pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def xor_net():
    return xorc.train(log_every=500)


def colours(path, matplotlib):
    """The share of strongly red and strongly blue pixels in the picture."""
    import matplotlib.image

    pixels = matplotlib.image.imread(path)[:, :, :3]
    red = np.mean((pixels[:, :, 0] > 0.6) & (pixels[:, :, 2] < 0.35))
    blue = np.mean((pixels[:, :, 2] > 0.5) & (pixels[:, :, 0] < 0.25))
    return red, blue


def test_plot_draws_a_png_with_the_decision_surface(matplotlib, tmp_path, xor_net):
    path = tmp_path / "xor.png"
    xorc.plot(xor_net, path)
    plausible_picture(path)
    red, blue = colours(path, matplotlib)
    assert red > 0.02 and blue > 0.02  # the heat map's two sides are there


def test_a_net_that_learned_nothing_has_no_strong_colours(matplotlib, tmp_path):
    # Zero weights: output 0.5 everywhere, white in the colour map; the check above can fail.
    flat = xorc.Network(np.zeros((2, 3)), np.zeros((3, 1)))
    path = tmp_path / "flat.png"
    xorc.plot(flat, path)
    plausible_picture(path)
    red, blue = colours(path, matplotlib)
    assert red < 0.01 and blue < 0.02


def test_plot_takes_a_given_history_and_checks_it(matplotlib, tmp_path, xor_net):
    xorc.plot(xor_net, str(tmp_path / "h.png"), history=[(0, 1.0), (100, 0.5), (200, 0.25)])
    plausible_picture(tmp_path / "h.png")
    with pytest.raises(ValueError, match="history must be a sequence of"):
        xorc.plot(xor_net, tmp_path / "bad.png", history=[(0, 1.0, 2.0)])
    with pytest.raises(TypeError, match=r"net must be an xorc\.Network"):
        xorc.plot("net", tmp_path / "bad.png")
    assert not (tmp_path / "bad.png").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: xorc.train(*xorc.truth_table("parity3"), hidden=6, lr=0.5, steps=500, log_every=50),
        lambda: xorc.Network.random(n_in=3),  # three inputs, no task, no history
        lambda: xorc.train([[0, 0], [1, 1]], [[0], [1]], steps=100),  # two inputs, task unknown
        lambda: xorc.train(steps=0, dtype="float32", bias=True),  # one point of history
    ],
    ids=["three-inputs", "three-inputs-untrained", "unknown-task", "untrained-float32-bias"],
)
def test_plot_draws_every_kind_of_network(matplotlib, tmp_path, make):
    path = tmp_path / "net.png"
    xorc.plot(make(), path)
    plausible_picture(path)


def test_plot_replaces_a_file_atomically(matplotlib, tmp_path, xor_net, monkeypatch):
    path = tmp_path / "xor.png"
    path.write_bytes(b"the old picture")
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        xorc.plot(xor_net, path)
    assert path.read_bytes() == b"the old picture" and os.listdir(tmp_path) == ["xor.png"]


def test_plot_leaves_pyplot_and_the_backend_alone(matplotlib, tmp_path):
    code = (
        "import sys, matplotlib, xorc\n"
        "before = dict.__getitem__(matplotlib.rcParams, 'backend')\n"
        f"xorc.plot(xorc.train(steps=100), {str(tmp_path / 'p.png')!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "assert dict.__getitem__(matplotlib.rcParams, 'backend') == before, 'backend changed'\n"
    )
    done = installed.run(["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr


def test_train_plot_draws_and_changes_no_result(matplotlib, tmp_path, capsys):
    picture, with_plot, without = tmp_path / "xor.png", tmp_path / "a.npz", tmp_path / "b.npz"
    assert main(["train", "--json", "--quiet", "--plot", str(picture), "--save", str(with_plot)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["plot"] == str(picture)
    assert [step for step, _ in result["history"]] == list(range(0, 60001, 10000))  # the progress points
    plausible_picture(picture)
    assert main(["train", "--json", "--quiet", "--save", str(without)]) == 0
    assert json.loads(capsys.readouterr().out)["history"] == result["history"]
    drawn, plain = xorc.load(with_plot), xorc.load(without)
    assert drawn.W1.tobytes() == plain.W1.tobytes() and drawn.W2.tobytes() == plain.W2.tobytes()
    assert len(drawn.history) > 200  # the curve was drawn from finer points
    assert [point for point in drawn.history if point[0] % 10000 == 0] == plain.history


def test_train_plot_progress_lines_stay_at_log_every(matplotlib, tmp_path, capsys):
    assert main(["train", "--steps", "7000", "--log-every", "3000", "--plot", str(tmp_path / "p.png")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("step")] == ["0", "3000", "6000", "7000"]
    assert lines[-1] == f"picture saved to {tmp_path / 'p.png'}"


# What the pictures show, read from their Figures (drawn, so that tick labels are final)


def drawn(figure):
    figure.canvas.draw()
    return figure


def shown_labels(axis):
    """The tick labels a reader sees on a matplotlib Axis: (value, text), inside its view, text not empty."""
    low, high = sorted(axis.get_view_interval())
    ticks = [*axis.get_major_ticks(), *axis.get_minor_ticks()]
    return [
        (tick.get_loc(), tick.label1.get_text())
        for tick in ticks
        if tick.label1.get_visible() and tick.label1.get_text() and low <= tick.get_loc() <= high
    ]


def panels(figure):
    """(the learning curves' axes, the histograms' axes): the histograms are the log-scaled ones."""
    histograms = [axes for axes in figure.axes if axes.get_xscale() == "log"]
    (curves,) = [axes for axes in figure.axes if axes.get_xscale() != "log"]
    return curves, histograms


@pytest.fixture(scope="module")
def short_sweeps():
    """Two recipes whose networks partly learned (20000 steps: about a fifth, and most with biases)."""
    return [xorc.sweep(range(48), steps=20000, threads=1, bias=bias) for bias in (False, True)]


def test_sweep_histograms_label_one_two_five_times_powers_of_ten_on_every_panel(matplotlib, short_sweeps):
    from xorc.plotting import _sweep_figure

    figure = drawn(_sweep_figure(short_sweeps, ["off", "on"]))
    _, histograms = panels(figure)
    assert len(histograms) == 2
    texts = []
    for axes in histograms:
        labels = shown_labels(axes.xaxis)
        for x, text in labels:
            value = float(text)  # plain numbers: no 10^k or ×
            assert value == pytest.approx(x, rel=1e-9)
            mantissa = value / 10 ** np.floor(np.log10(value) + 1e-12)
            assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-9, text
        assert any(text in ("0.1", "1", "0.01", "0.001") for _, text in labels)  # a power of ten among them
        texts.append([text for _, text in labels])
    assert texts[0] == texts[1]  # every panel reads the same axis


def test_sweep_curves_never_take_the_learned_or_not_learned_colours(matplotlib, short_sweeps):
    from matplotlib.colors import to_hex

    from xorc.plotting import _sweep_figure

    figure = drawn(_sweep_figure(short_sweeps, ["off", "on"]))
    curves, histograms = panels(figure)
    bar_colours = {to_hex(patch.get_facecolor()) for axes in histograms for patch in axes.patches}
    curve_colours = [to_hex(line.get_color()) for line in curves.lines]
    assert len(bar_colours) == 2 and len(curve_colours) == 2 and len(set(curve_colours)) == 2
    assert not bar_colours & set(curve_colours)
    for axes, colour in zip(histograms, curve_colours, strict=True):
        # each panel's legend shows its curve's colour, so a panel and its curve are matched at a glance
        legend_lines = [to_hex(line.get_color()) for line in axes.get_legend().get_lines()]
        assert colour in legend_lines


def test_sweep_picture_has_a_title_and_explains_a_curve_above_the_fraction_learned(matplotlib, short_sweeps):
    import dataclasses

    from xorc.plotting import _sweep_figure

    run = short_sweeps[0]
    assert figure_title(drawn(_sweep_figure([run], ["xor, seeds 0:48: the recipe"]))) != ""
    # Two networks that had learned at a check and ended on the wrong side of 0.5: the
    # curve (counted from learned_at) ends above the fraction learned at the end.
    learners = np.flatnonzero(run.learned)[:2]
    learned = run.learned.copy()
    learned[learners] = False
    crossed = dataclasses.replace(run, learned=learned)
    figure = drawn(_sweep_figure([crossed], ["xor, seeds 0:48: the recipe"]))
    curve_end = 100 * np.mean(crossed.learned_at >= 0)
    at_the_end = 100 * crossed.n_learned / len(crossed)
    curves, (histogram,) = panels(figure)
    legend = curves.get_legend()
    (entry,) = [text.get_text() for text in legend.get_texts()]
    assert f"{curve_end:.1f}%" in entry and f"{at_the_end:.1f}% at the end" in entry
    assert "2 networks learned, then crossed back" in legend.get_title().get_text()
    assert f"{at_the_end:.1f}%" in histogram.get_title()  # the histogram's title, the same number
    assert "xor, seeds 0:48" in figure_title(figure)


def figure_title(figure):
    return figure.get_suptitle()


@pytest.mark.parametrize("seed, scale", [(12, "linear"), (1234, "log")])  # seed 12 does not learn in 60000 steps
def test_loss_axis_reads_in_plain_numbers(matplotlib, seed, scale):
    from xorc.plotting import _network_figure

    net = xorc.train(seed=seed, log_every=500)
    axes = drawn(_network_figure(net, np.array(net.history))).axes[0]
    assert axes.get_yscale() == scale
    labels = shown_labels(axes.yaxis)
    assert len(labels) >= 2
    for y, text in labels:
        assert float(text) == pytest.approx(y, rel=1e-6), text  # "1.02", "0.1": no 1.02×10^0, no mathtext


def test_parity3_value_labels_are_clear_of_the_target_markers(matplotlib):
    from xorc.plotting import _network_figure

    net = xorc.train(*xorc.truth_table("parity3"), hidden=6, lr=0.5, steps=20000, bias=True)
    X, y = xorc.truth_table("parity3")
    outputs = net.predict(X)[:, 0]
    assert np.all(np.abs(outputs - y[:, 0]) < 0.05)  # bars near their targets: where labels met the markers
    figure = drawn(_network_figure(net, np.array(net.history)))
    axes = figure.axes[1]
    renderer = figure.canvas.get_renderer()
    labels = [text for text in axes.texts if text.get_text()]
    assert [text.get_text() for text in labels] == [f"{value:.2f}" for value in outputs]
    for row, (label, target) in enumerate(zip(labels, y[:, 0], strict=True)):
        box = label.get_window_extent(renderer)
        _, marker_y = axes.transData.transform((row, target))
        assert not box.y0 - 2 <= marker_y <= box.y1 + 2, (row, label.get_text())  # 2 px: half the marker's line


def test_twelve_settings_read_apart(matplotlib):
    """Up to 12 settings (a --compare of three axes): each curve its own colour and line style, each
    histogram panel's legend showing its curve's, the histograms in two columns."""
    from matplotlib.colors import to_hex

    from xorc.plotting import _sweep_figure

    runs = [
        xorc.sweep(range(4), steps=200, check_every=50, threads=1, activation=activation, init=init, bias=bias)
        for activation in ("sigmoid", "tanh", "relu")
        for init in (1.0, "glorot")
        for bias in (False, True)
    ]
    figure = drawn(_sweep_figure(runs, [run.settings() for run in runs]))
    curves, histograms = panels(figure)
    looks = [(to_hex(line.get_color()), line.get_linestyle()) for line in curves.lines]
    assert len(histograms) == 12 and len(looks) == 12 and len(set(looks)) == 12
    assert len({round(axes.get_position().x0, 3) for axes in histograms}) == 2  # two columns
    for axes, (colour, style) in zip(histograms, looks, strict=True):
        legend = [(to_hex(line.get_color()), line.get_linestyle()) for line in axes.get_legend().get_lines()]
        assert (colour, style) in legend
