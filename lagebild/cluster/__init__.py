"""Cluster: articles grouped into stories (one news event) and stories into storylines.

``StoryClusterer`` is the online learner the pipeline feeds in publication order;
``StorylineLinker`` links its stories over weeks; ``UsemEmbedder`` gives the optional
multilingual embeddings of headline and lead.
"""

from lagebild.cluster.embed import UsemEmbedder, embedding_text
from lagebild.cluster.features import Featurizer, Parts
from lagebild.cluster.labels import Profile
from lagebild.cluster.stories import StoryClusterer, StoryDecision
from lagebild.cluster.storylines import StorylineLinker

__all__ = [
    "Featurizer",
    "Parts",
    "Profile",
    "StoryClusterer",
    "StoryDecision",
    "StorylineLinker",
    "UsemEmbedder",
    "embedding_text",
]
