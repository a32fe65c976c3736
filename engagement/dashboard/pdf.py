"""The briefing as PDF with WeasyPrint (which needs Debian's pango at run time).

Nothing is fetched: the template leaves out its stylesheet link when rendering for PDF and the
stylesheet is read from the static folder; charts are inline SVG; fonts are the machine's own
(fontconfig), never downloaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (pango) cannot be loaded."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: libpango missing
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def render_pdf(html: str, stylesheet: Path) -> bytes:
    """Render ``html`` with ``stylesheet`` to PDF bytes."""
    weasyprint = _weasyprint()
    css = weasyprint.CSS(string=stylesheet.read_text(encoding="utf-8"))
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])
