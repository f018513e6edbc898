"""The word tables :mod:`eventwire.coder.senses` reads a trigger's context with: lemmas (and
lower-cased forms) of the objects, heads and modifiers that keep or drop a sense.

Kept apart from the readings so that each list can be reviewed and extended on its own; the
names stay those :mod:`~eventwire.coder.senses` uses (and re-exports), grouped under the same
headings as the readings there.
"""

from __future__ import annotations

from typing import Final

# ----------------------------------------------------------------- return, commit, host, stand

_MISDEEDS: Final = frozenset(
    {"crime", "act", "atrocity", "suicide", "fraud", "murder", "genocide", "violation",
     "abuse", "offence", "offense", "sin", "error", "mistake", "felony", "treason", "perjury",
     "robbery", "theft", "rape", "terrorism", "blunder", "foul", "misconduct", "breach",
     "wrongdoing", "irregularity", "infraction", "homicide", "adultery"}
)  # fmt: skip

# What a host receives in a diplomatic sense: a meeting, or the people who come to one.
_HOSTED: Final = frozenset(
    {"talk", "negotiation", "meeting", "summit", "discussion", "dialogue", "consultation",
     "conference", "mediation", "visit", "trip", "delegation", "leader", "president",
     "minister", "counterpart", "envoy", "official", "king", "queen", "prince", "princess",
     "monarch", "premier", "chancellor", "emperor", "emir", "sheikh", "ambassador",
     "dinner", "banquet", "reception", "lunch", "luncheon", "forum", "round", "delegate",
     "head", "representative", "diplomat", "foreign"}
)  # fmt: skip

# Named events a city or country hosts: not a meeting of actors. (A name's entity type is not
# read: triggers are found before the entity recognizer runs, to decide whether it must.)
_HOSTED_EVENTS: Final = frozenset(
    {"olympics", "olympic", "games", "cup", "championship", "championships", "expo", "festival",
     "tournament", "open", "prix", "marathon", "biennale", "eurovision", "fair"}
)  # fmt: skip

_VALUES: Final = frozenset(
    {"principle", "value", "ideal", "democracy", "freedom", "idea", "cause", "belief",
     "everything", "job", "work", "career", "family", "faith", "vision", "mission", "excellence"}
)  # fmt: skip


# ------------------------------------------------------------------------------- call, ask

# What is called rather than asked for: a vote, or an event the noun itself reports ("called
# a strike", "called a meeting").
_CALLED: Final = frozenset({"election", "vote", "referendum", "poll", "halt", "session"})

# "called Lavrov to discuss Syria": the purpose of a phone call, not a request.
_CALL_PURPOSES: Final = frozenset(
    {"discuss", "explain", "congratulate", "express", "offer", "thank", "convey", "brief",
     "inform", "extend", "wish", "talk", "say", "tell", "share", "update"}
)  # fmt: skip

_CALLEES: Final = frozenset(
    {"president", "minister", "counterpart", "leader", "king", "queen", "prince", "premier",
     "chancellor", "emir", "sheikh", "ambassador", "envoy", "secretary", "official", "chief",
     "head", "governor", "mayor", "pope", "me", "him", "her", "us"}
)  # fmt: skip

# Codebook REQUEST: what one asks for, not what one asks about.
_ASKED_FOR: Final = frozenset(
    {"help", "assistance", "aid", "permission", "asylum", "support", "money", "protection",
     "clarification", "explanation", "forgiveness", "pardon", "extradition", "loan", "troop",
     "intervention", "mediation", "release", "meeting", "talk"}
)  # fmt: skip


# ---------------------------------------------------------- help, provide, contribute (AID)

# Codebook AID: material, economic, military or humanitarian help.
_AID_GOODS: Final = frozenset(
    {"aid", "assistance", "weapon", "arm", "arms", "ammunition", "equipment", "food", "water",
     "medicine", "shelter", "fuel", "vehicle", "tank", "jet", "missile", "training", "funding",
     "fund", "money", "cash", "loan", "grant", "credit", "donation", "relief", "vaccine",
     "supply", "troop", "soldier", "personnel", "intelligence", "asylum", "refuge", "tent",
     "blanket", "ration", "drug", "dose", "helicopter", "aircraft", "ship", "rifle", "gun",
     "million", "billion", "trillion", "dollar", "euro", "yuan", "pound", "yen", "rupee",
     "$", "€", "£", "subsidy", "budget", "financing", "investment", "expertise", "support"}
)  # fmt: skip


