"""Differentiable all-gather for contrastive losses across ranks."""
from typing import List

import torch
import torch.distributed as dist


def _world() -> int:
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


class _AllGatherWithGrad(torch.autograd.Function):
    """Gather ``[n_r, ...]`` tensors of possibly different ``n_r`` from all
    ranks. Backward, ``'global'``: sum every rank's gradient for this rank's
    slice (each rank computes the same global loss, and DDP then averages:
    the exact gradient of the global loss); ``'local'``: keep this rank's own
    gradient only (CLIP4Clip's ``AllGather``: after DDP's average, the exact
    gradient divided by the number of ranks)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, grad: str = 'global') -> torch.Tensor:
        world = dist.get_world_size()
        rank = dist.get_rank()
        size = torch.tensor([x.shape[0]], device=x.device, dtype=torch.long)
        sizes = [torch.zeros_like(size) for _ in range(world)]
        dist.all_gather(sizes, size)
        sizes_list: List[int] = [int(s.item()) for s in sizes]
        max_n = max(sizes_list)
        padded = x.new_zeros((max_n, ) + tuple(x.shape[1:]))
        padded[:x.shape[0]] = x
        gathered = [torch.empty_like(padded) for _ in range(world)]
        dist.all_gather(gathered, padded.contiguous())
        ctx.sizes = sizes_list
        ctx.rank = rank
        ctx.reduce = grad == 'global'
        return torch.cat([g[:n] for g, n in zip(gathered, sizes_list)])

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        sizes, rank = ctx.sizes, ctx.rank
        grad = grad.contiguous()
        if ctx.reduce:
            dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        start = sum(sizes[:rank])
        return grad[start:start + sizes[rank]], None


GATHER_GRADS = ('global', 'local')


def all_gather_with_grad(x: torch.Tensor, grad: str = 'global'
                         ) -> torch.Tensor:
    """Concatenate ``x`` from every rank (rank order) keeping the autograd
    graph to this rank's part. Identity when not distributed.

    Args:
        x (Tensor): This rank's ``[n_r, ...]`` tensor.
        grad (str): ``'global'`` (the exact gradient of a loss every rank
            computes over the gathered batch, after DDP's averaging) or
            ``'local'`` (CLIP4Clip's: that gradient divided by the number of
            ranks). Defaults to 'global'.
    """
    if grad not in GATHER_GRADS:
        raise ValueError(f'grad must be one of {GATHER_GRADS}, got {grad!r}')
    if _world() == 1:
        return x
    return _AllGatherWithGrad.apply(x, grad)
