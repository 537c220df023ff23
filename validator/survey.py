"""What the rules that read every value of a document look for, found in one walk of it.

Two rules read a document down to its last value: ``translation-complete`` looks for texts
without English, ``status-backed`` for statuses and the sources behind them. A national group's
handbook has millions of values, and walking them once instead of twice saves most of the time
both rules take. The walk only gathers; what counts as a finding is each rule's to say.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from validator.findings import Trail


class Claim(NamedTuple):
    """A mapping with a ``status:`` and the sources that back it."""

    trail: Trail
    """Where the mapping is in its document."""
    status: Any
    subject: str | None
    """The mapping's ``id``, if it has one."""
    sources: list[str]
    """Its own ``sources:``, or else those of the nearest mapping around it that has some."""


class Survey(NamedTuple):
    """What one walk of a document found, each list in the order of the document."""

    untranslated: list[Trail]
    """The ``{zh, en}`` texts whose English is missing or blank."""
    claims: list[Claim]
    """Every status claim, except a citation's (it rests on the regulation it cites)."""


TEXT_KEYS = frozenset({"zh", "en"})
"""A mapping holding ``zh`` and nothing but ``zh`` and ``en`` is a text in two languages."""


def survey(data: Any) -> Survey:
    """Walk ``data`` (a document's) once and gather what :class:`Survey` holds."""
    untranslated: list[Trail] = []
    claims: list[Claim] = []
    # An explicit stack (a deep document must not reach the recursion limit), children pushed
    # last to first so that they come off in the document's order; a place is a chain of
    # (parent, key) and is only joined into a pointer for the few that are reported.
    # ``statuses`` is False below a ``sources:`` list (a source registry's entries are not
    # claims) and everywhere in a document that is not a mapping; ``texts`` is False below a
    # text (a mapping keyed ``zh`` that happens to hold a status is looked into for it alone).
    pending: list[tuple[Any, Trail, list[str], bool, bool]] = [
        (data, None, [], isinstance(data, dict), True)
    ]
    while pending:
        value, trail, inherited, statuses, texts = pending.pop()
        if isinstance(value, list):
            for index in range(len(value) - 1, -1, -1):
                item = value[index]
                if isinstance(item, dict | list):
                    pending.append((item, (trail, index), inherited, statuses, texts))
            continue
        if not isinstance(value, dict):
            continue  # only a document's top can be neither
        if texts and "zh" in value and value.keys() <= TEXT_KEYS:
            if not str(value.get("en") or "").strip():
                untranslated.append(trail)
            texts = False
            if not statuses:
                continue
        sources = inherited
        if statuses:
            own = value.get("sources")
            if isinstance(own, list):
                sources = [str(source) for source in own]
            if "status" in value and not ("regulation" in value and "sources" not in value):
                subject = str(value.get("id") or "") or None
                claims.append(Claim(trail, value["status"], subject, sources))
        for key, item in reversed(value.items()):
            if isinstance(item, dict | list):
                below = statuses and key != "sources"
                if below or texts:
                    pending.append((item, (trail, key), sources, below, texts))
    return Survey(untranslated, claims)
