"""A2 — electorate and franchise (SR-4, SR-5): who may vote and stand, and the
register of electors."""
