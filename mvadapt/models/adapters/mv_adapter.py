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

Where the paper is silent, the numerics follow the authors' released code
(github zhangbw17/MV-Adapter, ``modules/adapter/mv_adapter.py``,
``modules/module_ta.py``): calibration FC1 with a bias, their initialisation
(``init='authors'``), the optional LayerNorm on the adapter input
(``input_norm``, their ``lnin``), and CMT pairing by list position for towers
of different depth. The CMT scale ``beta`` and the calibration ``alpha`` are
computed in float32 under autocast: both live near 1, where a 16-bit format
would move them in steps of 0.004 (bf16) that swamp their early updates.
"""
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import nn

from mvadapt.registry import MODELS
from .base import (AdapterInjector, AfterFFN, FrameContext, QuickGELU,
                   TinyTransformerBlock)

CMT_POSITIONS = ('down_in', 'down_out', 'up_in', 'up_out')
INIT_MODES = ('authors', 'torch')

LayerSpec = Union[None, Sequence[int], Mapping[str, Sequence[int]]]


def _float32(fn, *inputs: torch.Tensor) -> torch.Tensor:
    """``fn(*inputs)`` in float32 with autocast off (for small vectors near 1
    whose 16-bit rounding would swamp their updates)."""
    device = inputs[0].device.type
    with torch.autocast(device_type=device, enabled=False):
        return fn(*(x.float() for x in inputs))


def init_adapter_block(block: TinyTransformerBlock, host_width: int) -> None:
    """The MV-Adapter authors' init of an adapter's transformer block: normal
    weights with standard deviations taken from the *host* width ``D`` (768
    or 512), not the block's: attention in-projection ``D^-0.5``, output
    projection and MLP ``(2D)^-0.5``; attention biases zero, MLP biases at
    PyTorch's default."""
    std = host_width ** -0.5
    std2 = (2 * host_width) ** -0.5
    nn.init.normal_(block.attn.in_proj_weight, std=std)
    nn.init.zeros_(block.attn.in_proj_bias)
    nn.init.normal_(block.attn.out_proj.weight, std=std2)
    nn.init.zeros_(block.attn.out_proj.bias)
    nn.init.normal_(block.mlp.c_fc.weight, std=std2)
    nn.init.normal_(block.mlp.c_proj.weight, std=std2)


