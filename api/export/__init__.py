"""Approved cases out: JSON/CSV export and the webhook push to the case system (数字城管)."""
