"""Runs the Airflow refresh's commands without Airflow, and checks the DAG file.

  python3 airflow_refresh.py --repo ROOT --out DIR [--as-of DATE] [--run-id ID] [--set K=V ...] [--plan FILE] -- SAMPLE_FLAGS...

1. imports conf/airflow/cercania_commands.py and checks that it pulled in no Airflow module;
2. parses conf/airflow/cercania_refresh.py (ast), then imports it with a stub `airflow` package and
   checks its tasks: one per stage, in order, each a chain link, each running the module's
   spark-submit command for its stage with the data interval's templates as --as-of and --run-id;
3. writes the sample (bin/cercania sample SAMPLE_FLAGS --out DIR) and runs the refresh's commands,
   in order, through bin/cercania (the launcher's spark-submit), stopping at the first failure; or,
   with --plan FILE, writes those commands to FILE (a line per stage: the stage, then bin/cercania's
   arguments, tab-separated) for the caller to run, kill and retry as Airflow would.
The caller (DriverKillIT) compares the published results with those of `run`.
"""
import argparse
import ast
import os
import subprocess
import sys
import time
import types


def load_commands(repo):
    sys.path.insert(0, os.path.join(repo, "conf", "airflow"))
    import cercania_commands
    assert not any(m == "airflow" or m.startswith("airflow.") for m in sys.modules), "cercania_commands imported Airflow"
    return cercania_commands


class StubTask:
    def __init__(self, task_id, bash_command, **kwargs):
        self.task_id, self.bash_command, self.downstream = task_id, bash_command, []
        StubDag.current.tasks.append(self)

    def __rshift__(self, other):
        self.downstream.append(other.task_id)
        return other


class StubDag:
    current = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id, self.kwargs, self.tasks = dag_id, kwargs, []

    def __enter__(self):
        StubDag.current = self
        return self

    def __exit__(self, *exc):
        return False


def check_dag(repo, commands):
    path = os.path.join(repo, "conf", "airflow", "cercania_refresh.py")
    with open(path, encoding="utf-8") as f:
        ast.parse(f.read(), path)
    airflow = types.ModuleType("airflow")
    airflow.DAG = StubDag
    operators = types.ModuleType("airflow.operators")
    bash = types.ModuleType("airflow.operators.bash")
    bash.BashOperator = StubTask
    sys.modules.update({"airflow": airflow, "airflow.operators": operators, "airflow.operators.bash": bash})
    env = {"CERCANIA_JAR": "/jars/cercania-jobs.jar", "CERCANIA_OUT": "s3a://b/out", "CERCANIA_STUDY": "peru",
           "SPARK_MASTER": "yarn", "CERCANIA_SUBMIT_OPTIONS": "--deploy-mode cluster"}
    os.environ.update(env)
    import importlib.util
    spec = importlib.util.spec_from_file_location("cercania_refresh", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.dag
    assert dag.dag_id == "cercania_refresh", dag.dag_id
    assert dag.kwargs["default_args"]["retries"] >= 1, "retries are safe and on"
    assert [t.task_id for t in dag.tasks] == list(commands.STAGES), [t.task_id for t in dag.tasks]
    for upstream, downstream in zip(dag.tasks, dag.tasks[1:]):
        assert upstream.downstream == [downstream.task_id], (upstream.task_id, upstream.downstream)
    as_of = "{{ macros.ds_add(data_interval_end | ds, -1) }}"
    for t in dag.tasks:
        args = commands.stage_args(t.task_id, env["CERCANIA_OUT"], env["CERCANIA_STUDY"], as_of=as_of, run_id="q-" + as_of,
                                   profile="cluster")
        expected = commands.shell(commands.spark_submit(args, env["CERCANIA_JAR"], "yarn", "spark-submit",
                                                        submit_options=["--deploy-mode", "cluster"]))
        assert t.bash_command == expected, (t.bash_command, expected)
    print("[airflow] DAG cercania_refresh parses: tasks %s, each the module's spark-submit line" % " >> ".join(commands.STAGES))


def run(cmd):
    t0 = time.time()
    print("[airflow] $ " + " ".join(cmd), flush=True)
    code = subprocess.call(cmd)
    print("[airflow] exit %d in %.1f s" % (code, time.time() - t0), flush=True)
    if code != 0:
        sys.exit("command failed (exit %d): %s" % (code, " ".join(cmd)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of")
    ap.add_argument("--run-id")
    ap.add_argument("--set", action="append", default=[], dest="settings", metavar="K=V")
    ap.add_argument("--plan")
    ap.add_argument("sample_flags", nargs="*")
    a = ap.parse_args()
    commands = load_commands(a.repo)
    check_dag(a.repo, commands)
    run(commands.launcher(["sample"] + a.sample_flags + ["--out", a.out], a.repo))
    stages = commands.refresh(a.out, "sample", as_of=a.as_of, run_id=a.run_id, settings=a.settings)
    if a.plan:
        with open(a.plan, "w", encoding="utf-8") as f:
            for stage, args in stages:
                assert all("\t" not in x for x in args), args
                f.write("\t".join([stage] + args) + "\n")
        print("[airflow] wrote the refresh's %d commands to %s" % (len(stages), a.plan))
        return
    t0 = time.time()
    for stage, args in stages:
        run(commands.launcher(args, a.repo))
    print("[airflow] refresh through the DAG's commands: %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
