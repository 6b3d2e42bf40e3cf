"""Every figure the pages and exports show, each computed by one function, in SQL: the
per-council totals (``totals``), money (``money``), deadlines (``deadlines``), the overview
(``overview``), activities and meetings (``activities``), one council's history
(``council``), uploads and what a new file changes (``uploads``, ``changes``); and the
tables that show them (``table``, ``tables``).

May import ``storage``, ``ingest`` and ``domain``.
"""
