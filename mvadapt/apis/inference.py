"""Build a trained model for inference from its config and weights; read
videos as its evaluation does; classify a video with a CLIP model."""
import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config


def init_model(config: Union[str, Config],
               checkpoint_or_adapter: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build the model of ``config`` in eval mode, with trained weights.

    Args:
        config (str | Config): Config file or object.
        checkpoint_or_adapter (str, optional): A runner checkpoint (``.pth``:
            a full one, or the adapter-only ones that adapter configs write)
            or an adapter file (``.safetensors``). A checkpoint whose tensors
            do not fit the model the config builds, or an adapter (file or
            adapter-only checkpoint) made on another backbone, is refused.
            None keeps the weights the config builds (e.g. zero-shot CLIP
            from ``model.clip.pretrained``).
        device (str): Where to put the model. Defaults to 'cpu'.
        cfg_options (dict, optional): Overrides merged into the config
            (``--cfg-options`` style keys, e.g.
            ``{'model.clip.pretrained': 'tiny.safetensors'}``).

    Returns:
        nn.Module: The model, in eval mode; the config is ``model.cfg``,
        the weights file ``model.checkpoint`` (None without one).
    """
    from mvadapt.registry import MODELS
    from mvadapt.utils import load_config, register_all_modules
    from .adapter_io import load_adapter

    register_all_modules()
    cfg = load_config(config, cfg_options)  # a copy, placeholders resolved
    model = MODELS.build(cfg.model)
    if checkpoint_or_adapter is not None:
        path = checkpoint_or_adapter
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'checkpoint not found: {path}. Pass a runner checkpoint '
                '(.pth) or an adapter file (.safetensors) of this config.')
        if path.endswith('.safetensors'):
            load_adapter(model, path)
        else:
            _load_runner_checkpoint(model, path, cfg.filename)
    model.cfg = cfg
    model.checkpoint = checkpoint_or_adapter
    return model.to(device).eval()


def _load_runner_checkpoint(model: torch.nn.Module, path: str,
                            config_name: Optional[str]) -> None:
    """Load a ``.pth`` strictly: every tensor of the model must come from the
    checkpoint (or, for an adapter-only one, from the frozen backbone it
    was trained on), and the checkpoint may hold nothing else."""
    from mmengine.runner.checkpoint import _load_checkpoint

    from .runner_utils import check_checkpoint
    check_checkpoint(path)
    checkpoint = _load_checkpoint(path, map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    state = {k[len('module.'):] if k.startswith('module.') else k: v
             for k, v in state.items()}
    info = (checkpoint.get('meta') or {}).get('mvadapt') or {}
    own = model.state_dict()
    config_name = config_name or 'the config'
    if info.get('adapter_only'):
        expected = model.backbone.weights_hash(frozen_only=True)
        if info.get('backbone_hash') != expected:
            raise RuntimeError(
                f'{path} is an adapter checkpoint trained on backbone '
                f"{info.get('backbone_arch')} (pretrained="
                f"{info.get('backbone_pretrained')}), whose frozen weights "
                f'differ from those of the model {config_name} builds '
                f'({model.backbone.arch}, pretrained='
                f'{model.backbone.pretrained}). Refusing to load it: set '
                'model.clip to the backbone it was trained on.')
        state = dict(own, **state)
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    wrong = sorted(k for k in set(own) & set(state)
                   if tuple(own[k].shape) != tuple(state[k].shape))
    if missing or unexpected or wrong:
        parts = [f'{len(names)} {what} (first: {", ".join(names[:3])})'
                 for what, names in (('missing', missing),
                                     ('unexpected', unexpected),
                                     ('of another shape', wrong)) if names]
        raise RuntimeError(
            f'{path} does not fit the model {config_name} builds: '
            f'{"; ".join(parts)} tensors. Use the config the checkpoint was '
            'trained with.')
    model.load_state_dict(state)


# ------------------------------------------------------------------ videos
def _eval_pipeline(cfg: Config) -> list:
    """The pipeline of the config's test (else val) dataset."""
    for name in ('test_dataloader', 'val_dataloader'):
        loader = cfg.get(name)
        dataset = loader.get('dataset') if loader else None
        while dataset is not None and 'pipeline' not in dataset and \
                'dataset' in dataset:  # dataset wrappers
            dataset = dataset['dataset']
        if dataset is not None and dataset.get('pipeline'):
            return list(dataset['pipeline'])
    raise ValueError(
        f'{cfg.filename or "the config"} has no test_dataloader or '
        'val_dataloader with a pipeline: the frames of a video are read '
        "with the evaluation pipeline, so set test_dataloader.dataset."
        'pipeline (decoding, sampling, resizing) in the config.')


def _step_type(step: dict) -> str:
    return str(step['type']).split('.')[-1]


class VideoReader:
    """Read a video into the frames the config's evaluation sees.

    The config's test pipeline (decoding, frame sampling, resizing,
    cropping, ``FormatShape``) runs up to, not including, the caption
    tokeniser and ``PackActionInputs``; a ``video_mask`` (``FpsSample``) is
    kept only where the evaluation collects it.

    Args:
        cfg (Config): The model's config.
    """

    def __init__(self, cfg: Config) -> None:
        from mmengine.dataset import Compose

        from mvadapt.utils import register_all_modules
        register_all_modules()
        steps, collect = [], ('imgs', )
        for step in _eval_pipeline(cfg):
            kind = _step_type(step)
            if kind == 'FrameCacheInit':
                raise ValueError(
                    'the test pipeline reads a frame cache (FrameCacheInit), '
                    'which holds the dataset\'s videos only; give the '
                    'decoding pipeline instead (the frame_cache option of '
                    'the dataset leaves it in place).')
            if kind == 'OpenCLIPTokenize':
                continue
            if kind == 'PackActionInputs':
                collect = tuple(step.get('collect_keys') or ('imgs', ))
                continue
            steps.append(step)
        self.steps = steps
        self.use_mask = 'video_mask' in collect
        self.pipeline = Compose(steps)

    def __call__(self, path: str
                 ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Frames ``uint8 [T, C, H, W]`` (``[V*T, ...]`` for multi-view
        pipelines) and the mask ``[T]`` (None where not used)."""
        if not osp.isfile(path):
            raise FileNotFoundError(f'no such video: {path}')
        results = self.pipeline(dict(filename=path, start_index=0,
                                     modality='RGB'))
        imgs = results['imgs']
        if not isinstance(imgs, np.ndarray) or imgs.ndim != 4:
            raise ValueError(
                'the test pipeline must end with FormatShape(input_format='
                f"'NCHW') for inference, got frames of shape "
                f'{getattr(imgs, "shape", None)}')
        mask = results.get('video_mask') if self.use_mask else None
        return (torch.from_numpy(np.ascontiguousarray(imgs)),
                None if mask is None else torch.as_tensor(mask))


def frame_size_error(model, imgs: torch.Tensor) -> Optional[str]:
    """Why ``imgs`` (from :class:`VideoReader`) cannot go into ``model``'s
    vision tower, or None: a test pipeline without a resize passes frames
    of any size."""
    visual = model.backbone.clip.visual
    size = tuple(getattr(visual, 'image_size', ()) or ())
    if size and tuple(imgs.shape[-2:]) != size:
        return (f'frames are {imgs.shape[-2]}x{imgs.shape[-1]} px after the '
                f'test pipeline, the model takes {size[0]}x{size[1]}: add '
                'Resize/CenterCrop to the config\'s test pipeline')
    return None


def text_tokenizer(cfg: Config, max_words: int):
    """The caption tokeniser of the config's evaluation (an
    :class:`OpenCLIPTokenize`; CLIP's BPE with ``max_words`` tokens when
    the pipeline has none)."""
    from mvadapt.datasets.transforms import OpenCLIPTokenize
    for step in _eval_pipeline(cfg):
        if _step_type(step) == 'OpenCLIPTokenize':
            args = {k: v for k, v in step.items() if k != 'type'}
            return OpenCLIPTokenize(**args)
    return OpenCLIPTokenize(max_words=max_words)


def preprocess_videos(model, clips: Sequence[torch.Tensor],
                      masks: Optional[Sequence[torch.Tensor]] = None
                      ) -> dict:
    """Batch and normalise clips from :class:`VideoReader` with the model's
    data preprocessor: ``dict(imgs=[B, T, C, H, W], video_mask=...)``."""
    inputs = dict(imgs=list(clips))
    if masks is not None and all(m is not None for m in masks):
        inputs['video_mask'] = list(masks)
    return model.data_preprocessor(dict(inputs=inputs), False)['inputs']


# -------------------------------------------------------------- classify
def classify(model,
             video: str,
             class_names: Optional[Union[str, Sequence[str]]] = None,
             k: int = 5,
             template: Optional[str] = None) -> List[Tuple[str, float]]:
    """Top-``k`` classes of a video with their probabilities.

    Open vocabulary: the classifier is the text encoder applied to the
    class prompts, so any list of names works.

    Args:
        model: A model from :func:`init_model`: a ``CLIPRecognizer`` (MSTA,
            ViFi-CLIP, zero-shot CLIP) or a ``VideoTextRetriever`` (whose
            "classes" are captions; ``class_names`` is then required).
        video (str): A video file, read with the config's test pipeline (a
            multi-view pipeline averages the views' probabilities, as
            evaluation does).
        class_names (str | list[str], optional): Names, or a file with one
            per line. Defaults to the recognizer's test classes.
        k (int): How many classes to return. Defaults to 5.
        template (str, optional): Prompt with ``{}`` for the name. Defaults
            to the recognizer's template, ``'{}'`` (the name as the
            caption) for a retriever.

    Returns:
        list[tuple[str, float]]: ``(class name, probability)``, most
        probable first; the probabilities are over all the classes.
    """
    from mvadapt.models import CLIPRecognizer, VideoTextRetriever
    from mvadapt.utils.descriptions import read_class_names
    if not hasattr(model, 'cfg'):
        raise ValueError('classify needs the model\'s config (model.cfg) to '
                         'read the video as evaluation does: build the model '
                         'with mvadapt.apis.init_model')
    if k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    if template is not None and '{}' not in template:
        raise ValueError(f'template needs a {{}} for the class name: '
                         f'{template!r}')
    if isinstance(model, CLIPRecognizer):
        names = model.test_class_names if class_names is None else \
            read_class_names(class_names)
    elif isinstance(model, VideoTextRetriever):
        if class_names is None:
            raise ValueError('a retrieval model has no classes of its own: '
                             'pass class_names (captions to choose from)')
        names = read_class_names(class_names)
    else:
        raise TypeError('classify works with CLIP models (CLIPRecognizer, '
                        f'VideoTextRetriever), not {type(model).__name__}')
    imgs, mask = VideoReader(model.cfg)(video)
    error = frame_size_error(model, imgs)
    if error:
        raise ValueError(f'{video}: {error}')
    with torch.no_grad():
        inputs = preprocess_videos(model, [imgs], [mask])
        if isinstance(model, CLIPRecognizer):
            classifier = model.class_embeddings(names, template)
            probs = model.predict_scores(inputs['imgs'], classifier)[0][0]
        else:
            tokenizer = text_tokenizer(model.cfg, model.backbone.max_words)
            tokens = torch.as_tensor(tokenizer.tokenizer(
                [(template or '{}').format(n) for n in names],
                context_length=tokenizer.max_words)).to(inputs['imgs'].device)
            text = model.encode_text(tokens)
            video_feat = model.encode_video(inputs['imgs'],
                                            inputs.get('video_mask'))
            scale = model.backbone.logit_scale.clamp(max=4.6052).exp()
            probs = (scale * video_feat @ text.t()).softmax(-1)[0]
    top = probs.topk(min(k, len(names)))
    return [(names[i], float(p)) for p, i in zip(top.values.tolist(),
                                                 top.indices.tolist())]
