"""Words that report an event in some senses only (eventwire.coder.senses), read on small parsed
sentences: each case is a sentence, the word, and the reading the PLOVER codebook gives it
(None: no event). Hand-written news-style sentences."""

from __future__ import annotations

import pytest
from parsing import case, token_of  # tests/coder/parsing.py (pytest puts tests/coder on sys.path)

from eventwire.coder.lexicon import NOUNS, Trigger
from eventwire.coder.senses import SENSE_NOUNS, SENSE_VERBS, noun_sense, verb_sense
from eventwire.pipeline import Pipeline

VERB_CASES = [
    # return: people or property handed back, not travel
    case("The envoy returned to Moscow on Sunday.", "returned", None),
    case("Iraq returned the stolen artifacts to Kuwait.", "returned", ("RETREAT", "release")),
    # commit: a promise, not a misdeed or a creed
    case("The soldier committed suicide.", "committed", None),
    case("It is a country committed to liberal democratic principles.", "committed", None),
    case("Germany committed to sending more troops.", "committed", ("AGREE", None)),
    # host: a meeting or a guest, not a sporting event
    case("Brazil hosted the Olympics in 2016.", "hosted", None),
    case("Egypt hosted talks between Israel and Hamas.", "hosted", ("CONSULT", None)),
    case("Saudi Arabia hosted Netanyahu in Riyadh.", "hosted", ("CONSULT", None)),
    # stand: with someone, or down
    case("The index stood at 51 in March.", "stood", None),
    case("France stood with Germany after the attack.", "stood", ("SUPPORT", None)),
    case("The minister stood down on Friday.", "stood", ("RETREAT", "resign")),
    # call: a request, a phone call, or naming
    case("He called the plan a mess.", "called", None),
    case("The president called early elections.", "called", None),
    case("The UN called for talks.", "called", ("REQUEST", None)),
    case("Putin called Erdogan on Friday.", "called", ("CONSULT", "phone")),
    case(
        "Trump called King Salman on Saturday.",
        "called",
        ("CONSULT", "phone"),
        miss="the small model parses 'King Salman' as an object predicate (oprd), which the "
        "reading of 'call' takes for naming ('called the plan a mess')",
    ),
    # ask: for something, not a question
    case("Reporters asked whether the talks would resume.", "asked", None),
    case("Ukraine asked for more weapons.", "asked", ("REQUEST", None)),
    # help, provide, contribute: aid, not facilitation
    case("The deal will help ease pressure on exporters.", "help", None),
    case("Japan helped the flood victims.", "helped", ("AID", None)),
    case("The forum will provide a platform for debate.", "provide", None),
    case("The United States provided Ukraine with weapons.", "provided", ("AID", None)),
    case("Smith contributed to this report.", "contributed", None),
    case("Japan contributed $46 million to the fund.", "contributed", ("AID", None)),
    # launch: missiles and lawsuits, not satellites
    case("China launched a weather satellite.", "launched", None),
    case("North Korea launched a ballistic missile.", "launched", ("MOBILIZE", "weapons")),
    case(
        "The Commission launched legal action against Poland.",
        "launched",
        ("ACCUSE", "investigate"),
    ),
    # reduce, cut, recall: relations cut, barriers eased
    case("The plan will reduce oil consumption.", "reduce", None),
    case("The US reduced military aid to Pakistan.", "reduced", ("SANCTION", None)),
    case("China cut tariffs on American goods.", "cut", ("CONCEDE", None)),
    case("She recalls the war vividly.", "recalls", None),
    case("Israel recalled its ambassador from Turkey.", "recalled", ("SANCTION", None)),
    # ease, lift, relax: sanctions and restrictions
    case("The EU lifted the sanctions on Iran.", "lifted", ("CONCEDE", None)),
    case("The golfers relaxed on the course.", "relaxed", None),
    # share: a view (SUPPORT) or intelligence (COOPERATE)
    case("We share the view that the war must end.", "share", ("SUPPORT", None)),
    case("The two agencies shared intelligence on the plot.", "shared", ("COOPERATE", None)),
    # accept: an offer, a demand, people
    case("Iran accepted the invitation to the summit.", "accepted", ("AGREE", None)),
    case("The government accepted the protesters' demands.", "accepted", ("CONCEDE", None)),
    case("Germany accepted 1,000 Syrian refugees.", "accepted", ("AID", None)),
    case("He accepted the trophy.", "accepted", None),
    # attack: in words or by force
    case("The senator attacked the plan.", "attacked", ("ACCUSE", "disapprove")),
    case("Rebels attacked the army base.", "attacked", ("ASSAULT", None)),
    # offer
    case("Turkey offered to mediate between the two sides.", "offered", ("AGREE", None)),
    case("The cafe offers free WiFi.", "offers", None),
    case("The president offered condolences to the families.", "offered", None),
    case(
        "The opposition offered scathing criticism of the government.",
        "offered",
        ("ACCUSE", "disapprove"),
    ),
    # fire, strike, confront, yield
    case("Trump fired the FBI director.", "fired", None),
    case("The song struck a chord with young Chinese.", "struck", None),
    case("The two sides struck a deal.", "struck", None),
    case("Israel struck Hamas targets in Gaza.", "struck", ("ASSAULT", "aerial")),
    case("Japan confronted the question of its wartime past.", "confronted", None),
    case("Japan confronted China over the islands.", "confronted", ("COERCE", None)),
    case("The talks yielded results.", "yielded", None),
    case("The rebels yielded to the army.", "yielded", ("CONCEDE", None)),
    # warn: a threat, a reproach, or a forecast
    case("He warned that his government would expel the diplomats.", "warned", ("THREATEN", None)),
    case("The governor warned the law is unconstitutional.", "warned", ("ACCUSE", "disapprove")),
    case("The agency warned of possible famine.", "warned", None),
    # push, seek
    case("The US pushed for sanctions against Iran.", "pushed", ("REQUEST", None)),
    case("The firm pushed up revenues.", "pushed", None),
    case("Obama is seeking a second term.", "seeking", None),
    case("The refugees sought asylum in Germany.", "sought", ("REQUEST", None)),
    # kill, shoot: victims, not hopes or films
    case("The drought will kill any hope of a deal.", "kill", None),
    case("Gunmen killed ten villagers.", "killed", ("ASSAULT", None)),
    case("The scenes were shot in China.", "shot", None),
    case("Police shot two protesters.", "shot", ("ASSAULT", "firearms")),
    # meet: people, or demands; not targets
    case("The company met that target.", "met", None),
    case("Putin met Xi in Beijing.", "met", ("CONSULT", None)),
    case("The government met the strikers' demands.", "met", ("CONCEDE", None)),
    # withhold, deliver, burn, train, destroy, test, fight
    case("The ministry will withhold comment.", "withhold", None),
    case("The US withheld aid to Egypt.", "withheld", ("SANCTION", None)),
    case("He delivered a speech in Berlin.", "delivered", None),
    case("Russia delivered S-300 systems to Syria.", "delivered", ("AID", None)),
    case("Doctors are burning out.", "burning", None),
    case("Rioters burned police cars.", "burned", ("ASSAULT", "destroy")),
    case("The doctors are highly trained.", "trained", None),
    case("The US trained Ukrainian soldiers.", "trained", ("COOPERATE", None)),
    case("He destroyed the documents.", "destroyed", None),
    case("Troops destroyed the village.", "destroyed", ("ASSAULT", "destroy")),
    case("Google tested self-driving cars.", "tested", None),
    case("North Korea tested a ballistic missile.", "tested", ("MOBILIZE", "weapons")),
    case("He is fighting the charges in court.", "fighting", None),
    case("The club will fight for a Champions League place.", "fight", None),
    case("Rebels fought government troops near the city.", "fought", ("ASSAULT", None)),
    # concede, sign, freeze, agree, insist
    case("He conceded that the protests were peaceful.", "conceded", None),
    case("The government conceded defeat.", "conceded", ("CONCEDE", None)),
    case("The club signed a sponsorship deal with Nike.", "signed", None),
    case("Iran and Iraq signed the treaty.", "signed", ("SUPPORT", None)),
    case("The US froze the assets of the bank.", "froze", ("SANCTION", None)),
    case("The firm froze prices.", "froze", None),
    case("He agrees that the drug could be valuable.", "agrees", None),
    case(
        "Turkey agreed with Russia that the sanctions were counterproductive.",
        "agreed",
        ("SUPPORT", None),
    ),
    case("Israel agreed to withdraw its troops.", "agreed", ("AGREE", None)),
    case("He insisted the threat is very real.", "insisted", None),
    case("He insisted that the talks resume.", "insisted", ("REQUEST", None)),
]


