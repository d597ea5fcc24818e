"""Tests of the geo.spatial layer."""
