"""Transfer learning in the app: File > Import Trained Layers (the dialog and its undoable step)."""
