"""Clip-level augmentations missing from MMAction2."""
import numpy as np
from mmcv.transforms import BaseTransform

from mvadapt.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ClipRandomGrayscale(BaseTransform):
    """Turn every frame of a clip to grayscale (kept 3-channel) with
    probability ``prob``; one decision per clip, as ViFi-CLIP / MSTA train.

    Args:
        prob (float): Probability. Defaults to 0.2.
    """

    def __init__(self, prob: float = 0.2) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
            out = []
            for img in results['imgs']:
                gray = (img[..., :3].astype(np.float32) @ weights)
                gray = np.clip(gray + 0.5, 0, 255).astype(img.dtype)
                out.append(np.repeat(gray[..., None], 3, axis=-1))
            results['imgs'] = out
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'
