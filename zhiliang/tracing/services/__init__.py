"""Every write of traceability: codes, captures, scans, recalls, reports, company prefixes."""
