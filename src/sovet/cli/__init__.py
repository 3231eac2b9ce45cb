"""sovet.cli."""
