"""Maintenance and benchmark scripts, outside the app's package (`geo`).

Run each from the repository root as a module, ``.venv/bin/python -m scripts.<name>``: the
project is installed (``make setup``), so they import ``geo`` (and ``scripts``, ``tests``)
without editing ``sys.path``.
"""
