"""Shared pieces of adapter methods: the frame context, small transformer
blocks, and attaching adapters to OpenCLIP's residual blocks.

Adapters are attached with forward hooks on OpenCLIP's own modules, never by
replacing them, so the backbone's parameter names (and any OpenCLIP
checkpoint) stay valid and the adapter parameters live apart under the
injector module (``model.adapter.*``).
"""
from abc import ABCMeta, abstractmethod
from collections import OrderedDict
from contextlib import contextmanager
from typing import Hashable, List, Optional

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


class AdapterHook:
    """A forward hook that adds an adapter branch to one OpenCLIP block.

    Subclasses say where the hook sits (:meth:`target`) and how the branch
    reads its input and joins the block's computation (:meth:`apply`); the
    branch itself is ``injector.branch(key, x)`` on batch-first
    ``[N, L, D]`` tensors. The hook holds its injector and key as attributes,
    never a closure, so ``copy.deepcopy`` of a model gives an independent
    working copy whose hooks run the copy's adapters; and it checks the
    injector's switch (:meth:`AdapterInjector.disabled`) itself, so no
    injector can forget to.

    Args:
        injector (AdapterInjector): Owner of the branch.
        key (Hashable): Which branch, passed to ``injector.branch``.
        batch_first (bool): Whether the block's tensors are batch-first
            (OpenCLIP >= 3 with ``batch_first=True``) or sequence-first.
    """

    def __init__(self, injector: 'AdapterInjector', key: Hashable,
                 batch_first: bool = True) -> None:
        self.injector = injector
        self.key = key
        self.batch_first = batch_first

    def target(self, block: nn.Module) -> nn.Module:
        """The module of ``block`` whose forward the hook follows."""
        return block

    def branch(self, x: torch.Tensor) -> torch.Tensor:
        """The adapter branch on ``x`` in the block's own layout."""
        if self.batch_first:
            return self.injector.branch(self.key, x)
        return self.injector.branch(self.key, x.transpose(0, 1)).transpose(
            0, 1)

    def apply(self, module: nn.Module, args: tuple, kwargs: dict,
              output: torch.Tensor) -> torch.Tensor:
        """The hooked module's new output (default: ``output`` plus the
        branch on ``output``)."""
        return output + self.branch(output)

    def __call__(self, module, args, kwargs, output):
        if not self.injector.is_enabled():
            return output
        return self.apply(module, args, kwargs, output)


class AfterFFN(AdapterHook):
    """Sequential adapter after the FFN: the block computes
    ``h + F + branch(F)`` with ``F`` its FFN branch output. The hook follows
    the block's last FFN op, ``ls_2`` (an identity unless layer scale is
    used), and returns ``F + branch(F)``."""

    def target(self, block: nn.Module) -> nn.Module:
        return block.ls_2


class ParallelToBlock(AdapterHook):
    """Parallel branch fed with the block's pre-attention normalised input:
    the block computes ``Block(x) + branch(LN1(x))``."""

    def apply(self, module, args, kwargs, output):
        x = args[0] if args else kwargs['q_x']
        return output + self.branch(module.ln_1(x))


def _remove_forward_hook(module: nn.Module, hook_id: int) -> None:
    """Remove the forward hook ``hook_id`` from ``module`` (what
    ``RemovableHandle.remove`` does, by id, so that it works on a deep copy
    of the module too)."""
    for name in ('_forward_hooks', '_forward_hooks_with_kwargs',
                 '_forward_hooks_always_called'):
        getattr(module, name, {}).pop(hook_id, None)


class AdapterInjector(nn.Module, metaclass=ABCMeta):
    """Base class of modules that add adapters to a :class:`CLIPBackbone`.

    Subclasses build their adapter modules (registered here, so their
    parameters are ``model.adapter.*``), attach one :class:`AdapterHook` per
    adapted block with :meth:`attach`, and compute each branch in
    :meth:`branch`. The backbone's own parameters are left as the freezing
    policy set them.
    """

    def __init__(self) -> None:
        super().__init__()
        # (hooked module, hook id): plain references, not submodules
        self._hooks = []
        self._enabled = True

    def attach(self, block: nn.Module, hook: AdapterHook) -> None:
        """Register ``hook`` on ``block`` (at ``hook.target(block)``)."""
        target = hook.target(block)
        handle = target.register_forward_hook(hook, with_kwargs=True)
        self._hooks.append((target, handle.id))

    @abstractmethod
    def branch(self, key: Hashable, x: torch.Tensor) -> torch.Tensor:
        """The adapter branch ``key`` on batch-first ``x`` ``[N, L, D]``:
        what the hook adds to the block (scale included)."""

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
        for target, hook_id in self._hooks:
            _remove_forward_hook(target, hook_id)
        self._hooks.clear()


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
