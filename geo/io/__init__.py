"""Reading and writing: boundaries, facts files, the store, the import pipeline per
source, table exports."""
