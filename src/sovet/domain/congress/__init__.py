"""A5–A8 — congresses (SR-12…SR-20): apportionment of delegates, convocation
and quorum, credentials, delegates sent and replaced, the executive committee."""
