"""Did-you-mean: the one candidate a mistyped id most plausibly meant, or nothing.

Only near misses are suggested (an edit distance of at most one in five characters, at least
one): `site-director` is not offered `hr-training-director`, nor `m-safe-01` `m-sec-01`. The
candidates are indexed by first character and length once, and the distances are computed in C
with a cut-off, so thousands of unresolved ids against tens of thousands of candidates take well
under a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache


def allowed_distance(word: str) -> int:
    """How many edits still count as a typo of ``word``."""
    return max(1, len(word) // 5)


class Suggester:
    """Closest-match look-ups against one fixed set of candidates."""

    def __init__(self, candidates: Iterable[str]) -> None:
        # Indexed by first character and length: a typo rarely touches the first character,
        # and a near miss differs in length by at most the edits allowed.
        self._buckets: dict[tuple[str, int], list[str]] = {}
        for candidate in dict.fromkeys(candidates):
            self._buckets.setdefault((candidate[:1], len(candidate)), []).append(candidate)
        self.closest = lru_cache(maxsize=None)(self._closest)

    def _closest(self, word: str) -> str | None:
        # Imported when first asked: a check without a near miss never needs it.
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        limit = allowed_distance(word)
        best: tuple[int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            bucket = self._buckets.get((word[:1], length))
            if not bucket:
                continue
            found = process.extractOne(
                word, bucket, scorer=Levenshtein.distance, score_cutoff=limit
            )
            if found is not None and found[1] > 0 and (best is None or found[1] < best[0]):
                best = (int(found[1]), str(found[0]))
        return best[1] if best is not None else None


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` most plausibly meant, if one is a near miss."""
    return Suggester(candidates).closest(word)
