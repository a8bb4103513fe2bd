"""Protocol splits for action recognition (deterministic for a seed).

    # K-shot training list
    python tools/data/make_splits.py kshot TRAIN_LIST --k 16 --seed 0 --out OUT
    # base-to-novel: base/novel classes (re-indexed from 0), K-shot base
    # training list, base and novel test lists
    python tools/data/make_splits.py b2n TRAIN_LIST TEST_LIST CLASS_NAMES \\
        --k 16 --seed 0 [--shots-from FS_BASE_LIST] --out-dir DIR
    # a reference list (ViFi-CLIP's datasets_splits/*.txt) on your videos
    python tools/data/make_splits.py map REF_LIST REF_LABELS \\
        --videos LIST [LIST ...] --class-names CLASS_NAMES --out OUT

Lists are MMAction2 ``VideoDataset`` files (``path label``); class names one
per line (or ViFi-CLIP's ``id,name`` CSV).

Base-to-novel follows ViFi-CLIP's protocol, which MSTA's tables use: the
base/novel classes are fixed, the same in all three splits, and the splits
differ only in the K shots per base class. When CLASS_NAMES is Kinetics-400,
HMDB-51, UCF-101 or Something-Something v2 (recognised by its class names,
any spelling: ``brush_hair`` is ViFi-CLIP's ``brush hair``) the classes are
ViFi-CLIP's base/novel lists, in ViFi-CLIP's label order (shipped in
``mvadapt/datasets/protocols/vificlip/``). For other datasets they come from
the seeded generator: ``--class-seed 0`` (the default there) makes the first
half of CLASS_NAMES base, the odd class going to base; ``--class-seed S``
(S != 0) shuffles the classes with seed S first. Giving ``--class-seed``
uses the generator for any dataset; ``--base-classes FILE`` gives the base
classes explicitly (the rest are novel).

The K shots are drawn with ``--seed`` (0, 1, 2 for splits 1, 2, 3) unless
``--shots-from`` names ViFi-CLIP's training list of that split
(``datasets_splits/base2novel_splits/<ds>_splits/fs_base_s<k>_train.txt`` of
a ViFi-CLIP checkout): its videos are then looked up in TRAIN_LIST by file
name and used as they are. ``map`` does the same for any reference list
(ViFi-CLIP's few-shot ``train1_few_shot_<K>.txt``, its K600 zero-shot
``ZS_split<k>_K600_eval.txt``, ...): it writes the listed videos with your
paths and the reference's labels (REF_LABELS: the label file the reference
list is indexed by, e.g. ViFi-CLIP's ``labels/*.csv``), checking every
label against your own by class name.
"""
import argparse
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from mvadapt.datasets.splits import (find_vificlip_dataset,  # noqa: E402
                                     k_shot, match_classes, read_video_list,
                                     relabel, select_listed,
                                     split_base_novel, vificlip_base_novel,
                                     write_video_list)
from mvadapt.utils.descriptions import read_class_names  # noqa: E402


def check_labels(names, *lists):
    """Every label of the ``(path, samples)`` lists is a class of names."""
    for path, samples in lists:
        bad = [s for s in samples if s[1] >= len(names)]
        if bad:
            raise ValueError(f'{path}: label {bad[0][1]} of {bad[0][0]} is '
                             f'not in the class names ({len(names)} '
                             'classes)')


def base_novel_classes(args, names):
    """``(base, novel, how)``: class indices in names and a description."""
    if args.base_classes:
        base = match_classes(read_class_names(args.base_classes), names,
                             args.class_names)
        novel = [c for c in range(len(names)) if c not in base]
        return base, novel, f'base classes from {args.base_classes}'
    if args.class_seed is None:
        dataset = find_vificlip_dataset(names)
        if dataset is not None:
            base, novel = vificlip_base_novel(dataset)
            return (match_classes(base, names, args.class_names),
                    match_classes(novel, names, args.class_names),
                    f"ViFi-CLIP's fixed {dataset} lists")
    seed = args.class_seed or 0
    base, novel = split_base_novel(len(names), seed)
    how = 'first half base' if not seed else 'shuffled'
    return base, novel, f'seeded generator, class seed {seed} ({how})'


def cmd_b2n(args):
    names = read_class_names(args.class_names)
    train = read_video_list(args.train_list)
    test = read_video_list(args.test_list)
    check_labels(names, (args.train_list, train), (args.test_list, test))
    base, novel, how = base_novel_classes(args, names)
    if args.shots_from:
        train_base = select_listed(
            read_video_list(args.shots_from), [names[c] for c in base],
            train, names, args.shots_from)
        shots = f'the shots of {args.shots_from}'
    else:
        train_base = relabel(k_shot(train, args.k, args.seed, base), base)
        shots = f'{args.k} shots per base class (seed {args.seed})'
    os.makedirs(args.out_dir, exist_ok=True)
    for fname, classes in (('base_class_names.txt', base),
                           ('novel_class_names.txt', novel)):
        with open(osp.join(args.out_dir, fname), 'w') as f:
            f.writelines(names[c] + '\n' for c in classes)
    write_video_list(osp.join(args.out_dir, 'train_base.txt'), train_base)
    write_video_list(osp.join(args.out_dir, 'test_base.txt'),
                     relabel(test, base))
    write_video_list(osp.join(args.out_dir, 'test_novel.txt'),
                     relabel(test, novel))
    print(f'{len(base)} base / {len(novel)} novel classes ({how}), {shots} '
          f'-> {args.out_dir}')


def cmd_map(args):
    names = read_class_names(args.class_names)
    samples = []
    for path in args.videos:
        listed = read_video_list(path)
        check_labels(names, (path, listed))
        samples += listed
    out = select_listed(read_video_list(args.ref_list),
                        read_class_names(args.ref_labels), samples, names,
                        args.ref_list)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    write_video_list(args.out, out)
    print(f'Wrote the {len(out)} videos of {args.ref_list} (labels as in '
          f'{args.ref_labels}) to {args.out}')


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
    p.add_argument('--shots-from', metavar='FS_BASE_LIST',
                   help="ViFi-CLIP's K-shot base training list of the split "
                   '(instead of drawing the shots)')
    group = p.add_mutually_exclusive_group()
    group.add_argument('--class-seed', type=int, default=None,
                       help='use the seeded class split: 0 keeps the first '
                       'half as base (the default for datasets without '
                       "ViFi-CLIP lists), S != 0 shuffles with seed S")
    group.add_argument('--base-classes', metavar='FILE',
                       help='base class names, one per line (the rest are '
                       'novel)')
    p.add_argument('--out-dir', required=True)
    p = sub.add_parser('map')
    p.add_argument('ref_list', help="a reference list (ViFi-CLIP's "
                   'datasets_splits/*.txt)')
    p.add_argument('ref_labels', help='the label file it is indexed by')
    p.add_argument('--videos', nargs='+', required=True,
                   help='your video lists holding its videos')
    p.add_argument('--class-names', required=True,
                   help='the class names of your video lists')
    p.add_argument('--out', required=True)
    args = parser.parse_args(argv)
    try:
        if args.cmd == 'kshot':
            out = k_shot(read_video_list(args.train_list), args.k, args.seed)
            os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
            write_video_list(args.out, out)
            print(f'Wrote {len(out)} samples ({args.k} per class, seed '
                  f'{args.seed}) to {args.out}')
        elif args.cmd == 'b2n':
            cmd_b2n(args)
        else:
            cmd_map(args)
        return 0
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
