"""Procedures from the manuals: step sequences under a heading, their warnings, and a run through them."""
