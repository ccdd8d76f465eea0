"""axe-core (WCAG checks in the page) for the browser tests: installed from the npm registry, pinned by version and
integrity, into a git-ignored directory of the checkout; never fetched by the page at run time.

Why installed and not vendored: axe-core is 0.6 MB of minified third-party code under the MPL-2.0; the pin (version
and the registry's sha512 integrity, checked here) makes every install the same file without keeping a copy of it
in the repository. `make test` runs `python -m tests.browser.axe` first; `check` installs it on first use too, so
a single browser test runs on a fresh checkout. Needs `npm` (Debian: apt-get install npm).

    violations = check(page)   # [] when the page meets WCAG 2.1 A and AA as far as axe can tell

The script is evaluated through the DevTools protocol (as Playwright's `evaluate` does), not added as a <script>
tag: the app's Content-Security-Policy (script-src 'self') rightly refuses inline scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.support import npm_pin

VERSION = "4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
HOME = npm_pin.CACHE / f"axe-core-{VERSION}"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The checks of WCAG 2.1 A and AA on the whole document; what comes back is plain JSON.
RUN = """
async (tags) => {
  const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
}
"""


def axe_path() -> Path:
    """The installed axe.min.js, installing it first when missing."""
    script = HOME / "axe.min.js"
    if not script.exists():
        install()
    return script


def install() -> None:
    npm_pin.install("axe-core", VERSION, INTEGRITY, HOME, ["axe.min.js", "LICENSE"],
                    why="the browser tests check pages with axe-core")


def check(page: Any) -> list[dict[str, Any]]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_path().read_text(encoding="utf-8") + "\n;undefined")
    found: list[dict[str, Any]] = page.evaluate(RUN, TAGS)
    return found


def report(violations: list[dict[str, Any]]) -> str:
    """One line per failing element, for an assertion message."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"{v['id']} ({v['impact']}): {node['target']} — {v['help']}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(axe_path())
    sys.exit(0)
