"""Plots, the table and their drawing items: they take the workspace, listen to its
signals and redraw what changed; they never call the engine."""
