"""Markdown for event descriptions, rendered safely (markdown-it-py, then nh3 sanitising)."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML (no raw HTML, no scripts, safe links only)."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 above


def markdown_to_text(text: str | None) -> str:
    """Markdown → plain text for calendar files and text mail: no ``**``, lists as "- item",
    links as "label (address)", paragraphs separated by a blank line."""
    lines: list[str] = []
    prefix: list[str] = []
    for token in _md.parse(text or ""):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            prefix.append("- " if token.type == "bullet_list_open" else "1. ")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            prefix.pop()
            lines.append("")
        elif token.type in ("paragraph_close", "heading_close") and not prefix:
            lines.append("")
        elif token.type in ("fence", "code_block"):
            lines.extend([*token.content.rstrip("\n").splitlines(), ""])
        elif token.type == "inline":
            lead = ("  " * (len(prefix) - 1) + prefix[-1]) if prefix else ""
            lines.append(lead + _inline_text(token.children or []))
    return "\n".join(lines).strip()


def _inline_text(children: list) -> str:  # type: ignore[type-arg]
    parts: list[str] = []
    href: str | None = None
    label_start = 0
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            label_start = len(parts)
        elif child.type == "link_close" and href:
            if "".join(parts[label_start:]) != href:
                parts.append(f" ({href})")
            href = None
    return "".join(parts)
