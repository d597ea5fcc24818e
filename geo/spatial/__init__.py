"""Geometry in metric and equal-area CRSs: tripoint, buffers, areas, zones."""
