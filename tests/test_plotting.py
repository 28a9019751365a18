"""Japanese text renders in charts, also after seaborn resets its theme."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from workbench import plotting  # noqa: E402

LABELS = ("施設別の利用者数", "令和5年度", "髙田地区公民館")


def _missing_glyph_warnings() -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.bar(["図書館", "体育館"], [3, 4])
        ax.set_title(LABELS[0])
        ax.set_xlabel(LABELS[1])
        ax.set_ylabel(LABELS[2])
        fig.canvas.draw()
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_default_font_really_lacks_japanese_glyphs():
    # Negative control: proves the check below can fail.
    with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        assert _missing_glyph_warnings()


def test_setup_renders_japanese_without_missing_glyphs():
    plotting.setup()
    assert _missing_glyph_warnings() == []


def test_japanese_survives_a_later_seaborn_theme():
    plotting.setup()
    sns.set_theme(style="darkgrid", context="talk")
    assert _missing_glyph_warnings() == []
    with sns.axes_style("ticks"):
        assert _missing_glyph_warnings() == []


def test_font_resolves_to_ipaexgothic():
    from matplotlib import font_manager

    plotting.setup()
    path = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert path.endswith("ipaexg.ttf")
