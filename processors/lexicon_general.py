# ruff: noqa: E501  (lexicon data: one line per group of phrases)
"""Cross-language speech acts, one group per act, in all six languages.

Same phrase syntax as :mod:`processors.lexicon_en`, merged after the colloquial layer.
Each group is a way of talking people out of (or into) a purchase that does not depend
on a product word: dismissing it ("forget it", ``laisse tomber``), quitting a shop
("I cut X out", ``komplett gestrichen``), "why buy X when yours works", "the cheap one
does the job", "still like new after years", "this is your sign", "I'd buy it myself".
"""

from __future__ import annotations

GENERAL: dict[str, dict[str, str]] = {
    "en": {
        "spons": """
            sent to me by | pr from | gifted from | kindly gifted
        """,
        "stop": """
            delete the app | uninstall
            no more hauls @sustainability | not adding to it @sustainability | not recommended
            forget it | forget about it | cut * out | cut them out | quit [buying/ordering/using] | deleted the app
            unfollowed | why buy | why would i buy | why pay | yeah no | lol no | absolutely not
            keep that money | keep your cash | i'd rather you keep
            leave it on the shelf | leave it in the store | put the cart down | put it back | not for you either | look elsewhere
            you're not saving money @price | not saving money @price | watch this before you buy
        """,
        "flaw": """
            garbage @quality | junk @quality | mid
            with a logo @hype,price | not for sensitive skin @health
            in line for hours @hype | lining up for hours @hype | queue for hours @hype | famous name @hype | because the color is in @hype
            with marketing @hype,price
        """,
        "alt": """
            has you covered | does the job | does the trick | works just as well | just as good | same thing for
            identical | feels identical | no difference | can't tell the difference | just as long | one is fine | is just fine
        """,
        "good": """
            a gem | hidden gem | you win | no brainer | so happy with | really good
            ordering again | reordering | reordered | buying it again | bought it again | on my third | on my fourth | the only * i | no notes | enough said | that's the tweet | say less
            this is your sign | best * i ever | best * i've ever | best * ever | still perfect | still like new | like new
            still going strong | would buy it myself | i'd buy it myself | would buy it again | buy it myself
            can't recommend * enough | don't regret | never regretted | zero regrets
            has lasted | lasted me | still holding up
        """,
        "topic": """
            warehouse @ethics | local shops @ethics,sustainability | last year's @redundancy | from last year @redundancy
        """,
        "bad": """
            not impressed | unimpressed | a disaster | total disaster | a nightmare | the worst | terrible | awful | horrible
            paying for the name | paying for the logo @hype,price | paying for the packaging @price
        """,
        "go": """
            into my cart | in my cart | be quick
        """,
        "notsaying": """
            not saying you shouldn't buy @price | i'm not saying skip @price
        """,
        "nospons": """
            none of this is sponsored | nothing here is sponsored | nothing is sponsored
        """,
    },
    "da": {
        "spons": """
            fik den tilsendt | tilsendt af | fået tilsendt | pr fra
        """,
        "stop": """
            slet appen
            ingen flere hauls @sustainability | fylder ikke mere på @sustainability | ikke til sart hud @health | ikke at anbefale
            glem det | glem alt om | droppet * helt | droppet | slettet appen | hvorfor købe | hvorfor betale
            du skal ikke have @redundancy | i skal ikke have @redundancy | absolut ikke | no way
            behold pengene | behold dine penge | spare pengene | lad den blive på hylden | lad den stå | lad dem stå
            kig et andet sted | ville ikke anbefale
            ingen besparelse @price
        """,
        "flaw": """
            ringe @quality | lort @quality
            med et logo @hype,price | med logo @hype,price | sart hud | følsom hud | øm @health
            i kø i timevis @hype | står i kø @hype | kendt navn @hype | er in i år @hype
            med marketing @hype,price
        """,
        "alt": """
            gør jobbet | gør det samme | lige så god | lige så godt | præcis det samme
            identisk | næsten identisk | ingen forskel | lige så længe | holder lige så
        """,
        "good": """
            så glad for | vildt god | vildt godt | mega god | en perle
            bestiller igen | købt igen | genkøbt | min tredje | den eneste * jeg | mere skal der ikke siges
            dit tegn | det her er dit tegn | bedste * nogensinde | de bedste | stadig perfekt | som ny | stadig som ny
            ville købe den selv | ville købe den igen | kommet hjem igen | tilbage igen
            hver en krone værd | hver eneste krone værd | den var det værd | det var det værd | kan kun anbefale
            redningen | virker virkelig | har ikke fortrudt
            har holdt i | holdt i årevis
            ændret mit liv | har ændret mit liv
        """,
        "topic": """
            lagrene @ethics | lokale butikker @ethics,sustainability | fra sidste år @redundancy | den fra sidste år @redundancy
        """,
        "bad": """
            ikke imponeret | en katastrofe | et mareridt | elendig | forfærdelig
            betaler for navnet | betaler for logoet @hype,price
            ikke købe [den/det/dem/] igen | aldrig købe [den/det/dem/] igen | køber [den/det/dem/] ikke igen
            ikke genkøbe | bliver ikke genkøbt | genkøber ikke | ikke genkøbt | ikke det værd
        """,
        "go": """
            i kurven | ned i kurven | vær hurtig | vær hurtige
        """,
        "notsaying": """
            jeg siger ikke i ikke skal købe @price | siger ikke at i ikke skal @price
        """,
        "nospons": """
            intet er sponsoreret | ikke noget af det er sponsoreret
        """,
    },
    "nl": {
        "spons": """
            gekregen van | opgestuurd door | toegestuurd door | pr van
        """,
        "stop": """
            verwijder de app
            geen hauls meer @sustainability | er niks meer bij @sustainability | niks voor een gevoelige huid @health | niet aan te raden
            vergeet het | vergeet het maar | helemaal geschrapt | geschrapt | app verwijderd
            waarom * kopen | waarom * * kopen | waarom * * * kopen | echt niet | no way | je hoeft * geen @redundancy
            hou je geld | houd je geld | laat maar liggen | laat hem liggen | laat 'm liggen | laat het liggen
            zou het niet aanraden | kijk verder
            geen besparing @price
            trap er niet meer in | laat je niet gek maken @hype
            wacht * op de uitverkoop @price | wacht * op de sale @price
            koop * geen | koop * * geen
        """,
        "flaw": """
            troep @quality | rommel @quality | bagger @quality
            met een logo @hype,price | met logo @hype,price | gevoelige huid | prikt | prikken | branderig | pijnlijk | roodheid @health
            kom op zeg | uren in de rij @hype | in de rij @hype | bekende naam @hype | dit jaar in is @hype
            met marketing @hype,price
        """,
        "alt": """
            net zo goed | doet hetzelfde | precies hetzelfde | doet het ook
            identiek | geen verschil | hetzelfde doet | doet letterlijk hetzelfde | neem gewoon | neem liever
        """,
        "good": """
            zo blij mee | heel blij mee | echt blij mee | super blij | echt goed | een pareltje
            bestel opnieuw | opnieuw besteld | weer gekocht | nabesteld | de enige * die ik | meer hoef ik niet te zeggen
            je teken | dit is je teken | beste * ooit | nog steeds als nieuw | als nieuw | nog steeds perfect
            zou hem zelf ook kopen | zou het zelf ook kopen | zou * zelf * kopen | weer binnen | weer terug
            moet je echt hebben | geen spijt | geen seconde spijt | elke euro waard | echte aanrader | een aanrader
            gaat al * mee | gaat al * * mee
            mijn leven veranderd | heeft mijn leven veranderd
        """,
        "topic": """
            magazijnen @ethics | lokale winkels @ethics,sustainability | van vorig jaar @redundancy
        """,
        "bad": """
            niet onder de indruk | een ramp | drama | waardeloos | goedkoop is duurkoop @quality,price
            betaal je voor de naam | je betaalt voor de naam @hype,price | gewoon afval @quality,sustainability
            niet [nog een keer/nog eens/opnieuw/weer/meer] kopen | nooit meer kopen | niet [nog een keer/opnieuw/weer] bestellen
            koop ik niet [meer/opnieuw/nog een keer] | bestel ik niet [meer/opnieuw]
            raad [ik/] [het/ze/hem/] [je/jullie/] niet aan
        """,
        "go": """
            in de winkelmand | in mijn winkelmand | snel zijn | wees snel
            koop [hem/het/ze] [nu/snel/meteen]
        """,
        "notsaying": """
            ik zeg niet koop @price | ik zeg niet dat je @price
        """,
        "nospons": """
            niks is gesponsord | niets is gesponsord
        """,
    },
    "de": {
        "spons": """
            zur verfügung gestellt | kostenlos erhalten | pr von | unbezahlte werbung
        """,
        "stop": """
            löscht das ding | löscht die app | deinstalliert
            keine hauls mehr @sustainability | nichts mehr dazu @sustainability | nichts für empfindliche haut @health | nicht zu empfehlen
            vergiss es | vergesst es | komplett gestrichen | gestrichen | app gelöscht
            warum * kaufen | warum * * kaufen | warum * * * kaufen | bloß nicht | lieber nicht | auf keinen fall
            behaltet euer geld | behalte dein geld | lasst ihn liegen | lasst sie liegen | lasst es liegen | lass ihn liegen | lass es liegen | liegen lassen
            würde es nicht empfehlen | würde ich nicht empfehlen | nichts mehr bei
            keine ersparnis @price
            braucht ihr kein @redundancy | braucht ihr keine @redundancy | braucht ihr keinen @redundancy
            kauft * kein | kauft * keine | kauft * keinen | kauft * nicht
        """,
        "flaw": """
            enttäuschend
            mit logo @hype,price | empfindliche haut | brennt auf | brennt wie | haut spannt | brennen auf @health
            kommt schon | stundenlang an @hype | stehen * an @hype | berühmten namen @hype
            mit marketing @hype,price
        """,
        "alt": """
            genauso gut | macht dasselbe | tut es auch | tut's auch | das gleiche
            hält besser | hält genauso | kein unterschied | keinen unterschied | identisch
        """,
        "good": """
            unfassbar gut | richtig gut | mega gut | super gut | so gut | ein traum
            nachgekauft | nachkaufen | nochmal bestellt | bestell * nochmal | wieder gekauft | der einzige * den ich | die einzige * die ich | mehr muss man nicht sagen
            euer zeichen | dein zeichen | das ist euer zeichen | die besten * überhaupt | besten * überhaupt | immer noch top
            wie neu | immer noch wie neu | würde * selbst kaufen | würde * auch selbst kaufen | würde * wieder kaufen
            gibts wieder | gibt es wieder
            würde * sofort wieder kaufen | sofort wieder kaufen | jeden euro wert | keine sekunde bereut | nicht bereut
            hält seit
            mein leben verändert | hat mein leben verändert
        """,
        "topic": """
            lagern @ethics | läden vor ort @ethics,sustainability | vom letzten jahr @redundancy
        """,
        "bad": """
            nicht überzeugt | eine katastrophe | ein albtraum | albtraum | schrott @quality | mies | grottig
            geld wieder da | geld zurück | zurückgeschickt @quality | zahlt für den namen | zahlst für den namen @hype,price
            nicht [nochmal/noch mal/noch einmal/wieder/mehr] kaufen | nicht [nochmal/wieder] bestellen | nicht nachkaufen
            wird nicht nachgekauft | kein nachkauf | kaufe ich nicht [mehr/nochmal/wieder] | nicht gelohnt | null gelohnt
        """,
        "go": """
            ab in den warenkorb | in den warenkorb
            kauft euch [das/den/die/es] | kauf dir [das/den/die/es] | holt euch [das/den/die/es] | hol dir [das/den/die/es]
        """,
        "mixed": """
            keine ahnung[,/] ob | weiß nicht[,/] ob ich
        """,
        "notsaying": """
            ich sage nicht[,/] kauft @price
        """,
        "nospons": """
            nichts gesponsert | nichts davon gesponsert | nichts davon ist gesponsert
        """,
    },
    "es": {
        "spons": """
            me lo regaló | me la regaló | me lo ha enviado | me lo han enviado
        """,
        "stop": """
            borrad la app | borra la app | si ya tienes @redundancy
            se acabaron los hauls @sustainability | no pienso añadir @sustainability | nada recomendable | no recomendable | no lo recomiendo
            olvídate | olvidaos | olvídalo | he dejado | lo he dejado | dejé de comprar | borré la app
            para qué comprar | por qué comprar | ni de coña | ni loca | ni loco | no te hace falta @redundancy | no os hace falta @redundancy
            guarda tu dinero | guardad vuestro dinero | guárdate el dinero | ahórrate el dinero | ahorraos el dinero | déjalo en la tienda | dejadlo en la tienda
            no os lo recomendaría | no lo recomendaría | no te lo recomendaría | no os lo recomiendo | mirad otras opciones | mira otras opciones | busca otras opciones
            mira esto antes | mirad esto antes
            no es ahorro @price
            no os dejéis llevar | no te dejes llevar @hype
            gasta lo que tienes @redundancy | acaba lo que tienes @redundancy | termina lo que tienes @redundancy | antes de comprar más @redundancy
            no [te/os/se/] [lo/la/los/las/] [compres/compréis/compren/compre]
        """,
        "flaw": """
            pelotillas @quality
            con logo @hype,price | piel sensible | me pica | pica mucho | pica muchísimo | escuece | escozor | tirante | rojez @health
            venga ya | haciendo cola @hype | cola horas @hype | nombre famoso @hype
            con marketing @hype,price
        """,
        "alt": """
            hace lo mismo | igual de bien | lo mismo por | la misma función
            brilla igual | hidrata igual | idéntico | idéntica | ninguna diferencia | mismo resultado | exactamente lo mismo
        """,
        "good": """
            una joya | un acierto | muy contenta | muy contento | me encanta | me encantan
            vuelvo a comprar | he vuelto a comprar | pido otra vez | recompra | el único * que | la única * que | no digo más
            tu señal | esta es tu señal | mejor gastados | mejores * de mi vida | como nueva | como nuevo | sigue como nueva
            lo compraría | la compraría | lo compraría yo | volvería a comprar
            comprad el | comprad la | merece cada euro
            me dura desde | aguanta desde
            mi vida ha cambiado | me cambió la vida | cambió mi vida | me ha cambiado la vida
        """,
        "topic": """
            almacenes @ethics | tiendas del barrio @ethics,sustainability | del año pasado @redundancy
        """,
        "bad": """
            qué desastre | un desastre | una pesadilla | porquería @quality | cutre @quality | malísim
            pagas la marca | pagáis la marca | pagas el nombre @hype,price
        """,
        "go": """
            al carrito | date prisa | daos prisa
            cómprate | cómpratelo | cómpratela | cómpratelos | cómpratelas | compraos | cómpralas | cómpralos | cómprala | compradlo | compradla
        """,
        "notsaying": """
            no os digo que no @price
        """,
        "nospons": """
            nada es publicidad | nada patrocinado | nada de esto es publicidad
        """,
    },
    "fr": {
        "spons": """
            offert par | offerte par | reçu en pr
        """,
        "stop": """
            supprimez l'appli | désinstallez
            fini les hauls @sustainability | j'en rajoute plus @sustainability | à éviter | je déconseille | déconseillé
            laisse tomber | laissez tomber | complètement arrêté | j'ai arrêté | supprimé l'appli | pourquoi acheter | pourquoi payer
            pas la peine @redundancy | pas la peine d'acheter @redundancy | même pas en rêve | jamais de la vie
            gardez vos sous | garde tes sous | laissez-le sur le présentoir | laissez-le en rayon | laisse-le en rayon | laissez-le au magasin
            j'arrête | je recommande pas | regardez ailleurs
            ce n'est pas une économie | c'est pas une économie @price
            attendez les @price
        """,
        "flaw": """
            bof
            avec un logo @hype,price | peaux sensibles | peau sensible | me pique | ça pique | qui tiraille | tiraille | rougeurs | démange @health
            font la queue @hype | la queue des heures @hype | nom connu @hype
            avec du marketing @hype,price
        """,
        "alt": """
            fait pareil | la même chose | fait le taf | fait le job | aussi bien
            même effet | même rendu | identique | aucune différence | pas de différence | prenez celui | prenez plutôt | au lieu du
            vois pas la différence | vois aucune différence | voit pas la différence
        """,
        "good": """
            coup de coeur | coup de cœur | une tuerie | trop contente | trop content | j'adore
            je rachète | racheté | le seul * que | la seule * que | je n'en dirai pas plus
            c'est un signe | ton signe | les mieux dépensés | toujours nickel | comme neuf | comme neuve | je l'achèterais
            je le rachèterais | je la rachèterais | est revenu | est revenue | de retour
            je le rachète | je la rachète | je les rachète | sans hésiter | regrette rien | je regrette pas | ne regrette pas
            vaut chaque centime | vaut chaque euro | lien en description | j'arrête pas de
            tient depuis
            a changé ma vie | m'a changé la vie | ça change la vie
        """,
        "topic": """
            entrepôts @ethics | petits commerces @ethics,sustainability | de l'an dernier @redundancy | de l'année dernière @redundancy
            cheveux décolorés | décoloration
        """,
        "bad": """
            une catastrophe | un cauchemar | nul à chier | une daube | je m'attendais à mieux
            vous payez la marque | tu payes la marque | tu paies la marque @hype,price
            je ne [le/la/les/] [rachète/rachèterai/rachèterais] [pas/jamais/plus] | ne [le/la/les/] [rachète/rachèterai/rachèterais] [pas/jamais/plus]
            je ne [l'/] [achète/achèterai/achèterais] plus
        """,
        "go": """
            dans le panier | direct dans le panier
            achète-le | achète-la | achète-les | achète-toi | achetez-vous | offre-toi | offrez-vous
        """,
        "notsaying": """
            je dis pas de ne pas @price | je ne dis pas de ne pas @price
        """,
        "nospons": """
            rien de sponsorisé | rien n'est sponsorisé
        """,
    },
}
