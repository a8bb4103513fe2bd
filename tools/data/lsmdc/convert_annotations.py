#!/usr/bin/env python
"""Convert the LSMDC 2016 annotation files into mvadapt's JSON format.

Output format (one file per split)::

    {"0001_American_Beauty_00.00.51.926-00.00.54.129.avi": ["sentence"], ...}

Inputs (from MPII, access on request), tab-separated, no header, 6 columns
``clip_id, start_aligned, end_aligned, start_extracted, end_extracted,
sentence``:

* ``LSMDC16_annos_training.csv`` -> ``train.json``
* ``LSMDC16_annos_val.csv`` -> ``val.json``
* ``LSMDC16_challenge_1000_publictect.csv`` (sic) -> ``test.json``

One sentence per clip, in file order. A clip id that appears twice is an
error, unless ``--merge-duplicates`` is given: then the repeated clip keeps
all its sentences (in file order) under one key.

``--movie-dirs`` writes keys ``<movie>/<clip_id><ext>`` (the layout of the
LSMDC release, one folder per movie), the movie being the clip id without its
``_HH.MM.SS.mmm-HH.MM.SS.mmm`` suffix.

Example::

    python tools/data/lsmdc/convert_annotations.py \\
        --train-csv data/lsmdc/raw/LSMDC16_annos_training.csv \\
        --val-csv data/lsmdc/raw/LSMDC16_annos_val.csv \\
        --test-csv data/lsmdc/raw/LSMDC16_challenge_1000_publictect.csv \\
        --out-dir data/lsmdc/annotations \\
        --check-videos data/lsmdc/videos
"""
import argparse
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from _common import (ConversionError, Outputs, add_common_args,  # noqa: E402
                     find_missing_videos, require_file, require_one, run)

__all__ = ['ConversionError', 'find_missing_videos', 'read_lsmdc_csv',
           'build_split', 'movie_of', 'main']

SPLITS = ('train', 'val', 'test')
COLUMNS = ('clip_id', 'start_aligned', 'end_aligned', 'start_extracted',
           'end_extracted', 'sentence')
_CLIP_TIMES = re.compile(
    r'^(?P<movie>.+)_\d+\.\d+\.\d+\.\d+-\d+\.\d+\.\d+\.\d+$')


def movie_of(clip_id: str) -> Optional[str]:
    """``0001_American_Beauty_00.00.51.926-00.00.54.129`` ->
    ``0001_American_Beauty`` (None if the id has no time-range suffix)."""
    match = _CLIP_TIMES.match(clip_id)
    return match.group('movie') if match else None


def read_lsmdc_csv(path: str) -> List[Tuple[int, str, str]]:
    """Read an LSMDC 2016 annotation file.

    Args:
        path (str): A tab-separated file without header, 6 columns
            (:data:`COLUMNS`).

    Returns:
        list[tuple[int, str, str]]: ``(line number, clip id, sentence)`` per
        row, whitespace-stripped; blank lines skipped.

    Raises:
        ConversionError: If the file is missing, not UTF-8 or empty, or a
            row does not have 6 columns or has an empty clip id or sentence.
    """
    require_file(path)
    rows = []
    with open(path, 'rb') as f:
        for line_no, raw in enumerate(f, 1):
            try:
                line = raw.decode('utf-8-sig' if line_no == 1 else 'utf-8')
            except UnicodeDecodeError as e:
                raise ConversionError(
                    f'{path}, line {line_no}: not UTF-8 text ({e})') from e
            line = line.rstrip('\r\n')
            if not line.strip():
                continue
            fields = line.split('\t')
            while len(fields) > len(COLUMNS) and not fields[-1].strip():
                fields.pop()  # trailing tab(s)
            if len(fields) != len(COLUMNS):
                raise ConversionError(
                    f'{path}, line {line_no}: expected {len(COLUMNS)} '
                    f'tab-separated columns ({", ".join(COLUMNS)}), found '
                    f'{len(fields)}')
            clip_id, sentence = fields[0].strip(), fields[5].strip()
            if not clip_id:
                raise ConversionError(
                    f'{path}, line {line_no}: empty value in column '
                    "'clip_id'")
            if not sentence:
                raise ConversionError(
                    f'{path}, line {line_no}: clip {clip_id!r} has an empty '
                    "'sentence'")
            rows.append((line_no, clip_id, sentence))
    if not rows:
        raise ConversionError(f'{path}: no data rows')
    return rows


def build_split(path: str, ext: str, merge_duplicates: bool = False,
                movie_dirs: bool = False) -> Dict[str, List[str]]:
    """Annotations of one split, in file order.

    Args:
        path (str): The split's LSMDC csv.
        ext (str): Video file extension (``.avi``).
        merge_duplicates (bool): Merge the sentences of a repeated clip id
            instead of failing. Defaults to False.
        movie_dirs (bool): Key ``<movie>/<clip_id><ext>``. Defaults to False.

    Returns:
        dict[str, list[str]]: ``{"<clip_id><ext>": [sentence, ...]}``.
    """
    out: Dict[str, List[str]] = {}
    first_line: Dict[str, int] = {}
    merged = 0
    for line_no, clip_id, sentence in read_lsmdc_csv(path):
        key = clip_id + ext
        if movie_dirs:
            movie = movie_of(clip_id)
            if movie is None:
                raise ConversionError(
                    f'{path}, line {line_no}: clip id {clip_id!r} does not '
                    'end in _HH.MM.SS.mmm-HH.MM.SS.mmm, so its movie folder '
                    'is unknown (--movie-dirs)')
            key = f'{movie}/{key}'
        if clip_id in first_line:
            if not merge_duplicates:
                raise ConversionError(
                    f'{path}, line {line_no}: clip id {clip_id!r} appears '
                    f'twice (first on line {first_line[clip_id]}); pass '
                    '--merge-duplicates to keep all its sentences')
            out[key].append(sentence)
            merged += 1
            continue
        first_line[clip_id] = line_no
        out[key] = [sentence]
    if merged:
        print(f'note: {path}: {merged} rows repeat an earlier clip id; their '
              'sentences were merged (--merge-duplicates)', file=sys.stderr)
    return out


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert LSMDC 2016 annotations (tab-separated, 6 '
        'columns) to mvadapt JSON {"<clip_id>.avi": [sentence]}.')
    parser.add_argument(
        '--train-csv', help='LSMDC16_annos_training.csv -> train.json')
    parser.add_argument('--val-csv', help='LSMDC16_annos_val.csv -> val.json')
    parser.add_argument(
        '--test-csv',
        help='LSMDC16_challenge_1000_publictect.csv -> test.json')
    add_common_args(parser, default_ext='.avi')
    parser.add_argument(
        '--merge-duplicates', action='store_true',
        help='a clip id appearing on several rows keeps all its sentences '
        '(default: such a clip id is an error)')
    parser.add_argument(
        '--movie-dirs', action='store_true',
        help='keys <movie>/<clip_id><ext>, for videos kept in one folder per '
        'movie as in the LSMDC release')
    args = parser.parse_args(argv)
    require_one(parser, args, [f'--{s}-csv' for s in SPLITS])
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)

    def convert() -> Outputs:
        outputs = []
        for split in SPLITS:
            path = getattr(args, f'{split}_csv')
            if path:
                annotations = build_split(path, args.video_ext,
                                          args.merge_duplicates,
                                          args.movie_dirs)
                outputs.append((f'{split}.json', annotations))
        return outputs

    return run(convert, args.out_dir, args.check_videos)


if __name__ == '__main__':
    sys.exit(main())
