"""An evaluation report of the trained completion models, as one self-contained HTML page with
inline SVG charts (no scripts, no network): per horizon, the figures, a ROC curve and a
calibration plot, measured on students the models never saw; and how much each feature
contributes."""

import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from analytics.completion import Trained

if TYPE_CHECKING:  # training writes the report of each model it publishes
    from analytics.training import Outcome

SIZE, PAD = 320, 40


def _xy(x: float, y: float) -> str:
    return f"{PAD + x * SIZE:.1f},{PAD + (1 - y) * SIZE:.1f}"


def _frame(title: str, x_label: str, y_label: str, body: str) -> str:
    ticks = "".join(
        f'<text x="{PAD + t * SIZE:.0f}" y="{PAD + SIZE + 16}" text-anchor="middle">{t:.1f}</text>'
        f'<text x="{PAD - 6}" y="{PAD + (1 - t) * SIZE + 4:.0f}" text-anchor="end">{t:.1f}</text>'
        for t in (0, 0.5, 1)
    )
    return f"""
<figure><svg viewBox="0 0 {SIZE + 2 * PAD} {SIZE + 2 * PAD + 10}" width="{SIZE + 2 * PAD}" role="img" aria-label="{escape(title)}">
<rect x="{PAD}" y="{PAD}" width="{SIZE}" height="{SIZE}" fill="none" stroke="#999"/>
<polyline points="{_xy(0, 0)} {_xy(1, 1)}" fill="none" stroke="#ccc" stroke-dasharray="4"/>
{body}{ticks}
<text x="{PAD + SIZE / 2}" y="{SIZE + 2 * PAD + 4}" text-anchor="middle">{escape(x_label)}</text>
<text x="12" y="{PAD + SIZE / 2}" transform="rotate(-90 12 {PAD + SIZE / 2})" text-anchor="middle">{escape(y_label)}</text>
</svg><figcaption>{escape(title)}</figcaption></figure>"""


HORIZONS_SENTENCE = (
    "Each horizon is a moment in an enrollment: after its first 1, 2, 4, 8 or 12 weeks, or a "
    "quarter, half or three quarters of the way through its course. The figures are those of "
    "students the model never saw, seen with only what was known at that moment, as a teacher "
    "sees an ongoing student; late horizons look better because more is known by then."
)


def horizon_table(outcome: "Outcome") -> str:
    """Both models' held-out figures per horizon, as plain text."""
    lines = [
        f"{'model':<11}{'horizon':<15}{'rows':>6}{'completed':>10}{'AUC':>7}{'Brier':>7}"
        f"{'log-loss':>9}{'caught':>8}"
    ]
    for name, trained in (("completion", outcome.trained), ("at-risk", outcome.risk)):
        if trained is None:
            continue
        for horizon, e in trained.horizons.items():
            lines.append(
                f"{name:<11}{horizon:<15}{e.rows:>6}{e.base_rate:>10.2f}{e.auc:>7.3f}"
                f"{e.brier:>7.3f}{e.log_loss:>9.3f}{e.caught:>8.0%}"
            )
    lines.append(
        "caught: of the enrollments that did not complete, the share among the lowest-"
        "likelihood fifth"
    )
    return "\n".join(lines)


def _charts(trained: Trained, model: str) -> str:
    """One ROC and one calibration chart per horizon."""
    found = []
    for horizon, evaluation in trained.horizons.items():
        roc = " ".join(_xy(x, y) for x, y in [*evaluation.roc, (1.0, 1.0)])
        calibration = "".join(
            f'<circle cx="{PAD + p * SIZE:.1f}" cy="{PAD + (1 - o) * SIZE:.1f}" r="{3 + min(9, n**0.5 / 2):.1f}" fill="#2a7" fill-opacity="0.7"><title>{n} enrollments</title></circle>'
            for p, o, n in evaluation.calibration
        )
        found.append(
            f"<h3>{escape(model)}, {escape(horizon)}: AUC {evaluation.auc:.3f}, Brier "
            f"{evaluation.brier:.3f}</h3>"
            + _frame(
                f"ROC curve, {horizon}",
                "false positive rate",
                "true positive rate",
                f'<polyline points="{roc}" fill="none" stroke="#27a" stroke-width="2"/>',
            )
            + _frame(
                f"Calibration, {horizon}: predicted against observed (circle size: enrollments)",
                "predicted",
                "observed",
                calibration,
            )
        )
    return "".join(found)


