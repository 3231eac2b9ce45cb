"""sovet.adapters.sql."""
