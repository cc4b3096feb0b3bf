"""Value types shared by every stage; this package imports nothing of the project."""
