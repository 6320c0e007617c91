"""Traceability pages: the resolver and scan pages (public), the enterprise and supervision
consoles, print files and exports."""
