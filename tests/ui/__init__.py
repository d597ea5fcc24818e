"""Tests of geo.ui (without a page)."""
