"""Sahel Atlas: the plain-Python core, in layers (each sub-package's docstring says what it owns).

``ui`` > ``render`` > ``analysis`` | ``spatial`` | ``io`` > ``model`` > ``i18n``: a module
imports its own layer and those below it (checked by ``tests/test_architecture.py``). Nothing
imports Streamlit except :mod:`geo.ui`, the thin UI layer.
"""
