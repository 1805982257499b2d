# ruff: noqa: E501  (lexicon data: one line per group of phrases)
"""Spanish and French cues (same phrase syntax as :mod:`processors.lexicon_en`)."""

from __future__ import annotations

NEGATORS_ROMANCE = {
    "es": frozenset(["no", "nunca", "ni", "jamás", "sin", "tampoco"]),
    "fr": frozenset(["pas", "ne", "n", "jamais", "aucun", "aucune", "sans", "ni"]),
}

ES = {
    "stop": """
        no lo compres | no la compres | no los compres | no las compres | no compres | no compréis
        no lo compréis | no la compréis | no los compréis | no las compréis | no comprar
        no gastes @price | no gastéis @price | ahorra tu dinero @price | ahorrad vuestro dinero @price
        ahórrate @price | ahorraos @price | deja de comprar | dejad de comprar | dejen de comprar
        no vale la pena | no merece la pena | no lo recomiendo | no la recomiendo | no los recomiendo
        no las recomiendo | no recomiendo | no[,/] gracias | no la volvería a comprar | no lo volvería a comprar
        no volvería a comprar | nunca más | no necesitas @redundancy | no necesitáis @redundancy
        usa lo que tienes @redundancy | usa lo que ya tienes @redundancy | usad lo que tenéis @redundancy
        esperad a las rebajas @price | espera a las rebajas @price | esperad a @price
        antes de pagar @price | compra de segunda mano @sustainability | de segunda mano @sustainability
        compra menos @sustainability | no digo que no @price | evítalo | evitadlo
    """,
    "rhet": """
        de verdad necesitas @redundancy | realmente necesitas @redundancy
    """,
    "bad": """
        carísimo @price | carísima @price | demasiado caro @price | demasiado cara @price | un robo @price
        tirados @price | puro marketing @hype | pura moda @hype | sobrevalorado @hype | sobrevalorada @hype
        solo es moda @hype | es moda @hype | una estafa @price | decepción | decepcionante | qué decepción
    """,
    "flaw": """
        se rompió @quality | se rompe @quality | se despegó @quality | se secan @quality | se agrietan @quality
        calidad pésima @quality | mala calidad @quality | aguanta dos lavados @quality | bolitas @quality
        irritación @health | granos @health | reacción @health | reacción horrible @health
        piel sensible @health | cara roja @health | picor @health
    """,
    "sarcasm": """
        claro que sí | súper normal | super normal | muy normal
    """,
    "topic": """
        precio @price | euros @price | caro @price | mitad de precio @price | precio completo @price
        contaminación @sustainability | #consumoconsciente @sustainability | consumo consciente @sustainability
        medio ambiente @sustainability | planeta @sustainability
        explotación laboral @ethics | condiciones laborales @ethics | explotación @ethics
        pruebas en animales @ethics
        lo mismo @redundancy | ya tienes @redundancy | no necesite @redundancy
        tendencia @hype | de moda @hype
    """,
    "go": """
        cómpralo | cómpralas | cómpralos | cómprala | compradlo | compradla | compradlas | corred
        corred a por | corre a por | lo recomiendo | la recomiendo | los recomiendo | las recomiendo
        os lo recomiendo | os la recomiendo | os recomiendo | te lo recomiendo | recomiendo
        link en bio | enlace en bio | pruébalo | % de descuento
    """,
    "good": """
        me encanta | me encantan | obsesionada | obsesionado | imprescindible | una maravilla | maravilla
        una pasada | me ha cambiado la vida | valen cada euro | vale cada euro | la mejor compra
        mejor compra | no me arrepiento | no hay nada mejor | lo más cómodo | mi básico | el mejor
        la mejor | los mejores | las mejores
    """,
    "alt": """
        hace lo mismo | hacen lo mismo | huele casi igual | casi igual | igual de bien
        en vez de | en lugar de | calidad parecida | mira en
        por mucho menos @price
        mitad de precio | más barato | más barata @price
    """,
    "meta": """
        el deinfluencing es | deinfluencing es | marketing al revés | opiniones | qué opináis
        la tendencia | esta tendencia | marketing | estrategia de marketing
    """,
    "news": """
        según | amplía | lanza | abre | abrirá | cambia su horario | subirá precios | anuncia | artículo
        lideran | estudio de mercado
    """,
    "mixed": """
        sin recomendación | las dos bien | los dos bien | depende | depende de | comparé | vs
    """,
    "reversal": """
        iba a hacer deinfluencing | iba a | me retracto | lo retiro
    """,
    "spons": """
        publicidad: | patrocinado por | colaboración pagada | en colaboración con | colaboración con
        enlace de afiliado
    """,
    "nospons": """
        no patrocinado | no es publicidad
    """,
    "code": """
        código | codigo | código de descuento | con el código
    """,
}

