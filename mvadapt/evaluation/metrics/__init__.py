"""MMEngine metrics registered in :data:`mvadapt.registry.METRICS`."""
from .base_novel_metric import BaseNovelMetric
from .retrieval_metric import RetrievalMetric

__all__ = ['BaseNovelMetric', 'RetrievalMetric']
