"""A year's agreement compared with the last, and one agreement compared between two moments.

The redline is word-level (difflib over words, spaces and punctuation). Sections are matched
by theme, then by heading; paragraphs by how alike their words are, never by their numbers,
because numbers shift between revisions ("6.6" became "6.5" in 2018-19).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from actions.models import Action
from csa.models import Agreement

from .models import RolloverDecision

# Two paragraphs are "the same paragraph, revised" when at least this share of words agree.
PARAGRAPH_MATCH_RATIO = 0.5
# Sections without a theme are matched by heading when the headings are this alike.
HEADING_MATCH_RATIO = 0.6

_TOKENS = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]")
_PARAGRAPH_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal", "delete" or "insert"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """The words of `old` turned into `new`: equal, deleted and inserted runs, in reading order.

    A run of changes separated only by spaces is shown as one deletion and one insertion
    ("launched" -> "extended to Redditch"), not as word-by-word alternation.
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[list] = []  # [tag, old text, new text]
    for tag, i1, i2, j1, j2 in opcodes:
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            merged.append(["equal", old_text, new_text])
            continue
        # Fold "change, spaces, change" into one change so that it reads as a phrase.
        if (
            len(merged) >= 2
            and merged[-1][0] == "equal"
            and not merged[-1][1].strip()
            and merged[-2][0] == "change"
        ):
            spaces = merged.pop()[1]
            merged[-1][1] += spaces + old_text
            merged[-1][2] += spaces + new_text
        elif merged and merged[-1][0] == "change":
            merged[-1][1] += old_text
            merged[-1][2] += new_text
        else:
            merged.append(["change", old_text, new_text])
    segments = []
    for tag, old_text, new_text in merged:
        if tag == "equal":
            segments.append(Segment("equal", new_text))
            continue
        if old_text:
            segments.append(Segment("delete", old_text))
        if new_text:
            if old_text:
                segments.append(Segment("equal", " "))
            segments.append(Segment("insert", new_text))
    return segments


def is_changed(segments: list[Segment]) -> bool:
    return any(s.kind != "equal" for s in segments)


def similarity(old: str, new: str) -> float:
    a, b = _words(old), _words(new)
    if not a and not b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < PARAGRAPH_MATCH_RATIO:
        return matcher.real_quick_ratio()
    return matcher.ratio()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _PARAGRAPH_NUMBER.sub("", text or "").lower())


# ---------------------------------------------------------------------------------------------
# Narrative
# ---------------------------------------------------------------------------------------------


@dataclass
class ParagraphChange:
    kind: str  # "unchanged", "revised", "deleted", "inserted"
    segments: list[Segment]


@dataclass
class SectionChange:
    kind: str  # "unchanged", "revised", "new", "not_carried"
    heading: list[Segment]
    theme: object
    old: object
    new: object
    paragraphs: list[ParagraphChange] = field(default_factory=list)

    @property
    def counts(self):
        kinds = [p.kind for p in self.paragraphs]
        return {k: kinds.count(k) for k in ("revised", "deleted", "inserted", "unchanged")}


