"""Framework-free evaluation functions (numpy / torch only)."""
from .recognition import base_novel_accuracy, harmonic_mean, subset_accuracy
from .retrieval import retrieval_metrics, retrieval_ranks, summarize_ranks

__all__ = [
    'base_novel_accuracy', 'harmonic_mean', 'retrieval_metrics',
    'retrieval_ranks', 'subset_accuracy', 'summarize_ranks'
]
