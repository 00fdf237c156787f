"""Generated blocks inside hand-written Markdown pages (parameter table, data dictionary).

A page keeps its prose; the block between a BEGIN and an END marker is rewritten from
the code, and a check fails when the page's block is not what the code gives.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Block:
    """A generated block: its markers, what makes it, and the command that rewrites it."""

    begin: str
    end: str
    make: Callable[[], str]
    module: str
    """The module whose ``--write`` regenerates it (named in the stale message)."""
    what: str
    """What the block holds, for messages ("parameter table")."""

    def embed(self, text: str) -> str:
        """``text`` with the block between the markers replaced by a fresh one."""
        head, _, rest = text.partition(self.begin)
        _, _, tail = rest.partition(self.end)
        return f"{head}{self.begin}\n{self.make()}{self.end}{tail}"

    def main(self, argv: Sequence[str] | None, description: str | None) -> int:
        """Print the block, or rewrite (--write) / check (--check) a page that embeds it."""
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--write", type=Path)
        parser.add_argument("--check", type=Path)
        args = parser.parse_args(argv)
        if args.write:
            args.write.write_text(self.embed(args.write.read_text()))
        elif args.check:
            text = args.check.read_text()
            if self.begin not in text or self.embed(text) != text:
                fix = f"python -m {self.module} --write {args.check}"
                print(f"{args.check}: {self.what} is stale; run {fix}")
                return 1
        else:
            sys.stdout.write(self.make())
        return 0