# ----------------------------------------------------- launch, reduce, cut, curtail, recall

_MISSILES: Final = frozenset(
    {"missile", "rocket", "projectile", "icbm", "slbm", "warhead", "salvo", "munition"}
)

_LAWSUITS: Final = frozenset({"lawsuit", "suit", "case", "proceeding", "prosecution"})

# Codebook SANCTION: "reductions in existing, routine, or cooperative relations"; CONCEDE:
# easing sanctions, tariffs and restrictions.
_RELATIONS: Final = frozenset(
    {"aid", "assistance", "tie", "relation", "contact", "cooperation", "funding", "fund",
     "support", "supply", "export", "import", "trade", "flight", "presence", "staff",
     "diplomat", "embassy", "delegation", "investment", "loan", "credit", "gas", "oil",
     "electricity", "power", "visa", "payment", "subsidy", "donation", "grant", "contribution",
     "troop", "personnel", "mission", "engagement", "exchange", "access"}
)  # fmt: skip

_BARRIERS: Final = frozenset({"tariff", "duty", "sanction", "restriction", "levy", "barrier"})

_RECALLED: Final = frozenset(
    {"ambassador", "envoy", "diplomat", "consul", "representative", "staff", "delegation",
     "troop", "soldier", "force", "personnel", "mission", "charge", "chargé"}
)  # fmt: skip


# ------------------------------------------------------------------ ease, lift, share, accept

# Codebook CONCEDE: "ease economic sanctions, restrictions, ... or a blockade".
_EASED: Final = _BARRIERS | frozenset(
    {"ban", "embargo", "blockade", "curfew", "siege", "control", "rule", "requirement", "limit",
     "cap", "quota", "regime", "visa", "tension", "measure", "lockdown", "moratorium",
     "boycott", "freeze", "suspension", "travel", "emergency", "state", "closure",
     "martial"}
)  # fmt: skip

# Codebook COOPERATE: sharing intelligence, information, resources; sharing a view is SUPPORT.
_SHARED: Final = frozenset(
    {"information", "intelligence", "data", "evidence", "technology", "expertise",
     "experience", "resource", "knowledge", "burden", "cost", "responsibility", "finding",
     "detail", "document", "record", "file", "know", "lesson", "practice", "database"}
)  # fmt: skip

_VIEWS: Final = frozenset(
    {"stance", "view", "concern", "position", "opinion", "belief", "goal", "vision", "value",
     "interest", "understanding", "assessment", "sentiment", "approach", "ideal", "principle",
     "aim", "commitment", "desire", "aspiration", "determination", "hope"}
)  # fmt: skip

# What is accepted: an offer (AGREE), a demand or an outcome (CONCEDE), people (AID).
_ACCEPTED_OFFERS: Final = frozenset(
    {"invitation", "offer", "proposal", "plan", "deal", "agreement", "term", "condition",
     "ceasefire", "truce", "compromise", "mediation", "resolution", "settlement", "framework",
     "roadmap", "peace", "talk", "request", "charter", "accord", "treaty", "bid", "apology"}
)  # fmt: skip

_ACCEPTED_DEMANDS: Final = frozenset(
    {"demand", "responsibility", "blame", "defeat", "result", "outcome", "verdict", "ruling",
     "resignation", "surrender", "rule", "authority", "sovereignty", "control"}
)  # fmt: skip

_ACCEPTED_PEOPLE: Final = frozenset(
    {"refugee", "migrant", "seeker", "asylum", "immigrant", "people", "evacuee", "deportee"}
)


# ------------------------------------------------------------------------------------ attack

# Codebook: verbal attacks are ACCUSE ("attacked the ruling", "attacked the plan").
_CRITICISED: Final = frozenset(
    {"case", "policy", "decision", "plan", "remark", "comment", "law", "bill", "ruling",
     "proposal", "idea", "report", "media", "press", "statement", "record", "speech",
     "stance", "view", "approach", "move", "ban", "order", "measure", "reform",
     "budget", "program", "programme", "strategy", "claim", "argument", "credibility",
     "integrity", "reputation", "legitimacy", "judiciary", "verdict", "policies", "handling"}
)  # fmt: skip


# --------------------------------------------------------------- offer, fire, strike, confront

