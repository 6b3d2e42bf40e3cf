"""What the oversight group's letters say, as code and data: the reporting rules by year
(``rules`` and ``rules.toml``), the council register (``register`` and ``register.toml``),
the five questions, how a grant is set and what remains of it (``money``), how a cell
value is read (``values``), how names are compared (``text``), the app's words
(``kinds``), every limit (``limits``) and Norwegian formatting.

Imports nothing else of ``ia_data``; no database, no files but its own data files.
"""
