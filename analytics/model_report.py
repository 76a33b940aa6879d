"""An evaluation report of a trained completion model, as one self-contained HTML page with
inline SVG charts (no scripts, no network): the ROC curve, the calibration plot and how much
each feature contributes, measured on students the model never saw."""

from html import escape
from pathlib import Path

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


def render(outcome: Outcome) -> str:
    trained, evaluation = outcome.trained, outcome.trained.evaluation
    roc = " ".join(_xy(x, y) for x, y in [*evaluation.roc, (1.0, 1.0)])
    calibration = "".join(
        f'<circle cx="{PAD + p * SIZE:.1f}" cy="{PAD + (1 - o) * SIZE:.1f}" r="{3 + min(9, n**0.5 / 2):.1f}" fill="#2a7" fill-opacity="0.7"><title>{n} enrollments</title></circle>'
        for p, o, n in evaluation.calibration
    )
    top = max(trained.importance.values()) or 1.0
    bars = "".join(
        f"<tr><td>{escape(name)}</td><td><span class=bar style='width:{240 * gain / top:.0f}px'></span> {gain:.1f}</td></tr>"
        for name, gain in sorted(trained.importance.items(), key=lambda item: -item[1])
    )
    verdict = (
        f"published as version {escape(outcome.published.version)}"
        if outcome.published
        else f"not published: AUC below the minimum {outcome.min_auc:.2f}"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Completion model evaluation</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }}
figure {{ display: inline-block; margin: 0 1.5rem 1.5rem 0; }} svg text {{ font-size: 11px; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .2rem .8rem; text-align: left; }}
.bar {{ display: inline-block; height: .8rem; background: #27a; }}
</style></head><body>
<h1>Completion model evaluation</h1>
<p>Trained on {trained.rows:,} enrollments of warehouse snapshot {escape(outcome.snapshot_version)};
measured on the {evaluation.rows:,} enrollments of students it never saw (completion rate
{evaluation.base_rate:.2f}). Result: {verdict}.</p>
<table>
<tr><th>AUC</th><td>{evaluation.auc:.3f}</td><td>chance that a student who completes is ranked above one who does not (0.5 is guessing)</td></tr>
<tr><th>log-loss</th><td>{evaluation.log_loss:.3f}</td><td>lower is better</td></tr>
<tr><th>Brier score</th><td>{evaluation.brier:.3f}</td><td>mean squared error of the likelihoods; lower is better</td></tr>
</table>
{_risk(outcome)}
{_frame("ROC curve", "false positive rate", "true positive rate", f'<polyline points="{roc}" fill="none" stroke="#27a" stroke-width="2"/>')}
{_frame("Calibration: predicted likelihood against the observed share (circle size: enrollments)", "predicted", "observed", calibration)}
<h2>What the model relies on</h2>
<p>Total gain of the splits on each feature. The model may only raise the likelihood as hours,
scores and activity rise (monotone constraints).</p>
<table>{bars}</table>
</body></html>
"""


def _risk(outcome: Outcome) -> str:
    if outcome.risk is None:
        return "<p>The at-risk model (more features) could not be trained on this data.</p>"
    risk = outcome.risk.evaluation
    verdict = "published" if outcome.risk_published else "not published"
    return (
        f"<p>The at-risk list's model also reads days since the last activity, the share of "
        f"lessons completed and the recent score trend: AUC {risk.auc:.3f}, log-loss "
        f"{risk.log_loss:.3f}, Brier {risk.brier:.3f} on the same held-out students "
        f"({verdict}).</p>"
    )


def write_report(path: Path, outcome: Outcome) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(outcome))
