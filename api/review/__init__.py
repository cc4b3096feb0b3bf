"""The review workflow: the queue, claim leases, decisions, reopening, and evidence access."""
