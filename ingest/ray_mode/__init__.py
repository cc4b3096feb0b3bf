"""Ray mode: the same camera worker and supervisor, hosted in Ray actors (one shard per node)."""
