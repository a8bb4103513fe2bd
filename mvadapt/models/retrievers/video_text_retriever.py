"""Video-text retrieval model: CLIP encoders, optional adapters, InfoNCE."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mvadapt.registry import MODELS
from ..clip import count_parameters


@MODELS.register_module()
class VideoTextRetriever(BaseModel):
    """CLIP-based video-text retriever (CLIP4Clip mean pooling).

    With ``clip.frozen=False`` and no adapter this is the CLIP4Clip
    full-fine-tuning baseline; with ``clip.frozen=True`` it is zero-shot CLIP.
    Parameter-efficient methods add ``adapter`` (injected into both towers).

    Args:
        clip (dict): Config of :class:`CLIPBackbone`.
        loss (dict): Contrastive loss config. Defaults to
            ``dict(type='SymmetricInfoNCELoss')``.
        adapter (dict, optional): Adapter injector config; it receives the
            backbone and wraps its blocks. Defaults to None.
        data_preprocessor (dict, optional): Defaults to
            ``VideoTextDataPreprocessor``.
        init_cfg (dict, optional): MMEngine init config.
    """

    def __init__(self,
                 clip: dict,
                 loss: dict = dict(type='SymmetricInfoNCELoss'),
                 adapter: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='VideoTextDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.backbone = MODELS.build(dict(type='CLIPBackbone', **clip))
        self.adapter = None
        if adapter is not None:
            self.adapter = MODELS.build(adapter,
                                        default_args=dict(
                                            backbone=self.backbone))
        self.loss_module = MODELS.build(loss)

    # ----------------------------------------------------------- public API
    def encode_video(self, imgs: torch.Tensor,
                     video_mask: Optional[torch.Tensor] = None
                     ) -> torch.Tensor:
        """``[B, T, C, H, W]`` normalised frames -> ``[B, D]`` (L2-norm)."""
        return self.backbone.encode_video(imgs, video_mask)

    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        """``[B, L]`` token ids -> ``[B, D]`` (L2-normalised)."""
        return self.backbone.encode_text(tokens)

    def count_parameters(self) -> Dict[str, int]:
        """Trainable and total parameters; ``clip_total`` is CLIP's alone,
        the reference for the trainable percentage."""
        counts = count_parameters(self)
        counts['clip_total'] = count_parameters(self.backbone.clip)['total']
        return counts

    # -------------------------------------------------------------- forward
    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor') -> Union[Dict, List, tuple]:
        imgs = inputs['imgs']
        text = inputs['text']
        video_mask = inputs.get('video_mask')
        if mode == 'loss':
            num_texts = inputs.get('num_texts')
            if num_texts is not None and any(n != 1 for n in num_texts):
                raise ValueError('training expects one caption per sample; '
                                 'use RetrievalDataset with test_mode=False')
            video = self.encode_video(imgs, video_mask)
            text_feat = self.encode_text(text)
            return self.loss_module(text_feat, video,
                                    self.backbone.logit_scale)
        if mode == 'predict':
            return self.predict(imgs, text, inputs.get('num_texts'),
                                data_samples, video_mask)
        if mode == 'tensor':
            return self.encode_video(imgs, video_mask), self.encode_text(text)
        raise RuntimeError(f'Invalid mode {mode!r}; use loss, predict or '
                           'tensor')

    def predict(self, imgs, text, num_texts, data_samples, video_mask=None):
        """Attach ``video_feature [D]`` and ``text_feature [n_i, D]`` to each
        data sample (one sample per video, all its captions)."""
        video = self.encode_video(imgs, video_mask)
        text_feat = self.encode_text(text)
        if num_texts is None:
            num_texts = [1] * video.shape[0]
        if data_samples is None:
            data_samples = [BaseDataElement() for _ in range(video.shape[0])]
        for sample, v, t in zip(data_samples, video,
                                text_feat.split(list(num_texts))):
            sample.set_field(v, 'video_feature')
            sample.set_field(t, 'text_feature')
        return data_samples
