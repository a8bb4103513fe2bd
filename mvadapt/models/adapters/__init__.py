from .base import (AdapterInjector, Bottleneck, FrameContext, QuickGELU,
                   TinyTransformerBlock, attach_after_ffn, attach_parallel)
from .msta import MSTA, MSTABlock, scale_grad
from .mv_adapter import (CrossModalityTying, MVAdapter, TemporalAdaptation,
                         TextAdapter)

__all__ = [
    'AdapterInjector', 'Bottleneck', 'FrameContext', 'QuickGELU',
    'TinyTransformerBlock', 'attach_after_ffn', 'attach_parallel',
    'CrossModalityTying', 'MSTA', 'MSTABlock', 'MVAdapter',
    'TemporalAdaptation', 'TextAdapter', 'scale_grad'
]
