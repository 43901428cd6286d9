"""The partnership map: every body and every reporting line, drawn and listed."""

import re
from types import SimpleNamespace

from django.urls import reverse

from governance import graph
from governance.models import Body, ReportingLine
from tests.governance.factories import BodyFactory, ReportingLineFactory


def test_the_map_shows_every_body_and_line_of_appendix_b(client, scb, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    response = client.get(reverse("meetings:partnership_map"))
    assert response.status_code == 200
    page = response.content.decode()
    svg = page.split("<svg")[1].split("</svg>")[0]
    listing = page.split('id="lines"')[1]
    bodies = Body.objects.all()
    assert bodies.count() == 14
    for body in bodies:
        href = reverse("meetings:body_detail", args=[body.pk])
        assert f'href="{href}"' in svg, body.short_name  # a box, linked to its page
        assert f'href="{href}"' in listing, body.short_name  # and in the text list
    assert svg.count('class="app-map__line"') == ReportingLine.objects.count() == 13
    # A graph, not a tree: the SMSOG has two arrows, to both boards.
    assert "<title>SMSOG reports to SCB</title>" in svg
    assert "<title>SMSOG reports to HWBB</title>" in svg
    assert re.search(r"Substance Misuse Strategic Oversight Group</a>\s*reports to", listing)
    assert "Diagram of the SCB partnership: 14 bodies and 13 reporting lines." in page


def test_the_map_of_a_named_board_and_of_another_partnership(client, scb, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    url = reverse("meetings:partnership_map", args=[scb.pk])
    assert client.get(url).status_code == 200
    other = BodyFactory(short_name="OTHER", kind=Body.Kind.BOARD)
    assert client.get(reverse("meetings:partnership_map", args=[other.pk])).status_code == 404


def test_the_map_takes_a_fixed_number_of_queries(
    client, scb, officer_wcc_ph, django_assert_max_num_queries
):
    client.force_login(officer_wcc_ph)
    url = reverse("meetings:partnership_map")
    client.get(url)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for i in range(20):
        body = BodyFactory(short_name=f"NEW{i}", partnership=scb)
        ReportingLineFactory(from_body=body, to_body=scb)
    small_count = len(small.captured_queries)  # before the next request resets the log
    client.get(url)  # warm again: access is cached under the data stamp
    with django_assert_max_num_queries(small_count):
        page = client.get(url).content.decode()
    assert "NEW19" in page


def _body(pk, name):
    return SimpleNamespace(
        pk=pk, short_name=name, name=name, get_kind_display=lambda: "Sub-group", restricted=False
    )


def test_the_layout_puts_each_body_right_of_those_it_reports_to():
    top, board, group, other_board = (_body(1, "TOP"), _body(2, "B"), _body(3, "G"), _body(4, "H"))
    lines = [(2, 1, ""), (3, 2, ""), (3, 4, "")]
    drawing = graph.layout([top, board, group, other_board], lines)
    x = {node.body.pk: node.x for node in drawing.nodes}
    assert x[1] < x[2] < x[3]
    assert x[4] == x[1]  # H reports to nobody: first column
    # Every arrow runs from the right (the body that reports) to the left (whom it reports to).
    for edge in drawing.edges:
        numbers = [float(n) for n in re.findall(r"-?\d+\.\d", edge.path)]
        assert numbers[0] > numbers[-2]
    # G -> H skips a column: it bends round the middle one through a waypoint.
    long_edge = next(e for e in drawing.edges if e.target.pk == 4)
    assert long_edge.path.count("C") + long_edge.path.count("L") == 3
    # Boxes do not overlap.
    boxes = sorted(drawing.nodes, key=lambda n: (n.x, n.y))
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert above.x != below.x or below.y >= above.y + above.height


def test_a_busy_box_grows_to_keep_its_arrows_apart():
    board = _body(1, "BOARD")
    groups = [_body(i, f"G{i}") for i in range(2, 12)]
    drawing = graph.layout([board, *groups], [(g.pk, 1, "") for g in groups])
    box = next(n for n in drawing.nodes if n.body.pk == 1)
    assert box.height == graph.PORT_SPACING * 11 > graph.BOX_HEIGHT
    ends = sorted(float(e.path.split()[-1]) for e in drawing.edges)
    assert min(b - a for a, b in zip(ends, ends[1:], strict=False)) >= graph.PORT_SPACING - 0.1


def test_the_layout_survives_a_cycle_in_bad_data():
    a, b = _body(1, "A"), _body(2, "B")
    drawing = graph.layout([a, b], [(1, 2, ""), (2, 1, ""), (1, 1, "")])
    assert len(drawing.nodes) == 2
    assert len(drawing.edges) == 2
