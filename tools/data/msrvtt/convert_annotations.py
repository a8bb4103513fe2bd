#!/usr/bin/env python
"""Convert CLIP4Clip's MSR-VTT annotation files into mvadapt's JSON format.

Output format (one file per split)::

    {"video1234.mp4": ["caption", ...], ...}

* Training split (``--train-csv``, e.g. ``MSRVTT_train.9k.csv`` or
  ``MSRVTT_train.7k.csv``, one column ``video_id``): every caption of each
  listed video from ``MSRVTT_data.json`` (about 20 per video), in the order
  they appear there. Written to ``train_9k.json`` / ``train_7k.json`` (the
  split size is taken from the csv name; override with ``--train-out``).
* Test split (``--test-csv``, ``MSRVTT_JSFUSION_test.csv``, columns
  ``key,vid_key,video_id,sentence``): the 1k-A test set, one caption per
  video, the JSFUSION ``sentence``. Written to ``test_1k.json``.

Example::

    python tools/data/msrvtt/convert_annotations.py \\
        --data-json data/msrvtt/msrvtt_data/MSRVTT_data.json \\
        --train-csv data/msrvtt/msrvtt_data/MSRVTT_train.9k.csv \\
        --test-csv data/msrvtt/msrvtt_data/MSRVTT_JSFUSION_test.csv \\
        --out-dir data/msrvtt/annotations \\
        --check-videos data/msrvtt/videos
"""
import argparse
import csv
import json
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Set, Tuple

VIDEO_EXT = '.mp4'


class ConversionError(ValueError):
    """An input file is missing, malformed or inconsistent."""


def video_key(video_id: str) -> str:
    """Annotation key of an MSR-VTT video id: ``video7010`` -> ``.mp4``."""
    return video_id + VIDEO_EXT


def load_msrvtt_data(path: str) -> Tuple[Set[str], Dict[str, List[str]]]:
    """Read ``MSRVTT_data.json``.

    Args:
        path (str): Path of ``MSRVTT_data.json`` (as distributed with
            CLIP4Clip's ``msrvtt_data.zip``).

    Returns:
        tuple[set[str], dict[str, list[str]]]: The known video ids (from
        ``videos`` when present, else from ``sentences``) and the captions of
        each video id, in file order, whitespace-stripped.

    Raises:
        ConversionError: If the file is missing, not JSON, lacks
            ``sentences`` or holds a malformed or empty sentence.
    """
    if not osp.isfile(path):
        raise ConversionError(f'{path}: file not found')
    with open(path, encoding='utf-8') as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ConversionError(f'{path}: not valid JSON ({e})') from e
    if not isinstance(data, dict) or not isinstance(
            data.get('sentences'), list):
        raise ConversionError(
            f'{path}: expected a JSON object with a "sentences" list '
            '(MSRVTT_data.json from CLIP4Clip\'s msrvtt_data.zip)')

    captions: Dict[str, List[str]] = {}
    for i, sent in enumerate(data['sentences']):
        if not isinstance(sent, dict):
            raise ConversionError(
                f'{path}: sentences[{i}] is not an object: {sent!r}')
        vid = sent.get('video_id')
        caption = sent.get('caption')
        if not isinstance(vid, str) or not vid.strip():
            raise ConversionError(
                f'{path}: sentences[{i}] has no "video_id": {sent!r}')
        if not isinstance(caption, str) or not caption.strip():
            raise ConversionError(
                f'{path}: sentences[{i}] (video_id {vid!r}) has an empty or '
                f'missing "caption": {sent!r}')
        captions.setdefault(vid.strip(), []).append(caption.strip())

    if 'videos' in data:
        if not isinstance(data['videos'], list):
            raise ConversionError(f'{path}: "videos" must be a list')
        known = set()
        for i, video in enumerate(data['videos']):
            vid = video.get('video_id') if isinstance(video, dict) else None
            if not isinstance(vid, str) or not vid.strip():
                raise ConversionError(
                    f'{path}: videos[{i}] has no "video_id": {video!r}')
            known.add(vid.strip())
        unknown = sorted(set(captions) - known)
        if unknown:
            raise ConversionError(
                f'{path}: "sentences" refer to video ids absent from '
                f'"videos": {unknown[:5]}'
                f'{" ..." if len(unknown) > 5 else ""}')
    else:
        known = set(captions)
    return known, captions


