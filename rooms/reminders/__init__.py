"""Reminders: mails (and in-app notices) a person gets because time passes or someone acts — a webinar or a
meeting starting in 10 minutes, a meeting request, a booked meeting, the day's programme — each at most once,
within each person's preferences (docs/mail.md, "Reminders")."""
