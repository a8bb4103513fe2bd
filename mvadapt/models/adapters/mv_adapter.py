"""MV-Adapter: Multimodal Video Transfer Learning for Video Text Retrieval.

Zhang et al., CVPR 2024 (arXiv 2301.07868). One adapter per layer of both
CLIP encoders, sequential after the FFN::

    h   = x + Attn(LN1(x))
    F   = FFN(LN2(h))
    out = h + F + s * A(F)

with ``A`` a :class:`TextAdapter` in the text encoder and a
:class:`TemporalAdaptation` module (TAM, with weight calibration) in the
video encoder; :class:`CrossModalityTying` (CMT) generates a per-layer
rescaling of the adapters' weights from a factor shared by both modalities.
Every up-projection starts at zero, so at initialisation the model computes
exactly what the frozen CLIP computes.
"""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from mvadapt.registry import MODELS
from .base import (AdapterInjector, FrameContext, QuickGELU,
                   TinyTransformerBlock, attach_after_ffn)

CMT_POSITIONS = ('down_in', 'down_out', 'up_in', 'up_out')


class CrossModalityTying(nn.Module):
    """Cross Modality Tying for one layer: a factor ``f`` (zero-initialised)
    shared by the layer's video and text adapters.

    Each adapter owns a modality-specific projection :class:`TiedScale`
    ``md_proj: factor_dim -> k`` that turns ``f`` into ``beta`` rescaling its
    ``down`` or ``up`` weight (position ``down_in``/``down_out``/``up_in``/
    ``up_out``).

    Args:
        factor_dim (int): Dimension of the shared factor. Defaults to 32.
    """

    def __init__(self, factor_dim: int = 32) -> None:
        super().__init__()
        self.factor = nn.Parameter(torch.zeros(factor_dim))


class TiedScale(nn.Module):
    """``beta = md_proj(f)``: the modality-specific half of CMT.

    ``md_proj``'s bias starts at 1 and its weight at 0 is not required: with
    ``f = 0`` at initialisation ``beta`` equals the bias, i.e. 1, so the
    adapter starts as an untied bottleneck.

    Args:
        factor_dim (int): Shared factor dimension.
        k (int): Number of scaled rows/columns.
        input_norm (bool): LayerNorm on the factor before the projection
            (the authors' ActivityNet setting). Defaults to False.
    """

    def __init__(self, factor_dim: int, k: int,
                 input_norm: bool = False) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(factor_dim) if input_norm else nn.Identity()
        self.md_proj = nn.Linear(factor_dim, k)
        nn.init.ones_(self.md_proj.bias)

    def forward(self, factor: torch.Tensor) -> torch.Tensor:
        return self.md_proj(self.norm(factor))


class _TiedBottleneck(nn.Module):
    """down / up projections whose weights CMT may rescale."""

    def __init__(self, in_dim: int, bottleneck: int,
                 cmt_position: Optional[str], factor_dim: int,
                 cmt_input_norm: bool) -> None:
        super().__init__()
        self.down = nn.Linear(in_dim, bottleneck)
        self.up = nn.Linear(bottleneck, in_dim)
        self.cmt_position = cmt_position
        self.tied = None
        if cmt_position is not None:
            if cmt_position not in CMT_POSITIONS:
                raise ValueError(f'cmt_position must be one of '
                                 f'{CMT_POSITIONS}, got {cmt_position!r}')
            k = {'down_in': in_dim, 'down_out': bottleneck,
                 'up_in': bottleneck, 'up_out': in_dim}[cmt_position]
            self.tied = TiedScale(factor_dim, k, cmt_input_norm)

    def init_weights(self) -> None:
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def _weights(self, factor: Optional[torch.Tensor]):
        w_down, w_up = self.down.weight, self.up.weight  # [b, D], [D, b]
        if self.tied is None:
            return w_down, w_up
        if factor is None:
            raise RuntimeError('this adapter is tied (CMT) but got no factor')
        beta = self.tied(factor)
        if self.cmt_position == 'down_in':
            w_down = w_down * beta[None, :]
        elif self.cmt_position == 'down_out':
            w_down = w_down * beta[:, None]
        elif self.cmt_position == 'up_in':
            w_up = w_up * beta[None, :]
        else:
            w_up = w_up * beta[:, None]
        return w_down, w_up

    def project_down(self, x, w_down):
        return F.linear(x, w_down, self.down.bias)

    def project_up(self, x, w_up):
        return F.linear(x, w_up, self.up.bias)