def read_csv_rows(path: str,
                  columns: Sequence[str]) -> List[Tuple[int, dict]]:
    """Read a csv with a header, checking that ``columns`` are present.

    Args:
        path (str): Path of the csv file.
        columns (Sequence[str]): Required column names.

    Returns:
        list[tuple[int, dict]]: ``(line number, row)`` per data row, values
        whitespace-stripped.

    Raises:
        ConversionError: If the file is missing, empty, lacks a column or
            has an empty required value.
    """
    if not osp.isfile(path):
        raise ConversionError(f'{path}: file not found')
    with open(path, encoding='utf-8-sig', newline='') as f:
        reader = csv.DictReader(f)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not header:
            raise ConversionError(f'{path}: empty file (no header row)')
        reader.fieldnames = header
        missing = [c for c in columns if c not in header]
        if missing:
            raise ConversionError(
                f'{path}: missing column(s) {missing}; found columns '
                f'{header}')
        rows = []
        for row in reader:
            line = reader.line_num
            clean = {k: (v.strip() if isinstance(v, str) else v)
                     for k, v in row.items() if k is not None}
            for c in columns:
                if not clean.get(c):
                    raise ConversionError(
                        f'{path}, line {line}: empty value in column {c!r}')
            rows.append((line, clean))
    if not rows:
        raise ConversionError(f'{path}: no data rows')
    return rows


def _check_ids(path: str, rows: List[Tuple[int, dict]], known: Set[str],
               data_json: str) -> None:
    """Check that csv video ids are unique and known to MSRVTT_data.json."""
    seen: Dict[str, int] = {}
    for line, row in rows:
        vid = row['video_id']
        if vid not in known:
            raise ConversionError(
                f'{path}, line {line}: video_id {vid!r} is not in '
                f'{data_json}')
        if vid in seen:
            raise ConversionError(
                f'{path}, line {line}: video_id {vid!r} is listed twice '
                f'(first on line {seen[vid]})')
        seen[vid] = line


def build_train(train_csv: str, known: Set[str],
                captions: Dict[str, List[str]],
                data_json: str) -> Dict[str, List[str]]:
    """All captions of each training video, in csv order.

    Args:
        train_csv (str): ``MSRVTT_train.9k.csv`` or ``MSRVTT_train.7k.csv``.
        known (set[str]): Known video ids.
        captions (dict[str, list[str]]): Captions per video id.
        data_json (str): Path of MSRVTT_data.json, for error messages.

    Returns:
        dict[str, list[str]]: ``{"videoN.mp4": [captions...]}``.
    """
    rows = read_csv_rows(train_csv, ['video_id'])
    _check_ids(train_csv, rows, known, data_json)
    out = {}
    for line, row in rows:
        vid = row['video_id']
        if not captions.get(vid):
            raise ConversionError(
                f'{train_csv}, line {line}: video_id {vid!r} has no caption '
                f'in {data_json}')
        out[video_key(vid)] = list(captions[vid])
    return out


def build_test(test_csv: str, known: Set[str],
               data_json: str) -> Dict[str, List[str]]:
    """The 1k-A test split: one JSFUSION sentence per video, in csv order.

    Args:
        test_csv (str): ``MSRVTT_JSFUSION_test.csv``.
        known (set[str]): Known video ids.
        data_json (str): Path of MSRVTT_data.json, for error messages.

    Returns:
        dict[str, list[str]]: ``{"videoN.mp4": [sentence]}``.
    """
    rows = read_csv_rows(test_csv, ['key', 'vid_key', 'video_id', 'sentence'])
    _check_ids(test_csv, rows, known, data_json)
    return {video_key(row['video_id']): [row['sentence']] for _, row in rows}


