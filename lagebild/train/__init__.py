"""Reproducible training of the models lagebild ships (``python -m lagebild.train.ner``)."""
