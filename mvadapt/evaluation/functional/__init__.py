"""Framework-free evaluation functions (numpy / torch only)."""
from .recognition import (base_novel_accuracy, harmonic_mean,
                          subset_accuracy, subset_view_scores)
from .retrieval import (V2T_PROTOCOLS, feature_retrieval_ranks,
                        metrics_from_ranks, retrieval_metrics,
                        retrieval_ranks, summarize_ranks)

__all__ = [
    'V2T_PROTOCOLS', 'base_novel_accuracy', 'feature_retrieval_ranks',
    'harmonic_mean', 'metrics_from_ranks', 'retrieval_metrics',
    'retrieval_ranks', 'subset_accuracy', 'subset_view_scores',
    'summarize_ranks'
]
