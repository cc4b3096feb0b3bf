"""Change detection between drone flights of one survey area: registration, comparison, position, area."""
