"""Manuals: parse files into blocks, chunk them, index them in SQLite."""
