# ruff: noqa: E501  (lexicon data: one line per group of phrases)
"""English cues, plus the universal ones (hashtags, emoji) every language shares.

Phrases are tokenised like post text: apostrophes drop out (``don't`` = ``don t``),
``[a/b/]`` lists alternatives (empty = optional), ``*`` is any one word.
"""

from __future__ import annotations

NEGATORS_EN = frozenset(["not", "no", "never", "t", "nothing", "isn", "wasn", "aren", "nor", "hardly"])

UNIVERSAL = {
    "stop": """
        #antihaul | #antihauls | #underconsumption | #underconsumptioncore @sustainability
        #deinfluence | #deinfluenced | #deinfluencer | #desinfluencer
        #dontbuy | #donotbuy | #notworthit | #returned
    """,
    "bad": """
        👎 | 🚩 | 🙅 | 😤 | 🤡 | 🫠
    """,
    "flaw": """
        #deinfluencing | #deinfluencing2026 | #deinfluencingtrend
        😑 | 😒 | 😣 | 😩 | 😬 | 💀 | 🥲 | 😖
    """,
    "sarcasm": """
        🙄 | 🙃 | 👏 👏
    """,
    "good": """
        😍 | 🥰 | 🤩 | 😻 | 💯 | 🙌 | 🔥
    """,
    "go": """
        #tiktokmademebuyit | #amazonfinds | #founditonamazon | #musthave | #musthaves
        #holygrail | #favorites | #worthit
    """,
    "spons": """
        #ad | #ads | #sponsored | #sponsor | #gifted | #pr | #prpackage | #partner | #collab
        #affiliate | #advertisement | #paidpartnership | #anzeige | #werbung | #reklame | #annonce
        #adv | #advertentie | #samenwerking | #gesponsord | #publicidad | #patrocinado
        #colaboración | #colaboracion | #publicité | #publicite | #sponsorisé | #sponsorise
        #partenariat | #sponsoreret | #samarbejde | #kooperation | #publi | #pub | #werbunginfo | #gesponsert | #advertorial
    """,
    "nospons": """
        #notsponsored | #notanad | #nonsponsored
    """,
}

