# ruff: noqa: E501  (lexicon data: one line per group of phrases)
"""Danish, Dutch and German cues (same phrase syntax as :mod:`processors.lexicon_en`)."""

from __future__ import annotations

NEGATORS_GERMANIC = {
    "da": frozenset(["ikke", "aldrig", "ingen", "intet", "ej"]),
    "nl": frozenset(["niet", "geen", "nooit", "niks"]),
    "de": frozenset(["nicht", "kein", "keine", "keinen", "keinem", "nie", "niemals", "nichts"]),
}

DA = {
    "stop": """
        køb ikke | køb den ikke | køb det ikke | køb dem ikke | køb aldrig | lad være med at købe
        lad vær med at købe | lad være | drop | drop den | stop med at købe | hold op med at købe
        jeg køber ikke | køber ikke mere | jeg springer * over | springer * over | spring * over
        spar pengene @price | spar jeres penge @price | spar dine penge @price | spar jer @price
        spar jer selv for | spar dig selv for | du behøver ikke @redundancy | i behøver ikke @redundancy
        i behøver heller ikke @redundancy | du har ikke brug for @redundancy | i har ikke brug for @redundancy
        brug det du har @redundancy | brug det i har @redundancy | brug hvad du har @redundancy
        køb mindre @sustainability | køb brugt @sustainability | #købmindre @sustainability
        vent på udsalg @price | vent til udsalget @price | kan ikke anbefale | kan ikke anbefales
        vil ikke anbefale | ikke pengene værd @price | ikke værd @price | nej tak | aldrig igen
        jeg siger ikke @price | deinfluencer mig selv
    """,
    "rhet": """
        har i virkelig brug for @redundancy | har du virkelig brug for @redundancy
        behøver i virkelig @redundancy
    """,
    "bad": """
        overhypet @hype | overhyped @hype | overvurderet @hype | bare en trend @hype | kun en trend @hype
        for dyr @price | alt for dyr @price | alt for dyrt @price | spild af penge @price | pengespild @price
        skuffelse @quality | skuffet | skuffende | fortryder @price | ren markedsføring @hype
    """,
    "flaw": """
        gik i stykker @quality | gået i stykker @quality | i stykker @quality | fnuller @quality
        kvaliteten er gået @quality | dårlig kvalitet @quality | ned ad bakke @quality | drypper @quality
        tung @quality | holder to vaske @quality | virkede ikke @quality | gjorde intet @quality
        irriterer @health | irriteret @health | kløe @health | udslæt @health | børnehud @health
        bumser @health | allergisk @health
    """,
    "sarcasm": """
        ja ja | køb da bare | helt normal adfærd | helt normalt
        endnu en @redundancy
    """,
    "topic": """
        kr @price | kroner @price | pris @price | prisen @price | dyr @price
        miljøet @sustainability | lossepladsen @sustainability | overforbrug @sustainability
        arbejderne @ethics | arbejdsforhold @ethics | dyreforsøg @ethics
        allerede @redundancy | derhjemme @redundancy | min gamle @redundancy | virker fint @redundancy
        præcis det samme @redundancy | hvert år @redundancy
    """,
    "go": """
        køb den | køb dem | køb det | løb og køb | skynd jer | skynd dig | anbefaler | jeg anbefaler
        kan varmt anbefale | varmt anbefale | anbefales | min ærlige anbefaling | prøv den | prøv det
        skal i bare have | skal du bare have | link i bio | linket i bio | alt er linket | brug min kode
        køb hellere | % rabat | mere behøver du ikke
    """,
    "good": """
        pengene værd | helt vild med | vild med | forelsket | elsker | fortryder intet | fortryder ingenting
        årets bedste køb | bedste køb | bedste investering | bedste | redder | så gode | perfekt | favorit
        yndlings | genialt | fantastisk | fantastiske | aldrig haft det bedre | elsker den
    """,
    "alt": """
        præcis samme | samme flaske | det samme | i stedet | i stedet for
        halvdelen af prisen | brøkdel af prisen | billigere @price
    """,
    "meta": """
        deinfluencing er | er deinfluencing | virker deinfluencing | deinfluencing trenden | trenden
        denne trend | markedsføring | marketing | ny måde at sælge | for os der arbejder med
    """,
    "news": """
        oplyser | ifølge | åbner | lancerer | meddeler | melder
    """,
    "mixed": """
        begge fine | begge gode | det kommer an på | kommer an på | sammenligning | vs
    """,
    "reversal": """
        ville egentlig deinfluence | ville egentlig | jeg tager det tilbage
    """,
    "spons": """
        reklame for | reklame: | annonce: | i samarbejde med | sponsoreret | betalt samarbejde
    """,
    "nospons": """
        ikke sponsoreret | ikke reklame
    """,
    "code": """
        kode | rabatkode | koden
    """,
}

