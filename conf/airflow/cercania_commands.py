"""The commands of the Cercania refresh, one per pipeline stage, as argument lists.

Pure Python with no Airflow import: the DAG (cercania_refresh.py) turns these into tasks, and the
tests run exactly these commands in order through bin/cercania against the sample. Every stage
reads and writes only tables under --out, so each command is one spark-submit and a retried
command redoes its own stage (stages replace their run's rows; publish swaps the snapshot in last).
"""
import shlex

STAGES = ("ingest", "exposure", "panel", "estimate", "publish")
MAIN_CLASS = "org.cercania.cli.Main"
# What bin/cercania adds to every spark-submit: Delta's SQL extension and catalog, UTC sessions.
SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.sql.session.timeZone": "UTC",
}


def stage_args(stage, out, study, as_of=None, run_id=None, profile=None, settings=(), accept_volume_drop=()):
    """The application arguments of one stage: `cercania STAGE --study S --out OUT ...`.

    as_of (yyyy-mm-dd) limits the run to what was known then; run_id names the run, so a retry works
    on the same run; settings are KEY=VALUE overrides; accept_volume_drop lists sources allowed to
    shrink beyond cercania.ingest.max_volume_drop (ingest only).
    """
    if stage not in STAGES:
        raise ValueError("unknown stage %r; stages are %s" % (stage, ", ".join(STAGES)))
    args = [stage, "--study", study, "--out", out]
    if profile:
        args += ["--profile", profile]
    if run_id:
        args += ["--run-id", run_id]
    if as_of:
        args += ["--as-of", as_of]
    for kv in settings:
        args += ["--set", kv]
    if stage == "ingest":
        for source in accept_volume_drop:
            args += ["--accept-volume-drop", source]
    return args


def refresh(out, study, **options):
    """(stage, application arguments) for every stage, in the order they must run."""
    return [(stage, stage_args(stage, out, study, **options)) for stage in STAGES]


def spark_submit(app_args, jar, master, spark_submit_bin="spark-submit", conf=None, submit_options=()):
    """A spark-submit command line for the shaded jar (the cluster's Spark 3.5 / Scala 2.12 provides Spark)."""
    cmd = [spark_submit_bin, "--master", master, "--class", MAIN_CLASS]
    cmd += list(submit_options)
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        cmd += ["--conf", "%s=%s" % (key, value)]
    return cmd + [jar] + list(app_args)


def launcher(app_args, repo, master=None):
    """The same run through a checkout's bin/cercania (Spark from the Maven jars; default master local[*])."""
    cmd = [repo.rstrip("/") + "/bin/cercania"]
    if master:
        cmd += ["--master", master]
    return cmd + list(app_args)


def shell(cmd):
    """One shell line for a BashOperator (Airflow renders the {{ ... }} templates inside the quotes)."""
    return shlex.join(cmd)
