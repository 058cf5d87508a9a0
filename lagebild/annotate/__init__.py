"""Annotation of article text: entity mentions (``ner``), later quotes and time expressions."""
