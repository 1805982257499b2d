# ruff: noqa: E501  (lexicon data: one line per group of phrases)
"""Colloquial cues of all six languages: idioms, warnings, first-person refusals, restocks.

Same phrase syntax as :mod:`processors.lexicon_en`; merged after each language's own
lexicon. These are the everyday ways of saying "don't", "I'm done with it", "it costs a
fortune", "go get it" that the first lexicons missed: ``finger weg``, ``blijf er vanaf``,
``ni se te ocurra``, ``passez votre chemin``, ``hold jer fra``, and their praise mirrors.
"""

from __future__ import annotations

COLLOQUIAL: dict[str, dict[str, str]] = {
    "en": {
        "flaw": """
            nothing special @hype
        """,
        "stop": """
            sending it back @quality | sent them back @quality | back it goes @quality | back they went @quality
            don't fall for [it/this/] | dont fall for [it/this/] | learn from my mistake | learn from me
            stopped [buying/ordering/shopping] | i stopped | not doing that anymore | not doing it anymore
            can't bring myself to buy | cant bring myself to | nobody needs @redundancy | nobody needed @redundancy
            nobody actually needed @redundancy | no one needs @redundancy | we don't need @redundancy | we dont need @redundancy
            really don't need @redundancy | really do not need @redundancy | use them up @redundancy | use it up @redundancy
            finish what you have @redundancy | please don't give @health | don't give your kids @health
            i'm done | im done | done buying | never buying | never ordering | unsubscribed
        """,
        "bad": """
            hard no | a no from me | with better marketing @hype | with good marketing @hype | just marketing @hype
            the hype is insane @hype | hype is unreal @hype | a lot of money @price
            costs a fortune @price | cost a fortune @price | in the bin @quality | into the bin @quality
            never seeing again @price | not what it was @quality | went downhill @quality | be careful
            there are better ones | better ones for half @price | for a third of the price @price
        """,
        "go": """
            go go go | is live | cannot recommend enough | can't recommend enough | cant recommend enough
            get one | get yours | buying a second | buying another | bought a second | need everyone to try
            everyone needs to try | you have to try | grab a few | grab some | hands down | is everything
        """,
        "good": """
            the best | best bottle | best thing i bought | so worth it | actually so worth it | i keep reaching for
            never been this | thank me | thanks me | shin pain is gone | pain is gone | in love | so soft
        """,
    },
    "da": {
        "stop": """
            hold jer fra | hold dig fra | hold jer væk fra | hold dig væk fra | lad jer ikke snyde | lad dig ikke snyde
            handler ikke længere | køber ikke længere | handler ikke mere | det stopper nu | slut med
            ingen har brug for @redundancy | ingen behøver @redundancy | giv nu ikke | giv ikke @health
            kan ikke få mig selv til at købe | brug det op @redundancy | brug dem op @redundancy
            inden i løber | inden du løber | i har sikkert @redundancy | du har sikkert @redundancy
        """,
        "bad": """
            klart nej | et nej herfra | nej herfra | ud af vinduet @price | koster en bondegård @price
            koster en formue @price | koster det hvide ud af øjnene @price | ryger ud @quality | ryger i skraldespanden @quality
            god markedsføring @hype | bare markedsføring @hype
            ikke hvad den har været @quality | ikke hvad det har været @quality | til den pris @price
            bedre * til det halve @price | til det halve @price
        """,
        "flaw": """
            alt for kraftig | alt for meget | alt for stærk @health
            intet specielt | ikke noget særligt @hype
        """,
        "go": """
            tilbage på lager | på lager igen | skynd jer | snup en | snup den | køb den bare | køb et par
            i bliver nødt til at prøve | du bliver nødt til at prøve | i skal prøve | prøv den
        """,
        "good": """
            hellige gral | kan ikke leve uden | totalt afhængig | mest komfortable | takker mig | fortryder ikke
            aldrig været så | sindssygt lækker | bedste køb | det bedste | den bedste
        """,
    },
    "nl": {
        "stop": """
            blijf er vanaf | blijf ervan af | blijf weg van | blijf eraf | trap er niet in | trap daar niet in | niet intrappen
            ik bestel niks meer | ik bestel niets meer | ik koop niks meer | ik koop niets meer | bestel niet meer | koop niet meer
            klaar daarmee | klaar mee | ik ben er klaar mee | niemand heeft * nodig @redundancy | niemand heeft * * nodig @redundancy
            niemand heeft * * * nodig @redundancy | je hoeft echt niet @redundancy | je hoeft niet @redundancy | jullie hoeven niet @redundancy
            geef je kinderen geen @health | geef geen | niet meer over mijn hart | eerst opmaken @redundancy
            je hebt er thuis nog @redundancy | thuis nog @redundancy
        """,
        "bad": """
            dikke nee | nee dank je | nee bedankt | kost een fortuin @price | weggegooid geld @price | euro weggegooid @price
            de prullenbak in @quality | in de prullenbak @quality | goede marketing @hype | gewoon marketing @hype
            flink achteruit @quality | achteruit gegaan @quality
            niet normaal @ethics | voor die prijs @price
            deed het * niet meer @quality | deed het niet meer @quality | werkt niet meer @quality
        """,
        "flaw": """
            veel te sterk | veel te veel @health
            niks bijzonders | niets bijzonders @hype
        """,
        "go": """
            weer op voorraad | op voorraad | wees er snel bij | gewoon kopen | rennen | sla er * in | haal er * * een
            haal er * een | moeten echt * proberen | moet je echt proberen | moeten echt proberen | aanrader
        """,
        "good": """
            heilige graal | kan niet meer zonder | helemaal verslaafd | elke cent waard | nog nooit zo | te gek
            passen bij alles | past bij alles | zijn blij | de beste | het beste | blijft gewoon de
        """,
    },
    "de": {
        "stop": """
            finger weg | lasst die finger | lass die finger | fallt nicht drauf rein | fall nicht drauf rein | nicht drauf reinfallen
            ich bestelle nichts mehr | bestelle nichts mehr | kaufe nichts mehr | ich kaufe da nichts mehr | damit ist schluss
            niemand braucht @redundancy | keiner braucht @redundancy | ihr braucht keine @redundancy | ihr braucht kein @redundancy
            müsst euch * nicht @redundancy | müsst euch * * nicht @redundancy | müsst ihr nicht @redundancy | braucht ihr nicht @redundancy
            gebt euren kindern kein @health | gebt euren kindern keine @health | nicht mehr übers herz | erst aufbrauchen @redundancy
            aufbrauchen @redundancy | lohnt sich nicht @price | lohnt nicht @price
            lohnt sich [überhaupt/gar/echt/wirklich/einfach/schlicht/eigentlich/ehrlich/absolut/leider/halt/definitiv] nicht @price | lohnt sich kaum @price | lohnt sich [echt//absolut] null @price | lohnt sich kein bisschen @price
            empfehle ich nicht | kann ich nicht empfehlen
        """,
        "bad": """
            klares nein | nein danke | kostet ein vermögen @price | kosten ein vermögen @price | fliegt raus @quality
            zum fenster rausgeworfen @price | gutem marketing @hype | nur marketing @hype
            stark nachgelassen @quality | für den preis @price
            ging * nicht mehr @quality | geht nicht mehr @quality | für die hälfte @price
        """,
        "flaw": """
            viel zu stark | viel zu viel @health
            nichts besonderes @hype
        """,
        "go": """
            wieder da | wieder verfügbar | wieder auf lager | schnell sein | holt sie euch | holt euch | schlagt zu
            deckt euch ein | lauft | müsst unbedingt | unbedingt ausprobieren | solange es sie gibt
        """,
        "good": """
            heiliger gral | kann nicht mehr ohne | total süchtig | noch nie so | danken es mir | absolute hammer
            lohnt sich | lohnt sich echt | passen zu allem | bereue nichts | bereue es nicht | der beste | die beste | das beste
        """,
    },
    "es": {
        "stop": """
            ni se os ocurra | ni se te ocurra | no piquéis | no piques | no caigáis | no caigas | no caigan
            ya no compro | no vuelvo a comprar | no pienso comprar | se acabó | nadie necesita @redundancy
            no hace falta @redundancy | no necesitas @redundancy | no le deis @health | no les deis @health
            no me sale comprar | no te gastes @price | no os gastéis @price | no gastes @price | gástalas primero @redundancy
            gástalo primero @redundancy | tienes * en casa @redundancy | seguro que tienes @redundancy
        """,
        "bad": """
            un no rotundo | cuesta un ojo de la cara @price | cuestan un ojo de la cara @price | un riñón @price
            a la basura @quality | buen marketing @hype | puro marketing @hype
            la calidad ha bajado @quality | por ese precio @price | dejó de funcionar @quality
            tirados a la basura @price | por la mitad @price | no tiene nombre @ethics
        """,
        "flaw": """
            demasiado fuerte | demasiada | demasiado @health
            nada especial | no tiene nada especial @hype
        """,
        "go": """
            ha vuelto | corred | corre | id a por | corred a por | pillaos | píllalo | cómprala | cómpralo | cómpralas
            tenéis que probar | tienes que probar | antes de que vuelen | se agota
        """,
        "good": """
            santo grial | no puedo vivir sin | nunca había tenido | lo agradecen | merece la pena | merece muchísimo la pena
            vale la pena | pegan con todo | una pasada | una maravilla | la mejor | el mejor | lo mejor | mejor compra
            no me arrepiento
        """,
    },
    "fr": {
        "stop": """
            fuyez | passez votre chemin | passe ton chemin | je commande plus | je commande plus rien | je n'achète plus
            j'achète plus | c'est fini | personne n'a besoin @redundancy | pas besoin d @redundancy | pas besoin de @redundancy
            ne donnez pas @health | donnez pas @health | j'arrive plus à acheter | je n'arrive plus à acheter
            oubliez | oublie | finissez-les d'abord @redundancy | finissez d'abord @redundancy | vous en avez sûrement @redundancy
        """,
        "bad": """
            c'est non | non merci | coûtent un bras @price | coûte un bras @price | coûte une fortune @price | ça coûte une fortune @price
            hors de prix @price | c'est du vol @price | poubelle @quality | bon marketing @hype | que du marketing @hype
            qualité a vraiment baissé @quality | qualité a baissé @quality
            à ce prix-là @price | à ce prix là @price | jetés par la fenêtre @price | pour moitié prix @price | faites gaffe
            c'est honteux @ethics | que des échantillons @hype
        """,
        "flaw": """
            bien trop fort | beaucoup trop de @health
            rien de spécial @hype
        """,
        "topic": """
            n'oubliez pas | oubliez pas | n'oublie pas | oublie pas
        """,
        "go": """
            foncez | courez | achetez-la | achetez-le | achetez-les | achetez la | achetez le | de retour en stock
            je vous la conseille | je vous le conseille | je vous les conseille | il faut absolument | prenez-en
        """,
        "good": """
            saint graal | je peux plus m'en passer | je ne peux plus m'en passer | complètement accro | jamais été aussi
            me remercient | vaut vraiment le coup | vaut le coup | vaut pas mal le coup | le meilleur | la meilleure | meilleur achat
            vont avec tout | je ne regrette pas | aucun regret
        """,
    },
}
