"""Development tools from the npm registry, pinned by version and the registry's sha512 integrity, unpacked into
the git-ignored .cache/ of the checkout: every install is the same file, and no copy lives in the repository.

Needs `npm` (Debian: apt-get install npm), used only to fetch the tarball (`npm pack`); nothing is run from it
during the install and no node_modules tree is made.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

CACHE = Path(__file__).resolve().parents[2] / ".cache"


def install(package: str, version: str, integrity: str, home: Path, members: Sequence[str] | None = None,
            why: str = "") -> None:
    """Fetches `package@version`, checks its integrity and unpacks it into `home` (replacing what was there):
    only `members` (paths inside the package, flattened into `home`), or the whole package when None."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is missing: apt-get install npm ({why or f'to install {package}'})")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", f"{package}@{version}", "--pack-destination", tmp, "--silent"], check=True,
                       capture_output=True, timeout=300)
        tarball = next(Path(tmp).glob("*.tgz"))
        digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if digest != integrity:
            raise RuntimeError(f"{package} {version} from the registry has integrity {digest}, not the pinned "
                               f"{integrity}")
        staging = Path(tmp) / "out"
        staging.mkdir()
        with tarfile.open(tarball) as tar:
            if members is None:
                tar.extractall(staging, filter="data")
                staging = staging / "package"
            else:
                for name in members:
                    extracted = tar.extractfile(tar.getmember(f"package/{name}"))
                    assert extracted is not None
                    (staging / Path(name).name).write_bytes(extracted.read())
        home.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(home, ignore_errors=True)
        shutil.move(str(staging), home)
