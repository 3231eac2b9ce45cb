"""A1 — bodies and levels (SR-1…SR-3): the ladder, the registers of bodies,
factions and persons, and council compositions."""
