"""Shared pieces of adapter methods: the frame context, small transformer
blocks, and attaching adapters to OpenCLIP's residual blocks.

Adapters are attached with forward hooks on OpenCLIP's own modules, never by
replacing them, so the backbone's parameter names (and any OpenCLIP
checkpoint) stay valid and the adapter parameters live apart under the
injector module (``model.adapter.*``).
"""
from collections import OrderedDict
from contextlib import contextmanager
from typing import Callable, List, Optional

import torch
from torch import nn

from mvadapt.registry import MODELS


class QuickGELU(nn.Module):
    """CLIP's GELU approximation ``x * sigmoid(1.702 x)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class TinyTransformerBlock(nn.Module):
    """One pre-LN transformer block (used inside adapters, width 64).

    Args:
        width (int): Token width.
        heads (int): Attention heads.
        mlp_ratio (float): MLP hidden width / width. Defaults to 4.
    """

    def __init__(self, width: int, heads: int, mlp_ratio: float = 4.0):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(OrderedDict(
            c_fc=nn.Linear(width, hidden), gelu=QuickGELU(),
            c_proj=nn.Linear(hidden, width)))

    def forward(self, x: torch.Tensor,
                attn_mask: Optional[torch.Tensor] = None,
                key_padding_mask: Optional[torch.Tensor] = None
                ) -> torch.Tensor:
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=attn_mask,
                          key_padding_mask=key_padding_mask)[0]
        return x + self.mlp(self.ln_2(x))


class FrameContext:
    """Per-call video context that vision adapters read: the number of
    frames ``T`` of the clips being encoded (tokens arrive as ``[B*T, ...]``)
    and the frame mask ``[B, T]`` (1 = real frame, 0 = padding).

    The backbone sets it around each video encoding; ``num_frames is None``
    means images (every item is its own clip of one frame).
    """

    def __init__(self) -> None:
        self.num_frames: Optional[int] = None
        self.mask: Optional[torch.Tensor] = None

    def set(self, num_frames: Optional[int],
            mask: Optional[torch.Tensor] = None) -> None:
        self.num_frames = num_frames
        self.mask = mask

    def clear(self) -> None:
        self.set(None, None)


def resblocks(transformer: nn.Module) -> List[nn.Module]:
    return list(transformer.resblocks)


def attach_after_ffn(block: nn.Module, fn: Callable[[torch.Tensor],
                                                    torch.Tensor],
                     batch_first: bool):
    """Make ``block`` compute ``h + F + fn(F)`` where ``F`` is its FFN branch
    output (sequential adapter after the FFN). ``fn`` gets and returns
    batch-first ``[N, L, D]`` tensors.

    Implemented as a forward hook on the block's last FFN op (``ls_2``, an
    identity unless layer scale is used), which returns ``F + fn(F)``.
    """
    target = block.ls_2

    def hook(module, inputs, output):
        if not getattr(fn, 'enabled', lambda: True)():
            return output
        f = output if batch_first else output.transpose(0, 1)
        delta = fn(f)
        if not batch_first:
            delta = delta.transpose(0, 1)
        return output + delta

    return target.register_forward_hook(hook)


def attach_parallel(block: nn.Module,
                    fn: Callable[[torch.Tensor], torch.Tensor],
                    batch_first: bool):
    """Make ``block`` compute ``Block(x) + fn(LN1(x))`` (a parallel branch
    fed with the block's pre-attention normalised input)."""

    def hook(module, args, kwargs, output):
        if not getattr(fn, 'enabled', lambda: True)():
            return output
        x = args[0] if args else kwargs['q_x']
        a = module.ln_1(x)
        if not batch_first:
            a = a.transpose(0, 1)
        delta = fn(a)
        if not batch_first:
            delta = delta.transpose(0, 1)
        return output + delta

    return block.register_forward_hook(hook, with_kwargs=True)


class AdapterInjector(nn.Module):
    """Base class of modules that add adapters to a :class:`CLIPBackbone`.

    Subclasses build their adapter modules (registered here, so their
    parameters are ``model.adapter.*``) and call :meth:`attach`. The
    backbone's own parameters are left as the freezing policy set them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._handles = []
        self._enabled = True

    def attach(self, handle) -> None:
        self._handles.append(handle)

    def is_enabled(self) -> bool:
        return self._enabled

    @contextmanager
    def disabled(self):
        """Run the plain (frozen) backbone inside this context, e.g. to
        encode MSTA's descriptions with the frozen text branch."""
        previous, self._enabled = self._enabled, False
        try:
            yield
        finally:
            self._enabled = previous

    def detach(self) -> None:
        """Remove every hook: the backbone computes plain CLIP again."""
        for h in self._handles:
            h.remove()
        self._handles.clear()


@MODELS.register_module()
class Bottleneck(nn.Module):
    """Plain bottleneck adapter ``up(act(down(x)))`` with a zero-initialised
    up-projection (identity of the host block at initialisation).

    Args:
        in_dim (int): Token width.
        bottleneck (int): Bottleneck width. Defaults to 64.
        act (bool): QuickGELU after ``down``. Defaults to True.
    """

    def __init__(self, in_dim: int, bottleneck: int = 64, act: bool = True):
        super().__init__()
        self.down = nn.Linear(in_dim, bottleneck)
        self.act = QuickGELU() if act else nn.Identity()
        self.up = nn.Linear(bottleneck, in_dim)
        self.init_weights()

    def init_weights(self) -> None:
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.up(self.act(self.down(x)))
