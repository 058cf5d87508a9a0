"""Who met whom: the network of entities that took part in the same events.

Nodes are entities (the events name participants by canonical name; each name is
matched to its entity, the most widely reported one when two share a name); an edge
joins two participants of the same event, and its weight is the number of events
they share. Around one entity (``entity_id``) the network holds the events it took
part in: its neighbours, and the edges among them too, so a reader sees who else
met.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

from lagebild.store.dialect import Connection


@dataclass
class Node:
    """An entity in the network; ``entity_id`` None for a name no entity holds."""

    id: str
    name: str
    type: str | None
    entity_id: str | None
    events: int = 0


@dataclass
class Edge:
    """Two entities and the events they both took part in (``weight`` of them)."""

    source: str
    target: str
    weight: int = 0
    events: list[str] = field(default_factory=list)


@dataclass
class Network:
    """Nodes and edges; ``center`` is the node the network was built around, if any."""

    center: str | None
    nodes: list[Node]
    edges: list[Edge]


def _entities_by_name(db: Connection) -> dict[str, tuple[str, str]]:
    """Canonical name -> (entity id, type); the most widely reported entity wins a name."""
    found: dict[str, tuple[str, str]] = {}
    for entity_id, name, kind in db.execute(
        "SELECT id, name, type FROM entities ORDER BY articles ASC, id DESC"
    ):
        found[str(name)] = (str(entity_id), str(kind))
    return found


def event_network(
    db: Connection,
    *,
    entity_id: str | None = None,
    storyline: str | None = None,
    max_nodes: int | None = None,
) -> Network:
    """The network of the store's events, around ``entity_id`` or within ``storyline``.

    ``max_nodes`` keeps the centre and the nodes with the most events (with the centre,
    when there is one), dropping the edges of the rest: a drawing stays readable.
    """
    clauses, params = [], []
    center_name = None
    if entity_id is not None:
        row = db.execute("SELECT name FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            return Network(None, [], [])
        center_name = str(row[0])
        clauses.append("EXISTS (SELECT 1 FROM json_each(ev.participants) p WHERE p.value = ?)")
        params.append(center_name)
    if storyline is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(ev.articles) j "
            "WHERE j.value IN (SELECT id FROM articles WHERE storyline = ?))"
        )
        params.append(storyline)
    where = " AND ".join(clauses) or "1 = 1"  # PostgreSQL wants a boolean after WHERE
    by_name = _entities_by_name(db)
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str], Edge] = {}
    for event_id, participants in db.execute(
        f"SELECT ev.id, ev.participants FROM events ev WHERE {where} ORDER BY ev.id", params
    ):
        names = list(dict.fromkeys(str(n) for n in json.loads(participants)))
        ids = []
        for name in names:
            entity_id_, kind = by_name.get(name, (None, None))
            node_id = entity_id_ or f"name:{name}"
            node = nodes.setdefault(node_id, Node(node_id, name, kind, entity_id_))
            node.events += 1
            ids.append(node_id)
        for a, b in itertools.combinations(sorted(ids), 2):
            edge = edges.setdefault((a, b), Edge(a, b))
            edge.weight += 1
            edge.events.append(str(event_id))
    center = None
    if center_name is not None:
        center = by_name.get(center_name, (entity_id, None))[0]
    if max_nodes is not None and len(nodes) > max_nodes:
        ranked = sorted(nodes.values(), key=lambda n: (n.id != center, -n.events, n.name))
        keep = {n.id for n in ranked[:max_nodes]}
        nodes = {k: v for k, v in nodes.items() if k in keep}
        edges = {k: v for k, v in edges.items() if k[0] in keep and k[1] in keep}
    ordered = sorted(nodes.values(), key=lambda n: (n.id != center, -n.events, n.name))
    links = sorted(edges.values(), key=lambda e: (-e.weight, e.source, e.target))
    return Network(center, ordered, links)
