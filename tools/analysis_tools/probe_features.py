#!/usr/bin/env python
"""What do a model's frozen frame features carry? Linear probes per attribute.

    python tools/analysis_tools/probe_features.py CONFIG [CHECKPOINT]
        [--data-root DIR] [--train-ann FILE] [--val-ann FILE] [--labels FILE]
        [--attributes a b ...] [--max-items N] [--with-adapter]
        [--out FILE.json] [--cfg-options k=v ...]

Encodes the items of a training and a held-out set with the model's video
encoder (each item's per-frame features, L2-normalised and averaged over its
frames; adapters switched off unless ``--with-adapter``, so the features are
the backbone's), fits one linear classifier per attribute on the training
items (multinomial logistic regression on standardised features) and prints
its held-out accuracy next to chance (the majority class). When the held-out
items have captions it also reports zero-shot item-to-caption retrieval:
top-1 accuracy of the item's own caption among all distinct captions of the
set.

The sets, the label file and the attributes come from the config's ``probe``
section (the MovingShapes pretraining config has one: its static images and
``static_index.json``)::

    probe = dict(
        train=dict(type='ImageTextDataset', data_root=..., ann_file=...,
                   data_prefix=dict(img='static'), pipeline=..., test_mode=True),
        val=dict(...),            # same, held out
        labels='data/moving_shapes/static_index.json',
        attributes=('colour', 'shape', 'size', 'position', 'orientation'))

or, for any dataset a config can load (say the frames of your own videos),
from the command line: ``--train-ann`` / ``--val-ann`` (annotation files of
the config's test dataset type, e.g. ``{video: [captions]}`` for
``RetrievalDataset``), ``--labels`` (JSON ``{key: {attribute: value}}``, keys
as in the annotation files; a relative path is looked up under the data
root too) and ``--attributes``. A real CLIP works as well:
``--cfg-options model.clip.pretrained=/path/ViT-B-16.pt``.
"""
import argparse
import copy
import json
import os.path as osp
import sys
import time

import numpy as np
import torch
from mmengine.config import Config, DictAction

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))
import mvadapt  # noqa: E402,F401  (compat)
from mvadapt.apis import init_model  # noqa: E402
from mvadapt.evaluation.functional.probe import linear_probe  # noqa: E402
from mvadapt.utils import load_config  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?', default=None,
                        help='runner checkpoint (.pth) or adapter '
                        '(.safetensors); default: the weights the config '
                        'builds (model.clip.pretrained)')
    parser.add_argument('--data-root', help='data root of both sets')
    parser.add_argument('--train-ann', help='annotation file of the set the '
                        'probes are fitted on')
    parser.add_argument('--val-ann', help='annotation file of the held-out '
                        'set')
    parser.add_argument('--labels', help='JSON {key: {attribute: value}}')
    parser.add_argument('--attributes', nargs='+',
                        help='attributes to probe (default: the config\'s, '
                        'else every attribute in --labels)')
    parser.add_argument('--max-items', type=int, default=None,
                        help='use at most N items of each set')
    parser.add_argument('--batch-size', type=int, default=None)
    parser.add_argument('--with-adapter', action='store_true',
                        help='probe the adapted features (default: the '
                        'backbone\'s, adapters off)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out', help='also write the results to this JSON')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def probe_settings(cfg: Config, args) -> dict:
    """The two dataset configs, the label file and the attributes."""
    probe = copy.deepcopy(cfg.get('probe') or {})
    if not probe:
        template = cfg.get('test_dataloader', {}).get('dataset')
        if template is None:
            raise SystemExit(f'{args.config} has neither a `probe` section '
                             'nor a test_dataloader to take the dataset '
                             'type and pipeline from')
        probe = dict(train=copy.deepcopy(template),
                     val=copy.deepcopy(template))
    for part, ann in (('train', args.train_ann), ('val', args.val_ann)):
        ds = probe.get(part)
        if ds is None:
            raise SystemExit(f'no {part} set: pass --{part}-ann or add '
                             f'probe.{part} to the config')
        ds = dict(ds)
        if ann is not None:
            ds['ann_file'] = ann
        if args.data_root is not None:
            ds['data_root'] = args.data_root
        ds['test_mode'] = True
        probe[part] = ds
    if args.labels is not None:
        probe['labels'] = args.labels
    if not probe.get('labels'):
        raise SystemExit('no labels: pass --labels FILE ({key: {attribute: '
                         'value}}) or set probe.labels in the config')
    if args.attributes:
        probe['attributes'] = args.attributes
    return probe