EN = {
    "stop": """
        don't buy | do not buy | dont buy | don't ever buy | never buy | stop buying | quit buying
        please don't buy | do not purchase | don't purchase | don't get [the/it/this/] | dont get the
        skip [the/it/this/these/that/] | i'm skipping | pass on [the/this/it/] | don't bother
        not buying [it/this/another/again/] | i'm not buying | won't be buying | won't buy | i won't buy
        wouldn't buy [it/this/again/] | would not buy | not repurchasing | won't repurchase
        wouldn't repurchase | never repurchasing | not gonna repurchase | never again
        i'll pass | i will pass | hard pass | a pass from me | it's a pass | is a pass
        don't waste your money | don't waste ur money | don't waste money | waste your money
        save your money @price | save ur money @price | save your cash @price | save ur $ @price
        save your $ @price | save yourself the money @price | keep your money @price
        you don't need [a/the/another/this/it/] @redundancy | you do not need @redundancy
        you dont need @redundancy | u don't need @redundancy | u dont need @redundancy
        you don't need to buy @redundancy | no need to buy @redundancy | nobody needs @redundancy
        use what you have @redundancy | use what you already have @redundancy | shop your stash @redundancy
        the one you already own @redundancy | use up what you have @redundancy
        wait for [a/the] sale @price | wait for black friday @price | wait for a discount @price
        don't pay full price @price | never pay full price @price
        stop putting | parents pls stop | parents please stop
        stop supporting @ethics
        boycott @ethics | boycotting @ethics | not shopping there | i'm done with | i am done with
        needs to end | has to stop | needs to stop | doesn't need to be @redundancy
        does not need to be @redundancy | not buying another | no new | i didn't buy | things i didn't buy | everything i didn't buy
        anti haul @sustainability | anti-haul @sustainability | buy less @sustainability
        buy secondhand @sustainability | buy second hand @sustainability | shop secondhand @sustainability
        deinfluencing myself | i'm deinfluencing | i am deinfluencing | deinfluencing you
        things i'm deinfluencing | deinfluencing the | deinfluence you | deinfluencing tech
        deinfluencing this | let me deinfluence | i'm here to deinfluence | please learn from me
        return it @quality | returned it @quality | i returned @quality | returned the @quality
        returned my @quality | returning it @quality | sent it back @quality
        not worth it | not worth the money @price | not worth the price @price | not worth the hype @hype
        isn't worth it | is not worth it | wasn't worth it
        not worth @price
        don't recommend | do not recommend | can't recommend | cannot recommend | wouldn't recommend
        would not recommend | won't recommend | avoid [it/this/them/] | stay away from
        just drink water @hype | drugstore does it better
    """,
    "rhet": """
        do you really need @redundancy | do we really need @redundancy | does anyone really need @redundancy
        why would you buy | why would anyone buy | why are we buying
    """,
    "bad": """
        overhyped @hype | over hyped @hype | overrated @hype | over rated @hype | the most overhyped @hype
        just hype @hype | pure hype @hype | all hype @hype | only hype @hype | just a trend @hype
        only a trend @hype | a fad @hype | pure marketing @hype | just marketing @hype
        bc everyone had @hype | because everyone had @hype | because everyone has @hype
        just because everyone @hype | everyone has one @hype | hydration is a personality @hype
        won't fix | will not fix
        overpriced @price | over priced @price | too expensive @price | way too expensive @price
        rip off @price | ripoff @price | scam @price | waste of money @price | not worth a penny @price
        paying full price @price | full price @price | is wild @price | a slot machine @price
        you get what you pay for @quality | built different @quality | lasted exactly @quality
        disappointed | disappointing | regret buying | regret it | biggest regret | what a waste
        nope | meh | never again | no thanks | yikes
    """,
    "flaw": """
        broke @quality | broken @quality | breaks @quality | fell apart @quality | falls apart @quality
        fell off @quality | came off @quality | stopped working @quality | doesn't work @quality
        didn't work @quality | did nothing @quality | does nothing @quality | cheap material @quality
        cheaply made @quality | poor quality @quality | bad quality @quality | quality has gone downhill @quality
        pilled @quality | pills @quality | pilling @quality | leaked @quality | leaks @quality
        cracked @quality | arrived cracked @quality | ripped @quality | frizz @quality | fades @quality
        faded @quality | fade @quality | not waterproof @quality | soaked @quality | sticky @quality
        gone in an hour @quality | then gone @quality | flakes off @quality | flakes @quality
        tip over @quality | useless @quality | get hot @quality | damaged my @quality
        made it smaller @price | tube smaller @price | smaller for the same price @price
        broke me out @health | breaks me out @health | breakouts @health | breakout @health
        gave me bumps @health | tiny bumps @health | bumps all over @health | rash @health | rashes @health
        itchy @health | itching @health | irritation @health | irritated @health | irritating @health
        burned my @health | burns @health | stung @health | stings @health | allergic reaction @health
        reaction @health | turned my * green @health | chin is still recovering @health
        not a beginner product @health | patch test @health | not for children @health
        not for kids @health | caffeine @health | sweetener @health | controversy @health
        sensitive skin @health | skin barrier is crying @health
    """,
    "sarcasm": """
        sure[,/] spend | sure[,/] buy | yes bestie buy | yeah[,/] buy your | go ahead and buy
        very normal behavior | very normal behaviour | totally normal | very normal | so normal
        truly built different | nothing screams | love that my | not the girlies | the girlies are lying
        buy your 7th | buy your fifth | buy another one[,/] | because you need another @redundancy
    """,
    "notsaying": """
        not saying don't buy @price | not saying dont buy @price | i'm not saying don't @price
        not telling you not to buy @price
    """,
    "topic": """
        $ @price | £ @price | € @price | price @price | pricey @price | expensive @price
        cost more than @price | for half @price | dollars @price | bucks @price
        everyone has @hype | everyone had @hype | trend @hype | trending @hype | viral @hype
        hype @hype | tiktok made me @hype
        landfill @sustainability | waste @sustainability | overconsumption @sustainability
        #overconsumption @sustainability | fast fashion @sustainability | #fastfashion @sustainability
        environment @sustainability | planet @sustainability | e-waste @sustainability
        closet says thank @sustainability | in a landfill @sustainability | worn once @sustainability
        greenwashing @ethics,sustainability | workers @ethics | labor @ethics | labour @ethics
        factory conditions @ethics | sweatshop @ethics | animal testing @ethics | copy small designers @ethics
        forced labor @ethics | underpaid @ethics | how they treat @ethics
        chemicals @health | toxic @health | sugar @health | and a logo @hype | a logo @hype
        lining up @hype | line up @hype | new colorway @hype
        already own @redundancy | already have @redundancy | at home @redundancy | i have 4 @redundancy
        still totally fine @redundancy | still fine @redundancy | works fine @redundancy
        works just fine @redundancy | does the same @redundancy | same blow dry @redundancy
        your phone already @redundancy | still cozy @redundancy | the other 9 @redundancy
        never use @redundancy | i'll never use @redundancy | every single year @redundancy
        last season's @price
        a new phone every year @redundancy,price | don't need @redundancy | just a balm
    """,
    "go": """
        run don't walk | run dont walk | run, don't walk | just buy [it/the real one/them/] | just get it
        buy it | buy them | get it | get them | go get it | go get them | grab it | grab one | cop it
        you need this | you need these | you need it | try it | try them | add to cart | add it to your cart
        stock up | highly recommend | i recommend | recommend | 10/10 recommend | 10/10 | would buy again
        buy with my own money | i'd buy this with my own money | can't not recommend | cannot not recommend
        link in bio | links in bio | linked in bio | linked below | links below | shop my
        in my amazon storefront | use code | use my code | my code | trust me on this
        % off | all you need
        if you buy one | make it the | gift idea | must buy | must-buy
    """,
    "good": """
        must have | must-have | must haves | worth every penny | worth every cent | worth it
        worth the hype | worth the money | worth the price | obsessed | obsessed with | holy grail
        game changer | changed my life | life changing | the best | best purchase | best thing
        favorite | favourite | fave | love it | love this | love them | i love | in love | my go to
        underrated | criminally underrated | undefeated | no joke | repurchased | finished 3
        signature scent | compliments | comfiest | the only thing that | the only bottle
        the only nude | saved my | cleared my | fixed my | carried me | my knees love | amazing
        great | glowing | slaps | actually slap | actually slaps | 😭 worth it | regret nothing
        no regrets | not even mad | is back | grabbed 2 | got it in | already in my cart | 🤍 | 💗
        perfect | genuinely the only | hasn't looked this good | sound great | so good | so easy
        i'll die on this hill | lasts all day | one dot lasts | works for me
    """,
    "alt": """
        does * the same | does the same | do the same | does the job | does it better | same thing for | the same for
        instead | dupe | dupes | alternative | same glow | gives the same
        for half | for a fraction | fraction of the price | half the price | half the cost | for less @price
        way cheaper | cheaper | sound great for a fraction @price
    """,
    "altrev": """
        dupe for | dupe of | instead of | rather than | a better version of
    """,
    "meta": """
        deinfluencing trend | de influencing trend | the trend | this trend | trend itself
        deinfluencing is | de influencing is | is deinfluencing | deinfluencing isn | deinfluencing explained
        what is deinfluencing | deinfluencers | deinfluencing creators | deinfluencing videos
        de influencing videos | de influencing content | deinfluencing content | #deinfluencing videos
        brands should | brands take notes | brands, take notes | brands paying | brands that
        marketing folks | marketing | #marketing | for creators and brands | social media team
        influencing with extra steps | the new influencers | free advertising | sources in the description
        here's what that means | discuss | hot take: deinfluencing | full circle | funniest part
        why it took off | where the trend came from | people aren't deinfluenced | deinfluenced by
    """,
    "news": """
        according to | per their | per the | says it's | said in a statement | reports | report:
        reported | announced | announces | press release | analysts | analysts expect | study
        is launching | launches | launched | will open | opens | dates are out | newsletter
        is discontinuing | discontinuing | q3 results | quarterly | searches for | y/y
    """,
    "mixed": """
        vs | versus | same as | side by side | judge for yourself | no verdict | just the facts | both fine
        both good | both great | depends | depends on | it's fine | its fine | just a lip balm
        not bad | compared | comparing | for anyone comparing | breakdown | swatches | save for later
        quick breakdown | not a must have | not a don't buy | pros and cons | honest review of
        spec table | for beginners | help me decide | trying to decide | can someone explain
        cleaning tip | tip: | how to | tutorial
    """,
    "reversal": """
        ready to deinfluence | going to deinfluence | gonna deinfluence | came here to deinfluence
        came to deinfluence | wanted to deinfluence | was going to deinfluence | tried to deinfluence
        i take it back | sorry deinfluencers | bought it to hate on it | i was wrong | proved me wrong
        everyone said * was overhyped | it's actually worth it | actually worth the hype
    """,
    "spons": """
        paid partnership | paid partner | pr package | in collaboration with | in partnership with
        partnered with | i'm partnered | sponsored by | this is sponsored | this video is sponsored
        earn a small commission | small commission | gifted by | was gifted | ad: | #ad:
    """,
    "sponsweak": """
        affiliate links | affiliate link | affiliate
    """,
    "nospons": """
        not sponsored | not affiliate | not an ad | no affiliate | not paid | unsponsored
        not gifted | nobody paid me | no one paid me
    """,
    "code": """
        code | discount code | promo code | coupon code
    """,
}
