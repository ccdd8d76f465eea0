"""Small SVG building blocks. Every text and attribute value passes through `esc`: names come from users."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK, MUTED, GRID = "#15232b", "#5a6b75", "#dfe6ea"
PRIMARY, PLAN, LAG, MET = "#0d6468", "#c3cfd6", "#b42318", "#137333"


def esc(text: str) -> str:
    return escape(text)


def attr(value: str) -> str:
    return quoteattr(value)


def text(x: float, y: float, body: str, *, size: int = 13, fill: str = INK, anchor: str = "start",
         weight: int = 400) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{esc(body)}</text>')


def rect(x: float, y: float, w: float, h: float, fill: str, *, rx: float = 3, title: str | None = None) -> str:
    inner = f"<title>{esc(title)}</title>" if title else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" rx="{rx}" fill="{fill}">'
            f"{inner}</rect>")


def document(width: int, height: int, title: str, description: str, body: list[str]) -> str:
    """A self-contained SVG that scales to its container (viewBox, no fixed size) and says what it shows to a
    screen reader (role img, title, desc)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="t d" font-family={attr(FONT)}>'
            f'<title id="t">{esc(title)}</title><desc id="d">{esc(description)}</desc>'
            + "".join(body) + "</svg>")
