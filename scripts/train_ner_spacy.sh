#!/usr/bin/env bash
# Rebuild lagebild's earlier German NER model, the spaCy transition-based h1 (shipped until
# 2026-12-04; the shipped model is now the BiLSTM-CRF of scripts/train_ner.sh), into
# $WORK/h1 from the GermEval 2014 training file: first the floret vectors on local
# unlabelled German text, then a first model on the gold sentences (f4's recipe in its
# MODEL.md), then two rounds of self-training: unlabelled news tagged by the model before,
# added to the gold sentences (f6's recipe, then g1's; h1 is g1's with the lexicon bits).
# Reads ../shared/benchdata (or $LAGEBILD_BENCHDATA); about three hours on one free core.
# Usage: bash scripts/train_ner_spacy.sh [extra options for python -m lagebild.train.ner]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
# Training-only packages (the model's trainer: spacy), $WORK and the vectors.
NER_TRAIN_PACKAGE="spacy==3.8.*"
# shellcheck source=scripts/ner_train_common.sh
source scripts/ner_train_common.sh
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
"$PY" -m lagebild.train.ner --out "$WORK/h1" --work "$WORK/r2-train" \
    --vectors "$WORK/vectors" --matmul-ops true --silver "$WORK/silver1.jsonl.gz" \
    --patience 4000 --max-steps 16000 --lexicon true "$@"
"$PY" -m lagebild.eval.ner "${LAGEBILD_BENCHDATA:-../shared/benchdata}/germeval2014/NER-de-dev.tsv" \
    --predictions "$WORK/NER-de-dev.pred.tsv" --model "$WORK/h1"
