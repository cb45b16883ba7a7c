"""Airflow DAG: the quarterly Cercania refresh, one task per pipeline stage.

Each task is one spark-submit of the shaded jar (the commands come from cercania_commands.py,
which the project's tests run against the sample without Airflow). The data interval's last day is
passed as --as-of, and the run id is derived from it, so a retried task, a cleared task or a rerun
of the same interval works on the same run: every stage replaces that run's rows (idempotent) and
publish points CURRENT at the new snapshot last, so a failed refresh leaves the previous results
published. Backfill a past quarter with `airflow dags backfill -s 2019-10-01 -e 2019-12-31 cercania_refresh`.

Deployment settings are environment variables of the Airflow workers:
  CERCANIA_JAR     the shaded jar (e.g. s3a://bucket/jars/cercania-jobs.jar or a local path)
  CERCANIA_OUT     the run folder (e.g. s3a://bucket/cercania/peru)
  CERCANIA_STUDY   study name or HOCON file (e.g. /opt/cercania/conf/studies/peru.conf)
  SPARK_MASTER     spark://host:7077, yarn or k8s://https://host:6443 (default yarn)
  SPARK_SUBMIT     the spark-submit binary (default spark-submit)
  CERCANIA_SUBMIT_OPTIONS  extra spark-submit options (deploy mode, executors, memory; see conf/cluster.conf)
An equivalent task with the Spark provider: SparkSubmitOperator(task_id=stage, application=JAR,
java_class="org.cercania.cli.Main", application_args=stage_args(...), conf=SPARK_CONF, conn_id=...).
"""
import os
import shlex
import sys
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cercania_commands import STAGES, shell, spark_submit, stage_args  # noqa: E402

JAR = os.environ.get("CERCANIA_JAR", "/opt/cercania/cercania-jobs.jar")
OUT = os.environ.get("CERCANIA_OUT", "s3a://cercania/peru")
STUDY = os.environ.get("CERCANIA_STUDY", "/opt/cercania/conf/studies/peru.conf")
MASTER = os.environ.get("SPARK_MASTER", "yarn")
SPARK_SUBMIT = os.environ.get("SPARK_SUBMIT", "spark-submit")
SUBMIT_OPTIONS = shlex.split(os.environ.get("CERCANIA_SUBMIT_OPTIONS", ""))

# The data interval's last day (a quarter ends the day before the next interval starts).
AS_OF = "{{ macros.ds_add(data_interval_end | ds, -1) }}"
RUN_ID = "q-" + AS_OF

with DAG(
    dag_id="cercania_refresh",
    description="Cercania quarterly refresh: ingest, exposure, panel, estimate, publish",
    schedule="@quarterly",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,  # one writer per --out (the run lock also refuses a second one)
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True},
    tags=["cercania"],
) as dag:
    previous = None
    for stage in STAGES:
        args = stage_args(stage, OUT, STUDY, as_of=AS_OF, run_id=RUN_ID, profile="cluster")
        task = BashOperator(
            task_id=stage,
            bash_command=shell(spark_submit(args, JAR, MASTER, SPARK_SUBMIT, submit_options=SUBMIT_OPTIONS)),
        )
        if previous is not None:
            previous >> task
        previous = task
