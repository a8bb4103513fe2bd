"""Framework-free evaluation functions (numpy / torch only)."""
from .retrieval import retrieval_metrics, retrieval_ranks, summarize_ranks

__all__ = ['retrieval_metrics', 'retrieval_ranks', 'summarize_ranks']
