"""Executes the notebooks on one run and renders them to static HTML with pictures inline.

    python3 notebooks/report.py --out OUT        (what 'bin/cercania report --out OUT' calls)

Writes OUT/published/report/: one NAME.html per notebook (outputs and figures embedded), the executed
NAME.ipynb, figures/*.png (every figure a notebook shows) and index.html linking them. Exits 1 when a
notebook fails (its partial HTML is still written, with the error), 3 when a package is missing.
"""
import argparse
import datetime
import html
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = [
    ("01_rollout", "Rollout", "where and when the centers opened: maps and open centers by year"),
    ("02_effects", "Effects", "event studies by outcome, estimators side by side, with the planted truth on the sample"),
    ("03_distance", "Distance", "the effect by distance ring and the distance curve"),
    ("04_quality_diagnostics", "Data quality and diagnostics",
     "ingest rejects and fixes, the run manifest, Goodman-Bacon decomposition, pre-trend tests"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="the run's output folder (CERCANIA_OUT)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds a cell may run")
    args = ap.parse_args()
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        from nbconvert import HTMLExporter
    except ImportError as e:
        print(f"[report] error: Python package missing ({e.name}); install with: "
              f"python3 -m pip install -r {HERE / 'requirements.txt'}", file=sys.stderr)
        return 3

    out = Path(args.out).resolve()
    dest = out / "published" / "report"
    figures = dest / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    os.environ["CERCANIA_OUT"] = str(out)
    os.environ["CERCANIA_FIGURES"] = str(figures)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    exporter = HTMLExporter()
    failed = []
    rows = []
    started = time.time()
    for name, title, about in NOTEBOOKS:
        t0 = time.time()
        nb = nbformat.read(HERE / f"{name}.ipynb", as_version=4)
        # The kernel's log at ERROR: its warning about local TCP transport is noise in a batch render.
        client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                resources={"metadata": {"path": str(HERE)}})
        error = None
        try:
            client.execute()
        except CellExecutionError as e:
            error = str(e).strip().splitlines()[-1] if str(e).strip() else repr(e)
            failed.append(name)
        nbformat.write(nb, dest / f"{name}.ipynb")
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"Cercania: {title}"}})
        (dest / f"{name}.html").write_text(body, encoding="utf-8")
        n = count_figures(nb)
        rows.append((name, title, about, n, error))
        status = f"FAILED: {error}" if error else "ok"
        print(f"[report] executed {name}.ipynb: figures={n} ({time.time() - t0:.1f} s) {status}", flush=True)
    (dest / "index.html").write_text(index(out, rows), encoding="utf-8")
    print(f"[report] wrote {dest / 'index.html'}: notebooks={len(rows)} figures={sum(r[3] for r in rows)} "
          f"({time.time() - started:.1f} s)", flush=True)
    if failed:
        print(f"[report] error: notebook(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def count_figures(nb):
    """Pictures among the executed cells' outputs."""
    return sum(1 for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []) if "image/png" in o.get("data", {}))


def index(out, rows):
    """The report's front page: the run and one link per notebook with its figure count."""
    sys.path.insert(0, str(HERE))
    run = ""
    try:
        import cercania_data as cd
        m = cd.manifest()
        run = ", ".join(f"{k[1]} {html.escape(v)}" for k, v in m.items()
                        if k[0] == "ingest" and k[1] in ("run_id", "study") and v)
        snapshot = cd.published_dir(out)
    except Exception as e:  # the index still links the notebooks, which show the problem
        snapshot = f"(unreadable: {e})"
    items = "\n".join(
        f'<li><a href="{name}.html">{html.escape(title)}</a> ({n} figure{"s" if n != 1 else ""}) - {html.escape(about)}'
        + (f' <strong>failed: {html.escape(err)}</strong>' if err else "") + "</li>"
        for name, title, about, n, err in rows)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cercania report</title>
<style>body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; line-height: 1.5 }}</style></head>
<body><h1>Cercania report</h1>
<p>Run: {html.escape(str(out))} {("(" + run + ")") if run else ""}<br>
Published snapshot: {html.escape(str(snapshot))}<br>Rendered {when}.</p>
<ol>
{items}
</ol>
<p>Each page is a notebook executed top to bottom on this run's published tables; the pictures are also
in <a href="figures/">figures/</a>.</p>
</body></html>
"""


if __name__ == "__main__":
    sys.exit(main())
