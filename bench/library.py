"""Synthetic libraries for scale runs: the real content copied N times under new ids.

Every item id of copy ``n`` gets the suffix ``-g<n>`` and every reference to it is rewritten,
so each copy is a complete, valid guide of its own (regions, which every guide shares, and the
terminologies codes are checked against are copied once) and ``python -m api check`` passes on
the result. Written to a folder the caller chooses (a temporary one), never into ``content/``.

    python -m bench.library DEST --guides 100
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from api.content.terminology import CLINICAL
from tests.servers import ROOT

CONTENT = ROOT / "content"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


SHARED = ("regions",)  # kinds every guide shares: copied once, under their own ids
# The terminologies codes are checked against: one source each, whatever the number of guides.
SHARED_IDS = frozenset(system.source_id for system in CLINICAL)


def _shared(path: Path) -> bool:
    return path.parent.name in SHARED or path.stem in SHARED_IDS


def item_ids(content: Path) -> frozenset[str]:
    """Every per-guide item id of the library: the file names of the default locale."""
    files = (content / "en").glob("*/*.yaml")
    return frozenset(path.stem for path in files if not _shared(path))


def make_library(dest: Path, guides: int, content: Path = CONTENT) -> int:
    """Write ``guides`` suffixed copies of ``content`` into ``dest``; return the files written."""
    ids = item_ids(content)
    sources = [
        (path, yaml.load(path.read_text("utf-8"), Loader=_Loader))
        for path in _files(content)
        if not _shared(path)
    ]
    written = 0
    for path in _files(content):
        if _shared(path):  # their own ids kept; what they cite: the first copy's
            data = yaml.load(path.read_text("utf-8"), Loader=_Loader)
            shared = {**_rename(data, ids, "-g1"), "id": data["id"]}
            target = dest / path.relative_to(content)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(yaml.dump(shared, Dumper=_Dumper, allow_unicode=True), "utf-8")
            written += 1
    for copy in range(1, guides + 1):
        suffix = f"-g{copy}"
        for path, data in sources:
            relative = path.relative_to(content)
            target = dest / relative.parent / f"{path.stem}{suffix}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            renamed = _rename(data, ids, suffix)
            target.write_text(yaml.dump(renamed, Dumper=_Dumper, allow_unicode=True), "utf-8")
            written += 1
    return written


def _files(content: Path) -> Iterable[Path]:
    return sorted(content.glob("*/*/*.yaml"))


def _rename(value: Any, ids: frozenset[str], suffix: str, reference: bool = False) -> Any:
    """``value`` with every item id under a reference key (``id``, ``*_id(s)``, ...) suffixed."""
    if isinstance(value, str):
        return value + suffix if reference and value in ids else value
    if isinstance(value, dict):
        return {key: _rename(item, ids, suffix, _is_reference(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_rename(item, ids, suffix, reference) for item in value]
    return value


def _is_reference(key: str) -> bool:
    return key in {"id", "self_test", "condition"} or key.endswith(("_id", "_ids"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--guides", type=int, default=10)
    args = parser.parse_args()
    print(f"wrote {make_library(args.dest, args.guides)} files to {args.dest}")


if __name__ == "__main__":
    main()
