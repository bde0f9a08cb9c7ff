"""The Learn views: the mechanics a course teaches, shown on the user's network or on toy problems."""
