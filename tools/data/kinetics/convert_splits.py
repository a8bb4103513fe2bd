#!/usr/bin/env python
"""Convert the Kinetics-400/600/700 annotation CSVs into MMAction2 lists.

Output format (MMAction2 ``VideoDataset``; one video per line, the path
relative to the videos folder and a 0-based label)::

    --07WQ2iBlw_000001_000011.mp4 212

Inputs: the official ``train.csv`` / ``validate.csv`` with the header
``label,youtube_id,time_start,time_end,split`` (``split`` is optional). Each
row is one clip; its file name is ``--name-format`` filled with the row
(default ``{youtube_id}_{time_start:06d}_{time_end:06d}.mp4``, the naming of
the common downloaders; fields: ``label``, ``label_underscored`` (spaces
replaced by ``_``), ``youtube_id``, ``time_start``, ``time_end`` (integers)
and ``split``), e.g. ``{label_underscored}/{youtube_id}_...`` for videos
stored in class folders.

The classes are all labels of the given CSVs sorted alphabetically (the
standard order), or the lines of ``--class-names`` (e.g. an official class
list; labels are then matched ignoring case and repeated whitespace). It
writes ``<prefix>_train_list.txt``, ``<prefix>_val_list.txt`` (rows in file
order) and ``class_names.txt`` (line i is the name of label i); the prefix
is ``kinetics<number of classes>`` unless ``--prefix`` is given.

Zero-shot protocol on Kinetics-600 (``--novel-from K400_CLASS_NAMES``): the
K600 classes that are not K400 classes (compared ignoring case and repeated
whitespace; 220 for the official lists) are written to
``k600_novel_class_names.txt`` and their validation videos, re-indexed
0..219 in class order, to ``k600_novel_val_list.txt``. It also writes the
three 160-class zero-shot splits of ViFi-CLIP (which MSTA's K600 results
use; ``labels/ZS_split{1,2,3}_K600.csv`` there, shipped in
``mvadapt/datasets/protocols/vificlip/``) as
``k600_novel_split_<s>_class_names.txt`` and
``k600_novel_split_<s>_val_list.txt`` (classes in ViFi-CLIP's order,
re-indexed from 0), when the novel classes hold them (compared by letters
and digits, ignoring case). ``--novel-splits S --novel-size M --seed X``
writes S random subsets of M novel classes instead (``random.Random(X)``, so
deterministic; classes in novel-class order); ``--novel-splits 0`` none.
``--novel-prefix`` replaces ``k600``.

Example::

    python tools/data/kinetics/convert_splits.py \\
        --train-csv data/kinetics400/annotations/train.csv \\
        --val-csv data/kinetics400/annotations/validate.csv \\
        --out-dir data/kinetics400/lists \\
        --check-videos data/kinetics400/videos
"""
import argparse
import csv
import os.path as osp
import random
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
from mvadapt.datasets.splits import (class_key,  # noqa: E402
                                     vificlip_k600_zero_shot)
from _common import (add_common_args, ConversionError, Output,  # noqa: E402
                     require_file, require_one, run_lists)

__all__ = ['ConversionError', 'read_csv', 'read_class_names',
           'normalize_name', 'build_list', 'novel_classes', 'main']

Sample = Tuple[str, int]
# (output file name, samples or class names)

DEFAULT_NAME_FORMAT = '{youtube_id}_{time_start:06d}_{time_end:06d}.mp4'
NAME_FIELDS = ('label', 'label_underscored', 'youtube_id', 'time_start',
               'time_end', 'split')
REQUIRED_COLUMNS = ('label', 'youtube_id', 'time_start', 'time_end')
SPLITS = (('train', 'train.csv'), ('val', 'validate.csv'))


class Clip(NamedTuple):
    line_no: int
    label: str
    youtube_id: str
    time_start: int
    time_end: int
    split: str




def normalize_name(name: str) -> str:
    """Class-name key for comparisons: case-folded, whitespace collapsed."""
    return ' '.join(name.split()).casefold()


