"""The main window and what hangs on it: the window itself (``main_window``), the menu table
(``actions``), the workspaces and their dock arrangements (``workspaces``), the Help menu
(``help_dialogs``), the app icon (``icons``) and the offscreen render behind ``playground
screenshot`` (``screenshot``). The panels it arranges live in their own folders.
"""
