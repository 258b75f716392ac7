"""The real installed ``ketacost`` program, and a built wheel that carries the default sheet."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def installed_ketacost() -> str:
    found = shutil.which("ketacost", path=str(Path(sys.executable).parent))
    assert found, "the ketacost console script is not installed next to this Python (pip install -e '.[test]')"
    return found


def test_installed_entry_point_prints_the_table_from_any_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [installed_ketacost(), "estimate"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Course total: 2,400.00 / 3,600.00 / 6,000.00" in result.stdout
    assert "Price sheet: built-in default" in result.stdout


def test_installed_entry_point_exits_2_on_a_broken_sheet(tmp_path: Path) -> None:
    (tmp_path / "pricing.toml").write_text("schema_version = 1\nefective = 2026-01-01\n")
    result = subprocess.run([installed_ketacost(), "estimate"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert "pricing.toml:2:1: efective: unknown key (did you mean 'effective'?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_python_dash_m_and_version(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ketacost", "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("ketacost ")


def test_a_built_wheel_ships_the_default_sheet(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "pricing.toml"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "ketacost", source / "ketacost", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("ketacost-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    shipped = target / "ketacost" / "pricing.toml"
    assert not shipped.is_symlink()
    assert shipped.read_bytes() == (ROOT / "pricing.toml").read_bytes()
    template = target / "ketacost" / "templates" / "gfe.html.j2"  # the Good Faith Estimate page ships too
    assert template.read_bytes() == (ROOT / "ketacost" / "templates" / "gfe.html.j2").read_bytes()
    code = (  # import ketacost from the installed wheel, not from this checkout
        "import sys; site = sys.argv.pop(1); sys.path.insert(0, site); import ketacost; "
        "assert ketacost.__file__.startswith(site), ketacost.__file__; "
        "from ketacost.cli.app import main; sys.argv[0] = 'ketacost'; main()"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", code, str(target), "estimate", "--format", "json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["course"]["total"]["low"] == "2400.00"
    assert document["pricing"]["source"] == "built-in default"


def test_a_sheet_whose_file_name_is_not_utf8_works_and_is_named_readably(tmp_path: Path) -> None:
    """A Latin-1 file name (bytes that are not UTF-8) with a strict UTF-8 stdout, as in a UTF-8 locale: the
    commands used to print the name, or save it in a quote, and crash (exit 1) with a UnicodeEncodeError."""
    name = b"Preise-M\xe4rz.toml"
    (tmp_path / os.fsdecode(name)).write_bytes((ROOT / "pricing.toml").read_bytes())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "KETACOST_STORE": str(tmp_path / "quotes.sqlite3")}
    shown = "Preise-M\\xe4rz.toml"  # the byte that is not UTF-8 is shown as \xe4
    commands = [
        [b"--pricing", name, b"estimate"],
        [b"--pricing", name, b"estimate", b"--format", b"json"],
        [b"pricing", b"validate", name],
        [b"--pricing", name, b"quote", b"--patient", b"Ana Diaz", b"--dob", b"1984-03-02", b"--json", b"gfe.json"],
        [b"pricing", b"diff", name, name],
    ]
    for args in commands:
        result = subprocess.run([installed_ketacost(), *args], cwd=tmp_path, capture_output=True, env=env)
        assert result.returncode == 0, (args, result.stderr)
        if b"--format" in args:
            assert json.loads(result.stdout)["pricing"]["source"] == shown
        elif b"quote" in args:
            assert json.loads((tmp_path / "gfe.json").read_text())["pricing"]["source"] == shown
        else:
            assert shown in result.stdout.decode("utf-8"), (args, result.stdout[-300:])


GC_PROBE = """
import gc, json, sys
import ketacost.cli.estimate as command
render = command.render
def probe(*args, **kwargs):
    print("GC", gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)
    return render(*args, **kwargs)
command.render = probe
sys.argv = ["ketacost", "estimate", "--format", "json"]
from ketacost.cli import main
main()
"""


def test_the_entry_point_collects_garbage_again_once_the_command_runs(tmp_path: Path) -> None:
    # Collection is held off while ketacost starts (it is most of the garbage collector's work in a short
    # run), and must be back on for the command itself: a batch of a million rows needs it.
    result = subprocess.run([sys.executable, "-c", GC_PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "GC True True" in result.stderr
    assert json.loads(result.stdout)["course"]["treatment"] == "iv"


def test_running_the_app_in_a_program_leaves_its_garbage_collector_alone() -> None:
    import gc

    from typer.testing import CliRunner

    from ketacost.cli.app import app

    frozen = gc.get_freeze_count()
    result = CliRunner().invoke(app, ["estimate", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
