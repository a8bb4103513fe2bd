"""MMEngine metrics registered in :data:`mvadapt.registry.METRICS`."""
from .retrieval_metric import RetrievalMetric

__all__ = ['RetrievalMetric']
