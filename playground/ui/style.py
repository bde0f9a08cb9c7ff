"""Colours, sizes and fonts of the canvas, in one table, so the palette can show the same legend;
and the light and dark themes (``THEMES``, ``apply_theme``), which every hand-drawn colour and
explanation label takes its colour from.

Every colour on the canvas means one thing and is explained somewhere a student looks: category
colours in the palette's group headers, red and orange badges in the node tooltip and the Help.
"""

from __future__ import annotations

import os

from PySide6.QtGui import QColor, QFont, QPalette

#: layer category -> colour of the node's side strip and the palette chip
CATEGORY_COLORS = {
    "Input": "#3B7DD8",
    "Dense": "#7B61C9",
    "Convolution": "#2E9E5B",
    "Pooling": "#3AA6BE",
    "Shape": "#8C8C8C",
    "Normalization": "#C9609F",
    "Regularization": "#A97C3C",
    "Activation": "#D9A400",
    "Merge": "#1F8A8A",
    "Blocks": "#555555",
}

#: the theme table: every colour the app draws itself, light and dark. ``apply_theme`` copies one
#: column into this module's names (the canvas reads them as it paints) and into the Qt palette.
THEMES = {
    "light": {"ERROR": "#D62728", "WARNING": "#E8830C", "SELECTED": "#1E6FE0", "CANVAS_BG": "#F4F5F7",
              "GRID_DOT": "#D5D8DE", "NODE_BG": "#FFFFFF", "NODE_BORDER": "#9AA1AC", "TEXT": "#1F2328",
              "MUTED": "#5A6270", "EDGE": "#7D8590", "EDGE_LABEL_BG": "#EBFFFFFF", "PORT": "#FFFFFF",
              "ERROR_TEXT": "#B3261E", "OK_TEXT": "#2E7D32", "CODE_BG": "#F7F7F9", "BORDER": "#C9CDD4",
              "WINDOW": "#EFEFEF", "BASE": "#FFFFFF", "ALT_BASE": "#F5F6F8", "BUTTON": "#E9E9EB",
              "HIGHLIGHT": "#2F6FD0", "LINK": "#1E5FC0"},
    "dark": {"ERROR": "#FF5C5C", "WARNING": "#FFA040", "SELECTED": "#5A9CFF", "CANVAS_BG": "#1E2024",
             "GRID_DOT": "#3A3E46", "NODE_BG": "#2B2E34", "NODE_BORDER": "#6B7380", "TEXT": "#E8EAED",
             "MUTED": "#A9B1BD", "EDGE": "#8E96A3", "EDGE_LABEL_BG": "#EB2B2E34", "PORT": "#2B2E34",
             "ERROR_TEXT": "#FF8A80", "OK_TEXT": "#7CD67F", "CODE_BG": "#25282D", "BORDER": "#4A505A",
             "WINDOW": "#2A2C30", "BASE": "#1F2125", "ALT_BASE": "#272A2F", "BUTTON": "#353840",
             "HIGHLIGHT": "#3D7BE0", "LINK": "#8AB4F8"},
}
ERROR = QColor(THEMES["light"]["ERROR"])
WARNING = QColor(THEMES["light"]["WARNING"])
SELECTED = QColor(THEMES["light"]["SELECTED"])
CANVAS_BG = QColor(THEMES["light"]["CANVAS_BG"])
GRID_DOT = QColor(THEMES["light"]["GRID_DOT"])
NODE_BG = QColor(THEMES["light"]["NODE_BG"])
NODE_BORDER = QColor(THEMES["light"]["NODE_BORDER"])
TEXT = QColor(THEMES["light"]["TEXT"])
MUTED = QColor(THEMES["light"]["MUTED"])
EDGE = QColor(THEMES["light"]["EDGE"])
EDGE_LABEL_BG = QColor(THEMES["light"]["EDGE_LABEL_BG"])
PORT = QColor(THEMES["light"]["PORT"])
theme = "light"

NODE_W, NODE_H = 184.0, 64.0
HEADER_H = 22.0
PORT_R = 6.0


