"""What leaves the app as a file or a figure: the CSV and XLSX writers (``spreadsheet``),
the exports with their ``Om uttrekket`` sheet (``exports``), the compiled report
(``compiled``), the blank report template (``template``) and the charts (Vega-Lite)
(``charts``).

May import ``reporting``, ``storage``, ``ingest`` and ``domain``.
"""
