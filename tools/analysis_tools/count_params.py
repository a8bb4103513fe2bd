"""Count trainable / total parameters per module group of a config's model.

    python tools/analysis_tools/count_params.py CONFIG [--cfg-options k=v ...]

Builds the model without weights and without its data (on PyTorch's
``meta`` device, no memory is allocated: ``clip.pretrained`` is set to None;
class-name and description files are not read) and prints, per group,
trainable and total parameters and the trainable share of CLIP's parameters
(the reference of the papers' tables).
"""
import argparse
from collections import OrderedDict

from mmengine.config import DictAction

import mvadapt  # noqa: F401  (compat)
from mvadapt.registry import MODELS
from mvadapt.utils import load_config, register_all_modules


def group_of(name: str) -> str:
    parts = name.split('.')
    if parts[0] == 'backbone' and len(parts) > 2:
        tower = 'clip.visual' if parts[2] == 'visual' else 'clip.text'
        if parts[2].startswith('logit'):
            tower = 'clip.logit_scale'
        return tower + (' (biases)' if 'bias' in parts[-1] else '')
    if parts[0] == 'adapter' and len(parts) > 1:
        return 'adapter.' + parts[1]
    return parts[0]


def count(model) -> 'OrderedDict[str, list]':
    groups: 'OrderedDict[str, list]' = OrderedDict()
    for name, p in model.named_parameters():
        g = groups.setdefault(group_of(name), [0, 0])
        g[0] += p.numel() if p.requires_grad else 0
        g[1] += p.numel()
    return groups


def build_without_weights(config: str, cfg_options=None):
    """The model of ``config`` on the meta device (shapes only)."""
    import torch
    register_all_modules()
    cfg = load_config(config, cfg_options)
    if 'clip' in cfg.model:
        cfg.model.clip.pretrained = None
    with torch.device('meta'):
        return MODELS.build(cfg.model)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    model = build_without_weights(args.config, args.cfg_options)
    groups = count(model)
    clip_total = sum(p.numel() for p in model.backbone.clip.parameters())
    width = max(len(k) for k in groups) + 2
    print(f"{'group':<{width}}{'trainable':>14}{'total':>14}"
          f"{'% of CLIP':>11}")
    for name, (trainable, total) in groups.items():
        print(f'{name:<{width}}{trainable:>14,}{total:>14,}'
              f'{100 * trainable / clip_total:>10.2f}%')
    trainable = sum(g[0] for g in groups.values())
    total = sum(g[1] for g in groups.values())
    print(f"{'all':<{width}}{trainable:>14,}{total:>14,}"
          f'{100 * trainable / clip_total:>10.2f}%')
    print(f'CLIP alone: {clip_total:,} parameters')


if __name__ == '__main__':
    main()
