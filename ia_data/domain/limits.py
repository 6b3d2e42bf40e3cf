"""Every limit in one place: what a file may be and hold (docs/arbeidsboka.md), how far the
reading worker may go, and how long a text may be in a spreadsheet cell or on screen.

The workbook limits are read when a file is read (``ingest.workbook.Limits.current``),
so a deployment or a test may change them here.
"""

from __future__ import annotations

# --- a file (docs/arbeidsboka.md «Formats») ------------------------------------------------------
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 20_000  # per sheet
MAX_UNPACKED_BYTES = 250 * 1024 * 1024  # what a zip (.xlsx, .ods) may unpack to
# A reader holds every cell between a sheet's first and last used cell (32 bytes each, in
# calamine), so one value in XFD1048576 asks for 512 GB. 20 000 rows of 100 columns fit.
MAX_SHEET_CELLS = 2_000_000
# The text a reader copies out of the file, every cell counted for itself: a shared string
# of 5 MB that 4 000 cells refer to is 20 GB once read. Real reports hold a few MB.
MAX_TEXT_BYTES = 64 * 1024 * 1024
# Far above any real cost or head count, and far below what a 64-bit integer holds
# (9.2 × 10¹⁸), also when every amount of every report is added up.
MAX_NUMBER = 1_000_000_000

# --- a statistics file (docs/statistikk.md): the same size limit, and this many values ---------
MAX_STAT_OBSERVATIONS = 200_000  # far above 20 counties × 4 quarters × a century

# --- a text in a workbook (docs/arbeidsboka.md «Text»): a longer one is an error ---------------
SHORT_TEXT = 500  # titles, sector, organiser, type, names
COMMENT_TEXT = 2_000
ANSWER_TEXT = 20_000

# --- the reading worker ----------------------------------------------------------------
WORKER_MEMORY_BYTES = 1 << 30
WORKER_SECONDS = 30.0
WORKERS = 4  # files read at once; more wait for a worker to be free
WORKERS_IDLE = 2  # workers kept warm between files
JOBS_PER_WORKER = 200  # then a fresh process, so that one that has grown is let go

# --- writing and showing text ------------------------------------------------------------
CELL_TEXT = 32_767  # Excel refuses a longer cell
SCREEN_TEXT = 1_000  # a table cell on a page (a browser freezes drawing a megabyte)
