"""The actor resolver's view of a mention's words: what each token is (memoised), the
longest knowledge-base match at a token, the sector and title phrases, and the parts
(:class:`_Part`) a mention is made of. :class:`_Scanner` holds the knowledge base and the
per-token memos; :class:`~eventwire.actors.composer._Composer` and
:class:`~eventwire.actors.resolver.ActorResolver` subclass it, so that a resolver is one object
whose memos and knowledge base every stage shares (``load_user_file`` resets them in one place)
and, compiled, the stages call each other as native methods, as they did in one class.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from .kb import KnowledgeBase
from .records import ActorRecord, Kind
from .text import Token, fold, sensitive

_DETERMINERS: Final = frozenset({"the", "a", "an", "its", "their", "his", "her"})
_PREPOSITIONS: Final = frozenset({"in", "at", "from", "near", "of", "on", "to", "by", "for"})
_DIRECTIONS: Final = frozenset(
    "central northern southern eastern western north south east west northeastern "
    "northwestern southeastern southwestern northeast northwest southeast southwest "
    "neighbouring neighboring".split()
)
# Every word _clean() may drop from the front of a mention, casefolded.
_LEADING: Final = _DETERMINERS | _PREPOSITIONS | _DIRECTIONS
_AFFILIATION: Final = frozenset(
    {"led", "backed", "based", "born", "controlled", "allied", "sponsored"}
)
# Lowercase particles inside a person's name ("Leila de Lima", "Rafael van der Vaart"): a
# capital after one is the end of a name, not the city ("de Lima" is no Peru).
NAME_PARTICLES: Final = frozenset(
    "de da do dos das del della di du van von der den la le bin ibn".split()
)
_STRIP: Final = " \t\n,;:!?()[]{}\"'“”‘’«»"
_CACHE_SIZE: Final = 100_000
# ``_new(_Part, (...))`` builds a NamedTuple from all its fields in one C call: the generated
# ``_Part(...)`` constructor is Python code that costs about three times as much, and the
# resolver builds several parts and tokens for each mention it has not seen.
_new: Final = tuple.__new__


_PartKind = Literal["kb", "sector", "title", "former", "relational", "word"]


class _Part(NamedTuple):
    """A piece of a mention: a knowledge-base match, a sector/title/former/relational word, or
    a plain word. (A NamedTuple, not a frozen dataclass: the resolver builds several per
    mention, and a tuple is several times cheaper to construct.)"""

    i: int
    j: int
    kind: _PartKind
    records: tuple[ActorRecord, ...] = ()
    sector: str | None = None
    text: str = ""


def _particle(p: _Part) -> bool:
    """A name particle's part ("de", "van"): see NAME_PARTICLES."""
    return p.kind == "word" and p.text.casefold() in NAME_PARTICLES


# A part's fields after its token span (i, j): what one token makes of itself, memoised.
_Fields = tuple[_PartKind, tuple[ActorRecord, ...], str | None, str]


class _Tok(NamedTuple):
    """What the resolver needs to know about one token, computed once per distinct token
    (memoised on the resolver): its folded form with and without a final dot, how many words
    the longest alias starting with it has, the longest sector/title phrase starting with it
    (0: none), and, for the knowledge base's token table only (else None), the part it makes
    of a mention wherever it stands (the fields of _Part after its token span) when that does
    not depend on its neighbours: when no alias or phrase of several words starts with it and
    it is not "ex"."""

    word: str
    folded: str
    bare: str
    span: int
    phrase: int
    solo: _Fields | None


def _fold_token(word: str) -> str:
    """fold() for one token. A token has no spaces and its hyphens always join word
    characters, so for ASCII fold() reduces to a replace and a casefold (no regex)."""
    if word.isascii():
        return word.replace("-", " ").casefold() if "-" in word else word.casefold()
    return fold(word)


