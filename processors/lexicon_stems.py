# ruff: noqa: E501  (lexicon data: one line per group of stems)
"""Word stems: single-token cues matched by prefix, so inflections and compounds count.

``kaputt`` covers *kaputte*, *kaputtgegangen*; ``overhyp`` covers *overhyped*, *overhypet*;
``devolv`` covers *devolví*, *devolverlo*. Each line is ``stem | stem ... @reasons`` as in
the phrase lexicons, under a cue kind of :data:`processors.lexicon.KINDS`. A phrase cue
at the same token always wins over a stem, so ``fortryder intet`` (no regrets) beats
``fortryd`` (regret). Stems are weak on purpose: a flaw stem alone (0.75) does not make a
post de-influencing, two of them or one with a first-person report do (see ``stance``).
"""

from __future__ import annotations

STEMS: dict[str, dict[str, str]] = {
    "en": {
        "flaw": """
            stained | staining | chipped | chipping | rusted | rusty | glitch | laggy | overheat | jammed | mouldy | moldy | tore= | torn= @quality
            flicker | wobbl | snapped | snapping | disconnect | shrunk | shrank | shrinks | frayed | fraying
            crumbl | greasy | clumpy | smudg | flimsy | defect | faulty | dented | unravel | peeled off @quality
            rash | hives | eczema | breakout | allerg | dermatitis | burning | peeling | stinging @health
        """,
        "bad": """
            overhyp | overrat @hype | overpric | ripoff @price | returned | refund @quality
            regrett | disappoint
        """,
        "good": """
            divine | heavenly | flawless
            obsess | addict | comfiest | gamechang | lifesaver | undefeat
        """,
        "go": """
            restock | restocked
        """,
        "topic": """
            expensive | pricey | overpriced @price | quality @quality | trend | influencer @hype | consum | secondhand | thrift @sustainability | exploit | boycott @ethics
            factory= | factories= | sweatshop | wages= | wage= @ethics | landfill | wasteful | microplastic @sustainability
            caffein | toxin @health | viral | hype | fyp= | tiktok @hype
        """,
    },
    "da": {
        "flaw": """
            flække | flækket | revn | plettet | ødelagt | smuldr | falmet | muggen | rustet | gled= | glat= @quality
            knækk | revnet | revner | slidt | huller | krympe | krympede | fnul | defekt | forbindelsen @quality
            udslæt | kløe | kløed | bumser | allergi | allergisk | eksem | svie | svier | pletter @health
        """,
        "bad": """
            overvurder | overhyp @hype | overpris | pengespild | pengespil @price | returner | retur= @quality
            skuffe | fortryd
        """,
        "good": """
            guddommelig | himmelsk | fejlfri | uundværlig
            afhængig | forelsk | yndlings | uovertruf | genial | fantastisk | perfekt | bedste | fedeste | komfortab
        """,
        "go": """
            genopfyld | udsolgt
        """,
        "topic": """
            dyrt= | dyre= | pris @price | kvalitet @quality | trend | influencer @hype | forbrug | genbrug | brugt= @sustainability | udnytt | boykot | børnearbejde @ethics
            fabrik | syersk | løn= | lønning @ethics | skrald | losseplads | miljø | overforbrug @sustainability
            koffein @health | tiktok | viral | hype @hype | kroner | kr= @price
        """,
    },
    "nl": {
        "flaw": """
            gebarsten | barst | vlek | uitgegleden | roest | verkleurd | afgebladderd | schimmel | losgelaten | doorgesleten | brak= @quality
            kapot | lekt= | lekken | gaten= | versleten | gekrompen | krimp | gescheurd | scheur | pilt= | pluis | afgebrok | defect @quality
            verbinding @quality | uitslag | jeuk | puist | eczeem | allergi | geïrriteerd | irritatie | vlekken @health
        """,
        "bad": """
            overhyp | overgewaardeerd | overrated @hype | geldverspill | afzet | weggegooid @price
            teruggestuurd | teruggebracht | retour= @quality | teleurgesteld | teleurstell | spijt
        """,
        "good": """
            goddelijk | hemels | onmisbaar | feilloos
            verslaafd | verliefd | favoriet | lievelings | ongeëvenaard | geweldig | perfect | aanrader | topper
            fijnste | lekkerste | beste= | waard= | heerlijk
        """,
        "go": """
            uitverkocht
        """,
        "topic": """
            duur= | dure= | duurder | prijs @price | kwaliteit @quality | trend | influencer @hype | consumptie | tweedehands | vinted @sustainability | uitbuit | boycot | kinderarbeid | dierproef @ethics
            fabriek | naaister | loon= | lonen= @ethics | vuilnis | milieu | afval | prullenbak @sustainability
            cafeïne @health | tiktok | viral | hype @hype | euro= | prijs @price
        """,
    },
    "de": {
        "flaw": """
            gesprungen | riss= | risse= | fleck | ausgerutscht | rutschig | verrostet | verblasst | abgeblättert | schimmel | abgebrochen | wackel | quietsch @quality
            kaputt | durchgelaufen | eingelaufen | ausgeleiert | undicht | leckt | verfärbt | krümel | gerissen | löcher
            defekt | nachgelassen | verbindung @quality | ausschlag | juckt | jucken | pickel | rötung | allergi | ekzem | gereizt | flecken @health
        """,
        "bad": """
            überbewertet | überhyp @hype | überteuert | geldverschwendung | abzocke | rausgeworfen | rausgeschmissen @price
            zurückgeschickt | zurückgegeben | zurückgesendet | retour= @quality | enttäusch | bereu
        """,
        "good": """
            himmlisch | göttlich | unverzichtbar | makellos
            süchtig | verliebt | lieblings | unschlagbar | perfekt | genial | beste= | besten= | bequemste | lohnt | empfehl | hammer | traumhaft
        """,
        "go": """
            ausverkauft
        """,
        "topic": """
            teuer | teure | preis @price | qualität @quality | trend | influencer @hype | konsum | gebraucht | secondhand | vinted @sustainability | ausbeut | boykott | kinderarbeit | tierversuch @ethics
            fabrik | näherin | lohn= | löhne= @ethics | müll | umwelt | plastik | überkonsum @sustainability
            koffein @health | tiktok | viral | hype @hype | euro= | preis @price
        """,
    },
    "es": {
        "flaw": """
            raja | rajó | rajad | agriet | manchad | manchó | resbal | oxidad | destiñ | desteñ | descolor | moho= | descosid | desmont @quality
            roto= | rota= | rotos= | rotas= | rompi | rompe | rompió | gotea | agujer | despeg | encog | bolitas | desconect | defectu @quality
            alergia | alérgic | granos | irrit | picor | sarpullido | ronchas | eccema | manchas @health
        """,
        "bad": """
            sobrevalorad | overrated @hype | timo= | estafa | carísim | tirados | tirado @price
            devuelt | devolv | devolví @quality | arrepient | arrepentid | decepcion
        """,
        "good": """
            divin | imprescindible | impecable
            enganchad | enamorad | obsesionad | favorit | insuperable | imprescindible | perfect | maravill | comodísim | comodas | cómodas
        """,
        "go": """
            agota
        """,
        "topic": """
            caro= | cara= | caros= | caras= | carísim | precio @price | calidad @quality | tendencia | influencer @hype | consumo | consumismo | vinted @sustainability | explota | explotación | boicot @ethics
            fábrica | costurer | sueldo | salario @ethics | basura | planeta | vertedero | medioambiente @sustainability
            cafeína @health | tiktok | viral | hype @hype | euros | precio @price
        """,
    },
    "fr": {
        "flaw": """
            fissur | fêlé | taché | tachée | tachés | glissé= | rouill | délavé | décoloré | moisi | déchiré | abîmé @quality
            cassé | cassée | fuit= | fuite | troué | trouée | usé= | usée= | usées= | usés= | rétréci | boulo | décoll | déconnect | lâché | défectu @quality
            eczéma | boutons | irrit | allerg | plaques | démang | rougeur | brûlure @health
        """,
        "bad": """
            surcot | surfait | surévalu @hype | arnaque @price | renvoy | rembours @quality | déçu | décevant | déception | regrett
        """,
        "good": """
            divin | divine | impeccable | nickel=
            accro | amoureu | obsédé | préféré | imbattable | indispensable | parfait | pépite | dinguerie | incroyable | sublime | confortable
        """,
        "go": """
            rupture
        """,
        "topic": """
            cher= | chère= | chers= | chères= | prix= @price | qualité @quality | tendance | influenceu @hype | consommation | surconsommation | seconde | vinted @sustainability | exploit | boycott @ethics
            usine | ouvrièr | salaire @ethics | poubelle | planète | déchet | surconsommation @sustainability
            caféine @health | tiktok | viral | hype @hype | euros | balles | prix @price
        """,
    },
}