# What a political offer holds (besides aid: _AID_GOODS).
_OFFERED: Final = frozenset(
    {"talk", "negotiation", "dialogue", "peace", "ceasefire", "truce", "deal", "concession",
     "compromise", "proposal", "plan", "mediation", "guarantee", "security", "protection",
     "cooperation", "resignation", "apology", "amnesty", "pardon", "help", "regiment",
     "battalion", "brigade", "warship", "base", "access", "reward", "bounty", "exchange",
     "swap", "settlement", "referendum", "autonomy", "election", "invitation", "meeting"}
)  # fmt: skip

_DISMISSED: Final = frozenset(
    {"judge", "staff", "employee", "worker", "director", "official", "minister", "aide",
     "coach", "manager", "chief", "head", "adviser", "advisor", "secretary", "commissioner",
     "general", "prosecutor", "attorney", "him", "her", "them", "me", "executive", "ceo"}
)  # fmt: skip

_STRUCK_IDIOMS: Final = frozenset(
    {"chord", "balance", "note", "tone", "pose", "nerve", "figure", "match", "gold", "oil"}
)

_FACED: Final = frozenset(
    {"question", "challenge", "problem", "issue", "reality", "crisis", "truth", "fact",
     "dilemma", "task", "difficulty", "situation", "legacy", "past", "fear", "demon",
     "consequence", "prospect", "possibility", "risk", "threat"}
)  # fmt: skip


# -------------------------------------------------------------------------- release, yield

# What is published rather than set free (codebook RETREAT 'release': people or property).
_PUBLISHED: Final = frozenset(
    {"statement", "list", "report", "data", "figure", "statistic", "plan", "document", "paper",
     "notice", "regulation", "rule", "guideline", "video", "clip", "footage", "photo", "image",
     "picture", "film", "movie", "album", "song", "book", "record", "recording", "tape",
     "transcript", "detail", "information", "result", "ranking", "table", "forecast",
     "projection", "estimate", "survey", "study", "poll", "version", "product", "app",
     "software", "update", "fragrance", "stamp", "dvd", "flare", "memo", "letter", "email",
     "text", "audio", "trailer", "edition", "index", "draft", "proposal", "roadmap",
     "strategy", "guidance", "schedule", "timetable", "decoy", "potential", "energy", "gas",
     "emission", "pollutant", "radiation", "smoke", "toxin", "chemical", "white", "press",
     "news", "tweet", "post", "verdict", "finding", "evidence", "name", "identity", "profile",
     "series", "collection", "game", "model", "design"}
)  # fmt: skip

_YIELDED: Final = frozenset(
    {"result", "return", "benefit", "profit", "fruit", "dividend", "gain", "outcome",
     "insight", "data", "information", "crop", "harvest", "breakthrough", "progress",
     "evidence", "clue", "lead", "revenue", "income", "savings", "improvement",
     # Money: "exports yielded about $15 billion".
     "$", "€", "£", "billion", "million", "trillion", "dollar", "euro", "pound", "percent",
     "%", "interest", "cash", "money", "sum", "yield"}
)  # fmt: skip


# -------------------------------------------------------------------------------------- warn

# Codebook THREATEN: "coercive or forceful warnings with serious potential repercussions".
_REPERCUSSIONS: Final = frozenset(
    {"action", "retaliation", "consequence", "reaction", "response", "measure", "strike",
     "attack", "war", "sanction", "force", "repercussion", "countermeasure", "escalation",
     "reprisal", "punishment", "step", "operation"}
)  # fmt: skip

_FUTURE: Final = frozenset({"will", "would", "wo", "shall", "'ll"})

_OFFICES: Final = frozenset(
    {"term", "reelection", "re-election", "office", "nomination", "presidency", "seat",
     "election", "candidacy", "post", "job", "position", "mandate", "leadership", "spot"}
)  # fmt: skip


# ------------------------------------------------------- kill, shoot, meet, withhold, deliver

# What is killed or wounded in no violent sense: "likely to kill any hope of a two-state
# solution", "kill the bill".
_NOT_VICTIMS: Final = frozenset(
    {"hope", "chance", "deal", "plan", "bill", "idea", "proposal", "mood", "momentum",
     "process", "initiative", "project", "story", "rumor", "rumour", "joke", "time", "engine",
     "light", "power", "prospect", "dream", "agreement", "legislation", "measure", "reform",
     "pride", "feeling", "conversation", "demand", "appetite", "growth", "job", "sale",
     # Animals: "hunt and kill lions".
     "lion", "tiger", "goat", "wolf", "bear", "animal", "bird", "fish", "elephant", "rhino",
     "dog", "cat", "cattle", "cow", "pig", "chicken", "deer", "shark", "livestock", "sheep"}
)  # fmt: skip

