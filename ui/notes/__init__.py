"""The Notes page, note conflicts, and the sync indicator."""
