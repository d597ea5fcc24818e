"""Tests of the geo.model layer."""
