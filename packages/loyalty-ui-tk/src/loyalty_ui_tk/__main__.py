"""``loyalty-manager``: the desktop window, started the same way as ``loyalty ui``."""

from __future__ import annotations

import sys

from loyalty.cli import main as loyalty_main


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return loyalty_main(["ui", "--frontend", "tk", *args])


if __name__ == "__main__":
    sys.exit(main())
