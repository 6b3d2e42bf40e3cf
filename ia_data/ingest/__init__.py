"""From a workbook's bytes to a checked, normalised report or allocation decision, with every
problem found: the checks before a reader runs and the reading (``workbook``), done in a
worker process with a memory and a time limit (``worker``), and the validation of sheets,
labels, columns and values (``parse``). Nothing here touches the database.

May import ``domain``.
"""
