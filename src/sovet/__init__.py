"""sovet: a council-democracy engine.

Every act is an event in an append-only, hash-chained log; the constitution's
rules (SR-1 … SR-32) are enforced; ballots are counted by the official rule; and
anyone can ask who legitimately holds power, and why (SR-28).
"""

from sovet.errors import RuleViolation, SovetError

__all__ = ["RuleViolation", "SovetError", "__version__"]

__version__ = "0.1.0"
