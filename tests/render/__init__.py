"""Tests of geo.render."""
