#!/usr/bin/env python
"""Convert the ActivityNet Captions annotation files into mvadapt's JSON.

Output format (one file per split)::

    {"v_QOlSCBRmfWY.mp4": ["sentence 1", "sentence 2", ...], ...}

Inputs (ActivityNet Captions, ``captions.zip``): ``train.json``,
``val_1.json``, ``val_2.json``, each
``{"v_<youtube id>": {"duration": 82.73, "timestamps": [[s, e], ...],
"sentences": ["...", ...]}, ...}``.

Each video's sentences are sorted by timestamp (start, then end; ties keep
file order) and whitespace-stripped. They stay separate in the JSON; the
paragraph-to-video configs join them (``RetrievalDataset(join_captions=
True)``). ``train.json`` -> ``train.json``, ``val_1.json`` -> ``val_1.json``
(the standard paragraph-retrieval test split), ``val_2.json`` ->
``val_2.json`` (optional; the same validation videos, other annotators).

Example::

    python tools/data/activitynet/convert_annotations.py \\
        --train-json data/activitynet/captions/train.json \\
        --val1-json data/activitynet/captions/val_1.json \\
        --out-dir data/activitynet/annotations \\
        --check-videos data/activitynet/videos
"""
import argparse
import os.path as osp
import sys
from numbers import Real
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (ConversionError, Outputs, add_common_args,  # noqa: E402
                     clean_text, find_missing_videos, load_json, require_one,
                     run)

__all__ = ['ConversionError', 'find_missing_videos', 'build_split', 'main']

# (argument, output file name)
SPLITS = (('train_json', 'train.json'), ('val1_json', 'val_1.json'),
          ('val2_json', 'val_2.json'))


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def build_split(path: str, ext: str) -> Dict[str, List[str]]:
    """Sentences of each video of one split, in timestamp order.

    Args:
        path (str): ``train.json`` / ``val_1.json`` / ``val_2.json``.
        ext (str): Video file extension (``.mp4``).

    Returns:
        dict[str, list[str]]: ``{"<video_id><ext>": [sentence, ...]}``, in
        file order.

    Raises:
        ConversionError: If the file is missing or not a JSON object, a
            video id appears twice, an entry lacks ``sentences`` or
            ``timestamps``, their lengths differ, a timestamp is not
            ``[start, end]`` or a sentence is empty.
    """
    data = load_json(path)
    if not isinstance(data, dict):
        raise ConversionError(
            f'{path}: expected a JSON object {{"v_<id>": {{"timestamps": '
            f'[...], "sentences": [...]}}}}, got {type(data).__name__}')
    out: Dict[str, List[str]] = {}
    for vid, entry in data.items():
        where = f'{path}: video {vid!r}'
        if not vid.strip():
            raise ConversionError(f'{path}: empty video id')
        if not isinstance(entry, dict):
            raise ConversionError(f'{where}: expected an object, got '
                                  f'{type(entry).__name__}')
        sentences = entry.get('sentences')
        timestamps = entry.get('timestamps')
        if not isinstance(sentences, list) or not sentences:
            raise ConversionError(
                f'{where} has no "sentences" (a non-empty list)')
        if not isinstance(timestamps, list):
            raise ConversionError(f'{where} has no "timestamps" list')
        if len(timestamps) != len(sentences):
            raise ConversionError(
                f'{where} has {len(sentences)} sentences but '
                f'{len(timestamps)} timestamps')
        texts = []
        for j, (sentence, ts) in enumerate(zip(sentences, timestamps)):
            text = clean_text(sentence)
            if text is None:
                raise ConversionError(
                    f'{where}, sentences[{j}] is empty or not a string: '
                    f'{sentence!r}')
            if not (isinstance(ts, list) and len(ts) == 2
                    and all(_is_number(t) for t in ts)):
                raise ConversionError(
                    f'{where}, timestamps[{j}] is not [start, end]: {ts!r}')
            texts.append((ts[0], ts[1], j, text))
        out[vid + ext] = [t[-1] for t in sorted(texts)]
    if not out:
        raise ConversionError(f'{path}: no videos')
    return out


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert ActivityNet Captions annotations (train.json, '
        'val_1.json, val_2.json) to mvadapt JSON {"v_<id>.mp4": '
        '[sentences]}.')
    parser.add_argument('--train-json', help='train.json -> train.json')
    parser.add_argument(
        '--val1-json', help='val_1.json -> val_1.json (the test split of '
        'paragraph-to-video retrieval)')
    parser.add_argument(
        '--val2-json', help='val_2.json -> val_2.json (optional)')
    add_common_args(parser, default_ext='.mp4')
    args = parser.parse_args(argv)
    require_one(parser, args, ['--train-json', '--val1-json', '--val2-json'])
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)

    def convert() -> Outputs:
        outputs = []
        for arg, name in SPLITS:
            path = getattr(args, arg)
            if path:
                outputs.append((name, build_split(path, args.video_ext)))
        return outputs

    return run(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
