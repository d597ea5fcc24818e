"""Tests of the geo.analysis layer."""
