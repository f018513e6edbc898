"""Actors: an offline knowledge base and a time-aware resolver.

Public API::

    lookup_actor(name, *, date=None) -> Entity | None   # "South Korean President Moon Jae-in"
    get_resolver() / default_resolver() -> ActorResolver  # shared, built-ins + user files
    ActorResolver().resolve(mention, *, date=None) -> Entity | None
    ActorResolver().explain(mention, *, date=None) -> Resolution | None
    ActorResolver().find_mentions(text, *, date=None) -> list[tuple[int, int, Entity]]
    ActorResolver.from_files(paths) / resolver.load_user_file(path)
    ArticleContext(resolver, *, date=None)               # "the official", "the regime", "he"
    add_actor_file(path) -> Path                          # validate + copy into the user dir

The knowledge base is data, in ``eventwire/actors/data/``: ``countries.yaml`` (UN members and
observers with aliases, demonyms, capitals, seats of government), ``organisations.yaml`` (IGOs
and armed/political groups; code conventions in its header), ``officeholders.csv`` (heads of
state and government, foreign and defence ministers, with dated terms and Wikidata QIDs where
known), ``sectors.yaml`` (PLOVER sector words, titles, "former" and relational words).

User files (``eventwire actors add FILE``; stored in ``$EVENTWIRE_HOME/actors``, default
``~/.eventwire/actors``) are YAML merged over the built-ins; their entries win ties::

    actors:
      - name: Jane Roe
        code: USA
        sector: GOV
        kind: person            # or organisation (the default)
        id: Q123456             # optional Wikidata QID
        aliases: [Roe]
        terms:                  # optional dated roles
          - {start: 2019-01-01, end: 2023-01-01, sector: GOV, office: Governor}

A bad file raises :class:`eventwire.errors.InputError` naming the entry at fault.
The library never prints.
"""

from __future__ import annotations

from .api import add_actor_file, default_resolver, get_resolver, lookup_actor, user_actor_dir
from .coref import ArticleContext
from .kb import KnowledgeBase, load_builtin
from .records import ActorRecord, Term
from .resolver import ActorResolver, Resolution

__all__ = [
    "ActorRecord",
    "ActorResolver",
    "ArticleContext",
    "KnowledgeBase",
    "Resolution",
    "Term",
    "add_actor_file",
    "default_resolver",
    "get_resolver",
    "load_builtin",
    "lookup_actor",
    "user_actor_dir",
]
