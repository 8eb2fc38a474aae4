"""Procedure mode: warnings, one step per screen, voice commands."""
