#!/usr/bin/env python
"""Convert the DiDeMo annotation files into mvadapt's JSON format.

Output format (one file per split)::

    {"12090392@N02_13482799053_87ef417396.mp4": ["description", ...], ...}

Inputs (LisaAnne/LocalizingMoments, ``data/``): ``train_data.json``,
``val_data.json``, ``test_data.json``, each a JSON list of moment
annotations ``{"video": "<flickr id>.<ext>", "description": "...",
"times": [[s, e], ...], "annotation_id": ..., ...}``.

The descriptions are grouped by video: videos in order of first appearance,
each video's descriptions in file order, whitespace-stripped, all kept (also
exact repeats). They stay separate in the JSON; the paragraph-to-video
configs join them (``RetrievalDataset(join_captions=True)``).

The key is the video name with its extension replaced by ``--video-ext``
(default ``.mp4``: the videos transcoded to ``<stem>.mp4``);
``--keep-original-ext`` keeps the ``video`` field unchanged instead.

Example::

    python tools/data/didemo/convert_annotations.py \\
        --train-json data/didemo/raw/train_data.json \\
        --val-json data/didemo/raw/val_data.json \\
        --test-json data/didemo/raw/test_data.json \\
        --out-dir data/didemo/annotations \\
        --check-videos data/didemo/videos
"""
import argparse
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (ConversionError, Outputs, add_common_args,  # noqa: E402
                     clean_text, find_missing_videos, load_json, require_one,
                     run)

__all__ = ['ConversionError', 'find_missing_videos', 'build_split', 'main']

SPLITS = ('train', 'val', 'test')


def _where(path: str, i: int, item: dict) -> str:
    """``path: entry i (annotation_id N)`` for error messages."""
    aid = item.get('annotation_id') if isinstance(item, dict) else None
    return f'{path}: entry {i}' + (
        f' (annotation_id {aid!r})' if aid is not None else '')


def build_split(path: str, ext: Optional[str]) -> Dict[str, List[str]]:
    """Group one split's descriptions by video.

    Args:
        path (str): ``{train,val,test}_data.json``.
        ext (str, optional): Extension replacing the video's own (``.mp4``);
            None keeps the ``video`` field unchanged.

    Returns:
        dict[str, list[str]]: ``{"<stem><ext>": [description, ...]}``.

    Raises:
        ConversionError: If the file is missing or not a JSON list, an entry
            is not an object or lacks ``video``/``description``, a
            description is empty, or two video names map to the same key.
    """
    data = load_json(path)
    if not isinstance(data, list):
        raise ConversionError(
            f'{path}: expected a JSON list of moment annotations '
            '[{"video": ..., "description": ..., ...}], got '
            f'{type(data).__name__}')
    out: Dict[str, List[str]] = {}
    source: Dict[str, str] = {}
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ConversionError(
                f'{path}: entry {i} is not an object: {item!r}')
        video = clean_text(item.get('video'))
        if video is None:
            raise ConversionError(
                f'{_where(path, i, item)} has an empty or missing "video"')
        description = clean_text(item.get('description'))
        if description is None:
            raise ConversionError(
                f'{_where(path, i, item)} (video {video!r}) has an empty or '
                'missing "description"')
        key = video if ext is None else osp.splitext(video)[0] + ext
        if source.setdefault(key, video) != video:
            raise ConversionError(
                f'{_where(path, i, item)}: videos {source[key]!r} and '
                f'{video!r} both map to {key!r}; use --keep-original-ext')
        out.setdefault(key, []).append(description)
    if not out:
        raise ConversionError(f'{path}: no annotations')
    return out


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert DiDeMo annotations ({train,val,test}_data.json) '
        'to mvadapt JSON {"<video stem>.mp4": [descriptions]}.')
    for split in SPLITS:
        parser.add_argument(f'--{split}-json',
                            help=f'{split}_data.json -> {split}.json')
    add_common_args(parser, default_ext='.mp4')
    parser.add_argument(
        '--keep-original-ext', action='store_true',
        help='use the "video" field unchanged as the key (untranscoded '
        'videos with their mixed original extensions); --video-ext is '
        'ignored')
    args = parser.parse_args(argv)
    require_one(parser, args, [f'--{s}-json' for s in SPLITS])
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)
    ext = None if args.keep_original_ext else args.video_ext

    def convert() -> Outputs:
        outputs = []
        for split in SPLITS:
            path = getattr(args, f'{split}_json')
            if path:
                outputs.append((f'{split}.json', build_split(path, ext)))
        return outputs

    return run(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
