"""Japanese fonts and one house style for every chart, in one call: ``setup()``.

matplotlib's default font has no Japanese glyphs, so labels render as boxes. We use
IPAexGothic, which matplotlib-fontja ships inside the wheel (nothing is downloaded).
seaborn's ``set_theme``/``set_style`` rewrite ``font.sans-serif`` with a Latin-only list,
which silently brings the boxes back; ``setup()`` therefore wraps seaborn's
``axes_style`` so every seaborn style it produces keeps IPAexGothic first.
"""

from __future__ import annotations

import functools

import matplotlib as mpl
from matplotlib import font_manager

JAPANESE_FONT = "IPAexGothic"

#: House style: readable on a projector and in a printed report.
HOUSE_RC = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "axes.titlesize": 14,
    "axes.labelsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    # Minus signs from IPAexGothic render as a box-like glyph; ASCII hyphen is safe.
    "axes.unicode_minus": False,
}


def _register_font() -> None:
    import matplotlib_fontja  # noqa: F401  (import registers the bundled font)

    path = matplotlib_fontja.get_font_ttf_path()
    if JAPANESE_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)


def _japanese_first(fonts: list[str]) -> list[str]:
    return [JAPANESE_FONT] + [f for f in fonts if f != JAPANESE_FONT]


def _apply_font() -> None:
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = _japanese_first(list(mpl.rcParams["font.sans-serif"]))


def _patch_seaborn() -> None:
    try:
        import seaborn.rcmod as rcmod
    except ImportError:
        return
    if getattr(rcmod.axes_style, "_workbench_japanese", False):
        return
    original = rcmod.axes_style

    @functools.wraps(original)
    def axes_style(style=None, rc=None):
        result = original(style, rc)
        fonts = result.get("font.sans-serif", mpl.rcParams["font.sans-serif"])
        result["font.sans-serif"] = _japanese_first(list(fonts))
        return result

    axes_style._workbench_japanese = True
    rcmod.axes_style = axes_style
    import seaborn

    seaborn.axes_style = axes_style


def setup(style: str = "whitegrid", context: str = "notebook") -> None:
    """Set Japanese fonts and the house style for matplotlib and seaborn.

    Call once at the top of a notebook. Later ``sns.set_theme()`` calls keep Japanese
    text readable.
    """
    _register_font()
    _patch_seaborn()
    try:
        import seaborn as sns

        sns.set_theme(style=style, context=context, rc=HOUSE_RC)
    except ImportError:
        mpl.rcParams.update(HOUSE_RC)
    _apply_font()
