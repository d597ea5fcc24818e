"""Tests of the geo.i18n layer."""
