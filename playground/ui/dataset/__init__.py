"""The Dataset panel: the panel's wiring (``panel``), its form (``form``), the preview computed in
a background thread (``preview``) and the download row for datasets fetched on request
(``download``).
"""
