"""The Dataset panel: the panel's wiring (``panel``), its form (``form``, one widget per value from ``fields``), the preview computed in
a background thread (``preview``) and the download row for datasets fetched on request
(``download``).
"""
