"""Evaluation: framework-free functions and MMEngine metrics."""
from .functional import (base_novel_accuracy, harmonic_mean,
                         retrieval_metrics, retrieval_ranks, subset_accuracy,
                         summarize_ranks)
from .metrics import BaseNovelMetric, PerClassAccuracy, RetrievalMetric

__all__ = [
    'base_novel_accuracy', 'harmonic_mean', 'retrieval_metrics',
    'retrieval_ranks', 'subset_accuracy', 'summarize_ranks',
    'BaseNovelMetric', 'PerClassAccuracy', 'RetrievalMetric'
]
