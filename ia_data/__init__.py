"""IA-rådsoversikt's library: everything but the screen. The CLI, the tests, the benchmark
and the app's pages all use it; it never imports Streamlit.

Its subpackages are layers, each importing only those below it (checked by import-linter,
see ``pyproject.toml``):

- ``cli`` — the ``ia-data`` command;
- ``demo`` — the fictional demo workbooks (package data), how they are made and loaded;
- ``output`` — files and figures: CSV and XLSX writers, the exports, the compiled report,
  the blank template, the charts (Vega-Lite specifications);
- ``reporting`` — every figure a page or an export shows, each from one function, and the
  tables that show them;
- ``storage`` — the database: tables, engine, the one way data gets in (``store``), the
  state derived from the data;
- ``ingest`` — from a file's bytes to a checked report: reading (in a worker process),
  checking and parsing, nothing stored;
- ``domain`` — what the letters say and the words the app uses: rules, register, values,
  limits, money; no database, no files.
"""
