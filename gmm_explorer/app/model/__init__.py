"""The window's model: the workspace (data, fits, the shown iteration; signals) and the
runner, the only owner of worker threads. Qt objects, but no widgets."""
