from .base import (AdapterInjector, Bottleneck, FrameContext, QuickGELU,
                   TinyTransformerBlock, attach_after_ffn, attach_parallel)
from .mv_adapter import (CrossModalityTying, MVAdapter, TemporalAdaptation,
                         TextAdapter)

__all__ = [
    'AdapterInjector', 'Bottleneck', 'FrameContext', 'QuickGELU',
    'TinyTransformerBlock', 'attach_after_ffn', 'attach_parallel',
    'CrossModalityTying', 'MVAdapter', 'TemporalAdaptation', 'TextAdapter'
]
