"""Hardening, round two: each test reproduces one way to lose data, leak a file or crash."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mlsal import catalog as catalog_module

from conftest import REPO, Run

PROFILES = "years,city\n3,SF\n7,NYC\n"


def mlsal_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlsal", *args]


# ----------------------------------------------------------------------------- data loss


def test_batch_refuses_to_write_over_its_input(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "profiles.csv"
    path.write_text(PROFILES + "3,Atlantiss\n", encoding="utf-8")
    path.chmod(0o644)
    result = run("batch", str(path), "-o", str(path))
    assert result.exit_code == 2 and "it is the input file" in result.stderr
    assert path.read_text(encoding="utf-8") == PROFILES + "3,Atlantiss\n"
    assert path.stat().st_mode & 0o777 == 0o644


def test_batch_output_is_a_regular_file_or_refused(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(PROFILES, encoding="utf-8")
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    hard = tmp_path / "hard.csv"
    os.link(target, hard)
    for path, kind in (
        (link, "a symbolic link"),
        (fifo, "a named pipe"),
        (tmp_path, "a directory"),
        (Path("/dev/null"), "a device"),
        (hard, "hard links"),
    ):
        result = run("batch", str(source), "-o", str(path))
        assert result.exit_code == 2 and kind in result.stderr, path
        assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == "keep me"
    assert link.is_symlink()


def test_batch_output_keeps_the_mode_of_the_file_it_replaces(run: Run, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(PROFILES, encoding="utf-8")
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert run("batch", str(source), "-o", str(target)).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640 and "median" in target.read_text()
    fresh = tmp_path / "new.csv"
    assert run("batch", str(source), "-o", str(fresh)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    "number",
    [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM],
)
def test_a_signal_during_batch_leaves_no_partial_file(tmp_path: Path, number: int) -> None:
    target = tmp_path / "out.csv"
    process = subprocess.Popen(
        mlsal_command("batch", "-", "-o", str(target)),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdin is not None
    process.stdin.write(b"years,city\n3,SF\n")
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.csv.*.partial")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.csv.*.partial")), "the run never started writing"
    process.send_signal(number)
    process.wait(timeout=30)
    assert process.returncode == 128 + number
    assert list(tmp_path.iterdir()) == []
    assert b"Traceback" not in (process.stderr.read() if process.stderr else b"")


def test_a_cache_that_cannot_be_written_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsal import cache
    from mlsal.load import load_catalog

    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path))

    def full_disk(catalog: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "to_bytes", full_disk)
    monkeypatch.setattr(cache, "read_shipped", lambda directory: None)  # validate afresh
    load_catalog()  # validates, and the cache write fails quietly
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- crashes


def test_output_to_a_full_disk_or_a_closed_stdout_is_one_line(tmp_path: Path) -> None:
    for command in (["estimate", "-f", "json"], ["batch", str(tmp_path / "in.csv")]):
        (tmp_path / "in.csv").write_text(PROFILES, encoding="utf-8")
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                mlsal_command(*command), stdout=full, stderr=subprocess.PIPE, text=True, cwd=REPO
            )
        assert done.returncode == 1 and "No space left on device" in done.stderr
        assert "Traceback" not in done.stderr
    closed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; os.close(1); sys.argv=['mlsal','estimate'];"
            "from mlsal.cli import main; main()",
        ],
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert closed.returncode == 1 and "Traceback" not in closed.stderr


def test_stdin_closed_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        mlsal_command("batch", "-"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr
    script = (
        "import sys; sys.stdin = None; sys.argv = ['mlsal', 'batch', '-'];"
        "from mlsal.cli import main; main()"
    )
    closed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO
    )
    assert closed.returncode == 2 and "stdin: it is closed" in closed.stderr


# ----------------------------------------------------------------------------- polish


def test_batch_piped_into_head_exits_0_like_every_command(tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    source.write_text("years,city\n" + "3,SF\n" * 20_000, encoding="utf-8")
    for command in (["batch", str(source)], ["factors", "city"]):
        pipeline = subprocess.run(
            [
                "bash",
                "-c",
                f"{' '.join(mlsal_command(*command))} | head -1; exit ${{PIPESTATUS[0]}}",
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert pipeline.returncode == 0, (command, pipeline.stderr)
        assert pipeline.stderr == ""


# ----------------------------------------------------------------------------- batch input


def batch(run: Run, text: str, *args: str) -> Any:
    return run("batch", "-", *args, input=text)


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(run: Run) -> None:
    import csv
    import io

    result = batch(run, 'name,years,city\n=HYPERLINK("x"),3,SF\n@SUM(A1),-1,SF\n')
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert result.exit_code == 1  # -1 years is a bad row, reported
    from mlsal.render.cells import safe_cell

    assert safe_cell("-5") == "-5" and safe_cell("-x") == "'-x" and safe_cell("ok") == "ok"


def test_a_byte_order_mark_on_stdin_keeps_the_first_column(run: Run) -> None:
    result = batch(run, "\ufeffyears,city\n3,SF\n")
    assert result.exit_code == 0
    assert result.stdout.startswith("years,city,")
    assert ",mid," not in result.stdout


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("city,CITY", "the input city twice: 'city' and 'CITY'"),
        ("skill,skills", "the input skills twice: 'skill' and 'skills'"),
        ("cert,certification", "the input certifications twice"),
    ],
)
def test_two_columns_for_one_input_are_refused(run: Run, header: str, message: str) -> None:
    result = batch(run, f"{header}\nSF,NYC\n")
    assert result.exit_code == 2 and message in result.stderr
    assert result.stdout == ""


def test_an_unterminated_quote_is_reported(run: Run) -> None:
    result = batch(run, 'years,city\n3,SF\n4,"New York\n')
    assert result.exit_code == 1
    assert "line 3: not CSV: unexpected end of data" in result.stderr


def test_batch_output_can_be_read_again(run: Run, tmp_path: Path) -> None:
    first = batch(run, PROFILES)
    again = batch(run, first.stdout)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout


# ----------------------------------------------------------------------------- data files


def user_dir(tmp_path: Path, facts: str, document: str = "The pay is $150,000.") -> Path:
    root = tmp_path / "team"
    (root / "facts").mkdir(parents=True)
    (root / "documents").mkdir()
    (root / "documents" / "doc.txt").write_text(document, encoding="utf-8")
    (root / "sources.toml").write_text(
        '[[sources]]\nid = "team"\nkind = "user"\ntitle = "Team bands"\n'
        'citation = "Our bands"\ndocument = "doc.txt"\n',
        encoding="utf-8",
    )
    (root / "facts" / "team.toml").write_text(facts, encoding="utf-8")
    return root


FACT = (
    '[[facts]]\nid = "team.senior"\nsource = "team"\ndimension = "level"\nvalue = "senior"\n'
    'figure = "average"\namount = {amount}\nquote = "The pay is $150,000."\n'
)


def test_true_is_no_number(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, FACT.format(amount="true"))
    result = run("data", "validate", str(root))
    assert result.exit_code == 1
    assert "team.toml: facts[0] 'team.senior': amount: must be a number" in result.stderr
    good = user_dir(tmp_path / "good", FACT.format(amount="150000"))
    assert run("data", "validate", str(good)).exit_code == 0


def test_a_data_file_with_a_byte_order_mark_is_read(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, "\ufeff" + FACT.format(amount="150000"))
    result = run("data", "validate", str(root))
    assert result.exit_code == 0, result.stderr


def test_toml_nested_too_deeply_is_one_line(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n")
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and "nested too deeply" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_huge_unknown_name_is_refused_at_once(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Comparing a name of 100,000 characters with every city would take minutes: it is
    refused by its length alone, no name compared (how fast is benchmarks', not a test's)."""
    compared: list[str] = []

    def spy(text: str, *args: Any, **kwargs: Any) -> list[str]:
        compared.append(text)
        return []

    monkeypatch.setattr(catalog_module, "nearest_form", spy)
    result = run("estimate", "--city", "x" * 100_000)
    assert result.exit_code == 2 and "100,000 characters" in result.stderr
    assert compared == []
    assert run("estimate", "--city", "Qzatlantiss-huge-name-test").exit_code == 2
    assert compared, "the spy sees the names that are compared"
    assert len(result.stderr) < 300


