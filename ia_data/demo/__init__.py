"""The demo: fictional but rule-true report workbooks for every council 2012–2016, the
register they belong to (Aust-Agder and Vest-Agder share a council), the code that
generates them (``sample``) and the code that loads them into a database (``seed``).

The workbooks are package data (``data/``), so an installed ``ia-data seed`` finds them.
May import every layer below it (``output`` for the template); only the CLI and the app
import it.
"""

from pathlib import Path

SAMPLE_DIR = Path(__file__).with_name("data")
SAMPLE_REGISTER = SAMPLE_DIR / "register.toml"
