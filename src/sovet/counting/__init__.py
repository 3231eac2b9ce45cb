"""Pure counting: compressed profiles, methods, apportionment (SR-7, SR-12…14)."""
