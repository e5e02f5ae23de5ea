"""Markdown as a short list of blocks a layout engine can draw (markdown-it-py parses).

Kept: headings (levels 1-6), paragraphs, bullet and numbered lists (nested), block
quotes (as paragraphs), code (as plain paragraphs), rules, and inside text bold, italic,
inline code and links (their text, then the address in brackets when it differs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


BlockKind = Literal["heading", "paragraph", "item", "rule"]


@dataclass
class Block:
    kind: BlockKind
    runs: list[Run] = field(default_factory=list)
    level: int = 0
    """Heading level (1-6) or list depth (1 for a top-level item)."""
    marker: str = ""
    """A list item's bullet ("•") or number ("3.")."""

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def blocks(markdown: str) -> list[Block]:
    """The blocks of ``markdown``, in order."""
    parser = MarkdownIt("commonmark")
    found: list[Block] = []
    lists: list[list[int]] = []  # per open list: [ordered?, next number]
    pending: Block | None = None
    for token in parser.parse(markdown):
        kind = token.type
        if kind == "heading_open":
            pending = Block("heading", level=int(token.tag[1]))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1)
            lists.append([kind == "ordered_list_open", start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            lists[-1][1] += 1
            pending = Block("item", level=len(lists), marker=f"{number}." if ordered else "•")
        elif kind == "paragraph_open" and pending is None:
            pending = Block("paragraph")
        elif kind in ("code_block", "fence"):
            found += [Block("paragraph", [Run(line)]) for line in token.content.splitlines()]
        elif kind == "hr":
            found.append(Block("rule"))
        elif kind == "inline" and pending is not None:
            if pending.runs:  # a second paragraph inside one list item
                found.append(pending)
                pending = Block("item", level=pending.level, marker="")
            pending.runs = _runs(token.children or [])
        elif kind in ("heading_close", "paragraph_close", "list_item_close") and pending:
            if pending.runs:
                found.append(pending)
            pending = None
    return found


def _runs(children: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    href: list[str | None] = []
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind in ("text", "code_inline", "html_inline"):
            runs.append(Run(child.content, bold > 0, italic > 0))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" " if kind == "softbreak" else "\n", bold > 0, italic > 0))
        elif kind == "link_open":
            href.append(str(child.attrGet("href") or "") or None)
            runs.append(Run("", bold > 0, italic > 0))
        elif kind == "link_close":
            address = href.pop() if href else None
            shown = runs[-1].text if runs else ""
            if address and address not in shown and f"mailto:{shown}" != address:
                runs.append(Run(f" ({address})", bold > 0, italic > 0))
    return [run for run in runs if run.text]
