"""Traceability rules in pure Python: GS1 Digital Link, EPC identifiers, EPCIS 2.0 documents and
their canonical hashes, the platform's digital identity code, clone and recall rules.

Nothing here imports Django; the ``zhiliang.tracing`` app stores and serves what these compute.
"""
