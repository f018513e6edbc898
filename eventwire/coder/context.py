"""Article-level memory for resolving pronouns and generic mentions ("the official",
"they", "the regime") to actors seen earlier in the same article."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventwire.model import Entity

__all__ = ["ArticleMemory", "GENERIC_ACTOR_WORDS", "PRONOUNS"]

PRONOUNS = frozenset({"it", "its", "they", "them", "their", "we", "us", "our", "he", "she",
                      "his", "her", "him"})  # fmt: skip
# Nouns that name an actor only through what the article has already said.
GENERIC_ACTOR_WORDS = frozenset(
    {"official", "officials", "administration", "government", "regime", "country", "nation",
     "leader", "leadership", "spokesman", "spokeswoman", "spokesperson", "ministry",
     "side", "authorities", "state"}
)  # fmt: skip


@dataclass(slots=True)
class ArticleMemory:
    """What the coder remembers while reading one article, sentence by sentence."""

    last_subject: Entity | None = None
    last_speaker: Entity | None = None
    last_country_mention: Entity | None = None
    mentions: list[Entity] = field(default_factory=list)

    def note_mention(self, entity: Entity) -> None:
        self.mentions.append(entity)
        if entity.code:
            self.last_country_mention = entity

    def person_by_name(self, word: str) -> Entity | None:
        """A person named earlier whose name contains ``word`` ("Kim" → Kim Jong Un)."""
        w = word.strip().lower()
        for ent in reversed(self.mentions):
            if ent.id and ent.name and ent.name != ent.text and w in ent.name.lower().split():
                return ent
        return None

    def note_subject(self, entity: Entity) -> None:
        self.last_subject = entity

    def resolve_pronoun(self, word: str, *, in_quote: bool) -> Entity | None:
        """Best guess for a pronoun or generic actor word, or None."""
        w = word.lower()
        if w in ("we", "us", "our") and in_quote:
            return self.last_speaker or self.last_subject
        if w in ("it", "its"):
            return self.last_country_mention or self.last_subject
        return self.last_subject or self.last_speaker