NL = {
    "stop": """
        koop dit niet | koop het niet | koop 'm niet | koop hem niet | koop ze niet | koop geen
        niet kopen | niet doen | koop dat niet | laat [die/dat/het/'m/ze] * liggen
        laat [die/dat/het/'m/ze] * * liggen | laat [die/dat/het/'m/ze] * * * liggen | laat * liggen
        laat * staan | laat dat * * lekker staan | laat dat * * * lekker staan | lekker staan
        zonde van je geld @price | zonde van het geld @price | zonde van jullie geld @price
        bespaar je @price | bespaar jezelf | het geld niet waard @price | niet waard @price
        stop met kopen | stop met | je hebt geen * nodig @redundancy | je hebt echt geen @redundancy
        heb je niet nodig @redundancy | niet nodig @redundancy | gebruik wat je hebt @redundancy
        gebruik wat je al hebt @redundancy | minder kopen @sustainability | #minderkopen @sustainability
        wacht op de sale @price | wacht op de uitverkoop @price | wacht op korting @price
        niet aan te raden | raad het af | ik raad * af | nooit meer
        ik zeg niet @price
    """,
    "rhet": """
        heb je echt nodig @redundancy | heb je dat echt nodig @redundancy
    """,
    "bad": """
        overhyped @hype | overgewaardeerd @hype | alleen maar hype @hype | te duur @price
        veel te duur @price | geldverspilling @price | teleurstellend | teleurgesteld
    """,
    "flaw": """
        kapot @quality | ging * kapot @quality | slechte kwaliteit @quality | pilling @quality
        uit model @quality | lekt @quality | pluizig @quality | na één wasbeurt @quality
        puistjes @health | jeuk @health | irritatie @health | uitslag @health | geïrriteerd @health
    """,
    "sarcasm": """
        heel normaal
        nog een @redundancy
    """,
    "topic": """
        prijs @price | duur @price | dure @price | €50 @price
        milieu @sustainability | prullenbak @sustainability | weggooien @sustainability
        arbeidsomstandigheden @ethics | uitbuiting @ethics | dierproeven @ethics
        al drie @redundancy | je oude @redundancy | doet het prima @redundancy | elk jaar @redundancy
        precies hetzelfde @redundancy
    """,
    "go": """
        aanrader | echt een aanrader | haal ze | haal het | haal 'm | haal hem | moet je hebben
        rennen | ik raad * aan | aanraden | raad ik aan | ik raad aan | aanraad | probeer het
        link in bio | mijn code | met code | % korting | meer heb je niet nodig
    """,
    "good": """
        het geld waard | het geld dubbel en dwars waard | verliefd op | helemaal verliefd | fan
        top | geniaal | beste aankoop | mooiste | fantastisch | heerlijk | perfect | favoriet
        geweldig | echt top
    """,
    "alt": """
        doet hetzelfde | doet precies hetzelfde | net zo goed | even goed | in plaats van
        dupe
        voor de helft | goedkoper @price
    """,
    "meta": """
        deinfluencing is | is deinfluencing | de deinfluencing trend | deinfluencing trend
        reclame in vermomming | deze trend | marketing | gaat dit merken
    """,
    "news": """
        meldt | volgens | opent | brengt * uit | breidt * uit | lanceert | kondigt aan | nieuwsartikel
        zijn * langer open | langer open
    """,
    "mixed": """
        niet slecht | niet geweldig | twijfel | ik twijfel | mijn mening over | vs | wat is beter
    """,
    "reversal": """
        wilde * eigenlijk afkraken | ik wilde eigenlijk | wilde eigenlijk | ik neem het terug
    """,
    "spons": """
        in samenwerking met | samenwerking | gesponsord | gesponsord door | advertentie | adv
        betaalde samenwerking
    """,
    "nospons": """
        niet gesponsord | geen samenwerking
    """,
    "code": """
        code | kortingscode | met code
    """,
}

