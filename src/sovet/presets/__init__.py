"""sovet.presets."""
