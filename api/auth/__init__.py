"""Authentication (passwords, login tokens, API keys) and role checks."""
