"""A9–A12 — government (SR-21…SR-32): formation and accountability, coalition
offers and demands, expiry and legitimacy, holds, resignations, binding
decisions and dissent."""
