"""`ketacost estimate` imports only what it needs: the writers, the register and numpy stay out of its start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("tomlkit", "filelock", "jinja2", "sqlite3", "numpy", "numpy_financial", "rich")
WARM = ("tomllib", "ketacost.sheet.model", "pydantic.functional_serializers")

PROBE = """
import json, sys
sys.argv = ["ketacost", *sys.argv[1:]]
from ketacost.cli.app import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules)), file=sys.stderr)
"""


def imported(*args: str, cwd: Path) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_estimate_never_imports_the_writers_the_register_rich_or_numpy(tmp_path: Path) -> None:
    for args in (("estimate",), ("estimate", "--format", "json"), ("estimate", "--format", "csv")):
        modules = imported(*args, cwd=tmp_path)
        assert not {m for m in modules if m.split(".")[0] in HEAVY}, args


def test_a_second_estimate_reads_the_cached_price_list_without_toml_or_the_schema(tmp_path: Path) -> None:
    imported("estimate", cwd=tmp_path)  # the first run validates the sheet and fills the cache
    assert not imported("estimate", cwd=tmp_path) & set(WARM)
