"""The access log as the owner's side reads it: a story by day and by person, in plain words.

"I dag: Kari Nilsen, koordinator i Hjemmetjenesten, så målene og tiltakene dine og lastet ned
hele planen din som PDF." One line per person per day, built from the real entries (action
and sections); the words fit the reader: the owner reads "dine", a parent or guardian reading
a child's log reads "målene" (issue 16, section 7).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from consent.models import AccessLogEntry
from consent.selectors import LogRow
from plans.sections import OVERVIEW, Section

Action = AccessLogEntry.Action
ActorRole = AccessLogEntry.ActorRole
WHOLE = "whole"  # every section: "hele planen"
SINGULAR = frozenset({OVERVIEW, WHOLE, Section.ABOUT_ME, Section.PARTICIPANTS})
PLAN_ORDER = [OVERVIEW, *Section.values]
STEP_HTML = '<li><time class="log-when" datetime="%s">%s</time> %s</li>'
DAY_LINES_SHOWN = 5  # people shown for a day before "Vis flere" (the rest fold away)

# The parts of the plan as objects of a sentence, in the definite form ("målene dine",
# "your goals"); English puts the possessive or article before them.
NOUNS = {
    OVERVIEW: pgettext_lazy("access log", "planen"),
    WHOLE: pgettext_lazy("access log", "hele planen"),
    Section.ABOUT_ME: pgettext_lazy("access log", "«Om meg»-delen"),
    Section.GOALS: pgettext_lazy("access log", "målene"),
    Section.MEASURES: pgettext_lazy("access log", "tiltakene"),
    Section.NOTES: pgettext_lazy("access log", "utviklingsnotatene"),
    Section.MEETINGS: pgettext_lazy("access log", "møtene"),
    Section.MESSAGES: pgettext_lazy("access log", "meldingene"),
    Section.DOCUMENTS: pgettext_lazy("access log", "dokumentene"),
    Section.PARTICIPANTS: pgettext_lazy("access log", "deltakerlisten"),
}

# What was done, with "%(things)s" for the parts it was done to.
VERBS = {
    Action.READ: pgettext_lazy("access log", "så %(things)s"),
    Action.LIST: pgettext_lazy("access log", "så %(things)s i en oversikt"),
    Action.CREATE: pgettext_lazy("access log", "la til noe i %(things)s"),
    Action.UPDATE: pgettext_lazy("access log", "endret noe i %(things)s"),
    Action.DELETE: pgettext_lazy("access log", "fjernet noe fra %(things)s"),
    Action.EXPORT: pgettext_lazy("access log", "lastet ned %(things)s som PDF"),
    Action.DOWNLOAD: pgettext_lazy("access log", "lastet ned en fil fra %(things)s"),
    Action.ARCHIVE: pgettext_lazy("access log", "arkiverte %(things)s"),
}
PLAN_ONLY = frozenset({Action.LIST, Action.ARCHIVE})  # actions on the plan as a whole
CHANGES = frozenset({Action.CREATE, Action.UPDATE, Action.DELETE})
CHANGED = "changed"

# A parent or guardian is named by what they are here, not the long model label.
ROLE_WORDS = {
    ActorRole.REPRESENTATIVE: pgettext_lazy("access log", "foresatt eller verge"),
}


@dataclass(frozen=True)
class Reader:
    """Who reads the log: the owner ("dine") or someone acting for them ("målene")."""

    user_id: int
    is_owner: bool


def join_and(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s og %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def things(sections, reader: Reader) -> str:
    """The parts seen, in the plan's order, as one object: "målene og tiltakene dine"."""
    named = [s for s in PLAN_ORDER if s in sections and s != OVERVIEW]
    if set(Section.values) <= set(named):
        named = [WHOLE]
    named = named or [OVERVIEW]
    text = join_and([str(NOUNS[s]) for s in named])
    if not reader.is_owner:
        return pgettext("access log, for the owner's representative", "%(things)s") % {
            "things": text
        }
    if named[-1] in SINGULAR:
        return pgettext("access log, for the owner", "%(things)s din") % {"things": text}
    return pgettext("access log, for the owner", "%(things)s dine") % {"things": text}


def what_was_done(entries, reader: Reader) -> str:
    """One clause per kind of action, in the order they first happened, each naming every
    part it touched: "så målene dine, endret noe i tiltakene dine og lastet ned ..."."""
    done: dict[str, set[str]] = {}
    writes: set[str] = set()  # the kinds of change, told as one clause
    for entry in sorted(entries, key=lambda e: (e.at, e.pk or 0)):
        action = entry.action
        if action in CHANGES:
            writes.add(action)
            action = CHANGED
        done.setdefault(action, set()).update(entry.section_values)
    if CHANGED in done:
        # Only adding, or only removing, says so; a mix of changes is "endret".
        change = next(iter(writes)) if len(writes) == 1 else Action.UPDATE
        done = {change if a == CHANGED else a: sections for a, sections in done.items()}
    if Action.READ in done:
        done.pop(Action.LIST, None)  # "så planen i en oversikt" adds nothing to a page seen
    clauses = []
    for action, sections in done.items():
        verb = VERBS.get(action, VERBS[Action.READ])
        shown = {OVERVIEW} if action in PLAN_ONLY else sections
        clauses.append(str(verb) % {"things": things(shown, reader)})
    return join_and(clauses)


