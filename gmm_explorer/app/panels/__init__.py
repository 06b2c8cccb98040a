"""The docks' controls (data, model, run, collapse, help): they turn a person's choices
into calls on the workspace."""