def _parse_time(text: str) -> Optional[int]:
    try:
        value = float(text)
    except ValueError:
        return None
    if not value.is_integer() or value < 0:
        return None
    return int(value)


def read_csv(path: str) -> List[Clip]:
    """Read a Kinetics annotation CSV.

    Returns:
        list[Clip]: The rows in file order, label whitespace-collapsed.

    Raises:
        ConversionError: If the file is missing, not CSV, lacks a required
            column or a row is malformed (naming the line).
    """
    require_file(path)
    clips = []
    try:
        with open(path, encoding='utf-8-sig', newline='') as f:
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise ConversionError(
                    f'{path}: the header must have the columns '
                    f'{",".join(REQUIRED_COLUMNS)}; missing {missing} (got '
                    f'{columns})')
            for row in reader:
                line_no = reader.line_num
                if None in row or None in row.values():
                    raise ConversionError(
                        f'{path}, line {line_no}: expected {len(columns)} '
                        f'columns ({",".join(columns)})')
                label = ' '.join(row['label'].split())
                youtube_id = row['youtube_id'].strip()
                start = _parse_time(row['time_start'])
                end = _parse_time(row['time_end'])
                if not label:
                    raise ConversionError(
                        f'{path}, line {line_no}: empty label')
                if not youtube_id or any(c.isspace() or c in '/\\'
                                         for c in youtube_id):
                    raise ConversionError(
                        f'{path}, line {line_no}: invalid youtube_id '
                        f'{row["youtube_id"]!r}')
                if start is None or end is None:
                    raise ConversionError(
                        f'{path}, line {line_no}: time_start/time_end must '
                        'be non-negative integers, got '
                        f'{row["time_start"]!r}, {row["time_end"]!r}')
                clips.append(Clip(line_no, label, youtube_id, start, end,
                                  (row.get('split') or '').strip()))
    except UnicodeDecodeError as e:
        raise ConversionError(f'{path}: not UTF-8 text ({e})') from e
    except csv.Error as e:
        raise ConversionError(f'{path}: not valid CSV ({e})') from e
    if not clips:
        raise ConversionError(f'{path}: no videos')
    return clips


def read_class_names(path: str) -> List[str]:
    """Read a class-names file (one name per line, line i = label i).

    Raises:
        ConversionError: If the file is missing or empty, has a blank line
            before the last name or a name twice (ignoring case and
            whitespace).
    """
    require_file(path)
    try:
        with open(path, encoding='utf-8-sig') as f:
            lines = [line.strip() for line in f]
    except UnicodeDecodeError as e:
        raise ConversionError(f'{path}: not UTF-8 text ({e})') from e
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise ConversionError(f'{path}: no class names')
    seen: Dict[str, int] = {}
    for line_no, name in enumerate(lines, 1):
        if not name:
            raise ConversionError(
                f'{path}, line {line_no}: blank line (line i names label '
                'i - 1)')
        key = normalize_name(name)
        if key in seen:
            raise ConversionError(
                f'{path}, line {line_no}: class {name!r} is listed twice '
                f'(first on line {seen[key]})')
        seen[key] = line_no
    return [' '.join(name.split()) for name in lines]


