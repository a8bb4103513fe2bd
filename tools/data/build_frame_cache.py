#!/usr/bin/env python
"""Build the frame caches a config's datasets read (decode once).

    python tools/data/build_frame_cache.py CONFIG [CONFIG ...]
        [--splits train val test] [--workers N] [--overwrite]
        [--cfg-options KEY=VALUE ...]

For every dataloader of the config whose dataset sets ``frame_cache`` (a
folder, relative to ``data_root`` when there is one, or
``dict(dir=folder, fps=K)``), decodes each video of the dataset once with the
pipeline's own decoder and ``Resize`` and stores the frames (see
``mvadapt/datasets/frame_cache.py``). To switch a config to a cache::

    train_dataloader = dict(dataset=dict(frame_cache='frame_cache'))

(the same line for ``val_dataloader`` / ``test_dataloader`` to cache those
too), then run this tool once. Parallel (``--workers``, default: the usable
cores), with a progress bar; a killed build resumes where it stopped (videos
already cached and unchanged are not decoded again), a video that cannot be
decoded is reported by name and the others are kept. Rerun it after videos
change: only the changed ones are decoded again. ``--overwrite`` empties a
cache that was built for another decoder / resize / fps.

Exit status: 0 when every video is cached, 1 when some failed to decode,
2 when nothing could be built.
"""
import argparse
import copy
import os.path as osp
import sys
from collections import OrderedDict

# The repository root, so configs can load plugins from projects/ with
# custom_imports (as tools/train.py does).
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

import mvadapt  # noqa: E402,F401  (compat fixes first)

SPLITS = ('train', 'val', 'test')


def cache_jobs(config, splits=SPLITS, cfg_options=None):
    """{(cache folder, spec id): (spec, [videos])} for a config's datasets
    that set ``frame_cache``, and the names of the dataloaders without one."""
    from mmengine.registry import init_default_scope

    from mvadapt.datasets import pipeline_spec
    from mvadapt.datasets.frame_cache import parse_frame_cache
    from mvadapt.registry import DATASETS
    from mvadapt.utils import load_config, register_all_modules
    register_all_modules()
    cfg = load_config(config, cfg_options)
    init_default_scope(cfg.get('default_scope', 'mvadapt'))
    jobs, skipped = OrderedDict(), []
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        ds_cfg = copy.deepcopy(loader['dataset'])
        frame_cache = ds_cfg.pop('frame_cache', None)
        if frame_cache is None:
            skipped.append(f'{split}_dataloader')
            continue
        folder, fps = parse_frame_cache(frame_cache, ds_cfg.get('data_root'))
        spec = pipeline_spec(ds_cfg['pipeline'], fps)
        dataset = DATASETS.build(ds_cfg)  # decoding pipeline: lists videos
        videos = [dataset.get_data_info(i)['filename']
                  for i in range(len(dataset))]
        entry = jobs.setdefault((osp.abspath(folder), spec['id']),
                                (spec, []))
        entry[1].extend(videos)
    return jobs, skipped


def _shown(path: str) -> str:
    """A config path as a user in this folder would type it."""
    rel = osp.relpath(path)
    return osp.abspath(path) if rel.startswith(osp.pardir) else rel


def parse_args(argv=None):
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(
        description='Decode the videos of a config\'s datasets once into the '
        'frame caches they name (frame_cache=...).',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('configs', nargs='+', metavar='CONFIG')
    p.add_argument('--splits', nargs='+', default=list(SPLITS),
                   choices=SPLITS, help='dataloaders to cache')
    p.add_argument('--workers', type=int, default=None,
                   help='worker processes (default: the usable cores)')
    p.add_argument('--overwrite', action='store_true',
                   help='empty a cache built for another decoder, resize or '
                   'fps instead of refusing it')
    p.add_argument('--no-progress', action='store_true',
                   help='no progress bar')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override config settings (KEY=VALUE), e.g. '
                   'train_dataloader.dataset.frame_cache=frame_cache')
    return p.parse_args(argv)


def collect(configs, splits=SPLITS):
    """Group the videos of ``[(config, cfg_options), ...]`` by cache folder
    and spec: {(folder, spec id): (spec, videos, configs)}."""
    groups = OrderedDict()
    for config, cfg_options in configs:
        jobs, skipped = cache_jobs(config, splits, cfg_options)
        if skipped:
            print(f'{config}: {", ".join(skipped)} set no frame_cache '
                  '(they decode videos)')
        for key, (spec, videos) in jobs.items():
            group = groups.setdefault(key, (spec, [], []))
            group[1].extend(videos)
            group[2].append(_shown(config))
    return groups


def build(groups, workers=None, overwrite=False, progress=True) -> int:
    """Build every cache of :func:`collect`; returns the failed videos."""
    from mvadapt.datasets import build_frame_cache
    failed = 0
    for (folder, _), (spec, videos, configs) in groups.items():
        res = build_frame_cache(folder, videos, spec, workers=workers,
                                overwrite=overwrite, progress=progress,
                                built_from=configs)
        failed += len(res['failed'])
        print(f"Frame cache {res['cache_dir']}: {res['built']} videos "
              f"decoded, {res['reused']} reused, {len(res['failed'])} failed "
              f"in {res['seconds']:.1f} s.")
    return failed


def main(argv=None) -> int:
    args = parse_args(argv)
    groups = collect([(c, args.cfg_options) for c in args.configs],
                     args.splits)
    if not groups:
        print('error: no dataset of ' + ', '.join(args.configs) + ' sets '
              "frame_cache; add e.g. train_dataloader = dict(dataset=dict("
              "frame_cache='frame_cache')) to the config or pass --cfg-options "
              'train_dataloader.dataset.frame_cache=frame_cache',
              file=sys.stderr)
        return 2
    failed = build(groups, args.workers, args.overwrite,
                   not args.no_progress)
    if failed:
        print(f'{failed} video(s) failed to decode (listed above); training '
              'skips them as it skips broken videos, evaluation stops on '
              'them. Repair them and run this command again.')
        return 1
    print('Done. The configs read these caches when run with tools/train.py '
          '/ tools/test.py; rerun this command after videos change.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
