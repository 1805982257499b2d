"""Post text templates per language and intent, for the synthetic generator.

Every template carries the cue phrases of ``data/LABELING.md`` for its intent, so a
reasonable rule classifier labels it as intended, and avoids words that are also
ambiguous brand aliases ("normal", "action", "apple", "on", ...). ``{b}`` is the brand,
``{alt}`` the alternative of a redirect. Each entry is ``(text, reasons)``.
"""

from __future__ import annotations

Template = tuple[str, tuple[str, ...]]

LANGS = ("en", "da", "nl", "de", "es", "fr")
LANG_WEIGHTS = (0.45, 0.08, 0.10, 0.15, 0.12, 0.10)

DEINFLUENCING: dict[str, tuple[Template, ...]] = {
    "en": (
        ("Don't buy the {b}, it is not worth the hype. Save your money.", ("hype", "price")),
        ("Honestly, save your money and skip the {b}. Mine broke after two weeks.", ("quality",)),
        ("I returned it. The {b} is not worth the price, the material feels cheap.", ("quality", "price")),
        ("Deinfluencing the {b}: you really don't need it, save your money and use what you have.",
         ("redundancy",)),
        ("Not worth the hype: the {b} leaked in my bag twice. Don't buy it.", ("quality", "hype")),
        ("Skip the {b}. Everyone bought one because of a trend, not because it is good.", ("hype",)),
    ),
    "da": (
        ("Køb ikke {b}. Spar pengene, den er ikke hypen værd.", ("hype", "price")),
        ("Jeg har returneret min {b}. Køb ikke den, kvaliteten er dårlig.", ("quality",)),
        ("Spar pengene og køb ikke {b}, brug det du har.", ("redundancy",)),
    ),
    "nl": (
        ("Koop dit niet: de {b} is zonde van je geld.", ("price",)),
        ("Ik heb mijn {b} teruggestuurd. Koop dit niet, het is de hype niet waard.", ("quality", "hype")),
        ("Koop dit niet, die {b} heb je echt niet nodig. Zonde van je geld.", ("redundancy", "price")),
    ),
    "de": (
        ("Kauft das nicht: {b} ist den Hype nicht wert. Spart euch das Geld.", ("hype", "price")),
        ("Ich habe mein {b} zurückgeschickt. Kauft das nicht, die Qualität ist mies.", ("quality",)),
        ("Spart euch das Geld und kauft das nicht, {b} braucht wirklich niemand.", ("redundancy",)),
    ),
    "es": (
        ("No lo compres: {b} no vale lo que cuesta. Ahorra tu dinero.", ("price",)),
        ("Devolví mi {b}. No lo compres, la calidad es malísima.", ("quality",)),
        ("Ahorra tu dinero y no lo compres, {b} es puro hype.", ("hype",)),
    ),
    "fr": (
        ("Ne l'achetez pas : {b} ne vaut pas son prix. Gardez votre argent.", ("price",)),
        ("J'ai renvoyé mon {b}. Ne l'achetez pas, la qualité est nulle.", ("quality",)),
        ("Gardez votre argent, ne l'achetez pas : {b}, c'est juste une mode.", ("hype",)),
    ),
}

REDIRECT: dict[str, tuple[Template, ...]] = {
    "en": (
        ("Skip the {b}, the {alt} does the same for half the price.", ("price",)),
        ("Don't buy the {b}, get the {alt} instead. Same thing, way cheaper.", ("price",)),
    ),
    "da": (("Køb ikke {b}, køb {alt} i stedet, den er halvt så dyr.", ("price",)),),
    "nl": (("Koop dit niet: laat de {b} liggen en neem de {alt}, even goed voor de helft.", ("price",)),),
    "de": (("Kauft das nicht! Statt {b} lieber {alt}, kostet die Hälfte.", ("price",)),),
    "es": (("No lo compres: olvida {b} y compra {alt}, cuesta la mitad.", ("price",)),),
    "fr": (("Ne l'achetez pas : oubliez {b}, prenez {alt}, moitié prix.", ("price",)),),
}

