"""Print the trainable parameters of configs' models as a percentage of
CLIP's parameters (the MV-Adapter paper's convention).

    python projects/adaptformer/tools/param_fraction.py CONFIG [CONFIG ...]

Builds each model with random weights (``model.clip.pretrained=None``), so it
needs neither network nor checkpoint.
"""
import argparse
import os.path as osp
import sys

ROOT = osp.abspath(osp.join(osp.dirname(__file__), '..', '..', '..'))
if ROOT not in sys.path:  # `projects` must be importable for custom_imports
    sys.path.insert(0, ROOT)

import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)

from mvadapt.registry import MODELS  # noqa: E402
from mvadapt.utils import load_config, register_all_modules  # noqa: E402


def trainable_fraction(config: str) -> dict:
    """Build ``config``'s model with random CLIP weights and count."""
    cfg = load_config(config)  # imports the config's custom_imports
    cfg.model.clip.pretrained = None
    model = MODELS.build(cfg.model)
    counts = model.count_parameters()
    counts['percent'] = 100 * counts['trainable'] / counts['clip_total']
    if model.adapter is not None and hasattr(model.adapter, 'summary'):
        counts.update(model.adapter.summary())
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    args = parser.parse_args()
    register_all_modules()
    for config in args.configs:
        c = trainable_fraction(config)
        extra = ', '.join(f'{k} {v:,}' for k, v in c.items()
                          if k.endswith('adapters'))
        print(f'{osp.basename(config)}: trainable {c["trainable"]:,} of '
              f'CLIP {c["clip_total"]:,} = {c["percent"]:.4f} % '
              f'({extra})')


if __name__ == '__main__':
    main()
