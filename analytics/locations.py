"""Where the served models and their report live in the model folder: light enough for the
web application to import at start-up, which training (numpy, DuckDB, pyarrow) is not."""

from pathlib import Path


def risk_dir(models_dir: Path) -> Path:
    """The at-risk list's model, beside the public model of /api/predict."""
    return models_dir / "risk"


def report_path(models_dir: Path) -> Path:
    """The evaluation report of the serving model, which /reports/model shows."""
    return models_dir / "report.html"
