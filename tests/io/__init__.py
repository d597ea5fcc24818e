"""Tests of the geo.io layer."""
