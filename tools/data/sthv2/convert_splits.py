#!/usr/bin/env python
"""Convert the Something-Something v2 annotations into MMAction2 video lists.

Output format (MMAction2 ``VideoDataset``; one video per line, the path
relative to the videos folder and a 0-based label)::

    78687.webm 103

Inputs (the official ``20bn-something-something-download-package-labels``):

* ``something-something-v2-labels.json``: ``{"<class name>": "<id>", ...}``
  with the ids exactly 0..N-1 (174 classes).
* ``something-something-v2-train.json`` / ``-validation.json``: lists of
  ``{"id": "78687", "label": "...", "template": "Holding [something] next to
  [something]", "placeholders": [...]}``. The class of an entry is its
  ``template`` with the square brackets removed (``Holding something next to
  something``), looked up in the labels file; ``label`` and
  ``placeholders`` (the filled-in objects) are not used.

Videos are ``<id>.webm`` (``--video-ext``). It writes
``sthv2_train_list.txt``, ``sthv2_val_list.txt`` (entries in file order) and
``class_names.txt`` (line i is the name of label id i).

Example::

    python tools/data/sthv2/convert_splits.py \\
        --labels-json data/sthv2/labels/something-something-v2-labels.json \\
        --train-json data/sthv2/labels/something-something-v2-train.json \\
        --val-json data/sthv2/labels/something-something-v2-validation.json \\
        --out-dir data/sthv2/annotations \\
        --check-videos data/sthv2/videos
"""
import argparse
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (add_common_args, ConversionError, load_json,  # noqa: E402
                     Output, require_one, run_lists)

__all__ = ['ConversionError', 'load_labels', 'template_to_class',
           'read_entries', 'main']

Sample = Tuple[str, int]
# (output file name, samples or class names)

SPLITS = (('train', 'sthv2_train_list.txt', 'something-something-v2-train'),
          ('val', 'sthv2_val_list.txt', 'something-something-v2-validation'))




def load_labels(path: str) -> List[str]:
    """Read ``something-something-v2-labels.json``.

    Returns:
        list[str]: Class names in label-id order.

    Raises:
        ConversionError: If the file is missing or not a JSON object of
            ``{name: id}``, an id is not a non-negative integer (or its
            string) or the ids are not exactly 0..N-1.
    """
    data = load_json(path)
    if not isinstance(data, dict) or not data:
        raise ConversionError(
            f'{path}: expected a non-empty JSON object '
            '{"<class name>": "<id>", ...}')
    by_id: Dict[int, str] = {}
    for name, value in data.items():
        text = str(value).strip() if isinstance(value, (str, int)) else ''
        if not text.isdigit():
            raise ConversionError(
                f'{path}: class {name!r}: id {value!r} is not a '
                'non-negative integer')
        if not name.strip():
            raise ConversionError(f'{path}: id {value!r} has an empty name')
        index = int(text)
        if index in by_id:
            raise ConversionError(
                f'{path}: id {index} is used by both {by_id[index]!r} and '
                f'{name!r}')
        by_id[index] = name.strip()
    missing = sorted(set(range(len(by_id))) - set(by_id))
    if missing:
        raise ConversionError(
            f'{path}: the ids must be 0..{len(by_id) - 1}; missing '
            f'{missing[:10]}')
    return [by_id[i] for i in range(len(by_id))]


def template_to_class(template: str) -> str:
    """``Holding [something] next to [something]`` -> ``Holding something
    next to something``."""
    return template.replace('[', '').replace(']', '').strip()


def read_entries(path: str, label_of: Dict[str, int], labels_path: str,
                 ext: str) -> List[Sample]:
    """Read ``something-something-v2-{train,validation}.json``.

    Returns:
        list[tuple[str, int]]: ``("<id><ext>", label)`` in file order.

    Raises:
        ConversionError: If the file is missing or not a list of objects
            with a string ``id`` and ``template``, an id is listed twice or
            a template is not a class of ``labels_path`` (naming the entry).
    """
    data = load_json(path)
    if not isinstance(data, list):
        raise ConversionError(
            f'{path}: expected a JSON list of {{"id": ..., "template": ...}}'
            f', got {type(data).__name__}')
    samples = []
    seen: Dict[str, int] = {}
    for i, entry in enumerate(data):
        vid = entry.get('id') if isinstance(entry, dict) else None
        vid = str(vid).strip() if isinstance(vid, (str, int)) else ''
        if not vid or any(c.isspace() or c in '/\\' for c in vid):
            raise ConversionError(
                f'{path}, entry {i}: expected an object with a video "id" '
                f'(no whitespace or slash), got {entry!r}')
        template = entry.get('template')
        if not isinstance(template, str) or not template.strip():
            raise ConversionError(
                f'{path}, entry {i} (id {vid!r}): missing or empty '
                '"template"')
        name = template_to_class(template)
        if name not in label_of:
            raise ConversionError(
                f'{path}, entry {i} (id {vid!r}): template {template!r} '
                f'(class {name!r}) is not in {labels_path}')
        if vid in seen:
            raise ConversionError(
                f'{path}, entry {i}: video id {vid!r} is listed twice '
                f'(first in entry {seen[vid]})')
        seen[vid] = i
        samples.append((vid + ext, label_of[name]))
    if not samples:
        raise ConversionError(f'{path}: no videos')
    return samples


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert Something-Something v2 annotations (labels + '
        'train/validation JSON) to MMAction2 video lists "<id>.webm <label>" '
        'and class_names.txt.')
    parser.add_argument(
        '--labels-json', required=True,
        help='something-something-v2-labels.json ({"<class>": "<id>"})')
    for split, out, stem in SPLITS:
        parser.add_argument(f'--{split}-json', help=f'{stem}.json -> {out}')
    add_common_args(parser, default_ext='.webm')
    args = parser.parse_args(argv)
    require_one(parser, args, [f'--{s}-json' for s, _, _ in SPLITS])
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)

    def convert() -> List[Output]:
        names = load_labels(args.labels_json)
        label_of = {name: i for i, name in enumerate(names)}
        outputs: List[Output] = [('class_names.txt', names)]
        for split, out, _ in SPLITS:
            path = getattr(args, f'{split}_json')
            if path:
                outputs.append((out, read_entries(
                    path, label_of, args.labels_json, args.video_ext)))
        return outputs

    return run_lists(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
