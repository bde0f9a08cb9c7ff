"""The classroom: what a teacher uses in front of a room (side-by-side runs, the laser pointer)."""
