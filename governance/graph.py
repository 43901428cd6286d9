"""The partnership map: a layered drawing of who reports to whom, computed here, drawn as SVG.

Reporting lines form a graph, not a tree (the Substance Misuse Strategic Oversight Group reports
to two boards), so this is a small Sugiyama-style layout rather than an indented list:

1. rank: a body that reports to nobody on the map is in the first column; any other body is
   one column right of the right-most body it reports to, so every arrow points left;
2. a line that skips columns gets invisible waypoints in the columns it crosses, so that it
   bends around the boxes there instead of running through them;
3. the order within each column is improved by a few barycentre sweeps, which untangles most
   crossings for graphs of this size (tens of bodies);
4. coordinates: columns left to right, boxes stacked and centred in each column.

Nothing here needs JavaScript or a library: the template writes the SVG from these numbers.
"""

from dataclasses import dataclass, field

BOX_WIDTH = 190
BOX_HEIGHT = 56
PORT_SPACING = 11  # a busy box grows so that the arrowheads along its side stay apart
WAYPOINT_HEIGHT = 18
ROW_GAP = 18
COLUMN_GAP = 110
MARGIN = 12
LABEL_MAX = 20
SWEEPS = 4


@dataclass
class Node:
    key: object  # a body id, or ("via", edge index, rank) for a waypoint
    rank: int = 0
    order: float = 0.0
    x: float = 0.0
    y: float = 0.0
    height: float = BOX_HEIGHT
    body: object = None
    label: str = ""
    kind: str = ""

    @property
    def is_waypoint(self):
        return self.body is None

    @property
    def centre_y(self):
        return self.y + self.height / 2

    @property
    def text_x(self):
        return self.x + BOX_WIDTH / 2

    @property
    def label_y(self):
        return self.y + self.height / 2 - 4

    @property
    def kind_y(self):
        return self.y + self.height / 2 + 16


@dataclass
class Edge:
    source: object  # the body that reports
    target: object  # the body it reports to
    description: str
    path: str = ""


@dataclass
class Layout:
    nodes: list = field(default_factory=list)  # boxes only, in drawing order
    edges: list = field(default_factory=list)
    width: float = 0
    height: float = 0
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1].rstrip() + "…"


def _ranks(ids, parents) -> dict:
    """Column of each body: 0 for one that reports to nobody here, else one more than the
    furthest body it reports to. A cycle in bad data is cut where it is met, not looped."""
    rank, visiting = {}, set()

    def visit(node):
        if node in rank:
            return rank[node]
        if node in visiting:
            return -1
        visiting.add(node)
        above = [visit(p) for p in parents.get(node, [])]
        visiting.discard(node)
        rank[node] = max(above, default=-1) + 1
        return rank[node]

    for node in ids:
        visit(node)
    return rank


