#!/usr/bin/env bash
# Rebuild the shipped German NER model (lagebild/models/ner-de), a BiLSTM-CRF, from the
# GermEval 2014 training file: first the floret vectors on local unlabelled German text,
# then the model (python -m lagebild.train.ner_crf, the settings of its MODEL.md), then
# its dev score. Reads ../shared/benchdata (or $LAGEBILD_BENCHDATA); about an hour on one
# free core. Usage: bash scripts/train_ner.sh [extra options for lagebild.train.ner_crf]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
# Training-only packages (the model's trainer: torch), $WORK and the vectors.
NER_TRAIN_PACKAGE="torch==2.13.0"
# shellcheck source=scripts/ner_train_common.sh
source scripts/ner_train_common.sh
OPENBLAS_NUM_THREADS=1 "$PY" -m lagebild.train.ner_crf --vectors "$WORK/vectors" \
    --out lagebild/models/ner-de "$@"
"$PY" -m lagebild.eval.ner "${LAGEBILD_BENCHDATA:-../shared/benchdata}/germeval2014/NER-de-dev.tsv" \
    --predictions "$WORK/NER-de-dev.pred.tsv"