def test_suggestions_for_thousands_of_typos_stay_cheap(
    catalog: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """difflib scores few of the city names (1,449) for a typo: the cheap bounds pass over
    the rest (counted, not timed: speed is the benchmarks' to measure)."""
    import difflib

    from mlsal.catalog import Catalog
    from mlsal.errors import UsageError
    from mlsal.names import forms_of

    assert isinstance(catalog, Catalog)
    names = len(forms_of([name for value in catalog.values["city"] for name in value.names]))
    scored = {"quick_ratio": 0, "ratio": 0}
    for name in scored:
        method = getattr(difflib.SequenceMatcher, name)

        def counted(self: Any, method: Any = method, name: str = name) -> float:
            scored[name] += 1
            return float(method(self))

        monkeypatch.setattr(difflib.SequenceMatcher, name, counted)
    for number in range(300):
        with pytest.raises(UsageError, match="did you mean 'Seattle"):
            catalog.resolve("city", f"Seattlx{number}")
    assert scored["quick_ratio"] <= 300 * names // 20  # a twentieth of the names at the most
    assert 300 <= scored["ratio"] <= 300 * names // 100


def test_the_nearest_names_are_those_difflib_ranks_first() -> None:
    """Names are passed over by cheap upper bounds of their similarity before it is worked
    out: what is suggested is what ranking every name by difflib's ratio gives."""
    import difflib

    from mlsal.api import catalog
    from mlsal.names import CUTOFF, MARGIN, forms_of, nearest_form, normalize

    names = sorted({label for value in catalog().values["city"] for label in value.names})
    by_form = forms_of(names[::5])  # a few hundred names, each scored by every typo
    chosen = random.Random(5)
    for _ in range(60):
        name = chosen.choice(list(by_form))
        at = chosen.randrange(len(name))
        typo = name[:at] + chosen.choice("aeiorstnx -") + name[at + chosen.randint(0, 2) :]
        scores = sorted(
            (-difflib.SequenceMatcher(None, form, normalize(typo)).ratio(), form)
            for form in by_form
        )
        floor = max(CUTOFF, -scores[0][0] - MARGIN)
        expected = [by_form[form] for score, form in scores[:3] if -score >= floor]
        assert nearest_form(typo, by_form) == expected, typo


def test_data_dirs_from_the_environment_are_split_as_path_is(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spaced = tmp_path / "team data"
    spaced.mkdir()
    root = user_dir(spaced, FACT.format(amount="150000"))
    monkeypatch.setenv("MLSAL_DATA_DIR", f"{root}{os.pathsep}")
    data = run.json("sources")
    assert "team" in {s["id"] for s in data}


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsal import cache

    monkeypatch.delenv("MLSAL_CACHE_DIR", raising=False)
    monkeypatch.delenv("MLSAL_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    assert cache.cache_dir() == Path(os.path.expanduser("~")) / ".cache" / "mlsal"
    monkeypatch.setenv("XDG_CACHE_HOME", "/abs/cache")
    assert cache.cache_dir() == Path("/abs/cache/mlsal")


@pytest.mark.parametrize("columns", ["0", "1", "-3", "abc"])
def test_any_columns_prints_whole_numbers(run: Run, columns: str) -> None:
    done = subprocess.run(
        mlsal_command("estimate", "--years", "3", "--city", "SF"),
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COLUMNS": columns},
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr
    median = run.json("estimate", "--years", "3", "--city", "SF")["median"]
    assert f"${median:,}" in done.stdout


# ----------------------------------------------------------------------------- shared data dirs


def with_document(tmp_path: Path, document: str) -> Path:
    root = user_dir(tmp_path, FACT.format(amount="150000"))
    sources = root / "sources.toml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace('"doc.txt"', f'"{document}"'),
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize(
    "document",
    ["../../../../../../etc/passwd", "/etc/passwd", "../sources.toml", "link.txt", "/dev/zero"],
)
def test_a_document_outside_the_documents_folder_is_never_read(
    run: Run, tmp_path: Path, document: str
) -> None:
    root = with_document(tmp_path, document)
    (root / "documents" / "link.txt").symlink_to("/etc/hostname")
    result = run("data", "validate", str(root))
    assert result.exit_code == 1
    assert "is not a file inside" in result.stderr or "not a regular file" in result.stderr
    assert "not found word for word" not in result.stderr  # nothing was compared with it


def test_a_fifo_document_is_refused_without_blocking(run: Run, tmp_path: Path) -> None:
    root = with_document(tmp_path, "pipe.txt")
    os.mkfifo(root / "documents" / "pipe.txt")
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and "not a regular file" in result.stderr


def test_a_data_directory_cannot_pass_as_a_shipped_source(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, FACT.format(amount="150000").replace('"team"', '"s004"', 1))
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and "'s004' is not a source of this directory" in result.stderr
    cpi = (
        '[[facts]]\nid = "team.cpi"\nsource = "team"\ndimension = "price_index"\n'
        'figure = "index"\nindex = 999.0\nyear = 2025\nquote = "The pay is $150,000."\n'
    )
    root = user_dir(tmp_path / "cpi", cpi)
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and "cannot add to 'price_index'" in result.stderr
    shipped_kind = user_dir(tmp_path / "kind", FACT.format(amount="150000"))
    sources = shipped_kind / "sources.toml"
    sources.write_text(sources.read_text().replace('"user"', '"statistics"'), encoding="utf-8")
    result = run("data", "validate", str(shipped_kind))
    assert result.exit_code == 1 and "sources are of kind 'user'" in result.stderr


def test_escape_sequences_in_data_never_reach_the_terminal(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, FACT.format(amount="150000"))
    sources = root / "sources.toml"
    sources.write_text(
        sources.read_text().replace("Team bands", "Team \\u001b[2J bands"), encoding="utf-8"
    )
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and "control character" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr


def test_hidden_fact_files_are_not_read(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, FACT.format(amount="150000"))
    (root / "facts" / ".draft.toml").write_text("not toml at all [", encoding="utf-8")
    assert run("data", "validate", str(root)).exit_code == 0


def test_an_unreadable_facts_folder_is_a_problem(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlsal.loader

    root = user_dir(tmp_path, FACT.format(amount="150000"))
    scandir = os.scandir

    def denied(path: object) -> object:  # as chmod 0 does for anyone but root
        if Path(str(path)) == root / "facts":
            raise PermissionError(13, "Permission denied")
        return scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(mlsal.loader.os, "scandir", denied)
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and "facts: (directory): cannot be read" in result.stderr


def test_an_edit_that_keeps_size_and_time_misses_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from mlsal.load import default_data_dir, load_catalog

    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    first = load_catalog(shipped_dir=data)
    facts = data / "facts" / "s004.toml"
    status = facts.stat()
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("amount = 114121", "amount = 114122", 1), encoding="utf-8")
    os.utime(facts, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert facts.stat().st_size == status.st_size
    assert facts.stat().st_mtime_ns == status.st_mtime_ns
    second = load_catalog(shipped_dir=data)
    assert first.facts_by_id["s004.overall.glassdoor"].amount == 114121
    assert second.facts_by_id["s004.overall.glassdoor"].amount == 114122


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "99999999999999999999", "amount: must be from 1,000 to 100,000,000"),
        ("amount", "nan", "amount: Input should be a finite number"),
        ("amount", "inf", "amount: Input should be a finite number"),
        ("amount", "0.4", "amount: Input should be a valid integer"),
        ("amount", "1", "amount: must be from 1,000"),
    ],
)
def test_numbers_the_engine_uses_are_bounded(
    run: Run, tmp_path: Path, field: str, value: str, message: str
) -> None:
    root = user_dir(tmp_path, FACT.format(amount=value))
    result = run("data", "validate", str(root))
    assert result.exit_code == 1 and message in result.stderr


def test_an_index_of_nan_is_refused(run: Run, tmp_path: Path) -> None:
    from mlsal.schema import Fact

    fact = Fact(
        id="x", source="s", dimension="price_index", figure="index", quote="q", index=float("nan")
    )
    assert ("index", "must be a finite number, got nan") in fact.problems()
    tiny = Fact(
        id="x", source="s", dimension="price_index", figure="index", quote="q", index=1e-300
    )
    assert any(field == "index" for field, _ in tiny.problems())


def test_a_figure_dated_outside_the_price_index_says_so(run: Run, tmp_path: Path) -> None:
    root = user_dir(tmp_path, FACT.format(amount="150000") + "year = 2030\n")
    # The figure states no basis: it counts in gross pay, not in base salary.
    data = run.json("--data-dir", str(root), "estimate", "--level", "senior", "--pay", "gross")
    assert any("team (2030): no price index for that year" in c for c in data["caveats"])


def test_batch_input_that_is_not_utf8_or_has_a_huge_field(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"years,city\n3,S\xe9o Paulo\n")
    done = subprocess.run(mlsal_command("batch", str(latin)), capture_output=True, cwd=REPO)
    assert done.returncode in (1, 2) and b"not UTF-8 text" in done.stderr
    assert b"Traceback" not in done.stderr
    huge = tmp_path / "huge.csv"
    huge.write_text("years,city\n3,SF\n4," + "x" * 200_000 + "\n", encoding="utf-8")
    done = subprocess.run(mlsal_command("batch", str(huge)), capture_output=True, cwd=REPO)
    assert done.returncode == 1 and b"line 3: not CSV: field larger" in done.stderr
    assert done.stdout.count(b"\n") == 2  # the header and the good row
    piped = subprocess.run(
        mlsal_command("batch", "-", "-o", str(tmp_path / "out.csv")),
        input=b"years,city\n3,\xff\xfe\n",
        capture_output=True,
        cwd=REPO,
    )
    assert piped.returncode in (1, 2) and b"Traceback" not in piped.stderr


@pytest.mark.parametrize("encoding", ["ascii", "cp437", "latin-1"])
def test_an_output_that_is_not_utf8_gets_no_traceback(encoding: str) -> None:
    for command in (["estimate", "--city", "London", "--currency", "GBP"], ["factors"]):
        done = subprocess.run(
            mlsal_command(*command),
            capture_output=True,
            cwd=REPO,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        assert done.returncode == 0, done.stderr
        assert b"Traceback" not in done.stderr and len(done.stdout) > 100


@pytest.mark.parametrize(
    ("years", "shown"),
    [("60.0000001", "got 60.0000001"), ("-0", "Entry (0 years)"), ("1.9999999", "(1.9999999")],
)
def test_years_are_shown_as_given(run: Run, years: str, shown: str) -> None:
    result = run("estimate", "--years", years)
    assert shown in result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "{long}"],
        ["batch", "{examples}", "-o", "{tmp}/{long}"],
        ["--data-dir", "{long}", "estimate"],
        ["data", "validate", "{long}"],
    ],
)
def test_a_path_too_long_is_one_line(tmp_path: Path, args: list[str]) -> None:
    names = {
        "long": "a" * 5000,
        "tmp": str(tmp_path),
        "examples": str(REPO / "examples" / "profiles.csv"),
    }
    done = subprocess.run(
        mlsal_command(*(a.format(**names) for a in args)), capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode in (1, 2) and done.stdout == ""
    assert "Traceback" not in done.stderr and "too long" in done.stderr
    assert all(len(line) < 1_200 for line in done.stderr.splitlines())


def test_an_input_that_cannot_be_read_is_a_usage_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    source = tmp_path / "locked.csv"
    source.write_text(PROFILES, encoding="utf-8")
    real_open = builtins.open

    def denied(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(source):  # as chmod 000 does for anyone but root
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", denied)
    result = run("batch", str(source))
    assert result.exit_code == 2 and "Permission denied" in result.stderr


def test_a_city_name_with_an_escape_sequence_is_no_city(run: Run) -> None:
    result = run("estimate", "--city", "Kirk\x1b[31mland, WA")
    assert result.exit_code == 2 and "\x1b" not in result.stderr + result.stdout
    assert "unknown city 'Kirk\\x1b[31mland, WA'" in result.stderr


def test_the_shipped_checked_catalog_serves_only_the_unchanged_shipped_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run after install reads data/checked-catalog.bin instead of validating; a
    data directory changed by one byte, or any directory of one's own beside it, is checked
    afresh: nothing passes as the shipped data that is not."""
    import shutil

    from mlsal import cache
    from mlsal.engine import estimate
    from mlsal.errors import DataError
    from mlsal.load import default_data_dir, load_catalog
    from mlsal.profile import Profile, resolve_profile
    from mlsal.render.json_data import estimate_data

    monkeypatch.setenv("MLSAL_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    used: list[bool] = []
    original = cache.read_shipped

    def spy(directory: Path) -> bytes | None:
        found = original(directory)
        used.append(found is not None)
        return found

    monkeypatch.setattr(cache, "read_shipped", spy)
    shipped = load_catalog(shipped_dir=data)
    assert used == [True]
    fresh = load_catalog(shipped_dir=data, use_cache=False)
    profile = resolve_profile(Profile(years=3, city="SF", company="google"), fresh)
    assert estimate_data(estimate(shipped, profile)) == estimate_data(estimate(fresh, profile))

    facts = data / "facts" / "s004.toml"
    facts.write_text(facts.read_text().replace("amount = 114121", "amount = 114122"))
    changed = load_catalog(shipped_dir=data)
    assert used == [True, False]
    found = [f for f in changed.facts_for("overall", None) if f.id == "s004.overall.glassdoor"]
    assert found[0].amount == 114122

    own = tmp_path / "own"
    own.mkdir()
    (own / "sources.toml").write_text("")
    with pytest.raises(DataError):
        load_catalog([own], shipped_dir=data)
    assert used == [True, False], "a directory of one's own is never the shipped data"