def build_list(path: str, clips: Sequence[Clip], label_of: Dict[str, int],
               classes_source: str, name_format: str) -> List[Sample]:
    """Video list of one CSV.

    Args:
        path (str): The CSV, for error messages.
        clips (list[Clip]): Its rows.
        label_of (dict[str, int]): Label per :func:`normalize_name` key.
        classes_source (str): Where the classes come from, for errors.
        name_format (str): ``--name-format``.

    Raises:
        ConversionError: If a label is not a class, a video path contains
            whitespace (not representable in a ``VideoDataset`` list) or a
            video is listed twice.
    """
    samples = []
    seen: Dict[str, int] = {}
    for clip in clips:
        label = label_of.get(normalize_name(clip.label))
        if label is None:
            raise ConversionError(
                f'{path}, line {clip.line_no}: label {clip.label!r} is not in '
                f'{classes_source}')
        video = name_format.format(
            label=clip.label, label_underscored=clip.label.replace(' ', '_'),
            youtube_id=clip.youtube_id, time_start=clip.time_start,
            time_end=clip.time_end, split=clip.split)
        if any(c.isspace() for c in video):
            raise ConversionError(
                f'{path}, line {clip.line_no}: video path {video!r} contains '
                'whitespace, which a VideoDataset list cannot hold (use '
                '{label_underscored} in --name-format)')
        if video in seen:
            raise ConversionError(
                f'{path}, line {clip.line_no}: video {video!r} is listed '
                f'twice (first on line {seen[video]})')
        seen[video] = clip.line_no
        samples.append((video, label))
    return samples


def relabel(samples: Sequence[Sample], classes: Sequence[int]
            ) -> List[Sample]:
    """The samples of ``classes``, labels re-indexed from 0 in the order of
    ``classes`` (as :func:`mvadapt.datasets.splits.relabel`)."""
    index = {c: i for i, c in enumerate(classes)}
    return [(p, index[c]) for p, c in samples if c in index]


