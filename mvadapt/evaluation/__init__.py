"""Evaluation: framework-free functions and MMEngine metrics."""
from .functional import (V2T_PROTOCOLS, base_novel_accuracy,
                         feature_retrieval_ranks, harmonic_mean,
                         metrics_from_ranks, retrieval_metrics,
                         retrieval_ranks, subset_accuracy,
                         subset_view_scores, summarize_ranks)
from .metrics import BaseNovelMetric, PerClassAccuracy, RetrievalMetric

__all__ = [
    'V2T_PROTOCOLS', 'base_novel_accuracy', 'feature_retrieval_ranks',
    'harmonic_mean', 'metrics_from_ranks', 'retrieval_metrics',
    'retrieval_ranks', 'subset_accuracy', 'subset_view_scores',
    'summarize_ranks', 'BaseNovelMetric', 'PerClassAccuracy', 'RetrievalMetric'
]
