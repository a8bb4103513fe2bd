"""Linear probes: what frozen features carry."""
from typing import Dict, Sequence

import numpy as np

__all__ = ['linear_probe']


def linear_probe(train_x, train_y: Sequence, val_x, val_y: Sequence,
                 weight_decay: float = 1e-3,
                 max_iter: int = 300) -> Dict[str, float]:
    """Fit a multinomial logistic regression on ``train_x`` and report its
    accuracy on ``val_x``.

    Features are standardised with the training statistics; the classifier
    is fitted full-batch with L-BFGS and an L2 penalty, deterministically.
    Labels may be any hashables; validation labels unseen in training count
    as errors.

    Args:
        train_x (array-like): ``[n_train, D]`` features.
        train_y (Sequence): ``n_train`` labels.
        val_x (array-like): ``[n_val, D]`` features.
        val_y (Sequence): ``n_val`` labels.
        weight_decay (float): L2 penalty on the weights. Defaults to 1e-3.
        max_iter (int): L-BFGS iterations. Defaults to 300.

    Returns:
        dict: ``accuracy`` and ``chance`` (the majority training class's
        share of the validation set), in percent, and ``num_classes``.
    """
    import torch
    import torch.nn.functional as F
    train_x = torch.as_tensor(np.asarray(train_x), dtype=torch.float64)
    val_x = torch.as_tensor(np.asarray(val_x), dtype=torch.float64)
    if train_x.ndim != 2 or val_x.ndim != 2 or \
            train_x.shape[1] != val_x.shape[1]:
        raise ValueError('features must be [n, D] with the same D, got '
                         f'{tuple(train_x.shape)} and {tuple(val_x.shape)}')
    if len(train_y) != len(train_x) or len(val_y) != len(val_x):
        raise ValueError('one label per feature row is needed')
    classes = sorted(set(train_y), key=str)
    if len(classes) < 2:
        raise ValueError(f'a probe needs at least 2 classes, got {classes}')
    index = {c: i for i, c in enumerate(classes)}
    ya = torch.tensor([index[y] for y in train_y])
    yb = torch.tensor([index.get(y, -1) for y in val_y])
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    xa, xb = (train_x - mean) / std, (val_x - mean) / std
    w = torch.zeros(xa.shape[1], len(classes), dtype=torch.float64,
                    requires_grad=True)
    b = torch.zeros(len(classes), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=max_iter,
                            line_search_fn='strong_wolfe')

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xa @ w + b, ya) + weight_decay * (w**2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        opt.step(closure)
    with torch.no_grad():
        pred = (xb @ w + b).argmax(1)
    majority = int(torch.bincount(ya).argmax())
    return dict(accuracy=100.0 * float((pred == yb).double().mean()),
                chance=100.0 * float((yb == majority).double().mean()),
                num_classes=len(classes))
