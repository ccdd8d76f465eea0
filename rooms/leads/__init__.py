"""The leads workspace (docs/leads.md): every lead a person made — held meetings, mutual lounge connects, webinar
stage and Q&A, and leads added by hand — with a status pipeline, a next step with a reminder, free notes, a target
per mission, and exports (CSV, vCard). Leads belong to one person and outlive the mission they were made in."""
