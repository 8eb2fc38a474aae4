"""The device's side of the fleet (issue 15): jobs, nameplates, health. Never imports Qt."""