class TextAdapter(_TiedBottleneck):
    """MV-Adapter's text adapter.

    ``down`` (no activation) -> + learnable positional embedding -> LayerNorm
    -> one causal pre-LN transformer block (width ``bottleneck``, 2 heads)
    -> QuickGELU -> ``up`` (zero-initialised).

    Args:
        in_dim (int): Text width (512 for ViT-B).
        bottleneck (int): d'. Defaults to 64.
        max_words (int): Length of the positional embedding. Defaults to 32.
        heads (int): Heads of the temporal block. Defaults to 2.
        cmt_position (str, optional): CMT position, None when untied.
        factor_dim (int): CMT factor dimension. Defaults to 32.
        cmt_input_norm (bool): LayerNorm on the CMT factor. Defaults to False.
    """

    def __init__(self, in_dim: int, bottleneck: int = 64,
                 max_words: int = 32, heads: int = 2,
                 cmt_position: Optional[str] = None, factor_dim: int = 32,
                 cmt_input_norm: bool = False) -> None:
        super().__init__(in_dim, bottleneck, cmt_position, factor_dim,
                         cmt_input_norm)
        self.pos_embed = nn.Parameter(torch.empty(max_words, bottleneck))
        self.ln = nn.LayerNorm(bottleneck)
        self.block = TinyTransformerBlock(bottleneck, heads)
        self.act = QuickGELU()
        self.init_weights()

    def init_weights(self) -> None:
        super().init_weights()
        nn.init.normal_(self.pos_embed, std=0.01)

    def forward(self, x: torch.Tensor,
                factor: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``x``: FFN output ``[B, L, D]`` -> ``[B, L, D]``."""
        length = x.shape[1]
        if length > self.pos_embed.shape[0]:
            raise ValueError(f'text of {length} tokens exceeds the adapter '
                             f'positional embedding ({self.pos_embed.shape[0]}'
                             '); raise max_words')
        w_down, w_up = self._weights(factor)
        h = self.project_down(x, w_down) + self.pos_embed[:length]
        causal = torch.full((length, length), float('-inf'),
                            device=x.device, dtype=h.dtype).triu_(1)
        h = self.act(self.block(self.ln(h), attn_mask=causal))
        return self.project_up(h, w_up)


class TemporalAdaptation(_TiedBottleneck):
    """MV-Adapter's video adapter: the Temporal Adaptation Module (TAM).

    Tokens of one layer arrive as ``[B*T, 1+N, D]``.

    1. ``down`` + QuickGELU on all tokens.
    2. Patch tokens: plain bottleneck ``up(down(x))``.
    3. Temporal context per video: ``[CC; CLS_1..CLS_T; p_1..p_T]`` with
       ``p_f`` the mean of frame f's down-projected patch tokens and CC a
       learnable global token; + positional embedding, LayerNorm, one
       transformer block (padded frames masked at both positions), QuickGELU.
    4. Weight calibration (CLS only): ``u_f = [cls_f + p_f ; g(CC)]``
       (masked), ``alpha_f = 1 + FC2(ReLU(FC1(u_f)))`` with FC2
       zero-initialised, ``cls_up_f = up(alpha_f * cls_f)``.

    Args:
        in_dim (int): Vision width (768 for ViT-B).
        bottleneck (int): d'. Defaults to 64.
        max_frames (int): Frames covered by the positional embedding
            (``2 * max_frames + 1`` positions). Defaults to 12.
        heads (int): Heads of the temporal block. Defaults to 2.
        temporal (bool): Use the temporal transformer (ablation switch).
            Defaults to True.
        calibration (bool): Use weight calibration. Defaults to True.
        reduction (int): Calibration reduction sigma (FC1: 2d' -> 2d'/sigma
            ... here 128 -> 16 with sigma = 4 as in the paper's width 64).
            Defaults to 4.
        cmt_position (str, optional): CMT position, None when untied.
        factor_dim (int): CMT factor dimension. Defaults to 32.
        cmt_input_norm (bool): LayerNorm on the CMT factor. Defaults to False.
    """

    def __init__(self, in_dim: int, bottleneck: int = 64,
                 max_frames: int = 12, heads: int = 2, temporal: bool = True,
                 calibration: bool = True, reduction: int = 4,
                 cmt_position: Optional[str] = None, factor_dim: int = 32,
                 cmt_input_norm: bool = False,
                 context: Optional[FrameContext] = None) -> None:
        super().__init__(in_dim, bottleneck, cmt_position, factor_dim,
                         cmt_input_norm)
        self.act = QuickGELU()
        self.temporal = temporal
        self.calibration = calibration
        self.max_frames = max_frames
        self.context = context
        if temporal:
            self.cc = nn.Parameter(torch.empty(bottleneck))
            self.pos_embed = nn.Parameter(
                torch.empty(2 * max_frames + 1, bottleneck))
            self.ln = nn.LayerNorm(bottleneck)
            self.block = TinyTransformerBlock(bottleneck, heads)
        if calibration:
            if not temporal:
                raise ValueError('calibration needs the temporal context '
                                 '(temporal=True)')
            hidden = 2 * bottleneck // (reduction * 2)
            self.g = nn.Linear(bottleneck, bottleneck)
            self.fc1 = nn.Linear(2 * bottleneck, hidden, bias=False)
            self.fc2 = nn.Linear(hidden, bottleneck, bias=False)
        self.init_weights()

    def init_weights(self) -> None:
        super().init_weights()
        if self.temporal:
            nn.init.normal_(self.cc, std=1.0 / 8)
            nn.init.normal_(self.pos_embed, std=0.01)
        if self.calibration:
            nn.init.zeros_(self.fc2.weight)

    def forward(self, x: torch.Tensor,
                factor: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``x``: FFN output ``[B*T, 1+N, D]`` -> ``[B*T, 1+N, D]``."""
        w_down, w_up = self._weights(factor)
        h = self.act(self.project_down(x, w_down))  # [B*T, 1+N, d']
        if not self.temporal:
            return self.project_up(h, w_up)
        t = self.context.num_frames if self.context is not None else None
        t = t or 1
        if t > self.max_frames:
            raise ValueError(f'{t} frames exceed the adapter positional '
                             f'embedding ({self.max_frames}); raise '
                             'max_frames')
        bt, _, d = h.shape
        b = bt // t
        cls = h[:, 0].reshape(b, t, d)  # [B, T, d']
        p = h[:, 1:].mean(dim=1).reshape(b, t, d)  # [B, T, d']
        mask = self.context.mask if self.context is not None else None
        if mask is None:
            mask = h.new_ones(b, t)
        mask = mask.to(h.dtype)
        seq = torch.cat([self.cc.to(h.dtype).expand(b, 1, d), cls, p], 1)
        seq = seq + self.pos_embed[:2 * t + 1]  # [B, 2T+1, d']
        pad = torch.cat([mask.new_ones(b, 1), mask, mask], 1) == 0
        seq = self.act(self.block(self.ln(seq), key_padding_mask=pad))
        cc, cls_t, p_t = seq[:, 0], seq[:, 1:t + 1], seq[:, t + 1:]
        if self.calibration:
            u = torch.cat([cls_t + p_t,
                           self.g(cc)[:, None].expand(-1, t, -1)], -1)
            u = u * mask[..., None]
            alpha = 1 + self.fc2(F.relu(self.fc1(u)))  # [B, T, d']
            cls_t = alpha * cls_t
        out = torch.cat([cls_t.reshape(bt, 1, d), h[:, 1:]], 1)
        return self.project_up(out, w_up)


@MODELS.register_module()
class MVAdapter(AdapterInjector):
    """Inject MV-Adapter into both towers of a :class:`CLIPBackbone`.

    Args:
        backbone (CLIPBackbone): The host (given by the retriever).
        bottleneck (int): d'. Defaults to 64.
        scale (float): s. Defaults to 0.1.
        video (bool): Adapters in the video encoder. Defaults to True.
        text (bool): Adapters in the text encoder. Defaults to True.
        layers (Sequence[int], optional): Layers (0-based) that get adapters;
            None means every layer. Defaults to None.
        max_frames (int): Frames the TAM positional embedding covers.
            Defaults to 12.
        temporal (bool): TAM temporal transformer. Defaults to True.
        calibration (bool): TAM weight calibration. Defaults to True.
        heads (int): Heads of the adapters' transformer blocks. Defaults to 2.
        cmt (bool): Cross Modality Tying. Defaults to True.
        cmt_layers (Sequence[int]): Layers with CMT; negative indices count
            from the end. Defaults to ``(-2, -1)`` (the last two).
        cmt_position (str): ``down_in`` (default), ``down_out``, ``up_in`` or
            ``up_out``.
        cmt_dim (int): Shared factor dimension. Defaults to 32.
        cmt_input_norm (bool): LayerNorm on the factor (ActivityNet setting).
            Defaults to False.
    """

    def __init__(self,
                 backbone,
                 bottleneck: int = 64,
                 scale: float = 0.1,
                 video: bool = True,
                 text: bool = True,
                 layers: Optional[Sequence[int]] = None,
                 max_frames: int = 12,
                 temporal: bool = True,
                 calibration: bool = True,
                 heads: int = 2,
                 cmt: bool = True,
                 cmt_layers: Sequence[int] = (-2, -1),
                 cmt_position: str = 'down_in',
                 cmt_dim: int = 32,
                 cmt_input_norm: bool = False) -> None:
        super().__init__()
        if not (video or text):
            raise ValueError('MVAdapter needs video=True and/or text=True')
        clip = backbone.clip
        v_blocks = list(clip.visual.transformer.resblocks)
        t_blocks = list(clip.transformer.resblocks)
        if len(v_blocks) != len(t_blocks) and cmt:
            raise ValueError('CMT ties layer i of both towers, which needs '
                             'the same depth')
        n_layers = len(v_blocks)
        self.layers = sorted(range(n_layers) if layers is None else
                             [i % n_layers for i in layers])
        self.cmt_layers = sorted({i % n_layers for i in cmt_layers}) \
            if cmt else []
        self.scale = scale
        self.context = backbone.frame_context
        v_width = clip.visual.transformer.width
        t_width = clip.transformer.width

        self.cmt = nn.ModuleDict({
            str(i): CrossModalityTying(cmt_dim) for i in self.cmt_layers})
        self.video_adapters = nn.ModuleDict()
        self.text_adapters = nn.ModuleDict()
        for i in self.layers:
            tied = cmt_position if i in self.cmt_layers else None
            if video:
                self.video_adapters[str(i)] = TemporalAdaptation(
                    v_width, bottleneck, max_frames=max_frames, heads=heads,
                    temporal=temporal, calibration=calibration,
                    cmt_position=tied, factor_dim=cmt_dim,
                    cmt_input_norm=cmt_input_norm, context=self.context)
            if text:
                self.text_adapters[str(i)] = TextAdapter(
                    t_width, bottleneck, max_words=backbone.max_words,
                    heads=heads, cmt_position=tied, factor_dim=cmt_dim,
                    cmt_input_norm=cmt_input_norm)
        v_bf = getattr(clip.visual.transformer, 'batch_first', True)
        t_bf = getattr(clip.transformer, 'batch_first', True)
        for i in self.layers:
            if video:
                self.attach(attach_after_ffn(
                    v_blocks[i], self._make_fn(self.video_adapters, i), v_bf))
            if text:
                self.attach(attach_after_ffn(
                    t_blocks[i], self._make_fn(self.text_adapters, i), t_bf))

    def _make_fn(self, adapters: nn.ModuleDict, i: int):
        key = str(i)

        def fn(f: torch.Tensor) -> torch.Tensor:
            factor = self.cmt[key].factor if key in self.cmt else None
            return self.scale * adapters[key](f, factor)

        fn.enabled = self.is_enabled
        return fn

    def extra_repr(self) -> str:
        return (f'layers={self.layers}, cmt_layers={self.cmt_layers}, '
                f'scale={self.scale}')

    def summary(self) -> Dict[str, int]:
        """Parameters per component."""
        def n(m):
            return sum(p.numel() for p in m.parameters())
        return dict(video_adapters=n(self.video_adapters),
                    text_adapters=n(self.text_adapters), cmt=n(self.cmt))
