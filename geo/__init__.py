"""Sahel Atlas: plain-Python core (data loading, spatial computation, map building, i18n).

Nothing in this package imports Streamlit except :mod:`geo.ui`, the thin UI layer.
"""
