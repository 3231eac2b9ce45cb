"""Issue 5: reliability and security tests (see README.md in this folder)."""
