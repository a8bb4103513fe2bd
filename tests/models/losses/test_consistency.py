import math

import pytest
import torch

from mvadapt.models.losses import ConsistencyLoss, consistency_loss


def test_hand_computed_case():
    # class 0: w = (1, 0); D_s = (1, 0) (cos 1), D_t = (0, 1) (cos 0)
    # class 1: w = (1, 1); D_s = (1, 0) (cos 1/sqrt2), D_t = (-1, -1) (cos -1)
    w = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    ds = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    dt = torch.tensor([[0.0, 1.0], [-1.0, -1.0]])
    expected = ((2 - 1 - 0) + (2 - 1 / math.sqrt(2) + 1)) / 2
    torch.testing.assert_close(consistency_loss(w, ds, dt),
                               torch.tensor(expected))
    out = ConsistencyLoss(loss_weight=0.5)(w, ds, dt)
    torch.testing.assert_close(out['loss_cc'], torch.tensor(expected / 2))


def test_zero_when_aligned_and_scale_invariant():
    w = torch.randn(4, 8)
    torch.testing.assert_close(consistency_loss(w, 3 * w, 0.5 * w),
                               torch.tensor(0.0), atol=1e-6, rtol=0)


def test_shape_mismatch():
    with pytest.raises(ValueError, match=r'\[C, D\]'):
        consistency_loss(torch.randn(3, 4), torch.randn(2, 4),
                         torch.randn(3, 4))
