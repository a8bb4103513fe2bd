#!/usr/bin/env python
"""Convert the official HMDB51 split files into MMAction2 video lists.

Output format (MMAction2 ``VideoDataset``; one video per line, the path
relative to the videos folder and a 0-based label)::

    brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi 0

Inputs (the official ``test_train_splits.rar``, folder
``testTrainMulti_7030_splits/``): one file ``<class>_test_split<k>.txt`` per
class and split k (51 x 3 files), with lines ``<video>.avi <id>`` where id 1
is a training video, 2 a test video and 0 a video unused by that split.

The classes are the ``<class>`` parts of the file names, sorted
alphabetically (the standard label order: ``brush_hair`` is 0, ``wave`` is
50). For each split k (``--splits``, default 1 2 3) it writes
``hmdb51_train_split_k.txt`` (id 1) and ``hmdb51_val_split_k.txt`` (id 2)
with paths ``<class>/<video>.avi``, in class order and file order within a
class, and once ``class_names.txt`` (line i is the name of label i; with
``--readable-names`` underscores become spaces: ``brush hair``).

Example::

    python tools/data/hmdb51/convert_splits.py \\
        --list-dir data/hmdb51/testTrainMulti_7030_splits \\
        --out-dir data/hmdb51/annotations \\
        --readable-names \\
        --check-videos data/hmdb51/videos
"""
import argparse
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (add_common_args, ConversionError, Output,  # noqa: E402
                     read_lines, run_lists, video_ext)

__all__ = ['ConversionError', 'find_classes', 'read_split_file', 'main']

Sample = Tuple[str, int]
# (output file name, samples or class names)

SPLITS = (1, 2, 3)
SPLIT_FILE = re.compile(r'^(.+)_test_split(\d+)\.txt$')
USAGE = {'0': 'unused', '1': 'train', '2': 'test'}




def find_classes(list_dir: str) -> List[str]:
    """The classes of the ``<class>_test_split<k>.txt`` files of
    ``list_dir``, sorted alphabetically.

    Raises:
        ConversionError: If the folder is missing or holds no split file.
    """
    if not osp.isdir(list_dir):
        raise ConversionError(f'{list_dir}: directory not found')
    classes = set()
    for name in os.listdir(list_dir):
        match = SPLIT_FILE.match(name)
        if match:
            classes.add(match.group(1))
    if not classes:
        raise ConversionError(
            f'{list_dir}: no <class>_test_split<k>.txt files')
    return sorted(classes)


def read_split_file(path: str) -> Dict[str, List[str]]:
    """Read one ``<class>_test_split<k>.txt``.

    Returns:
        dict[str, list[str]]: The video names per usage (``train``,
        ``test``, ``unused``), in file order.

    Raises:
        ConversionError: If the file is missing or empty, a line is not
            ``<video> <0|1|2>`` or a video is listed twice.
    """
    videos: Dict[str, List[str]] = {u: [] for u in USAGE.values()}
    seen: Dict[str, int] = {}
    for line_no, line in read_lines(path):
        parts = line.split()
        if len(parts) != 2 or parts[1] not in USAGE or '/' in parts[0]:
            raise ConversionError(
                f'{path}, line {line_no}: expected "<video> <id>" with id 0 '
                f'(unused), 1 (train) or 2 (test), got {line!r}')
        video = parts[0]
        if video in seen:
            raise ConversionError(
                f'{path}, line {line_no}: video {video!r} is listed twice '
                f'(first on line {seen[video]})')
        seen[video] = line_no
        videos[USAGE[parts[1]]].append(video)
    if not seen:
        raise ConversionError(f'{path}: no videos')
    return videos


def convert_split(list_dir: str, classes: Sequence[str], k: int,
                  ext: Optional[str]) -> Tuple[List[Sample], List[Sample],
                                               int]:
    """Train and test samples of split ``k`` and the number of unused
    videos."""
    train: List[Sample] = []
    test: List[Sample] = []
    unused = 0
    for label, cls in enumerate(classes):
        videos = read_split_file(
            osp.join(list_dir, f'{cls}_test_split{k}.txt'))
        for usage, samples in (('train', train), ('test', test)):
            for video in videos[usage]:
                if ext is not None:
                    video = osp.splitext(video)[0] + ext
                samples.append((f'{cls}/{video}', label))
        unused += len(videos['unused'])
    return train, test, unused


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert the official HMDB51 splits '
        '(testTrainMulti_7030_splits/) to MMAction2 video lists '
        '"<class>/<video>.avi <label>" and class_names.txt.')
    parser.add_argument(
        '--list-dir', required=True,
        help='testTrainMulti_7030_splits/ folder '
        '(<class>_test_split<k>.txt files)')
    parser.add_argument(
        '--splits', type=int, nargs='+', choices=SPLITS, default=SPLITS,
        metavar='K', help='splits to convert (default: 1 2 3)')
    parser.add_argument(
        '--readable-names', action='store_true',
        help='write class names with spaces (brush hair) instead of '
        'underscores (brush_hair)')
    parser.add_argument(
        '--video-ext', type=video_ext,
        help='replace the .avi extension of the listed videos (e.g. .mp4 '
        'after re-encoding; default: keep)')
    add_common_args(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)

    def convert() -> List[Output]:
        classes = find_classes(args.list_dir)
        names = ([c.replace('_', ' ') for c in classes]
                 if args.readable_names else list(classes))
        outputs: List[Output] = [('class_names.txt', names)]
        for k in sorted(set(args.splits)):
            train, test, unused = convert_split(args.list_dir, classes, k,
                                                args.video_ext)
            print(f'split {k}: {len(classes)} classes, {len(train)} train, '
                  f'{len(test)} test, {unused} unused (id 0) videos')
            outputs.append((f'hmdb51_train_split_{k}.txt', train))
            outputs.append((f'hmdb51_val_split_{k}.txt', test))
        return outputs

    return run_lists(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
