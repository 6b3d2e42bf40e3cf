"""The wheel holds what an installed ``ia-data`` needs: the rules, the register, the
statistics series that ship and the demo workbooks are package data, so ``ia-data seed``
works outside the source folder."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from conftest import PROJECT

from ia_data.demo import SAMPLE_DIR
from ia_data.demo.seed import sample_files


@pytest.mark.slow  # builds the wheel
def test_the_wheel_carries_the_data_files_and_every_demo_workbook(tmp_path):
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv finnes ikke (README: pip install uv)")
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path)],
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "ia_data/domain/rules.toml",
        "ia_data/domain/register.toml",
        "ia_data/demo/data/register.toml",
        "ia_data/domain/series/nav_legemeldt_q1_fylke.csv",
        "ia_data/ingest/worker.py",
        "ia_data/storage/migrations/env.py",
        "ia_data/storage/migrations/script.py.mako",
    } <= names
    migrations = PROJECT / "ia_data" / "storage" / "migrations" / "versions"
    revisions = {f"ia_data/storage/migrations/versions/{p.name}" for p in migrations.glob("*.py")}
    assert len(revisions) >= 10 and revisions <= names  # 0001 … 0010 at least, each in the wheel
    workbooks = {f"ia_data/demo/data/{p.name}" for p in sample_files(SAMPLE_DIR)}
    assert (220, set()) == (len(workbooks), workbooks - names)  # 141 reports and grants, 79 plans