class CrossModalityTying(nn.Module):
    """Cross Modality Tying for one pair of layers: a factor ``f``
    (zero-initialised) shared by the pair's video and text adapters.

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
    """``beta = md_proj(f)``: the modality-specific half of CMT, computed in
    float32.

    With ``f = 0`` at initialisation ``beta`` equals ``md_proj``'s bias:
    PyTorch's default (uniform in +-1/sqrt(factor_dim)) with
    ``init='authors'``, as in the authors' code, so the tied adapter starts
    with a small, random rescaling of its weights; 1 with ``init='torch'``,
    so it starts as the untied bottleneck.

    Args:
        factor_dim (int): Shared factor dimension.
        k (int): Number of scaled rows/columns.
        init (str): ``'authors'`` or ``'torch'``. Defaults to 'authors'.
    """

    def __init__(self, factor_dim: int, k: int, init: str = 'authors') -> None:
        super().__init__()
        self.md_proj = nn.Linear(factor_dim, k)
        if init == 'torch':
            nn.init.ones_(self.md_proj.bias)

    def forward(self, factor: torch.Tensor) -> torch.Tensor:
        return _float32(self.md_proj, factor)


class _TiedBottleneck(nn.Module):
    """down / up projections whose weights CMT may rescale, with an optional
    LayerNorm on the adapter input."""

    def __init__(self, in_dim: int, bottleneck: int,
                 cmt_position: Optional[str], factor_dim: int,
                 input_norm: bool, init: str) -> None:
        super().__init__()
        if init not in INIT_MODES:
            raise ValueError(f'init must be one of {INIT_MODES}, got '
                             f'{init!r}')
        self.init_mode = init
        self.in_dim = in_dim
        self.norm = nn.LayerNorm(in_dim) if input_norm else nn.Identity()
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
            self.tied = TiedScale(factor_dim, k, init)

    def init_weights(self) -> None:
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)
        if self.init_mode == 'authors':
            nn.init.zeros_(self.down.bias)

    def _weights(self, factor: Optional[torch.Tensor]):
        w_down, w_up = self.down.weight, self.up.weight  # [b, D], [D, b]
        if self.tied is None:
            return w_down, w_up
        if factor is None:
            raise RuntimeError('this adapter is tied (CMT) but got no factor')
        beta = self.tied(factor)  # float32
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
        return F.linear(self.norm(x), w_down, self.down.bias)

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
        heads (int): Heads of the block. Defaults to 2.
        cmt_position (str, optional): CMT position, None when untied.
        factor_dim (int): CMT factor dimension. Defaults to 32.
        input_norm (bool): LayerNorm on the adapter input (the authors'
            ActivityNet setting, ``lnin``). Defaults to False.
        init (str): ``'authors'`` (their code's initialisation: zero
            ``down`` bias, ``down`` weight N(0, (2D)^-0.5), host-width block
            stds, PyTorch-default ``md_proj``) or ``'torch'`` (PyTorch
            defaults, ``beta = 1`` at start). Up-projections are zero either
            way. Defaults to 'authors'.
    """

    def __init__(self, in_dim: int, bottleneck: int = 64,
                 max_words: int = 32, heads: int = 2,
                 cmt_position: Optional[str] = None, factor_dim: int = 32,
                 input_norm: bool = False, init: str = 'authors') -> None:
        super().__init__(in_dim, bottleneck, cmt_position, factor_dim,
                         input_norm, init)
        self.pos_embed = nn.Parameter(torch.empty(max_words, bottleneck))
        self.ln = nn.LayerNorm(bottleneck)
        self.block = TinyTransformerBlock(bottleneck, heads)
        self.act = QuickGELU()
        self.init_weights()

    def init_weights(self) -> None:
        super().init_weights()
        nn.init.normal_(self.pos_embed, std=0.01)
        if self.init_mode == 'authors':
            nn.init.normal_(self.down.weight, std=(2 * self.in_dim) ** -0.5)
            init_adapter_block(self.block, self.in_dim)

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
       (masked), ``alpha_f = 1 + FC2(ReLU(FC1(u_f)))`` (FC1 with a bias, FC2
       without, zero-initialised; computed in float32),
       ``cls_up_f = up(alpha_f * cls_f)``.

    Args:
        in_dim (int): Vision width (768 for ViT-B).
        bottleneck (int): d'. Defaults to 64.
        max_frames (int): Frames covered by the positional embedding
            (``2 * max_frames + 1`` positions). Defaults to 12.
        heads (int): Heads of the temporal block. Defaults to 2.
        temporal (bool): Use the temporal transformer (ablation switch).
            Defaults to True.
        calibration (bool): Use weight calibration. Defaults to True.
        reduction (int): Calibration reduction sigma: FC1 maps 2d' to
            2d' / (2 sigma), i.e. 128 -> 16 at the paper's d' = 64 and
            sigma = 4. Defaults to 4.
        cmt_position (str, optional): CMT position, None when untied.
        factor_dim (int): CMT factor dimension. Defaults to 32.
        input_norm (bool): LayerNorm on the adapter input. Defaults to False.
        init (str): ``'authors'`` or ``'torch'``, as for
            :class:`TextAdapter` (the ``down`` weight keeps PyTorch's
            default in both). Defaults to 'authors'.
        context (FrameContext, optional): Frames per clip and frame mask.
    """

    def __init__(self, in_dim: int, bottleneck: int = 64,
                 max_frames: int = 12, heads: int = 2, temporal: bool = True,
                 calibration: bool = True, reduction: int = 4,
                 cmt_position: Optional[str] = None, factor_dim: int = 32,
                 input_norm: bool = False, init: str = 'authors',
                 context: Optional[FrameContext] = None) -> None:
        super().__init__(in_dim, bottleneck, cmt_position, factor_dim,
                         input_norm, init)
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
            self.fc1 = nn.Linear(2 * bottleneck, hidden)
            self.fc2 = nn.Linear(hidden, bottleneck, bias=False)
        self.init_weights()

    def init_weights(self) -> None:
        super().init_weights()
        if self.temporal:
            nn.init.normal_(self.cc, std=self.cc.numel() ** -0.5)
            nn.init.normal_(self.pos_embed, std=0.01)
            if self.init_mode == 'authors':
                init_adapter_block(self.block, self.in_dim)
        if self.calibration:
            nn.init.zeros_(self.fc2.weight)

    def _alpha(self, u: torch.Tensor) -> torch.Tensor:
        """``1 + FC2(ReLU(FC1(u)))`` (float32)."""
        return 1 + self.fc2(F.relu(self.fc1(u)))

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
            alpha = _float32(self._alpha, u)  # [B, T, d']
            cls_t = alpha * cls_t
        out = torch.cat([cls_t.reshape(bt, 1, d).to(h.dtype), h[:, 1:]], 1)
        return self.project_up(out, w_up)


def _tower_layers(spec: Optional[Sequence[int]], n: int,
                  what: str) -> List[int]:
    """Layer indices (negative count from the end) of a tower of ``n``
    layers, validated, de-duplicated and sorted; None means all."""
    if spec is None:
        return list(range(n))
    if isinstance(spec, int):
        spec = [spec]
    chosen = []
    for i in spec:
        if not isinstance(i, int) or not -n <= i < n:
            raise ValueError(f'{what}: layer {i!r} is out of range for a '
                             f'tower of {n} layers (use 0..{n - 1}, or '
                             'negative indices from the end)')
        chosen.append(i % n)
    return sorted(set(chosen))


def _per_tower(spec: LayerSpec, name: str) -> Tuple[object, object]:
    """Split a layer spec into its video and text parts."""
    if isinstance(spec, Mapping):
        unknown = set(spec) - {'video', 'text'}
        if unknown:
            raise ValueError(f'{name}: unknown keys {sorted(unknown)}; use '
                             "dict(video=[...], text=[...])")
        return spec.get('video'), spec.get('text')
    return spec, spec


@MODELS.register_module()
class MVAdapter(AdapterInjector):
    """Inject MV-Adapter into both towers of a :class:`CLIPBackbone`.

    Towers may differ in depth (ViT-L/14: 24 vision, 12 text layers). Layer
    indices may be negative (counted from the end of each tower).

    Args:
        backbone (CLIPBackbone): The host (given by the retriever).
        bottleneck (int): d'. Defaults to 64.
        scale (float): s. Defaults to 0.1.
        video (bool): Adapters in the video encoder. Defaults to True.
        text (bool): Adapters in the text encoder. Defaults to True.
        layers (Sequence[int] | dict, optional): Layers that get adapters:
            None means every layer of each tower; a sequence applies to both
            towers; ``dict(video=[...], text=[...])`` sets them per tower.
            Repeated indices count once. Defaults to None.
        max_frames (int): Frames the TAM positional embedding covers.
            Defaults to 12.
        temporal (bool): TAM temporal transformer. Defaults to True.
        calibration (bool): TAM weight calibration. Defaults to True.
        heads (int): Heads of the adapters' transformer blocks. Defaults to 2.
        cmt (bool): Cross Modality Tying. Defaults to True.
        cmt_layers (Sequence[int] | dict): The tied layer pairs. A sequence
            ``(i, j, ...)`` ties layer ``i`` of the vision tower with layer
            ``i`` of the text tower, each index taken in its own tower
            (``(-2, -1)``, the default, ties the last two layers of each,
            whatever their depths); ``dict(video=[...], text=[...])`` pairs
            the lists by position (the authors' ``adapter_idx`` dict). Tied
            layers must have adapters.
        cmt_position (str): ``down_in`` (the paper's default), ``down_out``,
            ``up_in`` or ``up_out``. Defaults to 'down_in'.
        cmt_dim (int): Shared factor dimension. Defaults to 32.
        input_norm (bool): LayerNorm on every adapter's input, both towers
            (the authors' ActivityNet setting, ``lnin=True``). Defaults to
            False.
        init (str): ``'authors'`` (their code's initialisation, see
            :class:`TextAdapter`) or ``'torch'``. Defaults to 'authors'.
    """

    def __init__(self,
                 backbone,
                 bottleneck: int = 64,
                 scale: float = 0.1,
                 video: bool = True,
                 text: bool = True,
                 layers: LayerSpec = None,
                 max_frames: int = 12,
                 temporal: bool = True,
                 calibration: bool = True,
                 heads: int = 2,
                 cmt: bool = True,
                 cmt_layers: LayerSpec = (-2, -1),
                 cmt_position: str = 'down_in',
                 cmt_dim: int = 32,
                 input_norm: bool = False,
                 init: str = 'authors') -> None:
        super().__init__()
        if not (video or text):
            raise ValueError('MVAdapter needs video=True and/or text=True')
        clip = backbone.clip
        v_blocks = list(clip.visual.transformer.resblocks)
        t_blocks = list(clip.transformer.resblocks)
        v_spec, t_spec = _per_tower(layers, 'layers')
        self.video_layers = _tower_layers(v_spec, len(v_blocks),
                                          'layers (video)') if video else []
        self.text_layers = _tower_layers(t_spec, len(t_blocks),
                                         'layers (text)') if text else []
        self.cmt_pairs = self._cmt_pairs(cmt_layers, len(v_blocks),
                                         len(t_blocks)) if cmt else []
        self.scale = scale
        self.context = backbone.frame_context
        v_width = clip.visual.transformer.width
        t_width = clip.transformer.width
        v_tied = {v: str(v) for v, _ in self.cmt_pairs}
        t_tied = {t: str(v) for v, t in self.cmt_pairs}

        self.cmt = nn.ModuleDict({
            str(v): CrossModalityTying(cmt_dim) for v, _ in self.cmt_pairs})
        self.video_adapters = nn.ModuleDict()
        self.text_adapters = nn.ModuleDict()
        self._factor_of = {}  # (tower, layer) -> key of its CMT factor
        for i in self.video_layers:
            tied = cmt_position if i in v_tied else None
            self.video_adapters[str(i)] = TemporalAdaptation(
                v_width, bottleneck, max_frames=max_frames, heads=heads,
                temporal=temporal, calibration=calibration,
                cmt_position=tied, factor_dim=cmt_dim,
                input_norm=input_norm, init=init, context=self.context)
            if tied:
                self._factor_of[('video', i)] = v_tied[i]
        for i in self.text_layers:
            tied = cmt_position if i in t_tied else None
            self.text_adapters[str(i)] = TextAdapter(
                t_width, bottleneck, max_words=backbone.max_words,
                heads=heads, cmt_position=tied, factor_dim=cmt_dim,
                input_norm=input_norm, init=init)
            if tied:
                self._factor_of[('text', i)] = t_tied[i]
        v_bf = getattr(clip.visual.transformer, 'batch_first', True)
        t_bf = getattr(clip.transformer, 'batch_first', True)
        for i in self.video_layers:
            self.attach(v_blocks[i], AfterFFN(self, ('video', i), v_bf))
        for i in self.text_layers:
            self.attach(t_blocks[i], AfterFFN(self, ('text', i), t_bf))

    def _cmt_pairs(self, cmt_layers: LayerSpec, n_video: int,
                   n_text: int) -> List[Tuple[int, int]]:
        """(video layer, text layer) pairs that CMT ties; each tied layer of
        an adapted tower must have an adapter (else its ``md_proj`` would
        never be used, which also breaks DDP)."""
        v_spec, t_spec = _per_tower(cmt_layers, 'cmt_layers')
        v_spec = [v_spec] if isinstance(v_spec, int) else list(v_spec or [])
        t_spec = [t_spec] if isinstance(t_spec, int) else list(t_spec or [])
        if len(v_spec) != len(t_spec):
            raise ValueError('cmt_layers: the video and text lists pair up '
                             f'by position and must have the same length, '
                             f'got {v_spec} and {t_spec}')
        pairs = []
        for v, t in zip(v_spec, t_spec):
            v = _tower_layers([v], n_video, 'cmt_layers (video)')[0]
            t = _tower_layers([t], n_text, 'cmt_layers (text)')[0]
            if (v, t) in pairs:
                continue
            if any(v == pv or t == pt for pv, pt in pairs):
                raise ValueError(f'cmt_layers: layer pairs {pairs} and '
                                 f'{(v, t)} share a layer; each layer can '
                                 'be tied once')
            for tower, i, adapted in (('video', v, self.video_layers),
                                      ('text', t, self.text_layers)):
                if adapted and i not in adapted:
                    raise ValueError(
                        f'cmt_layers: {tower} layer {i} is tied but has no '
                        f'adapter (adapted {tower} layers: {adapted}); add '
                        'it to `layers` or remove it from `cmt_layers`')
            pairs.append((v, t))
        return sorted(pairs)

    def branch(self, key, f: torch.Tensor) -> torch.Tensor:
        tower, i = key
        adapters = self.video_adapters if tower == 'video' \
            else self.text_adapters
        factor_key = self._factor_of.get(key)
        factor = self.cmt[factor_key].factor if factor_key else None
        return self.scale * adapters[str(i)](f, factor)

    @property
    def layers(self) -> Dict[str, List[int]]:
        """Adapted layers per tower."""
        return dict(video=self.video_layers, text=self.text_layers)

    def extra_repr(self) -> str:
        return (f'layers={self.layers}, cmt_pairs={self.cmt_pairs}, '
                f'scale={self.scale}')

    def summary(self) -> Dict[str, int]:
        """Parameters per component."""
        def n(m):
            return sum(p.numel() for p in m.parameters())
        return dict(video_adapters=n(self.video_adapters),
                    text_adapters=n(self.text_adapters), cmt=n(self.cmt))
