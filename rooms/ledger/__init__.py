"""A team's KPI ledger: missions and activities against plans (docs/ledger.md)."""
