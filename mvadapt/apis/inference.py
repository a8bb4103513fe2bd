"""Build a trained model for inference from its config and weights."""
import os.path as osp
from typing import Optional, Union

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
            or an adapter file (``.safetensors``; one made on another
            backbone is refused). None keeps the weights the config builds
            (e.g. zero-shot CLIP from ``model.clip.pretrained``).
        device (str): Where to put the model. Defaults to 'cpu'.
        cfg_options (dict, optional): Overrides merged into the config
            (``--cfg-options`` style keys, e.g.
            ``{'model.clip.pretrained': 'tiny.safetensors'}``).

    Returns:
        nn.Module: The model, in eval mode; the config is ``model.cfg``.
    """
    from mmengine.runner import load_checkpoint

    from mvadapt.registry import MODELS
    from mvadapt.utils import register_all_modules
    from .adapter_io import load_adapter
    from .runner_utils import check_checkpoint

    register_all_modules()
    cfg = Config.fromfile(config) if isinstance(config, str) else \
        Config(config.to_dict() if isinstance(config, Config) else config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
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
            check_checkpoint(path)
            load_checkpoint(model, path, map_location='cpu', strict=False,
                            revise_keys=[(r'^module\.', '')])
    model.cfg = cfg
    return model.to(device).eval()
