"""Finding a Cercania run's published tables, for the notebooks.

The run is the folder given to ``bin/cercania run --out DIR``: the environment variable CERCANIA_OUT, else
``out`` at the repository root (the README's ``bin/cercania run --sample --out out``). Its published
snapshot is ``OUT/published/<run_id>/<table>/`` when ``OUT/published/CURRENT`` names a run (written last
by publish, so a reader never sees half a snapshot), else ``OUT/published/<table>/``.
"""
import os
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = "out"

# Outcome id -> (label, unit of its effects), for axis labels.
OUTCOMES = {
    "log_enrollment": ("log enrollment", "log points (0.01 = +1%)"),
    "attendance_rate": ("attendance rate", "share of days (0-1)"),
    "pass_rate": ("pass rate", "share of students (0-1)"),
    "dropout_rate": ("dropout rate", "share of students (0-1)"),
    "test_score": ("test score", "standard deviations"),
    "dv_physical": ("physical/sexual partner violence", "probability (0-1)"),
    "dv_emotional": ("emotional partner violence", "probability (0-1)"),
    "femicide_rate": ("femicides", "per 100,000 women"),
    "assault_hosp_rate_women": ("assault hospitalisations, women", "per 100,000 women"),
    "mental_health_rate_women": ("mental-health hospitalisations, women", "per 100,000 women"),
    "mental_health_rate_men": ("mental-health hospitalisations, men (placebo)", "per 100,000 men"),
    "economic_crime_rate": ("economic crimes (placebo)", "per 100,000 people"),
}

ESTIMATOR_NAMES = {
    "twfe": "TWFE",
    "event-study": "TWFE event study",
    "cs": "Callaway-Sant'Anna",
    "sun-abraham": "Sun-Abraham",
    "imputation": "imputation (BJS)",
}


def out_dir():
    """The run folder: CERCANIA_OUT (relative to the current directory), else REPO/out."""
    given = os.environ.get("CERCANIA_OUT")
    return Path(given).resolve() if given else REPO / DEFAULT_OUT


def published_dir(out=None):
    """The current published snapshot: OUT/published/<CURRENT> when the pointer exists, else OUT/published."""
    base = Path(out or out_dir()) / "published"
    pointer = base / "CURRENT"
    if pointer.is_file():
        run_id = pointer.read_text(encoding="utf-8").strip()
        snapshot = base / run_id
        if not run_id or not snapshot.is_dir():
            raise FileNotFoundError(f"{pointer} names run '{run_id}' but {snapshot} does not exist")
        return snapshot
    if not (base / "estimates").is_dir():
        raise FileNotFoundError(
            f"no published tables under {base}: run 'bin/cercania run --sample --out {base.parent}' first, "
            "or set CERCANIA_OUT to the folder a run was given with --out")
    return base


def has(table):
    """True when the current snapshot has the table (some tables come with later versions of the pipeline)."""
    return (published_dir() / table).is_dir()


def read(table):
    """A published table as a pandas DataFrame (pyarrow)."""
    path = published_dir() / table
    if not path.is_dir():
        raise FileNotFoundError(f"no published table {path}")
    return pd.read_parquet(path)


def parquet_glob(table):
    """The table's files as a glob, for duckdb's read_parquet."""
    return str(published_dir() / table / "*.parquet")


def manifest():
    """The run manifest as a {(section, key): value} dict."""
    m = read("manifest")
    return {(r.section, r.key): r.value for r in m.itertuples()}


def peru_data_dir():
    """The real Peru reference files (CERCANIA_PERU_DATA, else ../shared/data/peru beside the repository); None when absent."""
    given = os.environ.get("CERCANIA_PERU_DATA")
    d = Path(given) if given else REPO.parent / "shared" / "data" / "peru"
    return d if (d / "districts_inei2007.geojson").is_file() and (d / "cem_directory_2026.csv").is_file() else None


def label(outcome):
    return OUTCOMES.get(outcome, (outcome.replace("_", " "), ""))[0]


def unit(outcome):
    return OUTCOMES.get(outcome, ("", "outcome units"))[1]


def estimator_name(estimator):
    return ESTIMATOR_NAMES.get(estimator, estimator)


def show(fig, name):
    """Displays a figure and, when CERCANIA_FIGURES is set (the report sets it), also saves it there as NAME.png."""
    import matplotlib.pyplot as plt

    figures = os.environ.get("CERCANIA_FIGURES")
    if figures:
        Path(figures).mkdir(parents=True, exist_ok=True)
        fig.savefig(Path(figures) / f"{name}.png", dpi=110, bbox_inches="tight")
    try:
        from IPython.display import display

        display(fig)
    except ImportError:
        pass
    plt.close(fig)


def treatment_rings_km():
    """The study's ring bounds (cercania.exposure.treatment_rings_km in conf/application.conf; [1, 2, 3] km when unreadable)."""
    import re

    try:
        text = (REPO / "conf" / "application.conf").read_text(encoding="utf-8")
        found = re.search(r"treatment_rings_km\s*=\s*\[([^\]]*)\]", text)
        return [float(x) for x in found.group(1).split(",")]
    except (OSError, AttributeError, ValueError):
        return [1.0, 2.0, 3.0]


def lonlat_axes(ax, gdf):
    """Equal-distance aspect at the map's latitude, a labelled lon/lat graticule and a scale bar in km."""
    import math

    from matplotlib.ticker import FuncFormatter

    minx, miny, maxx, maxy = gdf.total_bounds
    lat = (miny + maxy) / 2
    ax.set_aspect(1 / math.cos(math.radians(lat)))
    ax.grid(True, linestyle=":", linewidth=0.6, color="0.5")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}°{'W' if v < 0 else 'E'}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}°{'S' if v < 0 else 'N'}"))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    km_per_degree = 111.32 * math.cos(math.radians(lat))
    km = _round_km((maxx - minx) * km_per_degree / 5)
    x0, y0 = minx + 0.05 * (maxx - minx), miny + 0.05 * (maxy - miny)
    width = km / km_per_degree
    ax.plot([x0, x0 + width], [y0, y0], color="black", linewidth=3, solid_capstyle="butt")
    ax.text(x0 + width / 2, y0 + 0.015 * (maxy - miny), f"{km:.0f} km", ha="center", va="bottom", fontsize=9)


def _round_km(km):
    for step in (1000, 500, 200, 100, 50, 20, 10, 5, 2, 1):
        if km >= step:
            return step
    return 1
