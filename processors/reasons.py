"""Why a de-influencing post discourages buying: price, quality, hype, sustainability,
ethics, health, redundancy.

Reasons come from the cues themselves (``save your money`` -> price, ``broke me out`` ->
health) and from topic words (prices, ``landfill``, ``workers``), even inside a
question ("$4.000 kr??"). Posts that are not de-influencing have none.
"""

from __future__ import annotations

from collections.abc import Iterable

from deinfluence.processors.lexicon import Cue

REASONS = ("price", "quality", "hype", "sustainability", "ethics", "health", "redundancy")
_ORDER = {r: i for i, r in enumerate(REASONS)}


def reasons_for(stance: str, cues: Iterable[Cue], learned: Iterable[str] = ()) -> list[str]:
    """Reasons named by ``cues``, and the ``learned`` ones (the learned fallback's reason
    head, :mod:`processors.learned`), in :data:`REASONS` order; empty unless de-influencing.

    Example:
        >>> reasons_for("deinfluencing", [Cue("stop", -1, 2.0, 1, ("price",), "save your money")])
        ['price']
    """
    if stance != "deinfluencing":
        return []
    found: set[str] = set(learned)
    for cue in cues:
        if cue.reasons and (cue.polarity <= 0 or cue.kind == "alt"):
            found.update(cue.reasons)
    return sorted((r for r in found if r in _ORDER), key=_ORDER.__getitem__)
