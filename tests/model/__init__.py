"""Tests of geo.model."""
