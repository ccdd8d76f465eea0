"""Type-checks the web client: `tsc --noEmit -p web/jsconfig.json` (checkJs, strict), as `make webcheck` and so
`make test` run it.

The client is plain ES modules with JSDoc types and no build step; TypeScript is only the checker. It comes from
the npm registry, pinned by version and integrity (tests/support/npm_pin.py), into .cache/ on first use, and runs on the
machine's node (Debian: nodejs, which npm brings). 5.9 and not 7: TypeScript 7's compiler is a native binary in a
per-platform package, while 5.9 is one platform-independent tarball with no dependencies.

    python -m tests.support.webcheck     # exit status 0 when web/ type-checks
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import npm_pin

VERSION = "5.9.3"
INTEGRITY = "sha512-jl1vZzPDinLr9eUt3J/t7V6FgNEw9QjvBPdysz9KfQDD41fQrC2Y4vKQdiaUpFT4bXlb1RHhLpp8wtm6M5TgSw=="
HOME = npm_pin.CACHE / f"typescript-{VERSION}"
PROJECT = Path(__file__).resolve().parents[2] / "web" / "jsconfig.json"


def tsc_path() -> Path:
    """TypeScript's compiler script, installing it first when missing."""
    tsc = HOME / "lib" / "tsc.js"
    if not tsc.exists():
        npm_pin.install("typescript", VERSION, INTEGRITY, HOME, why="the web client is type-checked with tsc")
    return tsc


def main() -> int:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        print("node is missing: apt-get install nodejs (tsc type-checks web/)", file=sys.stderr)
        return 2
    return subprocess.run([node, str(tsc_path()), "--noEmit", "--pretty", "false", "-p", str(PROJECT)],
                          check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
