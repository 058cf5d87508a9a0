"""Resolve: entity mentions across many articles grouped into canonical entities.

``resolve(docs)`` takes each article's tagged text (:class:`MentionDoc`) and returns a
:class:`Resolution`: the entities with their canonical name, type, forms and roles, the
entity of every kept mention, the roles seen per article and date, mention counts and
co-occurrence counts. Modules: ``names`` (spelling-independent keys), ``inflect``
(German endings), ``roles`` (role phrases around a name), ``clean`` (noise and span
repair), ``resolver`` (the grouping).
"""

from lagebild.resolve.records import Dropped, MentionDoc, Resolution, RoleSighting
from lagebild.resolve.resolver import resolve

__all__ = ["Dropped", "MentionDoc", "Resolution", "RoleSighting", "resolve"]
