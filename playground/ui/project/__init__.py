"""The open project as the app's model and its files.

``document.Document`` is the model every widget listens to (the project, its undo stack, the latest
checks); ``commands`` and ``settings_commands`` are the undo commands every edit of the graph, the
dataset and the training settings goes through. ``file_ops`` is the File menu (new, open, save,
export, recent files), with ``preset_gallery`` (New from Preset), ``autosave`` (the crash autosave)
and ``takeaway_ops`` (trained weights in and out).
"""
