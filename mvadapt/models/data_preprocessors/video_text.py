"""Batch video frames and token ids; normalise frames with CLIP's mean/std."""
from typing import List, Optional, Sequence, Union

import torch
from mmengine.model import BaseDataPreprocessor

from mvadapt.registry import MODELS

CLIP_MEAN = (122.771, 116.746, 104.093)
CLIP_STD = (68.500, 66.632, 70.323)


@MODELS.register_module()
class VideoTextDataPreprocessor(BaseDataPreprocessor):
    """Collate and normalise video-text inputs.

    Input per sample (from ``PackActionInputs(collect_keys=('imgs', 'text'))``
    after ``FormatShape('NCHW')`` and :class:`OpenCLIPTokenize`):
    ``imgs`` uint8 ``[T, C, H, W]`` and ``text`` int ``[n_i, L]`` (``n_i``
    captions of the sample; 1 in training).

    Optionally ``video_mask`` ``[T]`` (from :class:`FpsSample`), 1 for real
    frames and 0 for padding.

    Output: ``inputs=dict(imgs=[B, T, C, H, W] float, text=[sum n_i, L],
    num_texts=[n_1, ..., n_B])``, plus ``video_mask=[B, T]`` when given.

    Args:
        mean (Sequence[float]): Per-channel mean in 0-255 RGB. Defaults to
            CLIP's.
        std (Sequence[float]): Per-channel std in 0-255 RGB. Defaults to
            CLIP's.
    """

    def __init__(self, mean: Sequence[float] = CLIP_MEAN,
                 std: Sequence[float] = CLIP_STD) -> None:
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).view(1, 1, -1, 1, 1),
                             False)
        self.register_buffer('std', torch.tensor(std).view(1, 1, -1, 1, 1),
                             False)

    @staticmethod
    def _stack(items: Union[torch.Tensor, List[torch.Tensor]]):
        if isinstance(items, torch.Tensor):
            return items
        shapes = {tuple(x.shape) for x in items}
        if len(shapes) != 1:
            raise ValueError('all clips of a batch must have the same shape '
                             f'(same clip_len and crop size), got {shapes}')
        return torch.stack(list(items))

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        out = dict()
        imgs: Optional[torch.Tensor] = inputs.get('imgs')
        if imgs is not None:
            imgs = self._stack(imgs).float()  # [B, T, C, H, W]
            if imgs.dim() == 4:  # images: [B, C, H, W] -> one frame
                imgs = imgs.unsqueeze(1)
            out['imgs'] = (imgs - self.mean) / self.std
        mask = inputs.get('video_mask')
        if mask is not None:
            mask = self._stack(mask).float()
            if imgs is None or mask.shape != imgs.shape[:2]:
                raise ValueError(
                    f'video_mask of shape {tuple(mask.shape)} does not match '
                    f'the clips ({None if imgs is None else tuple(imgs.shape)})')
            out['video_mask'] = mask
        text = inputs.get('text')
        if text is not None:
            if isinstance(text, torch.Tensor):
                text = list(text.unsqueeze(1) if text.dim() == 2 else text)
            text = [t.view(-1, t.shape[-1]) for t in text]
            out['num_texts'] = [t.shape[0] for t in text]
            out['text'] = torch.cat(text).long()
        return dict(inputs=out, data_samples=data.get('data_samples'))