def _clean(mention: str) -> str:
    # sensitive() inlined for ASCII (its memo cannot help a mention that is seen once). The
    # split/join only when it can change more than the ends, which the strip below drops
    # anyway (space is in _STRIP): printable ASCII has no whitespace but the space.
    if mention.isascii():
        text = (
            mention if mention.isprintable() and "  " not in mention else " ".join(mention.split())
        )
    else:
        text = sensitive(mention)
    text = text.strip(_STRIP)
    # Drop leading determiners, prepositions and lower-case directions: "in central Baghdad".
    # (The first word is looked at before anything else is built: most mentions start with
    # none. find() and a slice, not partition(): no rest string or tuple for them.)
    cut = text.find(" ")
    changed = False
    while cut > 0:
        first = text[:cut]
        low = first.casefold()
        if not (
            low in _LEADING  # one test rules out most first words
            and (low in _DETERMINERS or first in _PREPOSITIONS or first in _DIRECTIONS)
        ):
            break
        text = text[cut + 1 :]
        changed = True
        cut = text.find(" ")
    # strip_possessive() without its sensitive(): ``text`` is already in that form.
    if text.endswith(("'s", "'S")):
        text = text[:-2]
        changed = True
    return text.strip(_STRIP) if changed else text


def _sentence_dot(word: str) -> bool:
    """Whether the word's final dot ends a sentence rather than an abbreviation: "officials.",
    "Ukraine." but not "U.S.", "Gen." or "Inc." (the tokenizer keeps a final dot for those)."""
    if not word.endswith(".") or "." in word[:-1]:
        return False
    bare = word[:-1]
    return len(bare) >= 4 or bare.islower()