@pytest.mark.parametrize(("text", "word", "expected"), VERB_CASES)
def test_verb_sense(pipeline: Pipeline, text: str, word: str, expected: Trigger | None) -> None:
    tok = token_of(pipeline, text, word)
    assert tok.pos_ == "VERB" and tok.lemma_ in SENSE_VERBS, (tok.pos_, tok.lemma_)
    assert verb_sense(tok) == expected


NOUN_CASES = [
    case("The dollar rally continued on Friday.", "rally", None),
    case("Thousands joined a rally in the capital.", "rally", ("PROTEST", "demo")),
    case("Russia has a great deal of influence.", "deal", None),
    case("Iran and the US reached a nuclear deal.", "deal", ("SUPPORT", None)),
    case("Gas demand rose in the winter.", "demand", None),
    case("The protesters repeated their demand for elections.", "demand", ("REQUEST", None)),
    case("Refugees fled the Syrian war.", "war", None),
    case("Russia waged war on Ukraine.", "war", ("ASSAULT", None)),
    case("The minister held a press conference.", "conference", None),
    case("The two sides held a peace conference in Geneva.", "conference", ("CONSULT", None)),
    case("The ministry did not respond to a request for comment.", "request", None),
    case("Iran rejected a request for inspections.", "request", ("REQUEST", None)),
    case("The two leaders held a phone call on Monday.", "call", ("CONSULT", "phone")),
    case("The UN repeated its calls for restraint.", "calls", ("REQUEST", None)),
    case("Iran sought sanctions relief.", "relief", ("CONCEDE", None)),
    case("Athletes failed doping tests.", "tests", None),
    case("The missile test alarmed Japan.", "test", ("MOBILIZE", "weapons")),
    case("The striker is on loan from Chelsea.", "loan", None),
    case("Fans awaited the release of the ranking.", "release", None),
    case("Israel welcomed the release of the hostages.", "release", ("RETREAT", "release")),
    case("He is in charge of the operation.", "charge", None),
    case("Students received job offers.", "offers", None),
    case("Hamas welcomed the offer of talks.", "offer", ("AGREE", None)),
    case("Russia broke its obligations under the Minsk agreements.", "agreements", None),
    case("The two sides signed the Minsk agreements.", "agreements", ("SUPPORT", None)),
    case("The region is on high alert for bird flu.", "alert", None),
    case("The army was put on high alert.", "alert", ("MOBILIZE", "troops")),
    case("Naldo came to the rescue with a free kick.", "rescue", None),
    case("The navy led the rescue of the sailors.", "rescue", ("AID", None)),
    case("Women fill many civilian occupations.", "occupations", None),
    case("The occupation of Crimea continued.", "occupation", ("COERCE", None)),
    case("He issued a warning of military action.", "warning", ("THREATEN", None)),
]


@pytest.mark.parametrize(("text", "word", "expected"), NOUN_CASES)
def test_noun_sense(pipeline: Pipeline, text: str, word: str, expected: Trigger | None) -> None:
    tok = token_of(pipeline, text, word)
    hit = NOUNS.get(tok.lemma_) or NOUNS.get(tok.lower_)
    assert hit is not None and tok.pos_ == "NOUN", (tok.pos_, tok.lemma_)
    assert tok.lemma_ in SENSE_NOUNS or hit[0] == "REQUEST"
    mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
    assert noun_sense(tok, hit, mods) == expected