# What is shot with a camera: "scenes shot in China", "shooting a documentary".
_FILMED: Final = frozenset(
    {"scene", "film", "movie", "video", "footage", "picture", "photo", "photograph", "episode",
     "series", "documentary", "commercial", "advert", "clip", "segment", "sequence", "image",
     "music", "pilot", "feature", "portrait", "shot"}
)  # fmt: skip

# What is met without a meeting: "meet that target", "meet the deadline".
_MET_AIMS: Final = frozenset(
    {"target", "need", "expectation", "requirement", "criterion", "criteria", "standard",
     "deadline", "goal", "obligation", "condition", "cost", "threshold", "quota", "challenge",
     "commitment", "payroll", "end", "fate", "death", "approval", "definition", "test",
     "demand", "objective", "benchmark", "forecast", "estimate", "bill", "payment"}
)  # fmt: skip

# What is withheld without a sanction: "will withhold comment until the ruling" ("withheld
# aid" is one).
_UNSAID: Final = frozenset({"comment", "judgment", "judgement", "name", "identity", "detail"})

# What is delivered as aid besides _AID_GOODS: "delivered S-300 systems", "a shipment".
_DELIVERED: Final = _AID_GOODS | frozenset(
    {"system", "battery", "artillery", "drone", "shell", "shipment", "consignment", "cargo",
     "convoy", "batch", "package", "grain", "wheat", "flour", "humanitarian", "help"}
)  # fmt: skip

_QUALIFIED: Final = frozenset(
    {"highly", "well", "poorly", "badly", "properly", "fully", "specially", "professionally",
     "extensively", "adequately", "inadequately", "classically", "formally"}
)  # fmt: skip

# What is destroyed without violence: "destroy their passports", "destroyed evidence".
_PAPERS: Final = frozenset(
    {"passport", "document", "evidence", "record", "file", "data", "email", "paper", "note",
     "photo", "drive", "phone", "copy", "archive", "ballot", "letter", "diary", "career",
     "reputation", "credibility", "confidence", "trust", "mind", "peace", "life", "lives"}
)  # fmt: skip

# What a weapons test tests: "tested a missile"; not "test China", "testing self-driving cars".
_TESTED_WEAPONS: Final = _MISSILES | frozenset(
    {"weapon", "bomb", "device", "nuke", "launcher", "engine", "system", "artillery",
     "submarine", "drone", "torpedo", "satellite", "rocket", "missile", "munition", "warhead",
     "interceptor", "shell", "explosive", "laser", "railgun", "hypersonic", "icbm", "slbm"}
)  # fmt: skip

# What is fought in court or in policy: "fighting legal problems", "fight the ban in court".
_FOUGHT_IN_COURT: Final = frozenset(
    {"problem", "charge", "case", "lawsuit", "allegation", "claim", "disease", "cancer",
     "illness", "corruption", "poverty", "inflation", "obesity", "ruling", "decision", "order",
     "ban", "extradition", "deportation", "fire", "wildfire", "blaze", "battle", "addiction",
     "unemployment", "climate", "change", "tax", "bill", "law", "regulation", "rule", "fine",
     "conviction", "verdict", "eviction", "relegation", "injury", "tear"}
)  # fmt: skip

_PRIZES: Final = frozenset(
    {"place", "spot", "title", "position", "seat", "promotion", "trophy", "cup",
     "championship", "medal", "job", "contract", "point", "ticket", "berth", "crown", "award",
     "prize", "nomination", "vote", "customer", "client", "market"}
)  # fmt: skip

_FROZEN: Final = frozenset(
    {"asset", "account", "fund", "funding", "payment", "aid", "assistance", "property",
     "holding", "deposit", "loan", "credit", "transfer", "talk", "negotiation", "relation",
     "tie", "cooperation", "contact", "dialogue", "process", "membership", "deal",
     "agreement", "program", "programme", "project", "visa", "money", "reserve", "export",
     "import", "shipment", "delivery", "contract"}
)  # fmt: skip