PROMOTING: dict[str, tuple[Template, ...]] = {
    "en": (
        ("Obsessed with my new {b}, it's a must-have! Link in bio.", ()),
        ("Run don't walk: the {b} is worth every penny.", ()),
        ("My {b} haul is here and I love everything. Link in bio.", ()),
    ),
    "da": (("Jeg er helt vild med min {b}, et must-have! Link in bio.", ()),),
    "nl": (("Ik ben zo verliefd op mijn {b}, echt een must-have! Link in bio.", ()),),
    "de": (("Ich bin total verliebt in {b}, ein echtes Must-have! Link in bio.", ()),),
    "es": (("Estoy obsesionada con mi {b}, un must-have total. Link in bio.", ()),),
    "fr": (("Je suis obsédée par mon {b}, un vrai must-have ! Link in bio.", ()),),
}

SPONSORED: dict[str, tuple[Template, ...]] = {
    "en": (
        ("#ad Obsessed with the new {b} collection, use my code GLOW15 for 15% off. Link in bio", ()),
        ("Paid partnership with {b}: my must-have for winter. #sponsored", ()),
    ),
    "da": (("#reklame Jeg er vild med {b}, brug min kode HYGGE10. Link in bio", ()),),
    "nl": (("#adv #samenwerking Mijn must-have van {b}, met code LEUK10 krijg je korting. Link in bio", ()),),
    "de": (("#werbung Bezahlte Partnerschaft mit {b}: mein Must-have für den Winter. Link in bio", ()),),
    "es": (("#publicidad Colaboración pagada con {b}: mi must-have del mes. Link in bio", ()),),
    "fr": (("#publicité Collaboration commerciale avec {b} : mon must-have. Link in bio", ()),),
}

NEUTRAL_BRAND: dict[str, tuple[Template, ...]] = {
    "en": (
        ("Is the {b} worth it? Thinking about getting one.", ()),
        ("{b} just announced a new colour range for spring.", ()),
        ("Anyone tried the {b}? Curious what you all think.", ()),
    ),
    "da": (("Har nogen prøvet {b}? Er den pengene værd?", ()),),
    "nl": (("Heeft iemand de {b} al geprobeerd? Benieuwd naar jullie ervaring.", ()),),
    "de": (("Hat jemand {b} schon getestet? Lohnt sich das?", ()),),
    "es": (("¿Alguien ha probado {b}? ¿Merece la pena?", ()),),
    "fr": (("Quelqu'un a testé {b} ? Ça vaut le coup ?", ()),),
}

COMMENTARY: dict[str, tuple[Template, ...]] = {
    "en": (
        ("What is de-influencing and why is everyone talking about it?", ()),
        ("Brands should listen to de-influencing creators, it says a lot about trust.", ()),
        ("New article: how the de-influencing trend is changing beauty marketing.", ()),
    ),
    "da": (("Hvad er de-influencing egentlig? Et interessant fænomen på TikTok.", ()),),
    "nl": (("Wat is deinfluencing eigenlijk? Merken moeten hier iets mee.", ()),),
    "de": (("Was ist De-Influencing? Ein spannender Trend für Marken.", ()),),
    "es": (("¿Qué es el desinfluencing? Las marcas deberían prestar atención.", ()),),
    "fr": (("C'est quoi le de-influencing ? Les marques devraient écouter.", ()),),
}

ANTI_HAUL: dict[str, tuple[Template, ...]] = {
    "en": (
        ("Anti-haul: I returned it all. Don't buy things just because they trend, use what you have.",
         ("hype", "redundancy")),
        ("Save your money this month: skip the new releases, you already own enough.", ("redundancy",)),
    ),
    "da": (("Anti-haul: spar pengene, køb ikke mere, brug det du har.", ("redundancy",)),),
    "nl": (("Anti-haul: koop dit niet allemaal, zonde van je geld. Gebruik wat je hebt.", ("redundancy",)),),
    "de": (("Anti-Haul: kauft das nicht alles, spart euch das Geld.", ("redundancy",)),),
    "es": (("Anti-haul: no lo compres todo, ahorra tu dinero y usa lo que tienes.", ("redundancy",)),),
    "fr": (("Anti-haul : ne l'achetez pas, gardez votre argent, utilisez ce que vous avez.", ("redundancy",)),),
}

# Hashtags by intent (the generator appends a few to the text).
HASHTAGS = {
    "deinfluencing": ("deinfluencing", "dontbuy", "underconsumption", "savemoney", "deinfluence"),
    "promoting": ("tiktokmademebuyit", "musthave", "haul", "newin", "favorites"),
    "neutral": ("review", "question", "beautynews", "marketing", "deinfluencingtrend"),
}
LANG_TAGS = {"en": "fyp", "da": "dktok", "nl": "nltok", "de": "detok", "es": "estok", "fr": "frtok"}
