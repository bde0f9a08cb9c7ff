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

#: the theme table: every colour the app draws itself, light and dark, one role a row so the two
#: themes' colours of a role sit side by side.
_THEME_ROWS = (  # (role, light, dark)
    ("ERROR", "#D62728", "#FF5C5C"), ("WARNING", "#E8830C", "#FFA040"), ("SELECTED", "#1E6FE0", "#5A9CFF"),
    ("CANVAS_BG", "#F4F5F7", "#1E2024"), ("GRID_DOT", "#D5D8DE", "#3A3E46"), ("NODE_BG", "#FFFFFF", "#2B2E34"),
    ("NODE_BORDER", "#9AA1AC", "#6B7380"), ("TEXT", "#1F2328", "#E8EAED"), ("MUTED", "#5A6270", "#A9B1BD"),
    ("EDGE", "#7D8590", "#8E96A3"), ("EDGE_LABEL_BG", "#EBFFFFFF", "#EB2B2E34"), ("PORT", "#FFFFFF", "#2B2E34"),
    ("ERROR_TEXT", "#B3261E", "#FF8A80"), ("OK_TEXT", "#2E7D32", "#7CD67F"), ("CODE_BG", "#F7F7F9", "#25282D"),
    ("BORDER", "#C9CDD4", "#4A505A"), ("WINDOW", "#EFEFEF", "#2A2C30"), ("BASE", "#FFFFFF", "#1F2125"),
    ("ALT_BASE", "#F5F6F8", "#272A2F"), ("BUTTON", "#E9E9EB", "#353840"), ("HIGHLIGHT", "#2F6FD0", "#3D7BE0"),
    ("LINK", "#1E5FC0", "#8AB4F8"),
)
#: theme name -> {role: colour}. ``apply_theme`` copies one column into this module's canvas names
#: (``CANVAS_ROLES``: the canvas reads them as it paints) and into the Qt palette.
THEMES = {name: {row[0]: row[col] for row in _THEME_ROWS} for col, name in ((1, "light"), (2, "dark"))}
#: the roles the canvas reads as module attributes (``style.TEXT``...), kept as ``QColor``
CANVAS_ROLES = ("ERROR", "WARNING", "SELECTED", "CANVAS_BG", "GRID_DOT", "NODE_BG", "NODE_BORDER", "TEXT", "MUTED",
                "EDGE", "EDGE_LABEL_BG", "PORT")
ERROR: QColor
WARNING: QColor
SELECTED: QColor
CANVAS_BG: QColor
GRID_DOT: QColor
NODE_BG: QColor
NODE_BORDER: QColor
TEXT: QColor
MUTED: QColor
EDGE: QColor
EDGE_LABEL_BG: QColor
PORT: QColor


def _set_canvas_colours(name: str) -> None:
    """Point the module's canvas names (``CANVAS_ROLES``) at theme ``name``'s colours."""
    for key in CANVAS_ROLES:
        globals()[key] = QColor(THEMES[name][key])


_set_canvas_colours("light")
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
    _set_canvas_colours(name)
    if app is not None:
        app.setStyle("Fusion")
        app.setPalette(make_palette(name))
    return name


def font(point_size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f
