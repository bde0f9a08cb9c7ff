"""Metric-learning views (the "embedding" task record's ``ui_evaluation``): the Embedding panel and its tools."""
