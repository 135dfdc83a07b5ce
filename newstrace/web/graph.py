"""The provenance chain of a story laid out as boxes and arrows, for an SVG drawn server-side.

Nothing here builds markup: the layout is plain numbers and strings, and the story template
writes the SVG with every label escaped by Jinja2's autoescaping. Columns follow the flow of
the information: the origin media on the left, then the relays, then the articles, an
article that derives from another one column to the right of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Geometry in SVG user units (1 unit = 1 CSS pixel at full width). The widths assume the
# bold sans-serif at 13px of reader.css: about 8.2 units a character (DejaVu Sans Bold,
# measured on the seeds' headlines in the story page screenshot).
CHAR_WIDTH = 8.2
NODE_PADDING = 24.0
MEDIUM_HEIGHT = 34.0
ARTICLE_HEIGHT = 50.0
MIN_NODE_WIDTH = 90.0
MAX_NODE_WIDTH = 300.0
# Room between columns for the arrow and its label ("derives_from · translation").
COLUMN_GAP = 150.0
ROW_GAP = 22.0
# How far below the boxes it passes an arrow runs that skips a column.
LANE_GAP = 16.0
MARGIN = 12.0
# Characters of a label shown in a box; the whole label is in the box's tooltip.
MAX_LABEL_CHARS = 34


@dataclass(frozen=True)
class GraphNode:
    """A box: a medium (TASS) or an article of the story."""

    id: str
    kind: str  # "medium" or "article"
    label: str  # first line, shortened
    detail: str  # second line of an article box (language · time), "" for a medium
    tooltip: str  # everything known, unshortened
    href: str | None
    x: float
    y: float
    width: float
    height: float

    @property
    def middle_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class GraphEdge:
    """An arrow from one box to another, with its label at the middle."""

    source: str
    target: str
    kind: str  # cites | relays | derives (or the derivation's kind)
    label: str
    path: str  # SVG path data
    label_x: float
    label_y: float
    label_width: float


@dataclass
class Graph:
    """The laid-out provenance graph; empty when the story has no provenance yet."""

    width: float = 0.0
    height: float = 0.0
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)

    def node(self, id: str) -> GraphNode | None:
        return next((n for n in self.nodes if n.id == id), None)


@dataclass(frozen=True)
class ArticleBox:
    """What the graph shows of an article: a name, a second line, a link."""

    label: str
    detail: str
    tooltip: str
    href: str


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """One line of at most `limit` characters, with an ellipsis when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def edge_label(kind: str) -> str:
    """The words on an arrow: media are cited or relayed; an article derives from another."""
    if kind in ("cites", "relays"):
        return kind
    if kind == "derives":
        return "derives_from"
    return f"derives_from · {kind}"


