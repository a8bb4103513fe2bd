"""The TAM can learn frame order; mean pooling cannot.

A unit-level task where only the order of the frames carries the label, as
with MovingShapes' "moving left" and "moving right": each clip is a random
trajectory along a fixed direction ``e`` (frame ``t`` sits at
``a + (t - (T-1)/2) * step * e`` plus noise, ``a`` random) shown forwards
(label 1) or backwards (label 0), so the two clips of a pair hold exactly the
same frames.
A model that adds a plain per-frame bottleneck and mean-pools (CLIP4Clip,
AdaptFormer) gives both clips the same score and gets exactly 50 % on the
pairs; the TAM, trained for a few hundred steps, separates them.
"""
import torch
from torch import nn

from mvadapt.models.adapters import Bottleneck, FrameContext, TemporalAdaptation

T, N, D = 8, 4, 32


class ClipClassifier(nn.Module):
    """frames ``[B, T, 1+N, D]`` -> adapter on every frame's tokens ->
    mean of the frames' CLS tokens -> one logit."""

    def __init__(self, temporal: bool) -> None:
        super().__init__()
        self.context = FrameContext()
        if temporal:
            self.adapter = TemporalAdaptation(D, 16, max_frames=T,
                                              context=self.context)
        else:
            self.adapter = Bottleneck(D, 16)
        self.head = nn.Linear(D, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = x.shape[0]
        tokens = x.flatten(0, 1)  # [B*T, 1+N, D]
        self.context.set(T)
        tokens = tokens + self.adapter(tokens)
        cls = tokens[:, 0].reshape(b, T, D)
        return self.head(cls.mean(1)).squeeze(-1)


def pairs(n: int, generator: torch.Generator):
    """``2n`` clips: n random trajectories forwards and backwards."""
    direction = torch.zeros(D)
    direction[0] = 1.0
    start = torch.randn(n, 1, 1, D, generator=generator)
    t = (torch.arange(T, dtype=torch.float32) - (T - 1) / 2).view(1, T, 1, 1)
    frames = start + 0.5 * t * direction + 0.3 * torch.randn(
        n, T, 1 + N, D, generator=generator)
    clips = torch.cat([frames, frames.flip(1)])
    labels = torch.cat([torch.ones(n), torch.zeros(n)])
    return clips, labels


def train_and_test(temporal: bool) -> float:
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    x, y = pairs(256, g)
    x_test, y_test = pairs(128, g)
    model = ClipClassifier(temporal)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(300):
        loss = nn.functional.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        pred = model(x_test) > 0
    return 100.0 * float((pred == y_test.bool()).float().mean())


def test_the_tam_learns_frame_order():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert train_and_test(temporal=True) >= 95.0
        # same frames, same mean-pooled feature: one clip of each pair wins
        assert train_and_test(temporal=False) == 50.0
    finally:
        torch.set_num_threads(threads)
