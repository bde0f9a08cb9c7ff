"""What every part of the app shares: the theme and sizes (``style``), per-user places
(``config``), the background import of torch (``preload``), the error dialog that keeps the window
alive (``guard``), slow work off the GUI thread (``background``) and a panel that refreshes only
while visible (``lazy_panel``). Nothing here knows about a particular panel.
"""
