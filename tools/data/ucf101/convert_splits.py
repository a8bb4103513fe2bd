#!/usr/bin/env python
"""Convert the official UCF101 split lists into MMAction2 video lists.

Output format (MMAction2 ``VideoDataset``; one video per line, the path
relative to the videos folder and a 0-based label)::

    ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 0

Inputs (the official ``UCF101TrainTestSplits-RecognitionTask.zip``, folder
``ucfTrainTestlist/``):

* ``classInd.txt``: ``<1-based index> <ClassName>`` per line, e.g.
  ``1 ApplyEyeMakeup``; the indices must be exactly 1..N.
* ``trainlist0{1,2,3}.txt``: ``<ClassName>/<video>.avi <1-based index>``;
  the folder must be the class of the index.
* ``testlist0{1,2,3}.txt``: ``<ClassName>/<video>.avi``; the label is the
  class of the folder.

For each split k (``--splits``, default 1 2 3) it writes
``ucf101_train_split_k.txt`` and ``ucf101_val_split_k.txt`` (from the test
list; labels are ``index - 1``), and once ``class_names.txt`` (line i is the
name of label i): the CamelCase names of ``classInd.txt`` or, with
``--readable-names``, split into words (``Apply Eye Makeup``) for text
prompts.

Example::

    python tools/data/ucf101/convert_splits.py \\
        --list-dir data/ucf101/ucfTrainTestlist \\
        --out-dir data/ucf101/annotations \\
        --readable-names \\
        --check-videos data/ucf101/videos
"""
import argparse
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (add_common_args, ConversionError, Output,  # noqa: E402
                     read_lines, run_lists, video_ext)

__all__ = ['ConversionError', 'read_class_ind', 'read_train_list',
           'read_test_list', 'readable_name', 'main']

Sample = Tuple[str, int]
# (output file name, samples or class names)

SPLITS = (1, 2, 3)




def readable_name(name: str) -> str:
    """Split a CamelCase class name into words: ``ApplyEyeMakeup`` ->
    ``Apply Eye Makeup``, ``YoYo`` -> ``Yo Yo``."""
    return re.sub(r'(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])', ' ',
                  name)


def read_class_ind(path: str) -> List[str]:
    """Read ``classInd.txt``.

    Returns:
        list[str]: Class names, item ``i`` has index ``i + 1``.

    Raises:
        ConversionError: If the file is missing, a line is not
            ``<index> <ClassName>``, an index or name is listed twice or the
            indices are not 1..N.
    """
    by_index: Dict[int, Tuple[int, str]] = {}
    by_name: Dict[str, int] = {}
    for line_no, line in read_lines(path):
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit():
            raise ConversionError(
                f'{path}, line {line_no}: expected "<index> <ClassName>", '
                f'got {line!r}')
        index, name = int(parts[0]), parts[1]
        if index in by_index:
            raise ConversionError(
                f'{path}, line {line_no}: index {index} is listed twice '
                f'(first on line {by_index[index][0]})')
        if name in by_name:
            raise ConversionError(
                f'{path}, line {line_no}: class {name!r} is listed twice '
                f'(first on line {by_name[name]})')
        by_index[index] = (line_no, name)
        by_name[name] = line_no
    if not by_index:
        raise ConversionError(f'{path}: no classes')
    n = len(by_index)
    wrong = sorted(set(by_index) - set(range(1, n + 1)))
    if wrong:
        raise ConversionError(
            f'{path}, line {by_index[wrong[0]][0]}: index {wrong[0]} is '
            f'outside 1..{n} (the indices must be 1..{n})')
    return [by_index[i][1] for i in range(1, n + 1)]


def _folder(path: str, line_no: int, video: str) -> str:
    folder, sep, name = video.partition('/')
    if not sep or not folder or not name:
        raise ConversionError(
            f'{path}, line {line_no}: expected "<ClassName>/<video>", got '
            f'{video!r}')
    return folder


def _check_duplicate(seen: Dict[str, int], path: str, line_no: int,
                     video: str) -> None:
    if video in seen:
        raise ConversionError(
            f'{path}, line {line_no}: video {video!r} is listed twice (first '
            f'on line {seen[video]})')
    seen[video] = line_no


