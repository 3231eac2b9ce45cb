"""sovet.ballots."""
