from .base import (AdapterInjector, Bottleneck, FrameContext, QuickGELU,
                   TinyTransformerBlock, attach_after_ffn, attach_parallel)

__all__ = [
    'AdapterInjector', 'Bottleneck', 'FrameContext', 'QuickGELU',
    'TinyTransformerBlock', 'attach_after_ffn', 'attach_parallel'
]
