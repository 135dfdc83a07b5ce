"""The Spark engine: the same `analyze`, mapped over partitions by Apache Spark.

Inputs are any paths Hadoop reads (local, `hdfs://`, `s3a://` with the usual Spark
settings; directories recursively, globs). Each file is read by the ordinary newstrace
readers on an executor (`binaryFiles`: one task holds one whole input file, so executor
memory must hold the largest WARC file), the documents are spread over `partitions`
partitions and analysed by `mapPartitions` with models loaded once per Python worker
(newstrace.batch.worker), and the four tables are written as Parquet with Spark's writer.
pyspark is an optional extra: `pip install 'newstrace[spark]'`.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from newstrace.batch.documents import Numbered, documents_of_bytes, walk_reads
from newstrace.batch.report import BatchReport
from newstrace.batch.schema import TABLES
from newstrace.batch.worker import analyze_partition
from newstrace.errors import BackendUnavailable
from newstrace.model import Failure, Skipped
from newstrace.settings import Settings

INSTALL_HINT = (
    "the Spark engine needs pyspark: pip install 'newstrace[spark]' (and Java 17 or 21), "
    "or leave out --engine spark to use the local process pool"
)
# Partitions of the analysis stage per core, when the caller does not say: more than one,
# so that a core that drew a partition of long pages does not hold up the others at the end.
PARTITIONS_PER_CORE = 4

# Side rows of `_analyze`, counted and not written.
_SKIPPED = "_skipped"
_WORKER = "_worker"


def spark_available() -> bool:
    return importlib.util.find_spec("pyspark") is not None


def local_spark_settings(master: str) -> dict[str, str]:
    """Spark settings for a run on this machine: loopback only, no web UI."""
    if not master.startswith("local"):
        return {}
    return {
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
    }


def spark_session(master: str | None, app: str = "newstrace batch") -> Any:
    """A Spark session for `master` (default: the one spark-submit gives, else local[*])."""
    if not spark_available():
        raise BackendUnavailable(INSTALL_HINT)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    # Under spark-submit the JVM is already running with the master it was given.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    master = master or os.environ.get("MASTER") or ("" if submitted else "local[*]")
    if master:
        builder = builder.master(master)
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # executors of a local master run this very interpreter, with newstrace installed
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        for key, value in local_spark_settings(master).items():
            builder = builder.config(key, value)
    builder = builder.config(
        "spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive", "true"
    )
    try:
        return builder.getOrCreate()
    except Exception as error:  # pyspark raises its own kinds when the JVM cannot start
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise BackendUnavailable(
            f"cannot start Spark ({first}); it needs Java 17 or 21: scripts/spark installs it"
        ) from None


def spark_type(kind: pa.DataType) -> Any:
    """The Spark SQL type of an Arrow type of the batch schema."""
    from pyspark.sql import types

    if pa.types.is_string(kind):
        return types.StringType()
    if pa.types.is_int64(kind):
        return types.LongType()
    if pa.types.is_float64(kind):
        return types.DoubleType()
    if pa.types.is_list(kind):
        return types.ArrayType(spark_type(kind.value_type), containsNull=True)
    if pa.types.is_struct(kind):
        return types.StructType(
            [types.StructField(f.name, spark_type(f.type), nullable=True) for f in kind]
        )
    raise TypeError(f"no Spark type for {kind}")


def spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql import types

    return types.StructType(
        [types.StructField(f.name, spark_type(f.type), nullable=True) for f in schema]
    )


def _local_path(uri: str) -> str:
    """`file:/x/y` (how Hadoop names a local file) as the path `/x/y`; other URIs unchanged."""
    if uri.startswith("file://"):
        return uri[len("file://") :]
    return uri[len("file:") :] if uri.startswith("file:") else uri


def input_files(spark: Any, inputs: Sequence[str]) -> tuple[list[str], list[Failure | Skipped]]:
    """The files of the inputs as Hadoop lists them (globs expanded, directories walked as
    `ingest` walks them), and a failure for each input it cannot list: checked here on the
    driver, since a missing path would otherwise fail the whole job."""
    jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()
    files: list[str] = []
    passed: list[Failure | Skipped] = []
    for given in inputs:
        try:
            path = jvm.org.apache.hadoop.fs.Path(given)
            system = path.getFileSystem(conf)
            matches = system.globStatus(path)
            if matches is None or len(matches) == 0:
                passed.append(Failure(given, "no such file or directory; check the path"))
                continue
            for match in sorted(matches, key=lambda status: str(status.getPath())):
                if not match.isDirectory():
                    files.append(str(match.getPath()))
                    continue
                found = system.listFiles(match.getPath(), True)
                inside: list[str] = []
                while found.hasNext():
                    inside.append(str(found.next().getPath()))
                for name in sorted(inside):
                    if _hidden(name, str(match.getPath())):
                        continue
                    if walk_reads(name):
                        files.append(name)
                    else:
                        passed.append(Skipped(_local_path(name), "not a news document by its name"))
        except Exception as error:  # py4j relays any JVM error (bad scheme, no credentials)
            lines = str(error).strip().splitlines() or [type(error).__name__]
            passed.append(Failure(given, f"cannot list this path: {lines[0][:200]}"))
    return files, passed


def _hidden(name: str, folder: str) -> bool:
    """Whether a file found under `folder` is hidden (a part of its path starts with . or _)."""
    inside = name[len(folder) :].strip("/").split("/")
    return any(part.startswith((".", "_")) for part in inside)


def _read_file(named: tuple[str, bytes], settings: Settings) -> Iterator[Numbered]:
    name, data = named
    yield from documents_of_bytes(_local_path(name), data, settings)


def _analyze(items: Iterable[Numbered]) -> Iterator[tuple[str, dict[str, object]]]:
    """`analyze_partition`, plus a row per skipped item and one naming this worker."""
    from newstrace import workers

    for numbered in items:
        if isinstance(numbered.item, Skipped):
            yield _SKIPPED, {}
        yield from analyze_partition([numbered])
    yield _WORKER, {"pid": os.getpid(), "contexts": workers.contexts_made}


def run_spark(
    inputs: Sequence[str],
    out: str,
    master: str | None,
    settings: Settings,
    partitions: int | None = None,
    spark: Any = None,
) -> BatchReport:
    """Analyse the inputs on Spark into Parquet at `out` (replaced); the counts."""
    from pyspark import StorageLevel

    session = spark if spark is not None else spark_session(master)
    context = session.sparkContext
    files, passed = input_files(session, inputs)
    documents = context.parallelize([Numbered(item.source, 0, item) for item in passed], 1)
    if files:
        read = context.binaryFiles(",".join(files)).flatMap(
            lambda named: _read_file(named, settings)
        )
        documents = documents.union(read)
    partitions = partitions or context.defaultParallelism * PARTITIONS_PER_CORE
    spread = documents.repartition(partitions) if files else documents
    rows = spread.mapPartitions(_analyze).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        report = BatchReport(engine="spark", out=out, workers=context.defaultParallelism)
        for name, schema in TABLES.items():
            table_rows = rows.filter(lambda pair, name=name: pair[0] == name).values()
            frame = session.createDataFrame(table_rows, spark_schema(schema))
            frame.write.mode("overwrite").parquet(f"{out.rstrip('/')}/{name}")
        counts = rows.map(lambda pair: (pair[0], 1)).reduceByKey(lambda a, b: a + b)
        totals = dict(counts.collect())
        report.articles = totals.get("articles", 0)
        report.claims = totals.get("claims", 0)
        report.entities = totals.get("entities", 0)
        report.failed = totals.get("failures", 0)
        report.skipped = totals.get(_SKIPPED, 0)
        for worker in rows.filter(lambda pair: pair[0] == _WORKER).values().collect():
            pid, made = int(worker["pid"]), int(worker["contexts"])
            if made:  # a worker that was given only failures or skipped items loaded nothing
                report.contexts[pid] = max(report.contexts.get(pid, 0), made)
    finally:
        rows.unpersist()
    return report