def novel_classes(names: Sequence[str], known: Sequence[str]) -> List[int]:
    """Indices of ``names`` not in ``known`` (ignoring case and repeated
    whitespace), in ``names`` order."""
    known_keys = {normalize_name(n) for n in known}
    return [i for i, n in enumerate(names)
            if normalize_name(n) not in known_keys]


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert Kinetics annotation CSVs to MMAction2 video '
        'lists "<video file> <label>" and class_names.txt; optionally the '
        'K600 zero-shot (novel-class) lists.')
    for split, name in SPLITS:
        parser.add_argument(
            f'--{split}-csv', help=f'{name} -> <prefix>_{split}_list.txt')
    parser.add_argument(
        '--class-names', metavar='FILE',
        help='use these classes (one per line, line i = label i) instead of '
        'the sorted CSV labels')
    parser.add_argument(
        '--name-format', default=DEFAULT_NAME_FORMAT,
        help='video path relative to the videos folder, a str.format '
        f'pattern with the fields {", ".join(NAME_FIELDS)} (default: '
        '%(default)s)')
    parser.add_argument(
        '--prefix', help='output list prefix (default: kinetics<number of '
        'classes>, e.g. kinetics400)')
    parser.add_argument(
        '--novel-from', metavar='K400_CLASS_NAMES',
        help='write the classes not in this class list and their validation '
        'videos (Kinetics-600 zero-shot protocol; needs --val-csv)')
    parser.add_argument(
        '--novel-splits', type=int, default=None, metavar='S',
        help="write S random subsets of --novel-size novel classes instead "
        "of ViFi-CLIP's three zero-shot splits (the default; 0: none)")
    parser.add_argument(
        '--novel-size', type=int, default=160, metavar='M',
        help='classes per novel subset (default: %(default)s)')
    parser.add_argument(
        '--seed', type=int, default=0,
        help='seed of the novel subsets (default: %(default)s)')
    parser.add_argument(
        '--novel-prefix', default='k600',
        help='prefix of the novel-class files (default: %(default)s)')
    add_common_args(parser)
    args = parser.parse_args(argv)
    require_one(parser, args, [f'--{s}-csv' for s, _ in SPLITS])
    try:
        args.name_format.format(
            label='a b', label_underscored='a_b', youtube_id='x',
            time_start=1, time_end=2, split='train')
    except (KeyError, IndexError, ValueError, AttributeError) as e:
        parser.error(f'--name-format {args.name_format!r}: invalid pattern '
                     f'({type(e).__name__}: {e}); fields: '
                     f'{", ".join(NAME_FIELDS)}')
    if args.novel_from and not args.val_csv:
        parser.error('--novel-from needs --val-csv')
    if args.novel_splits and not args.novel_from:
        parser.error('--novel-splits needs --novel-from')
    if (args.novel_splits or 0) < 0 or args.novel_size < 1:
        parser.error('--novel-splits must be >= 0 and --novel-size >= 1')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)

    def convert() -> List[Output]:
        clips = {split: (getattr(args, f'{split}_csv'),
                         read_csv(getattr(args, f'{split}_csv')))
                 for split, _ in SPLITS if getattr(args, f'{split}_csv')}
        if args.class_names:
            names = read_class_names(args.class_names)
            source = args.class_names
        else:
            names = sorted({c.label for _, rows in clips.values()
                            for c in rows})
            source = 'the class list'
            keys: Dict[str, str] = {}
            for name in names:
                other = keys.setdefault(normalize_name(name), name)
                if other != name:
                    raise ConversionError(
                        f'labels {other!r} and {name!r} differ only in case '
                        'or whitespace')
        label_of = {normalize_name(n): i for i, n in enumerate(names)}
        prefix = args.prefix or f'kinetics{len(names)}'
        outputs: List[Output] = [('class_names.txt', names)]
        lists = {}
        for split, (path, rows) in clips.items():
            lists[split] = build_list(path, rows, label_of, source,
                                      args.name_format)
            outputs.append((f'{prefix}_{split}_list.txt', lists[split]))
        if args.novel_from:
            outputs += novel_outputs(names, lists['val'])
        return outputs

    def vificlip_subsets(names: List[str], novel: List[int]
                         ) -> List[List[int]]:
        """ViFi-CLIP's zero-shot splits as indices of names, or none (with
        a note) when the novel classes do not hold them."""
        index = {class_key(names[c]): c for c in novel}
        splits = [vificlip_k600_zero_shot(s) for s in (1, 2, 3)]
        absent = sorted({n for split in splits for n in split
                         if class_key(n) not in index})
        if absent:
            print(f"ViFi-CLIP's K600 zero-shot splits not written: "
                  f'{len(absent)} of their classes are not novel classes '
                  f'here, e.g. {absent[:3]} (--novel-splits S draws random '
                  'subsets instead)')
            return []
        print("ViFi-CLIP's K600 zero-shot splits 1-3 (160 classes each)")
        return [[index[class_key(n)] for n in split] for split in splits]

    def novel_outputs(names: List[str], val: List[Sample]) -> List[Output]:
        known = read_class_names(args.novel_from)
        novel = novel_classes(names, known)
        absent = novel_classes(known, names)
        print(f'{len(novel)} of {len(names)} classes are not in '
              f'{args.novel_from} ({len(known)} classes'
              + (f'; {len(absent)} of them are not in the class list, e.g. '
                 f'{[known[i] for i in absent[:5]]}' if absent else '')
              + ')')
        if not novel:
            raise ConversionError(
                f'{args.novel_from}: holds every class; no novel classes')
        np = args.novel_prefix
        outputs: List[Output] = [
            (f'{np}_novel_class_names.txt', [names[c] for c in novel]),
            (f'{np}_novel_val_list.txt', relabel(val, novel))]
        if args.novel_splits is None:
            subsets = vificlip_subsets(names, novel)
        else:
            if args.novel_splits and args.novel_size > len(novel):
                raise ConversionError(
                    f'--novel-size {args.novel_size} is larger than the '
                    f'{len(novel)} novel classes')
            rng = random.Random(args.seed)
            subsets = [[novel[i] for i in sorted(
                rng.sample(range(len(novel)), args.novel_size))]
                for _ in range(args.novel_splits)]
        for s, subset in enumerate(subsets, 1):
            outputs += [
                (f'{np}_novel_split_{s}_class_names.txt',
                 [names[c] for c in subset]),
                (f'{np}_novel_split_{s}_val_list.txt', relabel(val, subset))]
        return outputs

    return run_lists(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