def layout(bodies, lines) -> Layout:
    """`bodies`: Body objects; `lines`: (from_body_id, to_body_id, description) tuples.

    Lines to or from a body not in `bodies` are left out: the map is of one partnership.
    """
    by_id = {b.pk: b for b in bodies}
    kept = [(f, t, d) for f, t, d in lines if f in by_id and t in by_id and f != t]
    parents: dict = {}
    for f, t, _ in kept:
        parents.setdefault(f, []).append(t)
    rank = _ranks(list(by_id), parents)

    nodes = {
        pk: Node(
            key=pk, rank=rank[pk], body=b, label=_short(b.short_name), kind=b.get_kind_display()
        )
        for pk, b in by_id.items()
    }
    # Each line becomes a chain of hops between neighbouring columns, through waypoints.
    chains = []
    for index, (f, t, _) in enumerate(kept):
        chain = [f]
        if rank[f] > rank[t]:
            for r in range(rank[f] - 1, rank[t], -1):
                key = ("via", index, r)
                nodes[key] = Node(key=key, rank=r, height=WAYPOINT_HEIGHT)
                chain.append(key)
        chain.append(t)
        chains.append(chain)

    ends_in: dict = {}
    ends_out: dict = {}
    for chain in chains:
        ends_out[chain[0]] = ends_out.get(chain[0], 0) + 1
        ends_in[chain[-1]] = ends_in.get(chain[-1], 0) + 1
    for key, node in nodes.items():
        if not node.is_waypoint:
            busiest = max(ends_in.get(key, 0), ends_out.get(key, 0))
            node.height = max(BOX_HEIGHT, PORT_SPACING * (busiest + 1))

    columns: dict[int, list] = {}
    for node in sorted(nodes.values(), key=lambda n: (n.is_waypoint, n.label.lower())):
        columns.setdefault(node.rank, []).append(node)
    for column in columns.values():
        for i, node in enumerate(column):
            node.order = i

    neighbours_left: dict = {}  # towards whom one reports (lower rank)
    neighbours_right: dict = {}
    for chain in chains:
        for lower, upper in zip(chain, chain[1:], strict=False):
            neighbours_left.setdefault(lower, []).append(upper)
            neighbours_right.setdefault(upper, []).append(lower)

    def sweep(ranks, neighbours):
        for r in ranks:
            column = columns.get(r, [])
            for node in column:
                near = [nodes[k].order for k in neighbours.get(node.key, []) if nodes[k].rank != r]
                node.sort_key = sum(near) / len(near) if near else node.order
            column.sort(key=lambda n: (n.sort_key, n.order))
            for i, node in enumerate(column):
                node.order = i

    last_rank = max(columns, default=0)
    for _ in range(SWEEPS):
        sweep(range(1, last_rank + 1), neighbours_left)
        sweep(range(last_rank - 1, -1, -1), neighbours_right)

    heights = {
        r: sum(n.height for n in col) + ROW_GAP * (len(col) - 1) for r, col in columns.items()
    }
    tallest = max(heights.values(), default=0)
    for r, column in columns.items():
        y = MARGIN + (tallest - heights[r]) / 2
        x = MARGIN + r * (BOX_WIDTH + COLUMN_GAP)
        for node in column:
            node.x, node.y = x, y
            y += node.height + ROW_GAP

    # Spread the ends of the lines along each box's side, in the order they arrive, so that
    # arrows into a busy board do not all meet at one point.
    ports_out: dict = {}
    ports_in: dict = {}
    for chain in chains:
        ports_out.setdefault(chain[0], []).append(chain)
        ports_in.setdefault(chain[-1], []).append(chain)

    def port_y(node_key, chain, ports, neighbour):
        siblings = sorted(ports[node_key], key=lambda c: nodes[neighbour(c)].centre_y)
        node = nodes[node_key]
        step = node.height / (len(siblings) + 1)
        return node.y + step * (siblings.index(chain) + 1)

    edges = []
    for chain, (f, t, description) in zip(chains, kept, strict=True):
        start = nodes[f]
        points = [(start.x, port_y(f, chain, ports_out, lambda c: c[1]))]
        for key in chain[1:-1]:
            via = nodes[key]
            points.append((via.x + BOX_WIDTH, via.centre_y))
            points.append((via.x, via.centre_y))
        end = nodes[t]
        points.append((end.x + BOX_WIDTH, port_y(t, chain, ports_in, lambda c: c[-2])))
        edges.append(
            Edge(source=by_id[f], target=by_id[t], description=description, path=_path(points))
        )

    width = MARGIN * 2 + (last_rank + 1) * BOX_WIDTH + last_rank * COLUMN_GAP if nodes else 0
    boxes = sorted(
        (n for n in nodes.values() if not n.is_waypoint), key=lambda n: (n.rank, n.order)
    )
    return Layout(nodes=boxes, edges=edges, width=width, height=tallest + MARGIN * 2)


def _path(points) -> str:
    """A smooth SVG path through the points, leaving and arriving horizontally."""
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M {x0:.1f} {y0:.1f}"]
    for x1, y1 in rest:
        if y1 == y0:
            parts.append(f"L {x1:.1f} {y1:.1f}")
        else:
            bend = (x0 - x1) / 2
            parts.append(f"C {x0 - bend:.1f} {y0:.1f} {x1 + bend:.1f} {y1:.1f} {x1:.1f} {y1:.1f}")
        x0, y0 = x1, y1
    return " ".join(parts)
