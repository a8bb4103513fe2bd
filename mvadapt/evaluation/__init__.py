"""Evaluation: framework-free functions and MMEngine metrics."""
from .functional import retrieval_metrics, retrieval_ranks, summarize_ranks
from .metrics import RetrievalMetric

__all__ = [
    'retrieval_metrics', 'retrieval_ranks', 'summarize_ranks',
    'RetrievalMetric'
]
