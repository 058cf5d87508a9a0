"""Commands that measure lagebild: ``bench`` (speed) and ``eval`` (accuracy)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from lagebild.cli.app import main
from lagebild.cli.common import print_json

DATA_OPTION = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The benchmark data folder (default: $LAGEBILD_BENCHDATA or ../shared/benchdata).",
)
LIMIT_OPTION = click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Only the first N items."
)


@main.group("bench")
def bench_group() -> None:
    """Measure throughput on this machine (pages per second, one core).

    \b
    Example:
      lagebild bench extract ../shared/seeds examples/
    """


@bench_group.command("extract")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--seconds", type=click.FloatRange(min=0.1), default=3.0, show_default=True)
def bench_extract_cmd(paths: tuple[str, ...], seconds: float) -> None:
    """Extraction speed for the plain-text and the HTML pages under PATH.

    \b
    Example:
      lagebild bench extract ../shared/seeds examples/ --seconds 5
    """
    from lagebild.eval.speed import bench_extract

    print_json(bench_extract(list(paths), seconds))


@bench_group.command("pipeline")
@click.option(
    "--pages",
    "-n",
    "sizes",
    type=click.IntRange(min=1),
    multiple=True,
    default=(1000,),
    show_default=True,
    help="Corpus size; give it several times to see how time and memory grow.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the core count",
)
@click.option(
    "--stage-pages",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    help="Pages for the per-stage figures on one core (0: leave them out).",
)
@DATA_OPTION
@click.option(
    "--embeddings",
    is_flag=True,
    help="Ingest as `lagebild ingest --embeddings` does (stories clustered with them too).",
)
@click.option(
    "--then",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Then ingest this many new pages (dated a week after the newest) into the full "
    "store in a second run, as a store that is fed every day is, and report that run.",
)
def bench_pipeline_cmd(
    sizes: tuple[int, ...],
    workers: int,
    stage_pages: int,
    data_dir: Path | None,
    embeddings: bool,
    then: int,
) -> None:
    """End to end: N German news pages (gnad10k_test, German Wikinews, the seeds).

    Prints pages and tokens per second, seconds per stage, peak memory, store size
    against the pages' size, and with several --pages how time and memory grow. Then
    each stage and each part of annotation on one core (--stage-pages).

    \b
    Example:
      lagebild bench pipeline --pages 1000 --pages 10000 --workers 2
      lagebild bench pipeline --pages 10000 --then 100 --stage-pages 0
    """
    from lagebild.eval.benchdata import default_data_dir
    from lagebild.eval.stage_speed import stage_speed
    from lagebild.eval.throughput import growth, run_pipeline

    folder = data_dir or default_data_dir()
    try:
        report: dict[str, Any] = (
            growth(folder, sizes, workers, embeddings=embeddings, then=then)
            if len(sizes) > 1
            else {
                "runs": [run_pipeline(folder, sizes[0], workers, embeddings=embeddings, then=then)]
            }
        )
        if stage_pages:
            report["one_core"] = stage_speed(folder, stage_pages)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    print_json(report)


@bench_group.command("ner")
@click.option(
    "--model",
    "models",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    multiple=True,
    help="A model directory; give several to compare them turn by turn (default: shipped).",
)
@click.option("--passes", type=click.IntRange(min=1), default=2, show_default=True)
@DATA_OPTION
@LIMIT_OPTION
def bench_ner_cmd(
    models: tuple[Path, ...], passes: int, data_dir: Path | None, limit: int | None
) -> None:
    """NER tagging speed on one core: gnad10k_test news as raw text, GermEval dev
    sentences pre-tokenised; tokens per CPU second, one figure per pass.

    \b
    Example:
      lagebild bench ner --model lagebild/models/ner-de --model /tmp/other --passes 2
    """
    from lagebild.eval.benchdata import default_data_dir
    from lagebild.eval.ner_speed import ner_speed

    try:
        folder = data_dir or default_data_dir()
        print_json(ner_speed(folder, list(models) or [None], passes, limit))
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None


@main.group("eval")
def eval_group() -> None:
    """Measure accuracy on benchmark data; every command prints its figures as JSON.

    \b
    Example:
      lagebild eval extract --data ../shared/benchdata
      lagebild eval ner ../shared/benchdata/germeval2014/NER-de-dev.tsv --predictions out.tsv
    """


def _data_dir(data_dir: Path | None) -> Path:
    from lagebild.eval.benchdata import default_data_dir

    folder = data_dir or default_data_dir()
    if not folder.is_dir():
        raise click.BadParameter(f"no benchmark data folder at {folder}", param_hint="--data")
    return folder


@eval_group.command("extract")
@DATA_OPTION
@LIMIT_OPTION
def eval_extract_cmd(data_dir: Path | None, limit: int | None) -> None:
    """Main-text extraction of the German HTML pages against gold snippets, beside trafilatura.

    \b
    Example:
      lagebild eval extract --data ../shared/benchdata --limit 50
    """
    from lagebild.eval.extraction import evaluate_extraction

    print_json(evaluate_extraction(_data_dir(data_dir), limit=limit))


@eval_group.command("dates")
@DATA_OPTION
@LIMIT_OPTION
def eval_dates_cmd(data_dir: Path | None, limit: int | None) -> None:
    """Publication dates of the German HTML pages (day accuracy), beside htmldate.

    \b
    Example:
      lagebild eval dates --data ../shared/benchdata
    """
    from lagebild.eval.dates import evaluate_dates

    print_json(evaluate_dates(_data_dir(data_dir), limit=limit))


@eval_group.command("ner")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write GOLD with column 3 replaced by the predicted outer tags (BIO).",
)
@click.option(
    "--model",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A model directory (default: the model shipped with lagebild).",
)
@LIMIT_OPTION
def eval_ner_cmd(gold: Path, predictions: Path, model: Path | None, limit: int | None) -> None:
    """Tag a GermEval 2014 TSV file; strict outer-chunk precision, recall, F1 per label.

    \b
    Example:
      lagebild eval ner ../shared/benchdata/germeval2014/NER-de-dev.tsv --predictions out.tsv
    """
    from lagebild.annotate.ner import NerTagger
    from lagebild.eval.ner import evaluate_ner

    try:
        report = evaluate_ner(gold, predictions, NerTagger(model), limit=limit)
    except ValueError as exc:
        message = str(exc) if str(gold) in str(exc) else f"{gold}: {exc}"
        raise click.ClickException(message) from None
    print_json(report)


@eval_group.command("timex")
@DATA_OPTION
def eval_timex_cmd(data_dir: Path | None) -> None:
    """Time expressions on WikiWarsDE: extraction F1 (lenient, strict) and value accuracy
    (`normalisation_accuracy` in the output).

    \b
    Example:
      lagebild eval timex --data ../shared/benchdata
    """
    from lagebild.eval.timex import evaluate_timex

    print_json(evaluate_timex(_data_dir(data_dir)))


@eval_group.command("quotes")
@DATA_OPTION
@LIMIT_OPTION
@click.option("--split", type=click.Choice(["train", "dev"]), default="dev", show_default=True)
def eval_quotes_cmd(data_dir: Path | None, limit: int | None, split: str) -> None:
    """Quotes and speakers on German Wikinews: direct and indirect P/R/F1, speaker accuracy.

    \b
    Example:
      lagebild eval quotes --data ../shared/benchdata --split dev
    """
    from lagebild.eval.quotes import evaluate_quotes

    print_json(evaluate_quotes(_data_dir(data_dir), split=split, limit=limit))


@eval_group.command("resolve")
@click.option(
    "--label-noise",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of mention labels replaced by a wrong one, as a tagger would.",
)
def eval_resolve_cmd(label_noise: float) -> None:
    """Name variants resolved into entities: merge precision and recall on the variant set.

    \b
    Example:
      lagebild eval resolve --label-noise 0.25
    """
    from lagebild.eval.resolve import evaluate_resolution

    print_json(evaluate_resolution(label_noise=label_noise))


@eval_group.command("events")
@click.option(
    "--seeds",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/seeds"),
    show_default=True,
)
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("../shared/gold/seeds.gold.json"),
    show_default=True,
)
def eval_events_cmd(seeds: Path, gold: Path) -> None:
    """Events of the seed pages against their hand annotation (date and place or people).

    \b
    Example:
      lagebild eval events --seeds ../shared/seeds --gold ../shared/gold/seeds.gold.json
    """
    from lagebild.eval.events import evaluate_seed_events

    print_json(evaluate_seed_events(seeds, gold))


@eval_group.command("clusters")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write {id, duplicate_of, story, storyline} per line.",
)
@click.option("--embeddings", is_flag=True, help="Use multilingual headline embeddings too.")
@click.option(
    "--part",
    type=click.Choice(["all", "tune", "check"]),
    default="all",
    show_default=True,
    help="Score only the tune or the check stories (split by a hash of the story label; "
    "the join model was trained on tune parts).",
)
def eval_clusters_cmd(gold: Path, predictions: Path, embeddings: bool, part: str) -> None:
    """Stream {id, title, text, date, lang?, label} lines through dedup and clustering.

    Prints pairwise and B-cubed precision, recall and F1; a duplicate counts as in its
    canonical article's story.

    \b
    Example:
      lagebild eval clusters ../shared/benchdata/story_clusters_en/gva_incidents.jsonl \\
          --predictions out.jsonl
    """
    from lagebild.eval.clusters import evaluate_clusters

    embedder = None
    if embeddings:
        from lagebild.cluster import UsemEmbedder

        embedder = UsemEmbedder(threads=1)
    try:
        print_json(evaluate_clusters(gold, predictions, embedder=embedder, part=part))
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"{gold}: {exc}") from None


@eval_group.command("duplicates")
@DATA_OPTION
def eval_duplicates_cmd(data_dir: Path | None) -> None:
    """Syndicated-copy detection on synthetic wire-copy variants of real German texts.

    \b
    Example:
      lagebild eval duplicates --data ../shared/benchdata
    """
    from lagebild.eval.duplicates import build, evaluate

    print_json(evaluate(build(_data_dir(data_dir))))
