"""Request and response schemas, named XCreate / XUpdate / XPublic."""