# ---------------------------------------------------------------------------------- nouns

_MARKET_WORDS: Final = frozenset(
    {"dollar", "stock", "market", "price", "oil", "share", "currency", "bond", "equity",
     "relief", "year-end", "santa", "rate", "gold", "yen", "euro", "sterling", "pound",
     "commodity", "index", "asset", "post-election", "late", "strong", "broad"}
)  # fmt: skip

# Demand as a market's, not a claim: "gas demand", "China's demand for meat", "meet demand".
_MARKET_DEMAND: Final = frozenset(
    {"market", "energy", "oil", "gas", "consumer", "domestic", "global", "strong", "weak",
     "rising", "growing", "housing", "power", "electricity", "food", "import", "export", "meat",
     "world", "annual", "local", "industrial", "customer", "investor", "credit", "loan",
     "commodity", "moral", "aggregate", "peak", "fuel", "coal", "steel", "water", "travel",
     "labor", "labour", "protein", "product", "good", "service", "car", "vehicle", "grain",
     "corn", "soybean", "talent", "skill", "worker", "seasonal", "external", "overall"}
)  # fmt: skip

_DEMAND_VERBS: Final = frozenset(
    {"meet", "satisfy", "boost", "stimulate", "drive", "increase", "weaken", "curb", "exceed",
     "outstrip", "fuel", "dampen", "spur", "cool", "reduce", "lift", "support", "match"}
)  # fmt: skip

# "waged a war", "declared war", "the war broke out": the war as something done. "The Syrian
# war" in passing, "after the war", "a trade war" report none.
_WAR_VERBS: Final = frozenset(
    {"wage", "launch", "declare", "start", "fight", "escalate", "begin", "threaten", "end",
     "break", "erupt", "rage", "enter", "join", "lose", "win", "intensify", "provoke"}
)  # fmt: skip

_NATURAL_ALERTS: Final = frozenset(
    {"weather", "storm", "tornado", "flood", "travel", "news", "email", "smog", "pollution",
     "health", "heat", "snow", "winter", "fire", "tsunami", "hurricane", "frost", "price",
     "flu", "influenza", "outbreak", "epidemic", "disease", "virus", "earthquake", "avalanche"}
)  # fmt: skip

_TREATIES: Final = frozenset({"agreement", "accord", "treaty", "pact", "deal"})

# A test in the figurative sense: "a key test of whether Scotland's voice is heard".
_TRIALS: Final = frozenset(
    {"key", "real", "litmus", "acid", "stern", "tough", "severe", "crucial", "critical", "true",
     "ultimate", "big", "major", "stiff", "early", "important"}
)  # fmt: skip

_NON_WEAPON_TESTS: Final = frozenset(
    {"doping", "drug", "dna", "blood", "covid", "virus", "driving", "stress", "entrance",
     "school", "pregnancy", "paternity", "breath", "eye", "urine", "crash", "road", "beta",
     "litmus", "iq", "language", "citizenship", "fitness", "pcr", "antibody", "hiv", "aptitude",
     "skills", "math", "maths", "reading", "lab", "laboratory", "medical", "genetic", "emission",
     "emissions", "safety", "product", "software", "market", "cricket", "endurance"}
)  # fmt: skip

# Deals of business, not diplomacy: "a takeover deal", "made a deal to buy GE's business".
_BUSINESS_DEALS: Final = frozenset(
    {"takeover", "merger", "acquisition", "sponsorship", "licensing", "record", "book",
     "publishing", "transfer", "business", "commercial", "advertising", "endorsement",
     "distribution", "broadcast", "broadcasting", "tv", "film", "movie", "lease", "leasing"}
)  # fmt: skip

_BOUGHT: Final = frozenset(
    {
        "buy",
        "acquire",
        "sell",
        "purchase",
        "merge",
        "license",
        "sponsor",
        "broadcast",
        "distribute",
        "lease",
        "take over",
        "invest",
    }
)

# Verbs that make a named treaty news: "signed the Minsk agreement", "reached a Paris deal".
_CONCLUDED: Final = frozenset(
    {"reach", "sign", "conclude", "seal", "strike", "negotiate", "broker", "agree", "approve",
     "ratify", "clinch", "finalize", "finalise", "initial", "adopt", "endorse", "announce"}
)  # fmt: skip

_PRESS_ASKS: Final = frozenset({"comment", "interview", "reaction", "response", "statement"})
