"""MSTA's spatio-temporal description-guided consistency loss (L_CC)."""
from typing import Dict

import torch
import torch.nn.functional as F
from torch import nn

from mvadapt.registry import MODELS


def consistency_loss(class_emb: torch.Tensor, spatial: torch.Tensor,
                     temporal: torch.Tensor) -> torch.Tensor:
    """``L_CC = mean_c [2 - cos(w_c, D_s^c) - cos(w_c, D_t^c)]``.

    Args:
        class_emb (Tensor): ``[C, D]`` text embeddings ``w_c`` of the class
            prompts from the trainable (adapted) text branch.
        spatial (Tensor): ``[C, D]`` mean embedding ``D_s^c`` of class c's
            spatial descriptions from the frozen text branch.
        temporal (Tensor): ``[C, D]`` likewise for temporal descriptions.
    """
    if not class_emb.shape == spatial.shape == temporal.shape:
        raise ValueError('class, spatial and temporal embeddings must all be '
                         f'[C, D]; got {tuple(class_emb.shape)}, '
                         f'{tuple(spatial.shape)}, {tuple(temporal.shape)}')
    cos_s = F.cosine_similarity(class_emb, spatial, dim=-1)
    cos_t = F.cosine_similarity(class_emb, temporal, dim=-1)
    return (2 - cos_s - cos_t).mean()


@MODELS.register_module()
class ConsistencyLoss(nn.Module):
    """``alpha * L_CC`` as a loss module (logged as ``loss_cc``).

    Args:
        loss_weight (float): alpha. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, class_emb, spatial, temporal) -> Dict[str, torch.Tensor]:
        return dict(loss_cc=self.loss_weight *
                    consistency_loss(class_emb, spatial, temporal))
