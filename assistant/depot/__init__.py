"""The depot: manuals, models and jobs published once, signed, and pulled by every device (issue 15)."""
