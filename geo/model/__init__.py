"""The event model and its vocabularies: columns, typology, countries, messages (no I/O)."""
