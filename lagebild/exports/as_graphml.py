"""GraphML of the who-met-whom network, for Gephi, yEd, Cytoscape or networkx.

Nodes carry the entity's name, type and number of events; edges their weight (shared
events) and the event ids. Written with the standard library's ElementTree, which
escapes every name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from lagebild.exports.network import event_network
from lagebild.exports.records import ExportOptions
from lagebild.store.dialect import Connection

NS = "http://graphml.graphdrawing.org/xmlns"
KEYS = (
    ("name", "node", "string"),
    ("type", "node", "string"),
    ("entity_id", "node", "string"),
    ("events", "node", "int"),
    ("weight", "edge", "int"),
    ("event_ids", "edge", "string"),
)


def graphml_root(db: Connection, options: ExportOptions) -> ET.Element:
    """The network of the selected events as a GraphML document's root element."""
    network = event_network(db, entity_id=options.entity, storyline=options.storyline)
    root = ET.Element("graphml", {"xmlns": NS})
    for name, domain, kind in KEYS:
        ET.SubElement(
            root, "key", {"id": name, "for": domain, "attr.name": name, "attr.type": kind}
        )
    graph = ET.SubElement(root, "graph", {"id": "who-met-whom", "edgedefault": "undirected"})
    for node in network.nodes:
        element = ET.SubElement(graph, "node", {"id": node.id})
        for key, value in (
            ("name", node.name),
            ("type", node.type or ""),
            ("entity_id", node.entity_id or ""),
            ("events", str(node.events)),
        ):
            ET.SubElement(element, "data", {"key": key}).text = value
    for number, edge in enumerate(network.edges):
        element = ET.SubElement(
            graph, "edge", {"id": f"e{number}", "source": edge.source, "target": edge.target}
        )
        ET.SubElement(element, "data", {"key": "weight"}).text = str(edge.weight)
        ET.SubElement(element, "data", {"key": "event_ids"}).text = " ".join(edge.events)
    ET.indent(root)
    return root


def render_graphml(db: Connection, options: ExportOptions) -> Iterator[bytes]:
    """The GraphML document as UTF-8 bytes with an XML declaration."""
    root = graphml_root(db, options)
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"
