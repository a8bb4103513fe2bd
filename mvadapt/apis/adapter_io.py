"""Adapter files: the trainable tensors of a task as one ``.safetensors``.

The metadata records the config text, the backbone architecture and
pretrained tag, and a hash of the frozen backbone weights, so an adapter is
never silently loaded onto a different backbone.
"""
import json
import os
import os.path as osp
from typing import Dict, Optional

import torch
from mmengine.model import is_model_wrapper

FORMAT = 'mvadapt-adapter'
FORMAT_VERSION = '1'


def _unwrap(model):
    return model.module if is_model_wrapper(model) else model


def adapter_state(model) -> Dict[str, torch.Tensor]:
    """The model's trainable tensors (adapters, tuned biases, ...)."""
    model = _unwrap(model)
    return {n: p.detach().cpu().contiguous()
            for n, p in model.named_parameters() if p.requires_grad}


def save_adapter(model, path: str, config_text: Optional[str] = None,
                 state: Optional[Dict[str, torch.Tensor]] = None) -> int:
    """Write the trainable tensors of ``model`` to ``path`` (safetensors).

    Args:
        state (dict, optional): The tensors to write instead of the model's
            current ones (e.g. those of the best checkpoint); same names and
            shapes as :func:`adapter_state`.

    Returns:
        int: The file size in bytes.
    """
    from safetensors.torch import save_file
    model = _unwrap(model)
    if state is None:
        state = adapter_state(model)
    else:
        own = {n: p.shape for n, p in model.named_parameters()
               if p.requires_grad}
        if set(state) != set(own) or any(
                state[n].shape != own[n] for n in own):
            raise ValueError('state does not match the trainable tensors of '
                             'the model')
        state = {n: t.detach().cpu().contiguous() for n, t in state.items()}
    if not state:
        raise ValueError('the model has no trainable tensors to save')
    backbone = model.backbone
    arch = backbone.arch if isinstance(backbone.arch, str) else json.dumps(
        backbone.arch, sort_keys=True)
    meta = dict(
        format=FORMAT, format_version=FORMAT_VERSION,
        backbone_arch=arch,
        backbone_pretrained=str(backbone.pretrained),
        backbone_hash=backbone.weights_hash(frozen_only=True),
        num_params=str(sum(v.numel() for v in state.values())),
        config=config_text or '')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    save_file(state, path, metadata=meta)
    return osp.getsize(path)


def read_adapter_metadata(path: str) -> Dict[str, str]:
    from safetensors import safe_open
    if not osp.isfile(path):
        raise FileNotFoundError(f'adapter file not found: {path}')
    try:
        with safe_open(path, framework='pt') as f:
            meta = f.metadata() or {}
    except Exception as e:  # not a safetensors file
        raise ValueError(f'{path} is not a safetensors file: {e}') from e
    if meta.get('format') != FORMAT:
        raise ValueError(f'{path} is not a mvadapt adapter file (metadata '
                         f"format={meta.get('format')!r})")
    return meta


def load_adapter(model, path: str) -> Dict[str, str]:
    """Load an adapter file into ``model`` (built from the matching config).

    Raises:
        RuntimeError: the adapter was trained on a different backbone, or its
            tensors do not match the model's trainable tensors.
    """
    from safetensors.torch import load_file
    meta = read_adapter_metadata(path)
    model = _unwrap(model)
    backbone = model.backbone
    expected = backbone.weights_hash(frozen_only=True)
    if meta['backbone_hash'] != expected:
        raise RuntimeError(
            f'{path} was trained on backbone {meta["backbone_arch"]} '
            f'(pretrained={meta["backbone_pretrained"]}), whose frozen '
            'weights differ from those of the model the config builds '
            f'({backbone.arch}, pretrained={backbone.pretrained}). Refusing '
            'to load it: set model.clip to the backbone it was trained on.')
    state = load_file(path)
    own = adapter_state(model)
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        raise RuntimeError(
            f'{path} does not fit this model: missing {missing[:5]} '
            f'({len(missing)}), unexpected {unexpected[:5]} '
            f'({len(unexpected)}). Use the config it was trained with.')
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, tensor in state.items():
            if params[name].shape != tensor.shape:
                raise RuntimeError(f'{path}: {name} has shape '
                                   f'{tuple(tensor.shape)}, the model expects'
                                   f' {tuple(params[name].shape)}')
            params[name].copy_(tensor)
    return meta
