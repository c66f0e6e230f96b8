"""Confidence calibration: one temperature that makes a model's probabilities honest.

A network trained with label smoothing is under-confident on clear images and its raw
confidence means little for a new person. `fit_temperature` finds the T that minimises
the negative log-likelihood of softmax(logits / T) on held-out images; `reliability`
and `expected_calibration_error` say how well the confidence matches the accuracy.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

BINS = 10
MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 20.0


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature (MIN_TEMPERATURE to MAX_TEMPERATURE) with the lowest NLL on these logits."""
    logits, labels = logits.detach().float(), torch.as_tensor(labels)
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp().clamp(MIN_TEMPERATURE, MAX_TEMPERATURE))


def reliability(probs: torch.Tensor, labels, bins: int = BINS) -> list[dict]:
    """Per confidence bin: its range, number of predictions, mean confidence and accuracy."""
    conf, pred = probs.max(1)
    correct = (pred == torch.as_tensor(labels)).float()
    rows = []
    for i in range(bins):
        low, high = i / bins, (i + 1) / bins
        inside = (conf > low) & (conf <= high) if i else (conf >= low) & (conf <= high)
        n = int(inside.sum())
        rows.append({"low": low, "high": high, "count": n,
                     "confidence": float(conf[inside].mean()) if n else None,
                     "accuracy": float(correct[inside].mean()) if n else None})
    return rows


def expected_calibration_error(probs: torch.Tensor, labels, bins: int = BINS) -> float:
    """Mean |accuracy - confidence| over confidence bins, weighted by their share of predictions."""
    total = len(probs)
    if total == 0:
        return float("nan")
    return sum(r["count"] / total * abs(r["accuracy"] - r["confidence"])
               for r in reliability(probs, labels, bins) if r["count"])


def before_after(logits: torch.Tensor, labels, temperature: float) -> dict:
    """ECE and reliability bins of softmax(logits) and of softmax(logits / temperature)."""
    out: dict[str, object] = {}
    for when, probs in (("before", F.softmax(logits, 1)), ("after", F.softmax(logits / temperature, 1))):
        out[f"ece_{when}"] = expected_calibration_error(probs, labels)
        out[f"reliability_{when}"] = reliability(probs, labels)
    return out
