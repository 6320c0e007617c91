"""EPCIS 2.0 (GS1, 2022) in JSON/JSON-LD: documents checked against the standard, the CBV 2.0
canonical event hash, and the REST query language."""
