"""Symmetric InfoNCE (CLIP) loss over the global batch."""
import math
from typing import Dict

import torch
import torch.nn.functional as F
from torch import nn

from mvadapt.registry import MODELS
from ..utils import all_gather_with_grad
from ..utils.dist import GATHER_GRADS


@MODELS.register_module()
class SymmetricInfoNCELoss(nn.Module):
    """Symmetric InfoNCE between paired text and video features.

    Features of the whole global batch are gathered from all ranks with their
    gradient, so the loss (and, after DDP's gradient averaging, the update)
    equals the single-process loss over the same global batch. Text ``i`` and
    video ``i`` of the global batch are the positive pair.

    ``loss = (CE(s * T V^T, I) + CE(s * V T^T, I)) / 2``, with
    ``s = exp(logit_scale)`` clamped to ``max_logit_scale``.

    Args:
        max_logit_scale (float): Upper bound of ``exp(logit_scale)``.
            Defaults to 100.
        loss_weight (float): Multiplier of the loss. Defaults to 1.
        gather_grad (str): Gradient through the cross-rank gather:
            ``'global'`` (the exact gradient of the global-batch loss, the
            same for any number of ranks) or ``'local'`` (CLIP4Clip's and the
            MV-Adapter authors' ``AllGather``: each rank keeps the gradient of
            its own copy of the loss, so after DDP's average the gradient is
            the exact one divided by the number of ranks). The loss value is
            the same; AdamW's update is nearly scale-invariant, so the choice
            matters through gradient clipping: with ``clip_grad=1.0`` on 8
            GPUs, ``'local'`` clips where the authors clipped. Defaults to
            'global'.
    """

    def __init__(self, max_logit_scale: float = 100.0,
                 loss_weight: float = 1.0,
                 gather_grad: str = 'global') -> None:
        super().__init__()
        if gather_grad not in GATHER_GRADS:
            raise ValueError(f'gather_grad must be one of {GATHER_GRADS}, '
                             f'got {gather_grad!r}')
        self.max_log_scale = math.log(max_logit_scale)
        self.loss_weight = loss_weight
        self.gather_grad = gather_grad

    def forward(self, text: torch.Tensor, video: torch.Tensor,
                logit_scale: torch.Tensor,
                gather: bool = True) -> Dict[str, torch.Tensor]:
        """
        Args:
            text (Tensor): This rank's normalised text features ``[b, D]``.
            video (Tensor): This rank's normalised video features ``[b, D]``.
            logit_scale (Tensor): The (log) temperature parameter.
            gather (bool): Gather features from all ranks. Defaults to True.
        """
        if text.shape != video.shape:
            raise ValueError('text and video features must pair up one to '
                             f'one, got {tuple(text.shape)} and '
                             f'{tuple(video.shape)}')
        if gather:
            text = all_gather_with_grad(text, self.gather_grad)
            video = all_gather_with_grad(video, self.gather_grad)
        scale = logit_scale.clamp(max=self.max_log_scale).exp()
        logits = scale * text @ video.t()  # [N_text, N_video]
        labels = torch.arange(logits.shape[0], device=logits.device)
        loss_t2v = F.cross_entropy(logits, labels)
        loss_v2t = F.cross_entropy(logits.t(), labels)
        loss = self.loss_weight * (loss_t2v + loss_v2t) / 2
        return dict(loss=loss)
