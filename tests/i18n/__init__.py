"""Tests of geo.i18n."""
