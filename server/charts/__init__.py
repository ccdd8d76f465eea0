"""Charts drawn on the server as SVG: no charting library, nothing from a CDN; every text escaped."""
