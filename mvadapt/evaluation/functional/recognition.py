"""Recognition accuracy for the base-to-novel protocol (numpy only)."""
from typing import Dict, Sequence

import numpy as np


def harmonic_mean(a: float, b: float) -> float:
    """``2ab / (a + b)``; 0 when both are 0."""
    return 0.0 if a + b == 0 else 2 * a * b / (a + b)


def subset_accuracy(scores, labels, classes: Sequence[int]) -> float:
    """Top-1 accuracy (percent) of the samples whose label is in
    ``classes``, predicting among ``classes`` only (the subset's own label
    space, as in the base-to-novel protocol).

    Args:
        scores: ``[N, C]`` class scores over the full label space.
        labels: ``[N]`` labels in the full label space.
        classes: Indices of the subset's classes.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    classes = np.asarray(list(classes), dtype=np.int64)
    if scores.ndim != 2 or scores.shape[0] != labels.shape[0]:
        raise ValueError(f'scores must be [N, C] with N = len(labels), got '
                         f'{scores.shape} and {labels.shape}')
    if classes.size == 0 or classes.min() < 0 or \
            classes.max() >= scores.shape[1]:
        raise ValueError('classes must be valid column indices of scores')
    keep = np.isin(labels, classes)
    if not keep.any():
        raise ValueError('no sample belongs to the given classes')
    pred = classes[scores[keep][:, classes].argmax(axis=1)]
    return float((pred == labels[keep]).mean() * 100)


def subset_view_scores(view_logits, subsets: Sequence[Sequence[int]]
                       ) -> np.ndarray:
    """Multi-view scores of one sample, each subset in its own label space:
    for every subset, each view's softmax over the subset's classes only,
    averaged over the views, written in the subset's columns (columns in no
    subset are 0).

    Averaging the softmax over all classes and then restricting it to a
    subset is not the same: a view that is confident about a class outside
    the subset counts almost nothing there, although tested on the subset
    alone it would count fully. With one view both give the same argmax.

    Args:
        view_logits: ``[V, C]`` logits of the sample's views.
        subsets: Disjoint lists of class indices (base, novel).

    Returns:
        np.ndarray: ``[C]`` scores.
    """
    logits = np.asarray(view_logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f'view_logits must be [V, C], got {logits.shape}')
    out = np.zeros(logits.shape[1])
    for classes in subsets:
        sub = logits[:, list(classes)]
        prob = np.exp(sub - sub.max(axis=1, keepdims=True))
        out[list(classes)] = (prob / prob.sum(axis=1, keepdims=True)).mean(0)
    return out


def base_novel_accuracy(scores, labels, base: Sequence[int],
                        novel: Sequence[int]) -> Dict[str, float]:
    """Base accuracy, novel accuracy (each in its own label space) and their
    harmonic mean, all in percent."""
    if set(base) & set(novel):
        raise ValueError('base and novel classes overlap')
    b = subset_accuracy(scores, labels, base)
    n = subset_accuracy(scores, labels, novel)
    return dict(base=b, novel=n, HM=harmonic_mean(b, n))
