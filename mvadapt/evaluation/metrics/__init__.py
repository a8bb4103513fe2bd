"""MMEngine metrics registered in :data:`mvadapt.registry.METRICS`."""
from .base_novel_metric import BaseNovelMetric
from .per_class_metric import PerClassAccuracy
from .retrieval_metric import RetrievalMetric

__all__ = ['BaseNovelMetric', 'PerClassAccuracy', 'RetrievalMetric']
