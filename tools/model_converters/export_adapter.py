"""Export the adapter of a training checkpoint as a ``.safetensors`` file.

    python tools/model_converters/export_adapter.py CONFIG CHECKPOINT OUT.safetensors

The file holds only the trainable tensors (adapters, tuned biases) plus
metadata: the config text, the backbone architecture and pretrained tag, and a
hash of the frozen backbone weights. ``tools/test.py CONFIG OUT.safetensors``
evaluates it; loading it onto a different backbone is refused.
"""
import argparse
import os.path as osp

import torch

import mvadapt  # noqa: F401  (compat)
from mvadapt.apis import save_adapter
from mvadapt.registry import MODELS
from mvadapt.utils import load_config, register_all_modules


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    args = parser.parse_args()
    if not args.out.endswith('.safetensors'):
        parser.error('OUT must end with .safetensors')
    register_all_modules()
    cfg = load_config(args.config)
    model = MODELS.build(cfg.model)
    ckpt = torch.load(args.checkpoint, map_location='cpu', weights_only=True)
    state = ckpt.get('state_dict', ckpt)
    info = ckpt.get('meta', {}).get('mvadapt', {})
    if info.get('adapter_only'):
        expected = model.backbone.weights_hash(frozen_only=True)
        if info['backbone_hash'] != expected:
            raise SystemExit(f'{args.checkpoint} was trained on a different '
                             'backbone than the config builds')
    missing, unexpected = model.load_state_dict(state, strict=False)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    not_loaded = sorted(trainable & set(missing))
    if not_loaded or unexpected:
        raise SystemExit(f'{args.checkpoint} does not match {args.config}: '
                         f'trainable tensors missing {not_loaded[:5]}, '
                         f'unexpected {list(unexpected)[:5]}')
    size = save_adapter(model, args.out, config_text=cfg.pretty_text)
    full = sum(t.numel() * t.element_size()
               for t in model.state_dict().values())
    print(f'Wrote {osp.abspath(args.out)}: {size / 2**20:.2f} MiB '
          f'({100 * size / full:.2f}% of the {full / 2**20:.1f} MiB model)')


if __name__ == '__main__':
    main()
