"""Tests of the geo.render layer."""
