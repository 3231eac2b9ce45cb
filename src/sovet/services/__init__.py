"""sovet.services."""
