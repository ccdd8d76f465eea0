"""Public registration for a mission: the intake form, its confirmation mail, the organiser's approval queue."""