@lru_cache(maxsize=512)
def _one_entry(action: str, sections: tuple[str, ...], is_owner: bool, language: str) -> str:
    """What one entry says: the same few combinations recur hundreds of times on a page (a
    coordinator who opened the plan 100 times today), so each is worded once per language."""
    entry = AccessLogEntry(action=action, sections=list(sections), section=sections[0])
    return what_was_done([entry], Reader(user_id=0, is_owner=is_owner))


@lru_cache(maxsize=512)
def _one_entry_html(action: str, sections: tuple[str, ...], is_owner: bool, language: str) -> str:
    """_one_entry, escaped for HTML: worded and escaped once per combination and language."""
    return escape(_one_entry(action, sections, is_owner, language))


def _clock(at: datetime.datetime) -> str:
    return "%02d:%02d" % (at.hour, at.minute)  # noqa: UP031 - the cheapest form, per entry


@dataclass(frozen=True)
class Step:
    """One entry of a person's day, as "Vis hver enkelt" unfolds it."""

    at: datetime.datetime  # local time
    text: str

    @property
    def iso(self) -> str:
        return self.at.isoformat()

    @property
    def clock(self) -> str:
        return _clock(self.at)


@dataclass
class PersonDay:
    """What one person did with the plan in one day, in one role and organisation."""

    entries: list[LogRow]  # newest first
    reader: Reader

    @property
    def first(self) -> AccessLogEntry:
        return self.entries[-1]

    @property
    def start(self) -> datetime.datetime:
        return self.first.at

    @property
    def end(self) -> datetime.datetime:
        return self.entries[0].at

    @property
    def shows_end(self) -> bool:
        tz = timezone.get_current_timezone()
        return _clock(self.start.astimezone(tz)) != _clock(self.end.astimezone(tz))

    @property
    def actor(self):
        return self.first.actor

    @property
    def is_reader(self) -> bool:
        return self.first.actor_id == self.reader.user_id

    @property
    def named(self) -> bool:
        """Whether "who" carries a role ("Kari Nilsen, koordinator, så") or not ("Du så")."""
        return self.actor is not None and not self.is_reader

    @property
    def who(self) -> str:
        if self.is_reader:
            return _("Du")
        if self.actor is None:
            return "ipplan"
        entry = self.first
        role = ROLE_WORDS.get(entry.actor_role) or entry.get_actor_role_display()
        values = {"name": self.actor.display_name, "role": role}
        if entry.organisation_name:
            values["organisation"] = entry.organisation_name
            return _("%(name)s, %(role)s i %(organisation)s") % values
        return _("%(name)s, %(role)s") % values

    @property
    def did(self) -> str:
        return what_was_done(self.entries, self.reader)

    @property
    def steps_html(self) -> str:
        """The steps as the list items "Vis hver enkelt" unfolds, made here in one go: three
        template variables per step, or format_html per step, were most of the page's template
        work on a busy day. The text is escaped (html.escape, once per wording); the times are
        a datetime's digits and separators, written out here, never anyone's input."""
        language = translation.get_language()
        is_owner = self.reader.is_owner
        tz = timezone.get_current_timezone()
        parts = []
        for e in reversed(self.entries):
            at = e.at.astimezone(tz)
            text = _one_entry_html(e.action, tuple(e.section_values), is_owner, language)
            parts.append(STEP_HTML % (at.isoformat(), _clock(at), text))
        return mark_safe("".join(parts))  # noqa: S308 - the text escaped, the times digits

    @property
    def steps(self) -> list[Step]:
        """Each entry on its own, oldest first: what "Vis hver enkelt" unfolds."""
        language = translation.get_language()
        is_owner = self.reader.is_owner
        tz = timezone.get_current_timezone()
        return [
            Step(
                at=e.at.astimezone(tz),
                text=_one_entry(e.action, tuple(e.section_values), is_owner, language),
            )
            for e in reversed(self.entries)
        ]


@dataclass
class Day:
    date: datetime.date
    lines: list[PersonDay] = field(default_factory=list)

    @property
    def label(self) -> str:
        today = timezone.localdate()
        if self.date == today:
            return _("I dag")
        if self.date == today - datetime.timedelta(days=1):
            return _("I går")
        return ""

    @property
    def shown(self) -> list[PersonDay]:
        return self.lines[:DAY_LINES_SHOWN]

    @property
    def folded(self) -> list[PersonDay]:
        return self.lines[DAY_LINES_SHOWN:]


def days_from(entries: list[LogRow], reader: Reader) -> list[Day]:
    """Group entries (newest first) by local day, then by person; a day's people in the order
    of their latest entry."""
    days: list[Day] = []
    lines: dict[tuple, PersonDay] = {}
    tz = timezone.get_current_timezone()
    for entry in entries:
        date = entry.at.astimezone(tz).date()
        if not days or days[-1].date != date:
            days.append(Day(date=date))
            lines = {}
        key = (entry.actor_id, entry.actor_role, entry.organisation_name)
        if key not in lines:
            lines[key] = PersonDay(entries=[], reader=reader)
            days[-1].lines.append(lines[key])
        lines[key].entries.append(entry)
    return days


def story_page(rows: list[LogRow], has_more: bool, reader: Reader):
    """The days of a page of entries (access_log_page), whether older ones follow, and the
    last entry shown (where the next page starts). A day cut by the page's end is left whole to
    the next page, unless it is the only day (a day longer than a page then goes on there)."""
    days = days_from(rows, reader)
    if has_more and len(days) > 1:
        days.pop()
    shown = [entry for day in days for line in day.lines for entry in line.entries]
    last = min(shown, key=lambda e: (e.at, e.pk)) if shown else None
    return days, has_more, last