DE = {
    "stop": """
        kauft das nicht | kauft es nicht | kauft ihn nicht | kauft sie nicht | kauft euch keinen
        kauft euch keine | kauft euch kein | kauft keine | kauft keinen | kauft kein | kauft euren * keine
        nicht kaufen | kauf das nicht | spart euch das geld @price | spart euch @price | spar dir das geld @price
        spar dir @price | lasst die finger | finger weg | hört auf | boykottieren @ethics
        ich rate davon ab | rate davon ab | nicht zu empfehlen | kann ich nicht empfehlen
        nicht empfehlenswert | ihr braucht keine @redundancy | ihr braucht keinen @redundancy
        ihr braucht kein @redundancy | braucht ihr nicht @redundancy | nutzt einfach @redundancy
        nutzt was ihr habt @redundancy | der alte tut s genauso @redundancy | kauft weniger @sustainability
        wartet auf @price | lasst * im regal | lasst * * im regal | im regal
        nie wieder | ich sag nicht @price | ich sage nicht @price | anti haul @sustainability
    """,
    "rhet": """
        braucht ihr wirklich @redundancy | brauchst du wirklich @redundancy | braucht man wirklich @redundancy
    """,
    "bad": """
        überteuert @price | zu teuer @price | viel zu teuer @price | überbewertet @hype | overhyped @hype
        nur ein trend @hype | nur marketing @hype | geld nicht wert @price | nicht wert @price
        für nix @price | für nichts @price | enttäuscht | enttäuschend | nein
    """,
    "flaw": """
        kaputt @quality | kaputt gegangen @quality | geist aufgegeben @quality | miese qualität @quality
        null qualität @quality | schlechte qualität @quality | dann ist alles weg @quality
        gereizt @health | reizt @health | hautreizung @health | pickel @health | juckreiz @health
        gehören nicht auf @health | allergisch @health
    """,
    "sarcasm": """
        klar doch | na klar | total normal | ganz normal
        vierten @redundancy
    """,
    "topic": """
        euro @price | preis @price | teuren @price | teure @price | günstiger @price | black friday @price
        müll @sustainability | wegwerfmode @sustainability | elektroschrott @sustainability
        gebraucht @sustainability | nachhaltigkeit @sustainability | #nachhaltigkeit @sustainability
        umwelt @sustainability | zwangsarbeit @ethics | produktionsbedingungen @ethics
        arbeitsbedingungen @ethics | tierversuche @ethics | unmenschlich @ethics
        die alten @redundancy | der alte @redundancy | die ihr schon habt @redundancy
        eh nie benutze @redundancy | nie benutze @redundancy | macht dasselbe @redundancy
        noch funktionieren @redundancy
    """,
    "go": """
        holt es euch | holt sie euch | holt euch | lauft hin | kauft es | absolute empfehlung
        kaufempfehlung | klare kaufempfehlung | klare empfehlung | empfehlung | kann * nur empfehlen
        nur empfehlen | ich empfehle | nehmt einfach | probiert es | link in bio | mit meinem code
        % rabatt | mehr braucht man nicht
    """,
    "good": """
        ich liebe | liebe sie | liebe es | verliebt | total verliebt | lieblings | mein lieblings
        der wahnsinn | beste anschaffung | jeden cent wert | perfekt | mega | super | genial
        must have | so bequem | top
    """,
    "alt": """
        genauso gut | genauso | dasselbe | das gleiche | gleiche | quasi gleiche | dupe
        die hälfte | günstiger @price
    """,
    "altrev": """
        dupe für | statt
    """,
    "meta": """
        deinfluencing ist | ist deinfluencing | deinfluencing trend | der trend | dieser trend
        marketing | umfrage
        social media team | mit umgekehrtem vorzeichen | nächste trend
    """,
    "news": """
        meldet | heißt es | laut | mitteilung | eröffnet | hat ab | geöffnet | quartalszahlen
        erweitert | artikel | neue öffnungszeiten
    """,
    "mixed": """
        im test | kein klarer sieger | beide | vs | vergleich
    """,
    "reversal": """
        eigentlich wollte ich | wollte ich * schlechtreden | ich nehme alles zurück
    """,
    "spons": """
        werbung | anzeige | bezahlte partnerschaft | in kooperation mit | kooperation | gesponsert
        pr sample | unbezahlte werbung
    """,
    "nospons": """
        keine werbung | nicht gesponsert | unbezahlt
    """,
    "code": """
        code | rabattcode | gutscheincode | gutschein
    """,
}