def compare_paragraphs(old_paragraphs: list[str], new_paragraphs: list[str]):
    """Match paragraphs by the likeness of their words (best pairs first), then redline each."""
    scored = sorted(
        (
            (similarity(o, n), i, j)
            for i, o in enumerate(old_paragraphs)
            for j, n in enumerate(new_paragraphs)
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    old_to_new, new_to_old = {}, {}
    for ratio, i, j in scored:
        if ratio < PARAGRAPH_MATCH_RATIO:
            break
        if i in old_to_new or j in new_to_old:
            continue
        old_to_new[i], new_to_old[j] = j, i
    result = []
    shown_old = set()
    for j, new_text in enumerate(new_paragraphs):
        i = new_to_old.get(j)
        if i is not None:
            # Deleted paragraphs that stood before this one in last year's text come first.
            for k in range(i):
                if k not in old_to_new and k not in shown_old:
                    result.append(_deleted(old_paragraphs[k]))
                    shown_old.add(k)
            segments = word_diff(old_paragraphs[i], new_text)
            kind = "revised" if is_changed(segments) else "unchanged"
            result.append(ParagraphChange(kind, segments))
            shown_old.add(i)
        else:
            result.append(ParagraphChange("inserted", [Segment("insert", new_text)]))
    for k, old_text in enumerate(old_paragraphs):
        if k not in old_to_new and k not in shown_old:
            result.append(_deleted(old_text))
    return result


def _deleted(text):
    return ParagraphChange("deleted", [Segment("delete", text)])


def compare_sections(old_sections, new_sections) -> list[SectionChange]:
    """Sections matched by theme, then by heading; in this year's order, last year's left after.

    The sections are model instances or history rows: anything with heading, number, text,
    theme_id and paragraphs (or text split on blank lines).
    """
    old_left = list(old_sections)
    pairs = []
    for new in new_sections:
        match = None
        if new.theme_id:
            match = next((o for o in old_left if o.theme_id == new.theme_id), None)
        if match is None:
            candidates = [
                (similarity(o.heading, new.heading), o) for o in old_left if not o.theme_id
            ]
            candidates = [c for c in candidates if c[0] >= HEADING_MATCH_RATIO]
            if candidates:
                match = max(candidates, key=lambda c: c[0])[1]
        if match is not None:
            old_left.remove(match)
        pairs.append((match, new))
    result = []
    for old, new in pairs:
        theme = new.theme if new.theme_id else None
        if old is None:
            paragraphs = [ParagraphChange("inserted", [Segment("insert", p)]) for p in _paras(new)]
            result.append(
                SectionChange("new", [Segment("insert", _title(new))], theme, None, new, paragraphs)
            )
            continue
        paragraphs = compare_paragraphs(_paras(old), _paras(new))
        heading = word_diff(_title(old), _title(new))
        changed = is_changed(heading) or any(p.kind != "unchanged" for p in paragraphs)
        result.append(
            SectionChange(
                "revised" if changed else "unchanged", heading, theme, old, new, paragraphs
            )
        )
    for old in old_left:
        theme = old.theme if old.theme_id else None
        result.append(
            SectionChange("not_carried", [Segment("equal", _title(old))], theme, old, None, [])
        )
    return result


def _paras(section) -> list[str]:
    return [p.strip() for p in (section.text or "").split("\n\n") if p.strip()]


def _title(section) -> str:
    return f"{section.number}. {section.heading}" if section.number else section.heading


# ---------------------------------------------------------------------------------------------
# Actions, year with year
# ---------------------------------------------------------------------------------------------


@dataclass
class CarriedAction:
    old: Action
    new: Action
    description: list[Segment]
    timescale: list[Segment]
    leads: list[Segment]

    @property
    def reworded(self) -> bool:
        return is_changed(self.description)


@dataclass
class ClosedAction:
    old: Action
    decision: RolloverDecision | None


@dataclass
class ThemeComparison:
    theme: object  # a Theme, or None for actions without one
    names_old: list[str] = field(default_factory=list)
    names_new: list[str] = field(default_factory=list)
    carried: list[CarriedAction] = field(default_factory=list)
    new: list[Action] = field(default_factory=list)
    closed: list[ClosedAction] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.names_new:
            return self.names_new[0]
        if self.names_old:
            return self.names_old[0]
        return str(self.theme) if self.theme else "No theme"

    @property
    def renamed_from(self) -> str:
        """Last year's name, when the theme was written differently then."""
        if self.names_old and self.names_new and self.names_old[0] != self.names_new[0]:
            return self.names_old[0]
        return ""

    @property
    def summary(self) -> str:
        return (
            f"{len(self.carried)} carried forward, {len(self.new)} new, "
            f"{len(self.closed)} not carried"
        )


@dataclass
class YearComparison:
    old: Agreement
    new: Agreement
    themes: list[ThemeComparison]
    sections: list[SectionChange]

    @property
    def totals(self):
        return {
            "carried": sum(len(t.carried) for t in self.themes),
            "new": sum(len(t.new) for t in self.themes),
            "closed": sum(len(t.closed) for t in self.themes),
        }


def _actions_of(agreement, visible):
    return list(
        visible(Action.objects.filter(agreement=agreement))
        .select_related("theme__parent", "carries_forward")
        .prefetch_related("leads__organisation", "leads__body")
        .order_by("position", "reference")
    )


def leads_text(action) -> str:
    leads = list(action.leads.all())
    if leads:
        # Short names, as the partners write them: "WCC PH / PSG".
        return " / ".join(lead.party.short_name for lead in leads)
    return action.leads_as_written


def compare_years(old: Agreement, new: Agreement, *, visible=lambda qs: qs) -> YearComparison:
    """Compare `new` with `old`, its predecessor. `visible` filters actions the user may see.

    Runs a fixed number of queries: each year's actions with themes and leads, the roll-over
    decisions, and the two years' sections.
    """
    old_actions = _actions_of(old, visible)
    new_actions = _actions_of(new, visible)
    decisions = {
        d.action_id: d
        for d in RolloverDecision.objects.filter(agreement=new, action__agreement=old)
    }
    groups: dict[object, ThemeComparison] = {}
    order: dict[object, tuple] = {}

    def group(theme):
        key = theme.pk if theme else None
        if key not in groups:
            groups[key] = ThemeComparison(theme=theme)
            parent_pos = theme.parent.position if theme and theme.parent_id else None
            order[key] = (
                (parent_pos if parent_pos is not None else theme.position, theme.position)
                if theme
                else (10**9, 0)
            )
        return groups[key]

    def note_name(names, action):
        name = action.theme_as_written or (str(action.theme) if action.theme else "")
        if name and name not in names:
            names.append(name)

    old_by_pk = {a.pk: a for a in old_actions}
    carried_old = set()
    for action in new_actions:
        g = group(action.theme)
        note_name(g.names_new, action)
        previous = old_by_pk.get(action.carries_forward_id)
        if previous is None:
            action.lead_names = leads_text(action)
            g.new.append(action)
            continue
        carried_old.add(previous.pk)
        g.carried.append(
            CarriedAction(
                old=previous,
                new=action,
                description=word_diff(previous.description, action.description),
                timescale=word_diff(previous.timescale, action.timescale),
                leads=word_diff(leads_text(previous), leads_text(action)),
            )
        )
    for action in old_actions:
        g = group(action.theme)
        note_name(g.names_old, action)
        if action.pk not in carried_old:
            g.closed.append(ClosedAction(old=action, decision=decisions.get(action.pk)))
    themes = [groups[k] for k in sorted(groups, key=lambda k: order[k])]
    sections = compare_sections(
        old.sections.select_related("theme").order_by("position"),
        new.sections.select_related("theme").order_by("position"),
    )
    return YearComparison(old=old, new=new, themes=themes, sections=sections)


# ---------------------------------------------------------------------------------------------
# One agreement, two moments (from the history)
# ---------------------------------------------------------------------------------------------


@dataclass
class ActionStateChange:
    kind: str  # "added", "removed", "changed"
    before: object  # history.ActionThen or None
    after: object
    description: list[Segment] = field(default_factory=list)
    timescale: list[Segment] = field(default_factory=list)
    leads: list[Segment] = field(default_factory=list)
    status_changed: bool = False


def compare_states(before, after) -> dict:
    """What differs between two `history.AgreementThen` snapshots of one agreement."""
    old = {a.pk: a for a in before.actions}
    new = {a.pk: a for a in after.actions}
    changes = []
    for pk, then in new.items():
        was = old.get(pk)
        if was is None:
            changes.append(ActionStateChange("added", None, then))
            continue
        item = ActionStateChange(
            "changed",
            was,
            then,
            description=word_diff(was.record.description, then.record.description),
            timescale=word_diff(was.record.timescale, then.record.timescale),
            leads=word_diff(was.leads_text, then.leads_text),
            status_changed=was.record.status != then.record.status,
        )
        if (
            is_changed(item.description)
            or is_changed(item.timescale)
            or is_changed(item.leads)
            or item.status_changed
        ):
            changes.append(item)
    for pk, was in old.items():
        if pk not in new:
            changes.append(ActionStateChange("removed", was, None))
    sections = [
        s
        for s in compare_sections(before.sections, after.sections)
        if s.kind != "unchanged" and not (s.kind == "not_carried" and after.agreement is None)
    ]
    return {"actions": changes, "sections": sections}
