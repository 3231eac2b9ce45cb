"""The pure domain: bodies, elections, recalls, congresses, government, legitimacy.

No I/O and no clock: commands carry the time they take effect (DESIGN §3).
"""
