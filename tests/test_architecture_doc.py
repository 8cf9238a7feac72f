"""docs/architecture.md lists every module of every package, and names nothing that is gone.

A module counts as listed when the page names it in backticks, dotted (``loyalty.ledger.posting``)
or as a path (``loyalty/ledger/posting.py``). Migration revisions are listed by their folder:
they are named by revision, and one a week would only lengthen the page.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
SOURCES = sorted([*ROOT.glob("packages/*/src"), *ROOT.glob("examples/*/src")])
REPO_FOLDERS = ("packages/", "examples/", "docs/", "tests/", "bench/")


def module_files() -> dict[str, Path]:
    """Every module's dotted name and its path relative to its ``src``."""
    found = {}
    for src in SOURCES:
        for file in src.rglob("*.py"):
            relative = file.relative_to(src)
            parts = relative.with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = relative
    return found


def is_revision(path: Path) -> bool:
    return path.parent.name == "versions" and path.name != "__init__.py"


def quoted() -> list[str]:
    """Each word inside backticks on the page."""
    spans = re.findall(r"`([^`\n]+)`", DOC.read_text(encoding="utf-8"))
    return [word.strip("(),:;") for span in spans for word in span.split()]


def test_the_packages_are_found():
    modules = module_files()
    assert "loyalty.engine" in modules and "loyalty_pos_aronium.adapter" in modules


def test_every_module_is_in_the_architecture_doc():
    words = set(quoted())
    missing = [name for name, path in module_files().items()
               if not is_revision(path) and not words & names_of(name, path)]
    assert missing == []


def names_of(dotted: str, path: Path) -> set[str]:
    """How the page may name a module: dotted, by its file, or a package by its folder."""
    names = {dotted, path.as_posix()}
    if path.name == "__init__.py":
        names.add(f"{path.parent.as_posix()}/")
    return names


def test_the_architecture_doc_names_no_module_that_does_not_exist():
    modules = module_files()
    packages = {name.split(".")[0] for name in modules}
    gone = []
    for word in quoted():
        top = re.split(r"[./]", word, maxsplit=1)[0]
        if "/" in word:
            if word.startswith(REPO_FOLDERS):
                exists = (ROOT / word).exists()
            elif top in packages:
                exists = any((src / word).exists() for src in SOURCES)
            else:
                continue
        elif top in packages:
            exists = resolves(word, modules)
        elif f"loyalty.{top}" in modules:  # ``ledger.outbox``: short for ``loyalty.ledger.outbox``
            exists = resolves(f"loyalty.{word}", modules)
        else:
            continue
        if not exists:
            gone.append(word)
    assert gone == []


def resolves(dotted: str, modules: dict[str, Path]) -> bool:
    """A module, or a name in one (``loyalty.ledger.posting.Posting``)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            if end == len(parts):
                return True  # not imported: a migration environment runs when imported
            value: object = importlib.import_module(".".join(parts[:end]))
            for part in parts[end:]:
                if not hasattr(value, part):
                    return False
                value = getattr(value, part)
            return True
    return False
