from .base import (AdapterHook, AdapterInjector, AfterFFN, Bottleneck,
                   FrameContext, ParallelToBlock, QuickGELU,
                   TinyTransformerBlock)
from .msta import MSTA, MSTABlock
from .mv_adapter import (CrossModalityTying, MVAdapter, TemporalAdaptation,
                         TextAdapter)

__all__ = [
    'AdapterHook', 'AdapterInjector', 'AfterFFN', 'Bottleneck',
    'FrameContext', 'ParallelToBlock', 'QuickGELU', 'TinyTransformerBlock',
    'CrossModalityTying', 'MSTA', 'MSTABlock', 'MVAdapter',
    'TemporalAdaptation', 'TextAdapter'
]