def read_train_list(path: str, classes: Sequence[str],
                    class_path: str) -> List[Sample]:
    """Read ``trainlist0k.txt`` (``<Class>/<video>.avi <index>``).

    Returns:
        list[tuple[str, int]]: ``(video path, 0-based label)`` in file
        order.
    """
    samples = []
    seen: Dict[str, int] = {}
    for line_no, line in read_lines(path):
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit():
            raise ConversionError(
                f'{path}, line {line_no}: expected "<ClassName>/<video> '
                f'<index>", got {line!r}')
        video, index = parts[0], int(parts[1])
        if not 1 <= index <= len(classes):
            raise ConversionError(
                f'{path}, line {line_no}: class index {index} is not in '
                f'{class_path} (1..{len(classes)})')
        folder = _folder(path, line_no, video)
        if folder != classes[index - 1]:
            raise ConversionError(
                f'{path}, line {line_no}: folder {folder!r} does not match '
                f'class {index} ({classes[index - 1]!r}) of {class_path}')
        _check_duplicate(seen, path, line_no, video)
        samples.append((video, index - 1))
    if not samples:
        raise ConversionError(f'{path}: no videos')
    return samples


def read_test_list(path: str, classes: Sequence[str],
                   class_path: str) -> List[Sample]:
    """Read ``testlist0k.txt`` (``<Class>/<video>.avi``, the label is the
    folder's class; an optional trailing index must agree with it).

    Returns:
        list[tuple[str, int]]: ``(video path, 0-based label)`` in file
        order.
    """
    label_of = {name: i for i, name in enumerate(classes)}
    samples = []
    seen: Dict[str, int] = {}
    for line_no, line in read_lines(path):
        parts = line.split()
        if len(parts) not in (1, 2) or (len(parts) == 2
                                        and not parts[1].isdigit()):
            raise ConversionError(
                f'{path}, line {line_no}: expected "<ClassName>/<video>", '
                f'got {line!r}')
        video = parts[0]
        folder = _folder(path, line_no, video)
        if folder not in label_of:
            raise ConversionError(
                f'{path}, line {line_no}: folder {folder!r} is not a class '
                f'of {class_path}')
        label = label_of[folder]
        if len(parts) == 2 and int(parts[1]) != label + 1:
            raise ConversionError(
                f'{path}, line {line_no}: index {parts[1]} does not match '
                f'folder {folder!r} (class {label + 1} of {class_path})')
        _check_duplicate(seen, path, line_no, video)
        samples.append((video, label))
    if not samples:
        raise ConversionError(f'{path}: no videos')
    return samples


def with_ext(samples: List[Sample], ext: Optional[str]) -> List[Sample]:
    """Replace each video's extension by ``ext`` (kept when None)."""
    if ext is None:
        return samples
    return [(osp.splitext(p)[0] + ext, label) for p, label in samples]


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert the official UCF101 splits (ucfTrainTestlist/) '
        'to MMAction2 video lists "<Class>/<video>.avi <label>" and '
        'class_names.txt.')
    parser.add_argument(
        '--list-dir', required=True,
        help='ucfTrainTestlist/ folder (classInd.txt, trainlist0k.txt, '
        'testlist0k.txt)')
    parser.add_argument(
        '--splits', type=int, nargs='+', choices=SPLITS, default=SPLITS,
        metavar='K', help='splits to convert (default: 1 2 3)')
    parser.add_argument(
        '--readable-names', action='store_true',
        help='write class names as words (Apply Eye Makeup) instead of '
        'CamelCase (ApplyEyeMakeup)')
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
        class_path = osp.join(args.list_dir, 'classInd.txt')
        classes = read_class_ind(class_path)
        names = ([readable_name(c) for c in classes]
                 if args.readable_names else list(classes))
        outputs: List[Output] = [('class_names.txt', names)]
        for k in sorted(set(args.splits)):
            train = read_train_list(
                osp.join(args.list_dir, f'trainlist0{k}.txt'), classes,
                class_path)
            test = read_test_list(
                osp.join(args.list_dir, f'testlist0{k}.txt'), classes,
                class_path)
            outputs.append((f'ucf101_train_split_{k}.txt',
                            with_ext(train, args.video_ext)))
            outputs.append((f'ucf101_val_split_{k}.txt',
                            with_ext(test, args.video_ext)))
        return outputs

    return run_lists(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