class _Scanner:
    """Token facts, knowledge-base matches and a mention's parts, memoised per token for the
    knowledge base ``kb`` (see :class:`~eventwire.actors.resolver.ActorResolver`, which is
    one; ``load_user_file`` replaces ``_kb`` and empties the memos)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._tok_memo: dict[str, _Tok] = {}
        self._solo_memo: dict[str, _Fields] = {}

    def _tok(self, word: str) -> _Tok:
        """The token's folded forms, alias span and sector/title phrase span.

        Memoised per token: the scanner asks this for every word of every text, and a news
        corpus repeats its words."""
        memo = self._tok_memo
        hit = memo.get(word) or self._kb.tok_table.get(word)
        if hit is not None:
            return hit
        kb = self._kb
        if word.isascii() and "-" not in word and not word.endswith(("'s", "'S", ".")):
            # The common case, a plain ASCII word: _tok_general() reduces to this (one folded
            # form, no possessive or final dot to look past).
            folded = word.casefold()
            fw = kb.first_words
            span = fw.get(word, 0)
            alt = fw.get(folded, 0)
            hit = _new(
                _Tok,
                (
                    word,
                    folded,
                    folded,
                    alt if alt > span else span,
                    kb.sector_first.get(folded) or 0,
                    None,
                ),
            )
        else:
            hit = self._tok_general(word)
        if len(memo) >= _CACHE_SIZE:
            memo.clear()
        memo[word] = hit
        return hit

    def _tok_general(self, word: str) -> _Tok:
        """:meth:`_tok` for any token, unmemoised."""
        kb = self._kb
        fw = kb.first_words
        folded = _fold_token(word)
        head = folded.split(" ", 1)[0] if " " in folded else folded
        # Aliases are indexed by their first word as written (acronyms: "US", "U.S.") or
        # folded ("al-Qaeda" -> "al qaeda" -> "al"); a possessive or final dot is not part of it.
        span = max(fw.get(word, 0), fw.get(head, 0))
        sens = word if word.isascii() else sensitive(word)
        if sens is not word:
            span = max(span, fw.get(sens, 0))
        if sens.endswith(("'s", "'S", ".")):
            base = (sens[:-2] if sens.endswith(("'s", "'S")) else sens).rstrip(".")
            span = max(span, fw.get(base, 0), fw.get(_fold_token(base).split(" ", 1)[0], 0))
        first = kb.sector_first
        phrase = first.get(head) or first.get(head.rstrip(".")) or 0
        bare = _fold_token(word.rstrip(".")) if word.endswith(".") else folded
        return _new(_Tok, (word, folded, bare, span, phrase, None))

    def _tok_with_solo(self, word: str) -> _Tok:
        """:meth:`_tok` with ``solo`` filled in where the token's part is its own (for the
        knowledge base's token table: _tok() leaves it to _parts(), which memoises it, so
        that the scanner, which asks for every word of every text, pays nothing for it)."""
        tk = self._tok(word)
        if tk.span > 1 or tk.phrase > 1 or tk.bare == "ex":
            return tk
        return _new(_Tok, (*tk[:5], self._solo_fields(tk)))

    def _match_at(
        self, text: str, tokens: list[Token], toks: list[_Tok], i: int
    ) -> tuple[int, tuple[ActorRecord, ...], int] | None:
        """The longest knowledge-base match starting at token i: (end token, records, end char)."""
        if i >= len(tokens):
            return None  # a title ended the text: nothing follows it to match
        limit = toks[i].span
        if not limit:
            return None
        kb = self._kb
        words, pairs = kb.alias_words, kb.alias_pairs
        start = tokens[i][1]
        ascii_text = text.isascii()  # then every span is ASCII: no slice needed to know it
        # A token holds at least one alias word, so no match spans more tokens than words.
        for j in range(min(len(tokens), i + limit), i, -1):
            last = tokens[j - 1][0]
            if last.isalnum() and (ascii_text or text[start : tokens[j - 1][2]].isascii()):
                # Every normal form lookup() tries keeps a plain word as a word of its own
                # (the folded token), and the words of the span in order: if no alias has
                # the last word, or the last two words one after the other, it is a miss,
                # found without normalising the span.
                folded = toks[j - 1].folded
                if folded not in words:
                    continue
                if j - 1 > i and tokens[j - 2][0].isalnum():
                    if f"{toks[j - 2].folded} {folded}" not in pairs:
                        continue
            end = tokens[j - 1][2]
            span = text[start:end]
            # (kb.lookup called as a method, not through a local bound to it: compiled, that
            # is a direct call; the bound method would be a generic Python call.)
            recs = kb.lookup(span)
            if recs:
                return j, recs, end
            if last.endswith(("'s", "’s")):
                recs = kb.lookup(span[:-2])
                if recs:
                    return j, recs, end - 2
            elif last.endswith(".") and len(last) > 1:
                recs = kb.lookup(span[:-1])
                if recs:
                    return j, recs, end - 1
        return None

    @staticmethod
    def _phrase_at(toks: list[_Tok], i: int, table: dict[str, str]) -> int:
        """End token of the longest phrase from ``table`` starting at token i (i if none)."""
        tk = toks[i]
        limit = tk.phrase
        if not limit:
            return i
        if limit == 1:
            # The commonest case, a one-word phrase ("troops", "President"): no join.
            w = tk.folded
            return i + 1 if w in table or w.rstrip(".") in table else i
        for j in range(min(len(toks), i + limit), i, -1):
            words = toks[i].folded if j == i + 1 else " ".join([t.folded for t in toks[i:j]])
            if words in table or words.rstrip(".") in table:
                return j
        return i

    def _extend(
        self,
        text: str,
        tokens: list[Token],
        toks: list[_Tok],
        j: int,
        end_char: int,
        kind: Kind,
    ) -> tuple[int, int]:
        """Grow a match rightwards over titles, sector nouns, and a following person."""
        kb = self._kb
        n = len(tokens)
        took_title = False
        while j < n:
            if kind != "person":
                t = self._phrase_at(toks, j, kb.title_words)
                if t > j:
                    j, end_char, took_title = t, tokens[t - 1][2], True
                    m = self._match_at(text, tokens, toks, j)
                    if m is not None and m[1][0].kind == "person":
                        return m[0], m[2]
                    continue
            s = self._phrase_at(toks, j, kb.sector_words)
            if s > j:
                j, end_char = s, tokens[s - 1][2]
                took_title = took_title or kind == "demonym"
                continue
            break
        if took_title and kind == "demonym":
            # "Chinese businessman Li Wei": an unknown person's name after the title.
            k = j
            while k < n and k < j + 4:
                if (
                    k > j
                    and k + 1 < n
                    and toks[k].folded in NAME_PARTICLES
                    and tokens[k + 1][0][:1].isupper()
                ):
                    k += 2  # "Senator Leila de Lima": the particle and the surname after it
                elif tokens[k][0][:1].isupper() and not kb.lookup(tokens[k][0]):
                    k += 1
                else:
                    break
            if k > j:
                j, end_char = k, tokens[k - 1][2]
        return j, end_char

    def _parts(self, text: str, tokens: list[Token], toks: list[_Tok]) -> list[_Part]:
        kb = self._kb
        pairs = kb.alias_pairs
        solos = self._solo_memo
        ascii_text = text.isascii()
        parts: list[_Part] = []
        i, n = 0, len(tokens)
        while i < n:
            tk = toks[i]
            fields = tk.solo
            if (
                fields is None
                and tk.phrase <= 1
                and tk.bare != "ex"
                and (
                    tk.span <= 1
                    or i + 1 == n
                    or (
                        ascii_text
                        and tk.word.isalnum()
                        and toks[i + 1].word.isalnum()
                        and f"{tk.folded} {toks[i + 1].folded}" not in pairs
                    )
                )
            ):
                # No alias or phrase of several words starts here: none starts with the
                # token, none fits in what is left, or the next word does not follow it in
                # any alias (an alias over plain ASCII words has every two of them that
                # follow each other in alias_pairs, so a missing first pair rules out every
                # longer span). The token's part is its own (memoised per token, see _solo;
                # the knowledge base's token table has it for its own words).
                fields = solos.get(tk.word) or self._solo(toks, i, n)
            if fields is not None:
                # (Fields by index, not *fields: a star builds a list, then the tuple.)
                parts.append(_new(_Part, (i, i + 1, fields[0], fields[1], fields[2], fields[3])))
                i += 1
                continue
            if tk.span:
                m = self._match_at(text, tokens, toks, i)
                if m is not None:
                    parts.append(_new(_Part, (i, m[0], "kb", m[1], None, "")))
                    i = m[0]
                    continue
            j, fields = self._word_part(toks, i, n)
            parts.append(_new(_Part, (i, j, fields[0], fields[1], fields[2], fields[3])))
            i = j
        for k in range(1, len(parts)):
            p = parts[k]
            if (
                p.kind == "kb"
                and _particle(parts[k - 1])
                and all(r.kind == "capital" or r.kind == "seat" for r in p.records)
            ):
                parts[k] = _new(_Part, (p.i, p.j, "word", (), None, tokens[p.i][0]))
        return parts

    def _solo(self, toks: list[_Tok], i: int, n: int) -> _Fields:
        """:meth:`_solo_fields` for token i where it makes its part alone (see _parts);
        memoised per token on the resolver."""
        fields = self._solo_fields(toks[i])
        memo = self._solo_memo
        if len(memo) >= _CACHE_SIZE:
            memo.clear()
        memo[toks[i].word] = fields
        return fields

    def _solo_fields(self, tk: _Tok) -> _Fields:
        """The part a token makes alone, where no alias or phrase of several words starts at
        it and it is not "ex" (whose part depends on what follows): what _match_at() finds
        for the token alone (the same lookups), else what _word_part() makes of it."""
        word = tk.word
        recs: tuple[ActorRecord, ...] = ()
        if tk.span:
            kb = self._kb
            recs = kb.lookup(word)
            if not recs:
                if word.endswith(("'s", "’s")):
                    recs = kb.lookup(word[:-2])
                elif word.endswith(".") and len(word) > 1:
                    recs = kb.lookup(word[:-1])
        return ("kb", recs, None, "") if recs else self._word_part([tk], 0, 1)[1]

    def _word_part(self, toks: list[_Tok], i: int, n: int) -> tuple[int, _Fields]:
        """The part that starts at token i when no alias does: (end token, its fields)."""
        kb = self._kb
        sector_words, title_words = kb.sector_words, kb.title_words
        tk = toks[i]
        w = tk.bare
        if "-" in tk.word:
            stem, _, suffix = tk.word.rpartition("-")
            if stem and suffix in _AFFILIATION and kb.lookup(stem):
                # "Vietnamese-led forces", "Iranian-backed militias": the named country.
                return i + 1, ("kb", kb.lookup(stem), None, "")
        if w in kb.former_words or (w == "ex" and i + 1 < n):
            return i + 1, ("former", (), None, "")
        if w in kb.relational_words:
            return i + 1, ("relational", (), None, "")
        if tk.phrase == 1:
            # Only one-word phrases start here: _phrase_at() on both tables, inlined (the
            # sector table wins a tie, as below).
            key = tk.folded
            sector = sector_words.get(key) or sector_words.get(key.rstrip("."))
            if sector is not None:
                return i + 1, ("sector", (), sector, key)
            sector = title_words.get(key) or title_words.get(key.rstrip("."))
            if sector is not None:
                return i + 1, ("title", (), sector, key)
        elif tk.phrase:
            # The longest sector phrase (ending at s) and the longest title phrase (ending at
            # t) that start here, as _phrase_at() finds them in each table, in one pass over
            # the lengths that joins each candidate once.
            s = t = i
            s_key = t_key = ""
            for j in range(min(n, i + tk.phrase), i, -1):
                key = tk.folded if j == i + 1 else " ".join([x.folded for x in toks[i:j]])
                bare_key = key.rstrip(".")
                if s == i and (key in sector_words or bare_key in sector_words):
                    s, s_key = j, key
                if t == i and (key in title_words or bare_key in title_words):
                    t, t_key = j, key
                if s > i and t > i:
                    break
            if s > i and s >= t:
                sector = sector_words.get(s_key) or sector_words.get(s_key.rstrip("."))
                return s, ("sector", (), sector, s_key)
            if t > i:
                sector = title_words.get(t_key) or title_words.get(t_key.rstrip("."))
                return t, ("title", (), sector, t_key)
        # A plural the sector list does not spell out: "negotiatorss" no, "generals" yes.
        if w.endswith("s") and w[:-1] in sector_words:
            return i + 1, ("sector", (), sector_words[w[:-1]], "")
        return i + 1, ("word", (), None, tk.word)

    def _two_word_parts(self, text: str) -> list[_Part] | None:
        """:meth:`_parts` for the commonest composed shape, two plain words that are a known
        name and a sector noun ("Russian troops", "Hamas militants"), without tokenising; None
        for anything else (the caller then takes the general path). Only called once
        ``lookup(text)`` has missed.

        Why this equals the general path: the text is two ASCII letter-only words with one
        space, so tokenize() gives exactly those two words, neither with a possessive, dot or
        hyphen. _match_at(0) tries the whole text first (the miss already seen), then the
        first word alone; a plain word that lookup() finds always starts an alias, so its
        token span is non-zero. The second word must not be a match of its own (else two "kb"
        parts), nor a "former" or relational word; it is then a sector part when the sector
        table has it (a one-word phrase beats or ties any title), or its singular (the plural
        rule), as long as the title table does not claim it first."""
        first, sep, second = text.partition(" ")
        if not (sep and first.isalpha() and second.isalpha() and text.isascii()):
            return None
        kb = self._kb
        recs = kb.lookup(first)
        if not recs or kb.lookup(second):
            return None
        w = second.casefold()
        if w in kb.former_words or w in kb.relational_words:
            return None
        sector_words = kb.sector_words
        sector = sector_words.get(w)
        if sector is not None:
            return [
                _new(_Part, (0, 1, "kb", recs, None, "")),
                _new(_Part, (1, 2, "sector", (), sector, w)),
            ]
        if w in kb.title_words or not w.endswith("s"):
            return None
        sector = sector_words.get(w[:-1])
        if sector is None:
            return None
        return [
            _new(_Part, (0, 1, "kb", recs, None, "")),
            _new(_Part, (1, 2, "sector", (), sector, "")),
        ]
