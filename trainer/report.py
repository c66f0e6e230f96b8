"""Plotly run reports: one standalone offline HTML file (plotly.js inline) per run."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import plotly.graph_objects as go

from .checkpoint import atomic_write
from .outputs import plain_json


def _figures(metrics: dict) -> list[tuple[str, go.Figure]]:
    figs = []
    dataset = metrics.get("dataset")
    if dataset:
        counts = dataset["per_class"]
        figs.append(("Images per class", go.Figure(go.Bar(x=list(counts), y=list(counts.values())))
                     .update_layout(xaxis_title="class", yaxis_title="images")))
    history = metrics.get("history") or []
    if history:
        epochs = [h["epoch"] for h in history]
        acc = go.Figure()
        acc.add_scatter(x=epochs, y=_percents(h["train_acc"] for h in history), name="train")
        acc.add_scatter(x=epochs, y=_percents(h["val_acc"] for h in history), name="validation")
        if all(h.get("unseen_acc") is not None for h in history):
            acc.add_scatter(x=epochs, y=_percents(h["unseen_acc"] for h in history), name="unseen people")
        figs.append(("Accuracy per epoch", acc.update_layout(xaxis_title="epoch", yaxis_title=PERCENT,
                                                             yaxis_range=[0, 102])))
        loss = go.Figure()
        loss.add_scatter(x=epochs, y=[h["train_loss"] for h in history], name="train")
        loss.add_scatter(x=epochs, y=[h["val_loss"] for h in history], name="validation")
        figs.append(("Loss per epoch", loss.update_layout(xaxis_title="epoch", yaxis_title="cross-entropy")))
    test = metrics.get("test")
    if test and test.get("images"):
        classes = test["classes"]
        figs.append(("Confusion matrix (rows: true class, columns: predicted)", go.Figure(
            go.Heatmap(z=test["confusion"], x=classes, y=classes, colorscale="Blues"))
            .update_layout(yaxis_autorange="reversed", height=700, xaxis_title="predicted",
                           yaxis_title="true")))
        per = test["per_class"]
        figs.append(("Accuracy per class", go.Figure(go.Bar(x=list(per), y=_percents(per.values())))
                     .update_layout(yaxis_range=[0, 102], yaxis_title=PERCENT)))
    calibration = metrics.get("calibration") or {}
    for key, label in (("validation", "validation split"), ("unseen", "unseen people")):
        if calibration.get(key):
            figs.append((f"Reliability on the {label}: confidence against accuracy "
                         f"(temperature {calibration['temperature']:.2f})", _reliability(calibration[key])))
    unseen = (metrics.get("unseen") or {}).get("per_class")
    if unseen:
        figs.append(("Accuracy per class on unseen people", go.Figure(
            go.Bar(x=list(unseen), y=_percents(unseen.values()), marker_color="#dc2626"))
            .update_layout(yaxis_range=[0, 102], yaxis_title=PERCENT)))
    return figs


PERCENT = "accuracy (%)"  # as the window shows it


def _percent(share: float | None) -> str:
    """0.0345 -> '3.4%', as the window shows accuracy; a figure not measured says so."""
    return f"{share:.1%}" if isinstance(share, (int, float)) and math.isfinite(share) else "not measured"


def _percents(shares) -> list[float | None]:
    return [100 * v if isinstance(v, (int, float)) and math.isfinite(v) else None for v in shares]


def _reliability(part: dict) -> go.Figure:
    """Accuracy per confidence bin before and after the temperature; the diagonal is perfect."""
    fig = go.Figure()
    fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                    line=dict(dash="dot", color="#9ca3af"))
    for when, colour in (("before", "#f59e0b"), ("after", "#2563eb")):
        rows = [r for r in part[f"reliability_{when}"] if r["count"]]
        most = max((r["count"] for r in rows), default=1)
        fig.add_scatter(x=[r["confidence"] for r in rows], y=[r["accuracy"] for r in rows],
                        mode="lines+markers", marker=dict(size=[6 + 14 * (r["count"] / most) ** 0.5 for r in rows]),
                        name=f"{when} (ECE {part[f'ece_{when}']:.3f})", line=dict(color=colour),
                        text=[f"{r['count']} predictions" for r in rows])
    return fig.update_layout(xaxis_title="confidence shown", yaxis_title="share right",
                             xaxis_range=[0, 1.02], yaxis_range=[0, 1.02])


def _summary_rows(metrics: dict) -> list[tuple[str, str]]:
    rows = [("Model", metrics.get("arch", "?")), ("Created", metrics.get("created", ""))]
    test = metrics.get("test") or {}
    if test.get("images"):
        rows.append((metrics.get("test_label", "Test accuracy"),
                     f"{_percent(test['accuracy'])} on {test['images']} images"))
    for key, label in (("unseen", "Accuracy on unseen people"),):
        if metrics.get(key):
            rows.append((f"{label} ({metrics[key]['source']})",
                         f"{_percent(metrics[key]['accuracy'])} on {metrics[key]['images']} images"))
    calibration = metrics.get("calibration") or {}
    if calibration:
        ece = "; ".join(f"{k}: ECE {calibration[k]['ece_before']:.3f} -> {calibration[k]['ece_after']:.3f}"
                        for k in ("validation", "unseen") if k in calibration)
        rows.append(("Confidence calibration",
                     f"temperature {calibration['temperature']:.3f}, fitted on the {calibration['fitted_on']}; {ece}"))
    if metrics.get("config"):
        rows.append(("Settings", ", ".join(f"{k}={v}" for k, v in metrics["config"].items())))
    if metrics.get("dataset"):
        d = metrics["dataset"]
        rows.append(("Data", f"{d['images']} images from {d['source']}; {d['unreadable']} unreadable skipped"))
    return rows


def render_report(metrics: dict, title: str) -> str:
    parts = []
    for i, (heading, fig) in enumerate(_figures(metrics)):
        fig.update_layout(margin=dict(l=50, r=20, t=20, b=50), template="plotly_white")
        div = fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"displaylogo": False})
        parts.append(f"<h2>{html.escape(heading)}</h2>\n{div}")
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in _summary_rows(metrics))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:sans-serif;margin:1.5em;max-width:1100px}"
            "th{text-align:left;padding-right:1em;vertical-align:top}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><table>{rows}</table>\n" + "\n".join(parts) + "</body></html>")


def write_report(metrics: dict, out_dir: str | Path, title: str = "ASL Desktop training run") -> Path:
    """Write report.html and metrics.json into out_dir (atomically); return the report path."""
    out = Path(out_dir)
    page = render_report(metrics, title)
    atomic_write(out / "metrics.json", lambda t: Path(t).write_text(json.dumps(plain_json(metrics), indent=1,
                                                                                allow_nan=False)))
    atomic_write(out / "report.html", lambda t: Path(t).write_text(page, encoding="utf-8"))
    return out / "report.html"
