"""Protocol splits for action recognition (deterministic for a seed).

    # K-shot training list
    python tools/data/make_splits.py kshot TRAIN_LIST --k 16 --seed 0 --out OUT
    # base-to-novel: base/novel classes (re-indexed from 0), K-shot base
    # training list, base and novel test lists
    python tools/data/make_splits.py b2n TRAIN_LIST TEST_LIST CLASS_NAMES \\
        --k 16 --seed 0 [--class-seed 0] --out-dir DIR

Lists are MMAction2 ``VideoDataset`` files (``path label``); class names one
per line.

Base-to-novel follows ViFi-CLIP's protocol: the base/novel classes are fixed
(``--class-seed 0``, the default: the first half of CLASS_NAMES is base, the
odd class going to base) and the three splits differ only in the K shots
sampled per base class, ``--seed 0``, ``1`` and ``2``. ``--class-seed S``
(S != 0) shuffles the classes with seed S before halving them instead.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from mvadapt.datasets.splits import (k_shot, read_video_list,  # noqa: E402
                                     relabel, split_base_novel,
                                     write_video_list)
from mvadapt.utils.descriptions import read_class_names  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('kshot')
    p.add_argument('train_list')
    p.add_argument('--k', type=int, required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', required=True)
    p = sub.add_parser('b2n')
    p.add_argument('train_list')
    p.add_argument('test_list')
    p.add_argument('class_names')
    p.add_argument('--k', type=int, default=16)
    p.add_argument('--seed', type=int, default=0,
                   help='seed of the K-shot sampling (split 1, 2, 3: 0, 1, '
                   '2)')
    p.add_argument('--class-seed', type=int, default=0,
                   help='seed of the base/novel class split; 0 (default) '
                   'keeps the first half as base, the same for every split')
    p.add_argument('--out-dir', required=True)
    args = parser.parse_args(argv)
    try:
        if args.cmd == 'kshot':
            out = k_shot(read_video_list(args.train_list), args.k, args.seed)
            os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
            write_video_list(args.out, out)
            print(f'Wrote {len(out)} samples ({args.k} per class, seed '
                  f'{args.seed}) to {args.out}')
            return 0
        names = read_class_names(args.class_names)
        train = read_video_list(args.train_list)
        test = read_video_list(args.test_list)
        for path, samples in ((args.train_list, train),
                              (args.test_list, test)):
            bad = [s for s in samples if s[1] >= len(names)]
            if bad:
                raise ValueError(f'{path}: label {bad[0][1]} of {bad[0][0]} '
                                 f'is not in {args.class_names} '
                                 f'({len(names)} classes)')
        base, novel = split_base_novel(len(names), args.class_seed)
        os.makedirs(args.out_dir, exist_ok=True)
        files = {
            'base_class_names.txt': [names[c] for c in base],
            'novel_class_names.txt': [names[c] for c in novel]}
        for fname, lines in files.items():
            with open(osp.join(args.out_dir, fname), 'w') as f:
                f.writelines(n + '\n' for n in lines)
        write_video_list(osp.join(args.out_dir, 'train_base.txt'),
                         relabel(k_shot(train, args.k, args.seed, base),
                                 base))
        write_video_list(osp.join(args.out_dir, 'test_base.txt'),
                         relabel(test, base))
        write_video_list(osp.join(args.out_dir, 'test_novel.txt'),
                         relabel(test, novel))
        print(f'{len(base)} base / {len(novel)} novel classes (class seed '
              f'{args.class_seed}), {args.k} shots per base class (seed '
              f'{args.seed}) -> {args.out_dir}')
        return 0
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
