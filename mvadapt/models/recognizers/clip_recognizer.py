"""Action recognition with CLIP: the classifier is the text encoder."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger
from mmengine.model import BaseModel

from mvadapt.registry import MODELS
from mvadapt.utils.descriptions import read_class_names
from ..clip import count_parameters


@MODELS.register_module()
class CLIPRecognizer(BaseModel):
    """Video classifier whose weights are the text embeddings of the class
    prompts: ``logits = exp(logit_scale) * cos(video, text(prompt_c))``.

    Used by MSTA and its baselines (zero-shot CLIP with ``clip.frozen=True``,
    ViFi-CLIP-style full fine-tuning with ``clip.frozen=False``).

    Multi-view testing: the pipeline stacks ``V`` clips (x crops) of
    ``num_frames`` frames, so ``imgs`` is ``[B, V*T, C, H, W]``; each view is
    encoded as a video and the softmax scores are averaged over views
    (``pred_score``). Predictions also carry each view's logits
    (``pred_view_logits``, ``[V, C]``), so that a metric scoring a subset of
    the classes on its own (:class:`BaseNovelMetric`) averages each view's
    softmax over that subset, as when the subset is tested alone.

    With ``consistency`` (MSTA's L_CC), the spatial and temporal descriptions
    of every class are encoded once by the frozen text branch (adapters
    disabled), averaged per class and cached; the loss pulls each adapted
    class-prompt embedding towards them.

    Args:
        clip (dict): :class:`CLIPBackbone` config.
        class_names (str | list[str]): Class-names file or list (training).
        num_frames (int): Frames per view ``T``.
        template (str): Prompt template with ``{}`` for the class name.
            Defaults to ``'a video of {}.'``.
        test_class_names (str | list[str], optional): Label space for
            evaluation when it differs (zero-shot cross-dataset, novel
            classes). Defaults to the training classes.
        adapter (dict, optional): Adapter injector config (e.g. ``MSTA``).
        consistency (dict, optional): ``dict(descriptions=..., loss_weight=1.0,
            num_per_class=2)`` with ``descriptions`` a name-keyed JSON file or
            ``dict(spatial=file, temporal=file, class_names=labels)`` of
            index-keyed files and the label list they follow; see
            :func:`mvadapt.utils.descriptions.load_descriptions`.
        data_preprocessor (dict, optional): Defaults to
            ``VideoTextDataPreprocessor``.
    """

    def __init__(self,
                 clip: dict,
                 class_names: Union[str, Sequence[str]],
                 num_frames: int,
                 template: str = 'a video of {}.',
                 test_class_names: Optional[Union[str, Sequence[str]]] = None,
                 adapter: Optional[dict] = None,
                 consistency: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='VideoTextDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        if '{}' not in template:
            raise ValueError(f'template needs a {{}} for the class name: '
                             f'{template!r}')
        self.backbone = MODELS.build(dict(type='CLIPBackbone', **clip))
        self.adapter = None
        if adapter is not None:
            self.adapter = MODELS.build(
                adapter, default_args=dict(backbone=self.backbone))
        self.num_frames = num_frames
        self.template = template
        # Class names and descriptions are read when first needed, not here,
        # so a model builds without its data (count_params.py, benchmarks).
        self._class_names_arg = class_names
        self._test_class_names_arg = test_class_names
        self._names_cache = {}
        # where the names came from, for error messages: the file or the arg
        train_src = class_names if isinstance(class_names, str) else \
            'class_names'
        test_src = test_class_names if isinstance(test_class_names, str) \
            else ('test_class_names' if test_class_names else train_src)
        self._names_src = dict(train=train_src, test=test_src)
        import open_clip
        self._tokenizer = open_clip.tokenizer.SimpleTokenizer(
            context_length=self.backbone.max_words)
        self.consistency = None
        if consistency is not None:
            consistency = dict(consistency)
            self._description_args = (
                consistency.pop('descriptions'),
                consistency.pop('num_per_class', None))
            self.consistency = MODELS.build(
                dict(type='ConsistencyLoss', **consistency))
        self._test_classifier = None

    @property
    def class_names(self) -> List[str]:
        """Training classes (read from their file on first use)."""
        if 'train' not in self._names_cache:
            self._names_cache['train'] = read_class_names(
                self._class_names_arg)
        return self._names_cache['train']

    @property
    def test_class_names(self) -> List[str]:
        """Evaluation classes (the training ones unless set)."""
        if self._test_class_names_arg is None:
            return self.class_names
        if 'test' not in self._names_cache:
            self._names_cache['test'] = read_class_names(
                self._test_class_names_arg)
        return self._names_cache['test']

    # -------------------------------------------------------------- helpers
    def _labels(self, data_samples, num_classes: int,
                split: str) -> Optional[torch.Tensor]:
        """The samples' labels, concatenated (None if they have none).

        A label outside the class-names file is a data error: say which
        sample and which file instead of failing inside the loss (or, at
        test time, silently scoring against the wrong label space). One
        check on the whole batch; the samples are only searched on failure.
        """
        samples = [s for s in data_samples or () if 'gt_label' in s]
        if not samples:
            return None
        labels = torch.cat([s.gt_label.reshape(-1) for s in samples])
        if not bool(((labels < 0) | (labels >= num_classes)).any()):
            return labels
        for sample in samples:
            label = sample.gt_label.reshape(-1)
            if bool(((label < 0) | (label >= num_classes)).any()):
                name = sample.metainfo.get('filename', '?')
                raise ValueError(
                    f'{name}: label {label.tolist()} is outside the '
                    f'{num_classes} classes of {self._names_src[split]}. '
                    'The annotation list and the class-names file do not '
                    'match: regenerate the list or set the model\'s '
                    f"{'test_' if split == 'test' else ''}class_names to "
                    'the file it was made with.')

    def tokenize(self, texts: Sequence[str]) -> torch.Tensor:
        """Token ids ``[n, L]`` cut to the longest text (at most
        ``max_words``): the text feature is read at the end-of-text token
        under a causal mask, so trailing padding changes nothing but the
        cost (class prompts are a few tokens, not 77)."""
        tokens = torch.as_tensor(
            self._tokenizer(list(texts),
                            context_length=self.backbone.max_words),
            dtype=torch.long, device=self.backbone.logit_scale.device)
        length = int((tokens != 0).sum(1).max())
        return tokens[:, :length]

    def class_embeddings(self, names: Sequence[str],
                         template: Optional[str] = None) -> torch.Tensor:
        """``[C, D]`` normalised text embeddings of the class prompts
        (``template``, default the model's, filled with each name)."""
        template = template or self.template
        return self.backbone.encode_text(
            self.tokenize([template.format(n) for n in names]))

    def _description_targets(self):
        """Frozen-branch mean embeddings of the descriptions (cached)."""
        if not hasattr(self, '_desc_spatial'):
            from mvadapt.utils.descriptions import load_descriptions
            descriptions, num_per_class = self._description_args
            self._descriptions = load_descriptions(
                descriptions, self.class_names, num_per_class=num_per_class)
            ctx = self.adapter.disabled() if self.adapter is not None else \
                torch.no_grad()
            truncated = 0
            with torch.no_grad(), ctx:
                feats = {}
                for kind in ('spatial', 'temporal'):
                    per_class = []
                    for texts in self._descriptions[kind]:
                        tokens = self.tokenize(texts)
                        # a full last slot means the text was cut to fit
                        if tokens.shape[1] == self.backbone.max_words:
                            truncated += int((tokens[:, -1] != 0).sum())
                        per_class.append(F.normalize(
                            self.backbone.encode_text(tokens).mean(0),
                            dim=-1))
                    feats[kind] = torch.stack(per_class)
            if truncated:
                MMLogger.get_current_instance().warning(
                    f'{truncated} description(s) are longer than '
                    f'max_words={self.backbone.max_words} tokens and were '
                    'truncated before encoding; raise model.clip.max_words '
                    '(up to the text context length) to keep them whole')
            self.register_buffer('_desc_spatial', feats['spatial'], False)
            self.register_buffer('_desc_temporal', feats['temporal'], False)
        return self._desc_spatial, self._desc_temporal

    def encode_video(self, imgs: torch.Tensor) -> torch.Tensor:
        """``[B, V*T, C, H, W]`` -> ``[B, V, D]`` normalised view features."""
        b, vt = imgs.shape[:2]
        if vt % self.num_frames:
            raise ValueError(f'{vt} frames per sample is not a multiple of '
                             f'num_frames={self.num_frames}')
        views = vt // self.num_frames
        feats = self.backbone.encode_video(
            imgs.reshape(b * views, self.num_frames, *imgs.shape[2:]))
        return feats.view(b, views, -1)

    def count_parameters(self) -> Dict[str, int]:
        counts = count_parameters(self)
        counts['clip_total'] = count_parameters(self.backbone.clip)['total']
        return counts

    def train(self, mode: bool = True):
        self._test_classifier = None  # the text branch may change
        return super().train(mode)

    def logit_scale(self) -> torch.Tensor:
        """CLIP's temperature, capped at 100 as in CLIP."""
        return self.backbone.logit_scale.clamp(max=4.6052).exp()

    def predict_scores(self, imgs: torch.Tensor, classifier: torch.Tensor
                       ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Class probabilities ``[B, C]`` (each view's softmax, averaged
        over the views) and the views' logits ``[B, V, C]`` of normalised
        frames ``[B, V*T, C, H, W]`` against ``classifier`` (``[C, D]``,
        :meth:`class_embeddings` of any class list)."""
        views = self.encode_video(imgs)  # [B, V, D]
        logits = self.logit_scale() * views @ classifier.t()  # [B, V, C]
        return logits.softmax(-1).mean(1), logits

    # -------------------------------------------------------------- forward
    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        imgs = inputs['imgs'] if isinstance(inputs, dict) else inputs
        if mode == 'loss':
            video = self.encode_video(imgs).mean(1)
            video = F.normalize(video, dim=-1)
            classes = self.class_embeddings(self.class_names)
            logits = self.logit_scale() * video @ classes.t()
            labels = self._labels(data_samples, len(self.class_names),
                                  'train').to(logits.device)
            losses = dict(loss_cls=F.cross_entropy(logits, labels))
            if self.consistency is not None:
                spatial, temporal = self._description_targets()
                losses.update(self.consistency(classes, spatial, temporal))
            return losses
        if mode in ('predict', 'tensor'):
            if self._test_classifier is None or self.training:
                with torch.no_grad():
                    self._test_classifier = self.class_embeddings(
                        self.test_class_names)
            scores, logits = self.predict_scores(imgs, self._test_classifier)
            if mode == 'tensor':
                return scores
            self._labels(data_samples, len(self.test_class_names), 'test')
            for sample, score, view_logits in zip(data_samples, scores,
                                                  logits):
                sample.set_pred_score(score)
                sample.set_pred_label(score.argmax(keepdim=True))
                sample.set_field(view_logits, 'pred_view_logits')
            return data_samples
        raise RuntimeError(f'Invalid mode {mode!r}')
