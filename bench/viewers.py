"""Who the mixed load signs in as, what each asks for, and who records updates: a standalone
script, run with the code of either tree (as bench/split.py is).

    DJANGO_SETTINGS_MODULE=csa.settings DATABASE_URL=... PYTHONPATH=<tree> (cwd <tree>) \\
        python bench/viewers.py --viewers 50 --writers 25 --exclude-action 123

It imports nothing from the `bench` package, so that the baseline's own models, URLs and
sessions are used for the baseline: the same generator made both databases (same seed), so
both sides get the same people asking for the same pages of the same partnerships.

Viewers: chairs, coordinators and officers of the generated partnerships, spread across the
country (partnerships evenly spaced by number; within one, chair, coordinator, then the
officers), each with a new session and their own pages: the dashboard and the overdue list
of their partnership's latest plan, and two actions of that plan they may see (an officer's:
two their organisation leads). This code's pages are asked for at their partnership's
address (/p/<slug>/...), as its links give them; the baseline has no such address.

Writers: one officer per partnership, evenly spaced, each with an action their organisation
leads that no viewer asks for (and not `--exclude-action`, the action page the benchmark
measures), so the timelines the viewers read stay as generated run after run.

JSON on stdout.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROLE_ORDER = ["chair", "coordinator"]  # then the officers, by username


def _setup_django():
    # As bench/split.py: this file's directory off sys.path, the measured tree on it.
    here = Path(__file__).resolve().parent
    if sys.path and Path(sys.path[0] or ".").resolve() == here:
        sys.path.pop(0)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csa.settings")
    import django

    django.setup()


def evenly_spaced(items: list, count: int) -> list:
    """`count` of `items` spread from the first to the last (all of them if fewer)."""
    if count >= len(items):
        return list(items)
    if count <= 1:
        return items[:count]
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


def _boards():
    """The generated partnerships' boards, by number ("P001 SCB", "P002 SCB", ...)."""
    from governance.models import Body

    return list(
        Body.objects.filter(short_name__regex=r"^P[0-9]+ SCB$", partnership=None).order_by(
            "short_name"
        )
    )


def _people_of(board) -> list:
    """(role, user) of the board's partnership: chair, coordinator, then the officers."""
    from governance.models import Role

    roles = Role.objects.filter(board=board).select_related("user").order_by("user__username")
    ranked = sorted(
        roles,
        key=lambda r: (ROLE_ORDER.index(r.kind) if r.kind in ROLE_ORDER else 2, r.user.username),
    )
    return [(role.kind, role.user) for role in ranked if role.user.is_active]


def _prefix(board) -> str:
    """Where this tree serves the board's pages: /p/<slug> (this code), or the root."""
    slug = getattr(board, "slug", "")
    return f"/p/{slug}" if slug else ""


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _actions_for(kind, user, agreement, *, avoid=()):
    """Actions of the plan that `user` may see, by position; an officer's: theirs."""
    from actions.models import Action

    actions = Action.objects.visible_to(user).filter(agreement=agreement).exclude(pk__in=avoid)
    if kind == "officer":
        organisation = getattr(getattr(user, "person", None), "organisation", None)
        actions = actions.filter(leads__organisation=organisation).distinct()
    return list(actions.order_by("position", "pk").values_list("pk", flat=True))


def _paths(prefix: str, agreement, action_ids) -> list:
    from django.urls import reverse

    paths = [
        f"{prefix}{reverse('actions:dashboard')}?agreement={agreement.pk}",
        f"{prefix}{reverse('actions:action_list')}?agreement={agreement.pk}&flag=overdue",
    ]
    paths += [f"{prefix}{reverse('actions:action_detail', kwargs={'pk': pk})}" for pk in action_ids]
    return paths


def choose_viewers(boards: list, count: int, *, exclude: set) -> list:
    """`count` viewers spread over the partnerships, each with their own pages."""
    if not boards:
        return []
    per_board = -(-count // len(boards))  # ceil
    chosen = evenly_spaced(boards, count)
    viewers = []
    for number, board in enumerate(chosen):
        agreement = board.agreements.order_by("-period_start").first()
        if agreement is None:
            continue
        people = _people_of(board)
        if per_board == 1:  # one a partnership: the roles take turns across the country
            people = [people[number % len(people)]] if people else []
        for kind, user in people[:per_board]:
            actions = _actions_for(kind, user, agreement, avoid=exclude)[:2]
            viewers.append(
                {
                    "username": user.username,
                    "role": kind,
                    "partnership": board.short_name,
                    "session": _session(user),
                    "paths": _paths(_prefix(board), agreement, actions),
                    "actions": actions,
                }
            )
    return viewers[:count]


def choose_writers(boards: list, count: int, *, exclude: set) -> list:
    """One officer a partnership, evenly spaced, each with an action no viewer asks for."""
    from django.urls import reverse

    writers = []
    for board in evenly_spaced(boards, count):
        agreement = board.agreements.order_by("-period_start").first()
        officers = [user for kind, user in _people_of(board) if kind == "officer"]
        for user in officers:
            actions = _actions_for("officer", user, agreement, avoid=exclude) if agreement else []
            if actions:
                path = reverse("actions:action_update", kwargs={"pk": actions[-1]})
                writers.append(
                    {
                        "username": user.username,
                        "partnership": board.short_name,
                        "session": _session(user),
                        "path": _prefix(board) + path,
                        "action": actions[-1],
                    }
                )
                break
    return writers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=25)
    parser.add_argument("--exclude-action", type=int, action="append", default=[])
    parser.add_argument("--board", default="P001 SCB", help="whose address prefix to report")
    args = parser.parse_args(argv)
    _setup_django()
    boards = _boards()
    exclude = set(args.exclude_action)
    viewers = choose_viewers(boards, args.viewers, exclude=exclude)
    seen = exclude | {pk for viewer in viewers for pk in viewer["actions"]}
    writers = choose_writers(boards, args.writers, exclude=seen)
    first = next((b for b in boards if b.short_name == args.board), None)
    result = {
        "partnerships": len(boards),
        "prefix": _prefix(first) if first else "",
        "viewers": viewers,
        "writers": writers,
    }
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
