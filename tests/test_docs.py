"""The docs kept true, in the sqlite-utils way: every command and option is documented, every finding
code is in the catalogue page once, the generated pages are up to date, and every example runs."""

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from riskbook.check.findings import CATALOGUE
from riskbook.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))


def _commands() -> dict[str, click.Command]:
    return {name: cli.get_command(click.Context(cli), name) for name in cli.list_commands(click.Context(cli))}


def test_every_command_has_a_full_one_line_description_and_an_example():
    for name, command in _commands().items():
        assert command.help, name
        assert "Example:" in command.help, name
        result = CliRunner().invoke(cli, ["--help"], terminal_width=100)
        line = next(line for line in result.output.splitlines() if line.strip().startswith(name + " "))
        assert "..." not in line and line.rstrip().endswith("."), line


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_and_option_is_in_the_commands_page(name):
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert f"`riskbook {name}" in text
    for param in _commands()[name].params:
        for opt in [*param.opts, *param.secondary_opts]:
            if opt.startswith("-") and opt not in ("-h", "--help"):
                assert re.search(rf"`[^`]*{re.escape(opt)}\b", text), f"{name} {opt} is not in docs/commands.md"
        if isinstance(param, click.Option):
            assert param.help, f"{name} {param.opts} has no help text"


def test_every_finding_code_is_in_the_catalogue_page_once():
    page = (DOCS / "findings.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning) \|", page, re.M)
    assert sorted(rows) == sorted((code, kind.severity) for code, kind in CATALOGUE.items())
    for code in CATALOGUE:
        assert page.count(f"`{code}`") == 1, code


def test_the_generated_pages_are_up_to_date():
    from riskbook import docs

    for name, make in docs.PAGES.items():
        assert (DOCS / name).read_text(encoding="utf-8") == make() + "\n", f"run python -m riskbook.docs ({name})"


def test_every_page_is_linked_from_the_index_and_every_link_resolves():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        if page.name != "index.md":
            assert f"]({page.name})" in index, page.name
    for page in [*PAGES, ROOT / "README.md"]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to {target}"


def test_the_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert "python3 -m venv .venv && . .venv/bin/activate && pip install ." in text
    assert 'python3 -m pip install -e ".[test,dev]" && python3 -m pytest' in text
    assert 'python3 -m pip install -e ".[test,dev]"' in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _examples() -> list[tuple[str, str]]:
    """(page, command) for every riskbook command in an sh block of the README and the docs."""
    found = []
    for page in [ROOT / "README.md", *PAGES]:
        for block in re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split("  #", 1)[0].strip()
                if line.startswith("riskbook "):
                    found.append((page.name, line))
    return found


def _serve_without_serving(monkeypatch) -> list[dict]:
    """`riskbook serve` examples parse their options and stop before listening (tests/test_serve_browser.py
    runs a real server); the calls it would have made, for the test to see."""
    import riskbook.serve

    calls: list[dict] = []
    monkeypatch.setattr(riskbook.serve, "run", lambda **options: calls.append(options))
    return calls


def test_the_docs_have_examples_of_every_command():
    commands = {shlex.split(line)[1] for _, line in _examples()}
    assert commands >= set(_commands())


@pytest.mark.parametrize(
    "page,line", [pytest.param(p, c, marks=pytest.mark.libreoffice if "--pdf" in c else ()) for p, c in _examples()]
)
def test_every_example_in_the_docs_runs(page, line, tmp_path, monkeypatch):
    for folder in ("examples", "workbook_templates"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)
    served = _serve_without_serving(monkeypatch)
    result = CliRunner().invoke(cli, shlex.split(line)[1:])
    assert served or shlex.split(line)[1] != "serve"
    assert result.exit_code in (0, 1), f"{page}: {line}\n{result.output}"
    assert "Traceback" not in result.output


def test_the_worked_five_by_five_scheme_scores_as_the_page_says(tmp_path):
    from riskbook.scheme.load import load_scheme

    text = (DOCS / "scheme.md").read_text(encoding="utf-8")
    toml = re.search(r"## A worked example.*?```toml\n(.*?)```", text, re.S).group(1)
    (tmp_path / "my-scheme.toml").write_text(toml, encoding="utf-8")
    scheme = load_scheme(tmp_path / "my-scheme.toml")
    assert "Major × Likely" not in toml  # the numbers below come from the file, not the page
    assert scheme.score_for(4, 4) == 16 and scheme.band(16).name == "High" and scheme.band(16).review_months == 1
    assert scheme.score_for(3, 3) == 9 and scheme.band(9).name == "Medium" and scheme.band(9).review_months == 3
    assert "4 × 4 = 16: *High*" in text and "is 9, *Medium*" in text


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_commands_help_example_runs(name, tmp_path, monkeypatch):
    for folder in ("examples", "workbook_templates"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)
    example = _commands()[name].help.split("Example:", 1)[1].strip().splitlines()[0]
    assert example.startswith(f"riskbook {name} ")
    served = _serve_without_serving(monkeypatch)
    result = CliRunner().invoke(cli, shlex.split(example)[1:])
    assert served or name != "serve"
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output


def test_every_python_example_in_the_docs_runs(tmp_path, monkeypatch):
    for folder in ("examples", "workbook_templates"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)
    blocks = [b for page in PAGES for b in re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)]
    assert blocks
    for block in blocks:
        exec(compile(block, "docs", "exec"), {})
