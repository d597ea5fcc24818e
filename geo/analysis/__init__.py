"""Computations over events: filters, selection, duplicates, aggregates, change signals."""
