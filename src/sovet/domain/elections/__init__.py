"""A3 — elections of deputies (SR-6…SR-8): constituencies and deputies, the
conduct and count of elections, secret polls, verification."""
