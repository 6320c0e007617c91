"""Every read of traceability, scoped by the Actor (public reads are explicit)."""
