"""Tests of geo.io."""
