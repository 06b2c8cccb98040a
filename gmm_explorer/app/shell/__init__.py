"""The window, built in one place: actions and menus, launch, exports, preferences."""
