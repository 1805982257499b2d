"""Language detection for en, da, nl, de, es and fr: stopwords and telltale letters.

Pure Python and fast (one dict lookup per token): a post's tokens vote for the languages
whose frequent function words they are; letters only one language uses (``ø``, ``ß``,
``ñ``, ``ç``) add votes. Too little evidence gives ``"und"``.
"""

from __future__ import annotations

from collections.abc import Sequence

UNDETERMINED = "und"
_STOPWORDS = {
    "en": "the and is it to of you my i for this that in on with was are be have just not but "
    "so your its it's me what don can like all get one out if they them do at bc ur u really "
    "from about will when we our after or no been has had only how why would every",
    "da": "og er det jeg en at til af på med ikke har for den som min mit de der kan så men "
    "vi du mig var også hvad bare eller efter hele helt nu jeres jer hvis aldrig allerede "
    "godt mere meget sig deres dig fra endnu være blevet os altså lige skal",
    "nl": "de het een en is van ik je dat niet op met voor zijn maar mijn ook te er die dit "
    "wat al nog heb heeft hebt echt gewoon naar bij om geen wel zo deze jullie dan meer "
    "hem kan moet weer want wordt was zonde eigenlijk nu",
    "de": "der die das und ist ich nicht ein eine es mit auf für sich den dem zu von euch "
    "ihr mein meine auch aber sind wenn noch nur schon wie bei war hat dann kein keine "
    "nach mal doch wirklich einfach gibt ganz heute sie wir",
    "es": "el la los las de que y en un una es por con para no lo mi se su más pero me "
    "al como del muy ya sí este esta esto hay son tiene os nada todo yo tu también porque "
    "cuando sin sobre hace lo",
    "fr": "le la les de des et est un une je pas que en du pour il elle ce qui dans sur "
    "mon ma mes avec ne vous plus au tout fait c'est très mais aux cette nous on ça "
    "sont comme leur même bien avant",
}
_LETTERS = {
    "æ": "da",
    "ø": "da",
    "å": "da",
    "ß": "de",
    "ä": "de",
    "ö": "de",
    "ü": "de",
    "ñ": "es",
    "¿": "es",
    "¡": "es",
    "á": "es",
    "í": "es",
    "ó": "es",
    "ú": "es",
    "ç": "fr",
    "è": "fr",
    "ê": "fr",
    "à": "fr",
    "â": "fr",
    "ù": "fr",
    "œ": "fr",
    "î": "fr",
    "ï": "fr",
    "ë": "nl",
    "ĳ": "nl",
}
LANG_ORDER = ("en", "da", "nl", "de", "es", "fr")


def _build_votes() -> dict[str, tuple[str, ...]]:
    votes: dict[str, list[str]] = {}
    for lang, words in _STOPWORDS.items():
        for word in words.split():
            for part in word.replace("'", " ").split():
                votes.setdefault(part, []).append(lang)
    return {w: tuple(langs) for w, langs in votes.items()}


_VOTES = _build_votes()


def normalize_lang(value: object) -> str | None:
    """Primary subtag of a BCP-47 hint (``"en-US"`` -> ``"en"``); ``None`` when unusable."""
    if not isinstance(value, str) or not value.strip():
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def detect_lang(tokens: Sequence[str], text: str = "") -> str:
    """Most likely language of a post from its tokens (and letters of ``text``).

    Example:
        >>> detect_lang("køb ikke den her kop , den er alt for dyr".split())
        'da'
    """
    scores = dict.fromkeys(LANG_ORDER, 0.0)
    votes = _VOTES
    for tok in tokens:
        langs = votes.get(tok)
        if langs:
            share = 1.0 / len(langs)
            for lang in langs:
                scores[lang] += share
    for letter, lang in _LETTERS.items():
        if letter in text:
            scores[lang] += 1.5
    if "ij" in text and scores["nl"]:
        scores["nl"] += 1.0
    best = max(LANG_ORDER, key=scores.__getitem__)
    if scores[best] < 1.0:
        return _script_fallback(text)
    return best


def _script_fallback(text: str) -> str:
    """Too few function words: Latin-script text defaults to English, other scripts to und."""
    latin = sum(1 for ch in text[:200] if "a" <= ch.lower() <= "z")
    return "en" if latin >= 3 else UNDETERMINED
