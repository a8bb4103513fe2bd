"""MSTA: the Multi-modal Spatio-Temporal Adapter.

Chen et al., "Efficient Transfer Learning for Video-language Foundation
Models", CVPR 2025 (arXiv 2411.11223). In blocks ``start..end`` of both CLIP
encoders a parallel branch reads the block's pre-attention input
``a = LN1(x)``::

    v: h_v = ReLU(W_s ReLU(W_d^v a_v))      t: h_t = ReLU(W_s ReLU(W_d^t a_t))
    A_t(h) = W_u^t h                        A_v(h) = W_us h + W_ut * h
    x_out  = Block(x) + lambda * A(h)

``W_s`` (m x m) is shared by the video and text branch of a block; ``W_ut``
is a grouped 1-D convolution over the frames (kernel 3, m -> D channels,
``gcd(m, D)`` groups: depthwise, i.e. ``m`` groups, when m divides D, as for
the paper's m = 256 with ViT-B's D = 768), applied per token position.

Gradients are plain autograd. The Multi-Modal Adapter design MSTA builds on
also rescales them (x lambda into the adapter input, x 1/lambda at its
output), which multiplies every adapter parameter's gradient by 1/lambda and
leaves the backbone's unchanged. Under AdamW that changes nothing but the
weight of ``eps``: it is AdamW with ``eps * lambda`` (and, with gradient
clipping, a threshold times lambda), so it is not implemented and the MSTA
configs use ``eps = 1e-8 * lambda`` (``configs/msta/README.md``;
``tests/models/adapters/test_msta.py`` shows the two give the same
parameters).
"""
import math
from typing import Optional

import torch
from torch import nn

from mvadapt.registry import MODELS
from .base import AdapterInjector, FrameContext, ParallelToBlock


def _kaiming(linear: nn.Module) -> None:
    nn.init.kaiming_normal_(linear.weight, mode='fan_out',
                            nonlinearity='relu')
    if linear.bias is not None:
        nn.init.zeros_(linear.bias)


class MSTABlock(nn.Module):
    """The adapters of one block: modality-specific down-projections, the
    shared layer, the text up-projection and the video spatial + temporal
    up-projections.

    Args:
        video_dim (int): Vision width (768 for ViT-B), 0 for no video branch.
        text_dim (int): Text width (512), 0 for no text branch.
        m (int): Bottleneck width. Defaults to 256.
        shared (bool): Share the middle layer between the modalities (the
            "no shared layer" ablation gives each its own). Defaults to True.
        kernel_size (int): Frames covered by the temporal convolution
            (``gcd(m, video_dim)`` groups, so any m works: m groups when m
            divides video_dim). Defaults to 3.
    """

    def __init__(self, video_dim: int, text_dim: int, m: int = 256,
                 shared: bool = True, kernel_size: int = 3) -> None:
        super().__init__()
        self.shared_layer = nn.Linear(m, m)
        self.video_shared = None if shared or not video_dim else \
            nn.Linear(m, m)
        self.act = nn.ReLU()
        if video_dim:
            self.video_down = nn.Linear(video_dim, m)
            self.video_up = nn.Linear(m, video_dim)  # W_us, spatial
            self.video_temporal = nn.Conv1d(  # W_ut, grouped over frames
                m, video_dim, kernel_size, padding=kernel_size // 2,
                groups=math.gcd(m, video_dim))
        if text_dim:
            self.text_down = nn.Linear(text_dim, m)
            self.text_up = nn.Linear(m, text_dim)
        self.init_weights()

    def init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Conv1d)):
                _kaiming(module)

    def forward_text(self, a: torch.Tensor) -> torch.Tensor:
        """``a``: ``LN1(x)`` of the text block ``[B, L, D_t]``."""
        h = self.act(self.shared_layer(self.act(self.text_down(a))))
        return self.text_up(h)

    def forward_video(self, a: torch.Tensor,
                      num_frames: Optional[int]) -> torch.Tensor:
        """``a``: ``LN1(x)`` of the vision block ``[B*T, L, D_v]``."""
        middle = self.video_shared or self.shared_layer
        h = self.act(middle(self.act(self.video_down(a))))  # [B*T, L, m]
        spatial = self.video_up(h)
        t = num_frames or 1
        bt, length, m = h.shape
        b = bt // t
        seq = h.view(b, t, length, m).permute(0, 2, 3, 1)  # [B, L, m, T]
        temporal = self.video_temporal(seq.reshape(b * length, m, t))
        temporal = temporal.view(b, length, -1, t).permute(0, 3, 1, 2)
        return spatial + temporal.reshape(bt, length, -1)


@MODELS.register_module()
class MSTA(AdapterInjector):
    """Inject MSTA into blocks ``start_layer..end_layer`` of both towers of a
    :class:`CLIPBackbone`.

    Args:
        backbone (CLIPBackbone): The host (given by the model).
        m (int): Bottleneck width. Defaults to 256 (the paper's).
        start_layer (int): First adapted block (0-based). Defaults to 0.
        end_layer (int, optional): Last adapted block (inclusive); None means
            the last. Defaults to None.
        scale (float): lambda, the weight of the adapter output. Defaults
            to 0.005. (With AdamW, use ``eps = 1e-8 * lambda`` for the MMA
            gradient-scaling rule; see the module docstring.)
        video (bool): Adapters in the vision tower. Defaults to True.
        text (bool): Adapters in the text tower. Defaults to True.
        shared (bool): Share the middle layer across modalities. Defaults to
            True.
        kernel_size (int): Temporal kernel over frames. Defaults to 3.
    """

    def __init__(self, backbone, m: int = 256, start_layer: int = 0,
                 end_layer: Optional[int] = None, scale: float = 0.005,
                 video: bool = True, text: bool = True, shared: bool = True,
                 kernel_size: int = 3) -> None:
        super().__init__()
        if not (video or text):
            raise ValueError('MSTA needs video=True and/or text=True')
        clip = backbone.clip
        v_blocks = list(clip.visual.transformer.resblocks)
        t_blocks = list(clip.transformer.resblocks)
        n = min(len(v_blocks), len(t_blocks))
        end_layer = n - 1 if end_layer is None else end_layer
        if not 0 <= start_layer <= end_layer < n:
            raise ValueError(f'need 0 <= start_layer <= end_layer < {n}, got '
                             f'{start_layer}..{end_layer}')
        self.layers = list(range(start_layer, end_layer + 1))
        self.scale = scale
        self.context: FrameContext = backbone.frame_context
        v_width = clip.visual.transformer.width if video else 0
        t_width = clip.transformer.width if text else 0
        self.blocks = nn.ModuleDict({
            str(i): MSTABlock(v_width, t_width, m, shared, kernel_size)
            for i in self.layers})
        v_bf = getattr(clip.visual.transformer, 'batch_first', True)
        t_bf = getattr(clip.transformer, 'batch_first', True)
        for i in self.layers:
            if video:
                self.attach(v_blocks[i], ParallelToBlock(self, ('video', i),
                                                         v_bf))
            if text:
                self.attach(t_blocks[i], ParallelToBlock(self, ('text', i),
                                                         t_bf))

    def branch(self, key, a: torch.Tensor) -> torch.Tensor:
        modality, i = key
        block = self.blocks[str(i)]
        out = block.forward_video(a, self.context.num_frames) \
            if modality == 'video' else block.forward_text(a)
        return self.scale * out

    def extra_repr(self) -> str:
        return f'layers={self.layers}, scale={self.scale}'
