"""AdaptFormer: Adapting Vision Transformers for Scalable Visual Recognition.

Chen et al., NeurIPS 2022 (arXiv 2205.13535), as the adapter baseline of the
MV-Adapter paper's table (AdaptFormer-par / AdaptFormer-seq in both CLIP
encoders). One AdaptMLP per layer, next to the FFN::

    h   = x + Attn(LN1(x))
    par: out = h + FFN(LN2(h)) + s * A(LN2(h))     (parallel to the FFN)
    seq: out = h + F + s * A(F),  F = FFN(LN2(h))  (after the FFN)

with ``A = up(ReLU(down(.)))`` and a zero-initialised ``up``, so at
initialisation the model computes exactly what the frozen CLIP computes.
Frames are encoded independently and mean-pooled by the backbone
(CLIP4Clip), so AdaptFormer has no temporal modelling.

A plugin of mvadapt: :class:`AdaptFormer` is registered in
``mvadapt.registry.MODELS`` and built by ``VideoTextRetriever`` from
``adapter=dict(type='AdaptFormer', ...)``; no mvadapt file is changed.
"""
import math
from typing import Dict, Optional, Sequence

import torch
from torch import nn

from mvadapt.models.adapters import AdapterHook, AdapterInjector, AfterFFN
from mvadapt.registry import MODELS

VARIANTS = ('parallel', 'sequential')


class AdaptMLP(nn.Module):
    """AdaptFormer's AdaptMLP ``s * up(ReLU(down(x)))``.

    ``down`` keeps PyTorch's default (Kaiming-uniform) weight init, ``up`` is
    zero-initialised and both biases start at zero, as in the authors' code.

    Args:
        in_dim (int): Token width D.
        bottleneck (int): d'. Defaults to 64.
        scale (float): s. Defaults to 0.1.
        input_norm (bool): LayerNorm on the input (the authors' code's
            ``layernorm_option='in'``). Defaults to False.
        dropout (float): Dropout after the ReLU (0.1 in the authors' ViT
            code, none in the paper's equations). Defaults to 0.
    """

    def __init__(self, in_dim: int, bottleneck: int = 64, scale: float = 0.1,
                 input_norm: bool = False, dropout: float = 0.0) -> None:
        super().__init__()
        self.scale = scale
        self.norm = nn.LayerNorm(in_dim) if input_norm else nn.Identity()
        self.down = nn.Linear(in_dim, bottleneck)
        self.act = nn.ReLU()
        self.drop = nn.Dropout(dropout)
        self.up = nn.Linear(bottleneck, in_dim)
        self.init_weights()

    def init_weights(self) -> None:
        nn.init.kaiming_uniform_(self.down.weight, a=math.sqrt(5))
        nn.init.zeros_(self.down.bias)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x``: tokens ``[N, L, D]`` -> ``[N, L, D]`` (token-wise)."""
        h = self.drop(self.act(self.down(self.norm(x))))  # [N, L, d']
        return self.scale * self.up(h)

    def extra_repr(self) -> str:
        return f'scale={self.scale}'


class ParallelToFFN(AdapterHook):
    """A branch parallel to the FFN, fed with the FFN's own input: the block
    computes ``h + FFN(LN2(h)) + branch(LN2(h))``.

    The hook follows the block's ``mlp``, whose input is ``LN2(h)``, and
    returns ``FFN(LN2(h)) + branch(LN2(h))`` (the block's ``ls_2`` layer
    scale, an identity in CLIP, then applies to both branches).
    """

    def target(self, block: nn.Module) -> nn.Module:
        return block.mlp

    def apply(self, module, args, kwargs, output):
        return output + self.branch(args[0])


@MODELS.register_module()
class AdaptFormer(AdapterInjector):
    """Inject AdaptFormer's AdaptMLPs into the towers of a
    :class:`CLIPBackbone` (Chen et al., NeurIPS 2022).

    Args:
        backbone (CLIPBackbone): The host (given by the retriever).
        variant (str): ``'parallel'`` (AdaptFormer-par, the paper's default)
            or ``'sequential'`` (AdaptFormer-seq). Defaults to 'parallel'.
        bottleneck (int): d'. Defaults to 64.
        scale (float): s. Defaults to 0.1.
        video (bool): Adapters in the video encoder. Defaults to True.
        text (bool): Adapters in the text encoder. Defaults to True.
        layers (Sequence[int], optional): Layers (0-based, negative counts
            from the end) that get adapters; None means every layer.
            Defaults to None.
        input_norm (bool): LayerNorm at each adapter's input.
            Defaults to False.
        dropout (float): Dropout inside each adapter. Defaults to 0.
    """

    def __init__(self,
                 backbone,
                 variant: str = 'parallel',
                 bottleneck: int = 64,
                 scale: float = 0.1,
                 video: bool = True,
                 text: bool = True,
                 layers: Optional[Sequence[int]] = None,
                 input_norm: bool = False,
                 dropout: float = 0.0) -> None:
        super().__init__()
        if variant not in VARIANTS:
            raise ValueError(f'variant must be one of {VARIANTS}, got '
                             f'{variant!r}')
        if not (video or text):
            raise ValueError('AdaptFormer needs video=True and/or text=True')
        self.variant = variant
        self.scale = scale
        clip = backbone.clip
        towers = dict(video=(video, clip.visual.transformer),
                      text=(text, clip.transformer))
        self.video_adapters = nn.ModuleDict()
        self.text_adapters = nn.ModuleDict()
        hook = ParallelToFFN if variant == 'parallel' else AfterFFN
        self.layers = {}
        for name, (enabled, transformer) in towers.items():
            if not enabled:
                continue
            blocks = list(transformer.resblocks)
            n = len(blocks)
            chosen = sorted({i % n for i in (range(n) if layers is None
                                              else layers)})
            self.layers[name] = chosen
            adapters = getattr(self, f'{name}_adapters')
            batch_first = getattr(transformer, 'batch_first', True)
            for i in chosen:
                adapter = AdaptMLP(transformer.width, bottleneck, scale,
                                   input_norm=input_norm, dropout=dropout)
                adapters[str(i)] = adapter
                self.attach(blocks[i], hook(self, (name, i), batch_first))

    def branch(self, key, x: torch.Tensor) -> torch.Tensor:
        name, i = key
        return getattr(self, f'{name}_adapters')[str(i)](x)

    def extra_repr(self) -> str:
        return (f'variant={self.variant!r}, layers={self.layers}, '
                f'scale={self.scale}')

    def summary(self) -> Dict[str, int]:
        """Parameters per component."""
        def n(m):
            return sum(p.numel() for p in m.parameters())
        return dict(video_adapters=n(self.video_adapters),
                    text_adapters=n(self.text_adapters))
