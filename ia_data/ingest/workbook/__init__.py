"""Reading a workbook file (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``) into plain rows.

Everything goes through python-calamine, and only inside the reading worker
(``worker.py``), a process of its own with a memory and a time limit. Before calamine
sees a file, the checks here measure what it would build — the file's size and format,
password protection, how far a zip unpacks, how many cells each sheet spans, how much text
the reader would copy out of it — so that a hostile or broken file ends as one Norwegian
sentence that names the limit. The worker's limits catch whatever these checks miss. (A
large sheet of an .xlsx is read beside its check the first time, and a file the check
refuses is refused only once calamine has ended; where calamine ends the worker first, the
file is read again with every check first: ``reader.Workbook.read_sheet``,
``worker.read_workbook``.)

One module per format (``xlsx``, ``ods``, ``xls``), what they share (``shared``), and
the reader (``reader``); this package's face is what the importer uses.
"""

from ia_data.ingest.workbook.reader import Workbook, read_at_once_first
from ia_data.ingest.workbook.shared import (
    NOT_A_WORKBOOK,
    Limits,
    Sheet,
    WorkbookError,
    cell_name,
    column_letters,
    too_many_rows,
)

__all__ = [
    "NOT_A_WORKBOOK",
    "Limits",
    "Sheet",
    "Workbook",
    "WorkbookError",
    "cell_name",
    "column_letters",
    "read_at_once_first",
    "too_many_rows",
]