FR = {
    "stop": """
        ne l'achetez pas | ne les achetez pas | ne l'achète pas | ne les achète pas | n'achetez pas
        n'achète pas | n'achetez rien | gardez votre argent @price | garde ton argent @price
        économisez @price | arrêtez d'acheter | arrête d'acheter | ne dépensez pas @price
        ne dépense pas @price | passez votre chemin | passe ton chemin | pas besoin @redundancy
        vous n'avez pas besoin @redundancy | tu n'as pas besoin @redundancy
        utilisez ce que vous avez @redundancy | évitez-le | évitez-la | évitez | je ne le recommande pas
        je ne la recommande pas | je ne les recommande pas | je ne recommande pas | je n'achète plus
        c'est non | attendez les soldes @price | achetez moins @sustainability | achetez mieux @sustainability
        achetez d'occasion @sustainability | je ne dis pas @price | ne vaut pas le coup | ne vaut pas son prix @price
        ne vaut pas @price | pas la peine | renseignez-vous @ethics
    """,
    "rhet": """
        avez-vous vraiment besoin @redundancy | as-tu vraiment besoin @redundancy
    """,
    "bad": """
        hors de prix @price | trop cher @price | trop chère @price | c'est abusé @price | abusé @price
        surcoté @hype | surcotée @hype | surfait @hype | qu'une mode @hype | juste parce que c'est la mode @hype
        arnaque @price | déçue | déçu | décevant | bof
    """,
    "flaw": """
        boulochent @quality | bouloche @quality | abîmé @quality | cassent @quality | cassé @quality
        qualité médiocre @quality | qualité nulle @quality | déchirée @quality | déchiré @quality
        effet bof @quality | brûlé la peau @health | démangeaisons @health | boutons @health
        irritation @health | peau sensible @health | allergie @health
    """,
    "sarcasm": """
        bien sûr[,/] achète | tout à fait normal | c'est tout à fait normal | évidemment
        un 5e | un cinquième | encore un @redundancy
    """,
    "topic": """
        prix @price | cher @price | soldes @price
        planète @sustainability | emballages @sustainability | plastique en plus @sustainability
        tendance @hype | à la mode @hype
        surconsommation @sustainability | #surconsommation @sustainability
        seconde main @sustainability | déchets @sustainability | un logo @hype
        conditions de travail @ethics | sous-traitants @ethics | révélations @ethics
        tests sur les animaux @ethics | marche très bien @redundancy | n'utiliserai jamais @redundancy
        racheter @redundancy | votre gourde actuelle @redundancy
    """,
    "go": """
        foncez | courez | allez-y | je recommande | je la recommande | je le recommande | je les recommande
        je vous recommande | je vous le recommande | à acheter | lien en bio | mon code | testez
        % de réduction
    """,
    "good": """
        un indispensable | indispensable | obsédée | obsédé | j'adore | je les adore | je l'adore
        une merveille | géniale | génial | top | must have | must-have | vaut vraiment le détour
        vaut le coup | la meilleure | le meilleur | les meilleurs | valent chaque centime
        me va trop bien | je retire tout | coup de cœur | parfait | parfaite
    """,
    "alt": """
        fait pareil | font pareil | tient aussi bien | aussi bien | même qualité
        au lieu de | à la place | dupe | regardez sur vinted
        moins cher | trois fois moins cher @price
    """,
    "meta": """
        le deinfluencing c'est | le déinfluençage | déinfluençage | la tendance | cette tendance
        marketing | vos avis
        que pensez-vous | nouvelle forme de marketing | récupérée par le marketing | leurs propres pubs
    """,
    "news": """
        selon | va ouvrir | sort une | lance | communiqué | disponible dès | annonce | article
    """,
    "mixed": """
        à vous de voir | tenue similaire | vs | je n'arrive pas à choisir
    """,
    "reversal": """
        prête à déinfluencer | prêt à déinfluencer | je voulais déconseiller | je voulais déinfluencer
        j'étais prête | j'étais prêt | je retire tout
    """,
    "spons": """
        publicité: | sponsorisé par | en partenariat avec | collaboration commerciale | en collaboration avec
        lien affilié | liens affiliés
    """,
    "nospons": """
        non sponsorisé | pas sponsorisé | pas de partenariat
    """,
    "code": """
        code | code promo | mon code
    """,
}