def find_missing_videos(annotations: Dict[str, List[str]],
                        video_dir: str) -> List[str]:
    """Annotation keys without a file ``video_dir/<key>``.

    Args:
        annotations (dict): Converted annotations (keys are file names).
        video_dir (str): Directory holding the ``videoN.mp4`` files.

    Returns:
        list[str]: The missing keys, in annotation order.
    """
    if not osp.isdir(video_dir):
        raise ConversionError(f'{video_dir}: video directory not found')
    present = set(os.listdir(video_dir))
    return [key for key in annotations if key not in present]


def default_train_name(train_csv: str) -> str:
    """``MSRVTT_train.9k.csv`` -> ``train_9k.json`` (``train.json`` if the
    csv name carries no split size)."""
    match = re.search(r'train[._-]?(\d+k)', osp.basename(train_csv), re.I)
    return f'train_{match.group(1).lower()}.json' if match else 'train.json'


def write_json(annotations: Dict[str, List[str]], path: str) -> None:
    """Write annotations as UTF-8 JSON, creating the parent directory."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(annotations, f, ensure_ascii=False, indent=1)
        f.write('\n')


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert CLIP4Clip MSR-VTT annotations (MSRVTT_data.json '
        '+ split csv files) to mvadapt JSON {"videoN.mp4": [captions]}.')
    parser.add_argument(
        '--data-json', required=True,
        help='MSRVTT_data.json (captions of all 10k videos)')
    parser.add_argument(
        '--train-csv',
        help='training split csv with a video_id column '
        '(MSRVTT_train.9k.csv, or MSRVTT_train.7k.csv for the 7k split)')
    parser.add_argument(
        '--test-csv',
        help='MSRVTT_JSFUSION_test.csv (1k-A test split, columns '
        'key,vid_key,video_id,sentence)')
    parser.add_argument(
        '--out-dir', required=True, help='directory for the output JSON')
    parser.add_argument(
        '--train-out',
        help='training output file name (default: train_9k.json / '
        'train_7k.json from the csv name)')
    parser.add_argument(
        '--test-out', default='test_1k.json',
        help='test output file name (default: %(default)s)')
    parser.add_argument(
        '--check-videos', metavar='DIR',
        help='report annotated videos missing from DIR (videoN.mp4 files)')
    args = parser.parse_args(argv)
    if not args.train_csv and not args.test_csv:
        parser.error('give --train-csv and/or --test-csv')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the conversion; returns the process exit status."""
    args = parse_args(argv)
    try:
        known, captions = load_msrvtt_data(args.data_json)
        outputs = []
        if args.train_csv:
            train = build_train(args.train_csv, known, captions,
                                args.data_json)
            name = args.train_out or default_train_name(args.train_csv)
            outputs.append((osp.join(args.out_dir, name), train))
        if args.test_csv:
            test = build_test(args.test_csv, known, args.data_json)
            outputs.append((osp.join(args.out_dir, args.test_out), test))
        if args.train_csv and args.test_csv:
            overlap = sorted(set(train) & set(test))
            if overlap:
                print(f'warning: {len(overlap)} videos are in both the '
                      f'train and the test split, e.g. {overlap[:5]}',
                      file=sys.stderr)
        for path, annotations in outputs:
            write_json(annotations, path)
            n_captions = sum(len(c) for c in annotations.values())
            print(f'wrote {path}: {len(annotations)} videos, '
                  f'{n_captions} captions')
        if args.check_videos:
            for path, annotations in outputs:
                missing = find_missing_videos(annotations, args.check_videos)
                if missing:
                    print(f'{osp.basename(path)}: {len(missing)} of '
                          f'{len(annotations)} videos missing from '
                          f'{args.check_videos}, e.g. {missing[:10]}')
                else:
                    print(f'{osp.basename(path)}: all {len(annotations)} '
                          f'videos present in {args.check_videos}')
    except ConversionError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