def _rows(trained: Trained) -> str:
    return "".join(
        f"<tr><td>{escape(h)}</td><td>{e.rows:,}</td><td>{e.base_rate:.2f}</td><td>{e.auc:.3f}</td>"
        f"<td>{e.brier:.3f}</td><td>{e.log_loss:.3f}</td><td>{e.caught:.0%}</td></tr>"
        for h, e in trained.horizons.items()
    )


def render(outcome: "Outcome") -> str:
    trained = outcome.trained
    top = max(trained.importance.values()) or 1.0
    bars = "".join(
        f"<tr><td>{escape(name)}</td><td><span class=bar style='width:{240 * gain / top:.0f}px'></span> {gain:.1f}</td></tr>"
        for name, gain in sorted(trained.importance.items(), key=lambda item: -item[1])
    )
    verdict = (
        f"published as version {escape(outcome.published.version)}"
        if outcome.published
        else f"not published: week-2 AUC below the minimum {outcome.min_auc:.2f}"
    )
    header = (
        "<tr><th>horizon</th><th>rows</th><th>completed</th><th>AUC</th><th>Brier</th>"
        "<th>log-loss</th><th>non-completers in the lowest fifth</th></tr>"
    )
    risk = outcome.risk
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Completion model evaluation</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }}
figure {{ display: inline-block; margin: 0 1.5rem 1.5rem 0; }} svg text {{ font-size: 11px; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .2rem .8rem; text-align: left; }}
.bar {{ display: inline-block; height: .8rem; background: #27a; }}
</style></head><body>
<h1>Completion model evaluation</h1>
<p>Trained on {trained.rows:,} rows of warehouse snapshot {escape(outcome.snapshot_version)}:
finished enrollments, each seen at every horizon it was still ongoing at. Result: {verdict}
(publication needs the week-2 AUC).</p>
<p>{escape(HORIZONS_SENTENCE)}</p>
<h2>The completion model (/api/predict)</h2>
<table>{header}{_rows(trained)}</table>
<p>AUC: the chance that a student who completes is ranked above one who does not (0.5 is
guessing). Brier score: mean squared error of the likelihoods; lower is better.</p>
{_risk(outcome)}
{_charts(trained, "completion model")}
{_charts(risk, "at-risk model") if risk is not None else ""}
<h2>What the completion model relies on</h2>
<p>Total gain of the splits on each feature. The model may only raise the likelihood as hours,
scores and activity rise (monotone constraints).</p>
<table>{bars}</table>
</body></html>
"""


def _risk(outcome: "Outcome") -> str:
    if outcome.risk is None:
        return "<p>The at-risk model (more features) could not be trained on this data.</p>"
    verdict = "published" if outcome.risk_published else "not published"
    header = (
        "<tr><th>horizon</th><th>rows</th><th>completed</th><th>AUC</th><th>Brier</th>"
        "<th>log-loss</th><th>non-completers in the lowest fifth</th></tr>"
    )
    return (
        "<h2>The at-risk model</h2><p>It also reads the days since the last activity, the pace "
        "through the lessons against the time elapsed, the last four weeks' score trend, "
        "the weeks elapsed, and the student's hours and lessons in all their courses in the "
        "last four weeks and mean score in all of them so far, each as of the horizon "
        f"({verdict}).</p>"
        f"<table>{header}{_rows(outcome.risk)}</table>"
    )


def write_report(path: Path, outcome: "Outcome") -> None:
    """Written whole or not at all (a rename), as the server may be reading the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(render(outcome), encoding="utf-8")
    os.replace(staging, path)
