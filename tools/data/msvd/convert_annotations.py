#!/usr/bin/env python
"""Convert CLIP4Clip's MSVD annotation files into mvadapt's JSON format.

Output format (one file per split)::

    {"-4wsuPCjDBc_5_15.avi": ["a man is ...", ...], ...}

Inputs (CLIP4Clip's ``msvd_data.zip``, from collaborative-experts):

* ``raw-captions.pkl``: a pickle of ``{video_id: [[token, ...], ...]}``;
  each token list is joined with single spaces into one caption. The pickle
  is untrusted input: it is read with an unpickler that refuses every global
  (class or function), so only builtin containers and strings load.
* ``train_list.txt`` / ``val_list.txt`` / ``test_list.txt``: one video id per
  line (blank lines are skipped).

Each listed video gets all its captions (about 41 per video; the test split
is evaluated multi-caption), in pickle order, written to ``train.json``,
``val.json`` and ``test.json``.

Example::

    python tools/data/msvd/convert_annotations.py \\
        --captions-pkl data/msvd/msvd_data/raw-captions.pkl \\
        --train-list data/msvd/msvd_data/train_list.txt \\
        --val-list data/msvd/msvd_data/val_list.txt \\
        --test-list data/msvd/msvd_data/test_list.txt \\
        --out-dir data/msvd/annotations \\
        --check-videos data/msvd/videos
"""
import argparse
import os.path as osp
import pickle
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (ConversionError, Outputs, add_common_args,  # noqa: E402
                     find_missing_videos, require_file, require_one, run)

__all__ = ['ConversionError', 'find_missing_videos', 'load_raw_captions',
           'read_id_list', 'build_split', 'main']

SPLITS = ('train', 'val', 'test')


class _NoGlobalsUnpickler(pickle.Unpickler):
    """Unpickler that loads builtin containers and strings only."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(
            f'refusing to load global {module}.{name} (only dicts, lists '
            'and strings are allowed)')


def caption_text(caption: object) -> Optional[str]:
    """A caption from its token list (or string); None if it is empty or
    malformed."""
    if isinstance(caption, str):
        tokens = [caption]
    elif isinstance(caption, (list, tuple)) and all(
            isinstance(t, str) for t in caption):
        tokens = caption
    else:
        return None
    text = ' '.join(t.strip() for t in tokens if t.strip())
    return text or None


def load_raw_captions(path: str) -> Dict[str, List[str]]:
    """Read ``raw-captions.pkl`` safely.

    Args:
        path (str): Path of ``raw-captions.pkl``.

    Returns:
        dict[str, list[str]]: Captions per video id, tokens joined with
        spaces, in pickle order.

    Raises:
        ConversionError: If the file is missing, not a pickle, holds any
            global (class/function) or is not ``{str: [token lists]}``, or a
            caption is empty.
    """
    require_file(path)
    with open(path, 'rb') as f:
        try:
            data = _NoGlobalsUnpickler(f).load()
        except pickle.UnpicklingError as e:
            raise ConversionError(f'{path}: cannot unpickle ({e})') from e
        except Exception as e:  # malformed input: EOFError, ValueError, ...
            raise ConversionError(
                f'{path}: not a valid pickle ({type(e).__name__}: {e})') from e
    if not isinstance(data, dict):
        raise ConversionError(
            f'{path}: expected a dict {{video_id: [[token, ...], ...]}}, got '
            f'{type(data).__name__}')
    captions: Dict[str, List[str]] = {}
    for vid, caps in data.items():
        if not isinstance(vid, str) or not vid.strip():
            raise ConversionError(f'{path}: key {vid!r} is not a video id')
        if not isinstance(caps, (list, tuple)):
            raise ConversionError(
                f'{path}: video {vid!r}: expected a list of captions, got '
                f'{type(caps).__name__}')
        texts = []
        for i, cap in enumerate(caps):
            text = caption_text(cap)
            if text is None:
                raise ConversionError(
                    f'{path}: video {vid!r}, caption {i} is empty or not a '
                    f'list of string tokens: {cap!r}')
            texts.append(text)
        captions[vid] = texts
    if not captions:
        raise ConversionError(f'{path}: no videos')
    return captions


def read_id_list(path: str) -> List[Tuple[int, str]]:
    """Read a split list (one video id per line).

    Returns:
        list[tuple[int, str]]: ``(line number, video id)``, blank lines
        skipped.

    Raises:
        ConversionError: If the file is missing or empty, or an id is listed
            twice.
    """
    require_file(path)
    ids: List[Tuple[int, str]] = []
    seen: Dict[str, int] = {}
    with open(path, encoding='utf-8-sig') as f:
        for line_no, line in enumerate(f, 1):
            vid = line.strip()
            if not vid:
                continue
            if vid in seen:
                raise ConversionError(
                    f'{path}, line {line_no}: video id {vid!r} is listed '
                    f'twice (first on line {seen[vid]})')
            seen[vid] = line_no
            ids.append((line_no, vid))
    if not ids:
        raise ConversionError(f'{path}: no video ids')
    return ids


def build_split(list_path: str, captions: Dict[str, List[str]],
                captions_path: str, ext: str) -> Dict[str, List[str]]:
    """All captions of each video of one split, in list order.

    Args:
        list_path (str): ``train_list.txt`` / ``val_list.txt`` /
            ``test_list.txt``.
        captions (dict[str, list[str]]): Captions per video id.
        captions_path (str): Path of raw-captions.pkl, for error messages.
        ext (str): Video file extension (``.avi``).

    Returns:
        dict[str, list[str]]: ``{"<video_id><ext>": [captions...]}``.
    """
    out = {}
    for line_no, vid in read_id_list(list_path):
        if vid not in captions:
            raise ConversionError(
                f'{list_path}, line {line_no}: video id {vid!r} is not in '
                f'{captions_path}')
        if not captions[vid]:
            raise ConversionError(
                f'{list_path}, line {line_no}: video id {vid!r} has no '
                f'caption in {captions_path}')
        out[vid + ext] = list(captions[vid])
    return out


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert CLIP4Clip MSVD annotations (raw-captions.pkl + '
        'split lists) to mvadapt JSON {"<video_id>.avi": [captions]}.')
    parser.add_argument(
        '--captions-pkl', required=True,
        help='raw-captions.pkl ({video_id: [[token, ...], ...]})')
    for split in SPLITS:
        parser.add_argument(
            f'--{split}-list',
            help=f'{split}_list.txt (one video id per line) -> {split}.json')
    add_common_args(parser, default_ext='.avi')
    args = parser.parse_args(argv)
    require_one(parser, args, [f'--{s}-list' for s in SPLITS])
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)

    def convert() -> Outputs:
        captions = load_raw_captions(args.captions_pkl)
        outputs = []
        for split in SPLITS:
            list_path = getattr(args, f'{split}_list')
            if list_path:
                outputs.append((f'{split}.json', build_split(
                    list_path, captions, args.captions_pkl, args.video_ext)))
        return outputs

    return run(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