def category_color(category: str) -> QColor:
    return QColor(CATEGORY_COLORS.get(category, "#777777"))


def tint(color: QColor, amount: float) -> QColor:
    """``color`` mixed with the node background; ``amount`` 0 -> the background, 1 -> the colour."""
    bg = NODE_BG
    return QColor(int(bg.red() + (color.red() - bg.red()) * amount),
                  int(bg.green() + (color.green() - bg.green()) * amount),
                  int(bg.blue() + (color.blue() - bg.blue()) * amount))


def color(role: str) -> QColor:
    """A colour of the current theme by its name in ``THEMES`` ("MUTED", "ERROR_TEXT", ...)."""
    return QColor(THEMES[theme][role])


def css(role: str, extra: str = "") -> str:
    """A style sheet giving a label the current theme's ``role`` colour (plus ``extra`` rules)."""
    return f"color: {THEMES[theme][role]};{(' ' + extra) if extra else ''}"


def mute(widget) -> None:
    """Grey explanation text that follows the theme, also when it changes while the app runs."""
    widget.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def make_palette(name: str) -> QPalette:
    """The Qt palette of theme ``name``: window, text, muted (placeholder) and highlight colours."""
    t = THEMES[name]
    pal = QPalette()
    Role = QPalette.ColorRole
    roles = {Role.Window: "WINDOW", Role.WindowText: "TEXT", Role.Base: "BASE", Role.AlternateBase: "ALT_BASE",
             Role.Text: "TEXT", Role.Button: "BUTTON", Role.ButtonText: "TEXT", Role.ToolTipBase: "BASE",
             Role.ToolTipText: "TEXT", Role.PlaceholderText: "MUTED", Role.Highlight: "HIGHLIGHT",
             Role.Link: "LINK", Role.BrightText: "ERROR_TEXT"}
    for role, key in roles.items():
        pal.setColor(role, QColor(t[key]))
    pal.setColor(Role.HighlightedText, QColor("#FFFFFF"))
    dark = name == "dark"
    for role, light_value, dark_value in ((Role.Light, "#FFFFFF", "#4A4E56"), (Role.Midlight, "#E3E3E3", "#3C3F46"),
                                          (Role.Mid, "#B8B8B8", "#2F3238"), (Role.Dark, "#9F9F9F", "#1A1C1F"),
                                          (Role.Shadow, "#767676", "#000000")):
        pal.setColor(role, QColor(dark_value if dark else light_value))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(t["MUTED"]).darker(130 if dark else 80))
    return pal


def theme_from_env(default: str = "system") -> str:
    """``PLAYGROUND_THEME=dark`` (light, system) chooses the theme; else ``default``."""
    name = os.environ.get("PLAYGROUND_THEME", "").strip().lower()
    return name if name in THEME_CHOICES else default


THEME_CHOICES = ("system", "light", "dark")
_system = None  # the desktop's (style name, palette), kept the first time a theme is applied


def apply_theme(app, name: str) -> str:
    """Make ``name`` the app's theme: "light" / "dark" set the Qt palette (Fusion style, which
    follows palettes everywhere) and the canvas colours; "system" keeps the desktop's palette and
    picks the canvas colours that suit it. Returns the colour table used ("light" / "dark")."""
    global theme, _system
    if app is not None and _system is None:
        _system = (app.style().name(), QPalette(app.palette()))
    if name == "system" or name not in THEMES:
        if app is not None:  # back to the desktop's own style and palette
            app.setStyle(_system[0])
            app.setPalette(_system[1])
        dark = app is not None and app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        name, app = ("dark" if dark else "light"), None
    theme = name
    for key in ("ERROR", "WARNING", "SELECTED", "CANVAS_BG", "GRID_DOT", "NODE_BG", "NODE_BORDER", "TEXT", "MUTED",
                "EDGE", "EDGE_LABEL_BG", "PORT"):
        globals()[key] = QColor(THEMES[name][key])
    if app is not None:
        app.setStyle("Fusion")
        app.setPalette(make_palette(name))
    return name


def font(point_size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f