@torch.no_grad()
def encode(model, dataset_cfg, batch_size, max_items, with_adapter):
    """Per-item features (mean of L2-normalised frame features), their
    keys, the dataset and the number of items used."""
    from mmengine.dataset import pseudo_collate
    from torch.utils.data import DataLoader

    from mvadapt.registry import DATASETS
    dataset = DATASETS.build(dataset_cfg)
    n = len(dataset) if max_items is None else min(max_items, len(dataset))
    loader = DataLoader(torch.utils.data.Subset(dataset, range(n)),
                        batch_size=batch_size, collate_fn=pseudo_collate,
                        num_workers=0)
    feats, keys = [], []
    adapter = getattr(model, 'adapter', None)
    for batch in loader:
        data = model.data_preprocessor(batch, training=False)
        inputs = data['inputs']
        if adapter is not None and not with_adapter:
            with adapter.disabled():
                _, frames = model.backbone.encode_video(
                    inputs['imgs'], inputs.get('video_mask'),
                    return_frames=True)
        else:
            _, frames = model.backbone.encode_video(
                inputs['imgs'], inputs.get('video_mask'), return_frames=True)
        mask = inputs.get('video_mask')
        if mask is None:
            mask = frames.new_ones(frames.shape[:2])
        mean = (frames * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        feats.append(mean.float().cpu())
        keys += [s.metainfo.get('video_key') for s in data['data_samples']]
    return torch.cat(feats).numpy(), keys, dataset, n


@torch.no_grad()
def zero_shot_captions(model, dataset, n, feats, with_adapter):
    """Item-to-caption top-1 among the distinct captions of the set."""
    own = []
    for i in range(n):
        text = dataset.get_data_info(i).get('text')
        if text is None:
            return None
        own.append({text} if isinstance(text, str) else set(text))
    distinct = sorted(set().union(*own))
    if len(distinct) < 2:
        return None
    from mvadapt.registry import TRANSFORMS
    tokenize = None
    for t in dataset.pipeline.transforms:
        if type(t).__name__ == 'OpenCLIPTokenize':
            tokenize = t
    if tokenize is None:
        tokenize = TRANSFORMS.build(dict(
            type='OpenCLIPTokenize', max_words=model.backbone.max_words))
    tokens = tokenize.transform(dict(text=distinct))['text']
    adapter = getattr(model, 'adapter', None)
    chunks = []
    for i in range(0, len(distinct), 512):
        part = tokens[i:i + 512].to(next(model.parameters()).device)
        if adapter is not None and not with_adapter:
            with adapter.disabled():
                chunks.append(model.backbone.encode_text(part).cpu())
        else:
            chunks.append(model.backbone.encode_text(part).cpu())
    text = torch.cat(chunks).float()
    video = torch.nn.functional.normalize(torch.from_numpy(feats), dim=-1)
    best = (video @ text.T).argmax(1).tolist()
    hits = [distinct[b] in caps for b, caps in zip(best, own)]
    return dict(accuracy=100.0 * float(np.mean(hits)),
                num_captions=len(distinct))


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    probe = probe_settings(cfg, args)
    start = time.time()
    model = init_model(cfg, args.checkpoint, device=args.device)
    labels_path = probe['labels']
    root = probe['val'].get('data_root')
    if not osp.isabs(labels_path) and root and not osp.isfile(labels_path):
        labels_path = osp.join(root, labels_path)  # relative to the data
    if not osp.isfile(labels_path):
        raise SystemExit(f'label file not found: {labels_path}')
    with open(labels_path, encoding='utf-8') as f:
        labels = json.load(f)
    batch_size = args.batch_size or probe.get('batch_size', 64)
    max_items = args.max_items or probe.get('max_items')
    sets = {}
    for part in ('train', 'val'):
        feats, keys, dataset, n = encode(model, probe[part], batch_size,
                                         max_items, args.with_adapter)
        missing = [k for k in keys if k not in labels]
        if missing:
            raise SystemExit(f'{len(missing)} {part} items have no labels in '
                             f'{labels_path} (first: {missing[0]!r})')
        sets[part] = (feats, keys, dataset, n)
    attributes = probe.get('attributes') or sorted(
        {a for v in labels.values() for a in v})
    results = {}
    ftr, ktr = sets['train'][:2]
    fva, kva = sets['val'][:2]
    for attr in attributes:
        tr = [i for i, k in enumerate(ktr) if labels[k].get(attr) is not None]
        va = [i for i, k in enumerate(kva) if labels[k].get(attr) is not None]
        if not tr or not va:
            raise SystemExit(f'attribute {attr!r} has no labels in one of '
                             'the sets')
        res = linear_probe(ftr[tr], [labels[ktr[i]][attr] for i in tr],
                           fva[va], [labels[kva[i]][attr] for i in va])
        results[attr] = dict(res, n_train=len(tr), n_val=len(va))
    zs = zero_shot_captions(model, sets['val'][2], sets['val'][3], fva,
                            args.with_adapter)

    print(f"\nLinear probes on the {'adapted' if args.with_adapter else 'frozen'}"
          f' frame features of {args.config}'
          f"{'' if args.checkpoint is None else ' + ' + args.checkpoint}"
          f' (fitted on {len(ftr)} items, tested on {len(fva)} held-out '
          'items):\n')
    print('| attribute | classes | probe accuracy | chance (majority) |')
    print('|---|---|---|---|')
    for attr, r in results.items():
        print(f"| {attr} | {r['num_classes']} | {r['accuracy']:.1f} | "
              f"{r['chance']:.1f} |")
    if zs is not None:
        print(f"\nZero-shot item-to-caption top-1 among the "
              f"{zs['num_captions']} distinct held-out captions: "
              f"{zs['accuracy']:.1f}")
    print(f'({time.time() - start:.0f} s)')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(probes=results, zero_shot=zs), f, indent=2)
        print(f'Results written to {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