def _depths(nodes: Sequence[str], edges: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Longest path from a node without arrows in; a cycle is cut after one pass per node."""
    depth = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):
        changed = False
        for source, target in edges:
            if depth[target] < depth[source] + 1 <= len(nodes):
                depth[target] = depth[source] + 1
                changed = True
        if not changed:
            break
    return depth


def _columns(
    media: Sequence[str], articles: Sequence[str], edges: Sequence[tuple[str, str]]
) -> dict[str, int]:
    """Media by their depth among media; articles after every medium, by derivation depth."""
    medium_set, article_set = set(media), set(articles)
    column = _depths(media, [(s, t) for s, t in edges if s in medium_set and t in medium_set])
    first_article = max(column.values(), default=-1) + 1
    derived = _depths(articles, [(s, t) for s, t in edges if s in article_set and t in article_set])
    for article in articles:
        column[article] = first_article + derived[article]
    return column


def layout(edges: Sequence[Mapping[str, str]], articles: Mapping[str, ArticleBox]) -> Graph:
    """Lay out provenance edges (`{"from", "to", "kind"}`) and every article of the story.

    `articles` maps each article id of the story to its box, in the story's order; any
    other node of an edge is a medium. Articles without any edge still get a box.
    """
    pairs = [(e["from"], e["to"]) for e in edges if e.get("from") and e.get("to")]
    if not pairs:
        return Graph()
    named = list(dict.fromkeys(node for pair in pairs for node in pair))
    media = [n for n in named if n not in articles]
    article_ids = list(articles)
    column = _columns(media, article_ids, pairs)

    by_column: dict[int, list[str]] = defaultdict(list)
    for node in media + article_ids:
        by_column[column[node]].append(node)
    # Each column in the order of the rows its sources stand in, so arrows cross less.
    row: dict[str, float] = {}
    sources: dict[str, list[str]] = defaultdict(list)
    for source, target in pairs:
        sources[target].append(source)
    for index in sorted(by_column):
        members = by_column[index]
        placed = {
            n: sum(row[s] for s in sources[n] if s in row) / len(ss)
            if (ss := [s for s in sources[n] if s in row])
            else float(position)
            for position, n in enumerate(members)
        }
        members.sort(key=lambda n: placed[n])
        for position, n in enumerate(members):
            row[n] = float(position)

    def size(node: str) -> tuple[float, float]:
        if node in articles:
            box = articles[node]
            chars = max(len(box.label), len(box.detail))
            height = ARTICLE_HEIGHT
        else:
            chars, height = len(shorten(node)), MEDIUM_HEIGHT
        width = min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, chars * CHAR_WIDTH + NODE_PADDING))
        return width, height

    sizes = {n: size(n) for n in media + article_ids}
    heights = {
        i: sum(sizes[n][1] for n in members) + ROW_GAP * (len(members) - 1)
        for i, members in by_column.items()
    }
    total_height = max(heights.values()) + 2 * MARGIN
    nodes: dict[str, GraphNode] = {}
    spans: dict[int, tuple[float, float]] = {}  # column: left and right edge
    x = MARGIN
    for index in sorted(by_column):
        members = by_column[index]
        column_width = max(sizes[n][0] for n in members)
        spans[index] = (x, x + column_width)
        y = (total_height - heights[index]) / 2
        for n in members:
            width, height = sizes[n]
            left = x + (column_width - width) / 2
            if n in articles:
                box = articles[n]
                nodes[n] = GraphNode(
                    n, "article", box.label, box.detail, box.tooltip, box.href,
                    left, y, width, height,
                )  # fmt: skip
            else:
                nodes[n] = GraphNode(n, "medium", shorten(n), "", n, None, left, y, width, height)
            y += height + ROW_GAP
        x += column_width + COLUMN_GAP
    graph = Graph(width=x - COLUMN_GAP + MARGIN, height=total_height)
    graph.nodes = [nodes[n] for n in media + article_ids]
    for item in edges:
        start, end = nodes.get(item.get("from", "")), nodes.get(item.get("to", ""))
        if start is None or end is None:
            continue
        kind = str(item.get("kind", ""))
        skipped = range(column[start.id] + 1, column[end.id])
        if skipped:
            # Around the boxes of the columns it skips, not through them.
            between = [nodes[n] for i in skipped for n in by_column[i]]
            lane = max(n.y + n.height for n in between) + LANE_GAP
            left, right = spans[skipped[0]][0], spans[skipped[-1]][1]
            graph.edges.append(_around(start, end, kind, (left, right, lane)))
            graph.height = max(graph.height, lane + MARGIN)
        else:
            graph.edges.append(_arrow(start, end, kind))
    return graph


def _edge(
    source: GraphNode, target: GraphNode, kind: str, path: str, x: float, y: float
) -> GraphEdge:
    """An arrow with its label centred at (x, y)."""
    label = edge_label(kind)
    # Labels are 11px italic, not bold: about 0.8 of a box label's character width.
    width = len(label) * CHAR_WIDTH * 0.8 + 10
    return GraphEdge(source.id, target.id, kind, label, path, x, y, width)


def _arrow(source: GraphNode, target: GraphNode, kind: str) -> GraphEdge:
    """A curve from the right side of `source` to the left side of `target`."""
    x1, y1 = source.x + source.width, source.middle_y
    x2, y2 = target.x, target.middle_y
    if x2 <= x1:  # same column (a cycle cut short): leave by the bottom, enter by the top
        x1, y1 = source.x + source.width / 2, source.y + source.height
        x2, y2 = target.x + target.width / 2, target.y
    bend = max(30.0, abs(x2 - x1) / 2)
    path = (
        f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    )
    return _edge(source, target, kind, path, (x1 + x2) / 2, (y1 + y2) / 2)


def _around(
    source: GraphNode, target: GraphNode, kind: str, lane: tuple[float, float, float]
) -> GraphEdge:
    """A curve down to a lane under the skipped columns, along it, and up to `target`."""
    left, right, y = lane
    x1, y1 = source.x + source.width, source.middle_y
    x2, y2 = target.x, target.middle_y
    in_bend, out_bend = (left - x1) / 2, (x2 - right) / 2
    path = (
        f"M{x1:.1f},{y1:.1f} C{x1 + in_bend:.1f},{y1:.1f} {left - in_bend:.1f},{y:.1f} "
        f"{left:.1f},{y:.1f} L{right:.1f},{y:.1f} "
        f"C{right + out_bend:.1f},{y:.1f} {x2 - out_bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    )
    return _edge(source, target, kind, path, (left + right) / 2, y)
