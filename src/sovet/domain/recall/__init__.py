"""A4 — recall (SR-9…SR-11): the recall rules, recall of deputies in the three
modes, and petitions signed one elector at a time."""
