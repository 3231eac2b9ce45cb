"""sovet.adapters."""
