"""Helpers shared by the annotation converters under ``tools/data/``.

``tools/`` is not a package: a converter in ``tools/data/<dataset>/`` puts
its folder's parent (``tools/data``) on ``sys.path`` and imports this module
as ``_common``::

    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
    from _common import ConversionError, ...  # noqa: E402

Every converter writes MMAction2's video-text JSON
``{"<video file relative to the videos folder>": ["caption", ...]}``, one file
per split, validates all inputs before writing anything, prints the number
of videos and captions written and, with ``--check-videos DIR``, reports the
annotated videos that have no file under ``DIR`` (report only, exit status 0).
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

Annotations = Dict[str, List[str]]
Outputs = List[Tuple[str, Annotations]]


class ConversionError(ValueError):
    """An input file is missing, malformed or inconsistent."""


def require_file(path: str) -> None:
    """Raise :class:`ConversionError` if ``path`` is not an existing file."""
    if not osp.isfile(path):
        raise ConversionError(f'{path}: file not found')


def load_json(path: str) -> object:
    """Read a JSON file, refusing a key repeated within one object.

    Raises:
        ConversionError: If the file is missing, not UTF-8, not JSON or has
            a repeated key (a video listed twice would otherwise be silently
            dropped by ``json.load``).
    """
    require_file(path)

    def no_duplicates(pairs):
        obj = {}
        for key, value in pairs:
            if key in obj:
                raise ConversionError(f'{path}: key {key!r} appears twice in '
                                      'one JSON object')
            obj[key] = value
        return obj

    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise ConversionError(f'{path}: not valid JSON ({e})') from e
    except UnicodeDecodeError as e:
        raise ConversionError(f'{path}: not UTF-8 text ({e})') from e


def clean_text(value: object) -> Optional[str]:
    """``value`` whitespace-stripped if it is a non-blank string, else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def video_ext(value: str) -> str:
    """argparse type of ``--video-ext``: ``avi`` / ``.avi`` -> ``.avi``."""
    value = value.strip()
    if any(c in value for c in '/\\') or value in ('.', '..'):
        raise argparse.ArgumentTypeError(
            f'invalid video extension {value!r} (expected e.g. .mp4)')
    if value and not value.startswith('.'):
        value = '.' + value
    return value


def add_common_args(parser: argparse.ArgumentParser,
                    default_ext: Optional[str] = None) -> None:
    """Add ``--out-dir``, ``--check-videos`` and (when ``default_ext`` is
    given) ``--video-ext``."""
    parser.add_argument(
        '--out-dir', required=True, help='directory for the output JSON')
    if default_ext is not None:
        parser.add_argument(
            '--video-ext', type=video_ext, default=default_ext,
            help='extension of the video files, appended to the video id to '
            'form the annotation key (default: %(default)s)')
    parser.add_argument(
        '--check-videos', metavar='DIR',
        help='report annotated videos that have no file under DIR (only '
        'reports; the exit status stays 0)')


def find_missing_videos(annotations: Annotations,
                        video_dir: str) -> List[str]:
    """Annotation keys without a file ``video_dir/<key>``.

    Keys may contain sub-folders (``movie/clip.avi``); each folder is listed
    once.

    Args:
        annotations (dict): Converted annotations (keys are file names
            relative to ``video_dir``).
        video_dir (str): The videos folder.

    Returns:
        list[str]: The missing keys, in annotation order.
    """
    if not osp.isdir(video_dir):
        raise ConversionError(f'{video_dir}: video directory not found')
    listings: Dict[str, set] = {}
    missing = []
    for key in annotations:
        folder, name = osp.split(osp.join(video_dir, key))
        if folder not in listings:
            listings[folder] = (set(os.listdir(folder))
                                if osp.isdir(folder) else set())
        if name not in listings[folder]:
            missing.append(key)
    return missing


def write_json(annotations: Annotations, path: str) -> None:
    """Write annotations as UTF-8 JSON, creating the parent directory."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(annotations, f, ensure_ascii=False, indent=1)
        f.write('\n')


def warn_overlap(outputs: Outputs, reference: str) -> None:
    """Warn (stderr) about videos of output ``reference`` that also appear in
    another output (e.g. training videos in the test split)."""
    named = dict(outputs)
    if reference not in named:
        return
    for name, annotations in outputs:
        if name == reference:
            continue
        overlap = [key for key in annotations if key in named[reference]]
        if overlap:
            print(f'warning: {len(overlap)} videos are in both {reference} '
                  f'and {name}, e.g. {overlap[:5]}', file=sys.stderr)


def write_outputs(outputs: Outputs, out_dir: str,
                  check_videos: Optional[str] = None) -> None:
    """Write each ``(file name, annotations)`` to ``out_dir``, print counts
    and, with ``check_videos``, the videos missing from that folder."""
    for name, annotations in outputs:
        path = osp.join(out_dir, name)
        write_json(annotations, path)
        n_captions = sum(len(c) for c in annotations.values())
        print(f'wrote {path}: {len(annotations)} videos, '
              f'{n_captions} captions')
    if check_videos:
        for name, annotations in outputs:
            missing = find_missing_videos(annotations, check_videos)
            if missing:
                print(f'{name}: {len(missing)} of {len(annotations)} videos '
                      f'missing from {check_videos}, e.g. {missing[:10]}')
            else:
                print(f'{name}: all {len(annotations)} videos present in '
                      f'{check_videos}')


def run(convert: Callable[[], Outputs], out_dir: str,
        check_videos: Optional[str] = None,
        reference: Optional[str] = 'train.json') -> int:
    """Convert, then write; turn a :class:`ConversionError` into a message on
    stderr and exit status 1. Nothing is written unless every input is
    valid.

    Args:
        convert: Builds the list of ``(output file name, annotations)``.
        out_dir (str): Output directory.
        check_videos (str, optional): Videos folder to check.
        reference (str, optional): Output whose videos should not appear in
            the others (overlap is only warned about).

    Returns:
        int: The process exit status.
    """
    try:
        if check_videos and not osp.isdir(check_videos):
            raise ConversionError(
                f'{check_videos}: video directory not found (--check-videos)')
        outputs = convert()
        for name, annotations in outputs:
            if not annotations:
                raise ConversionError(f'{name}: no videos to write')
        if reference:
            warn_overlap(outputs, reference)
        write_outputs(outputs, out_dir, check_videos)
    except ConversionError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    return 0


def require_one(parser: argparse.ArgumentParser, args: argparse.Namespace,
                options: Sequence[str]) -> None:
    """``parser.error`` unless at least one of ``options`` (``--a-b``) was
    given."""
    if not any(getattr(args, o.lstrip('-').replace('-', '_'))
               for o in options):
        parser.error('give ' + ' and/or '.join(options))


# -- recognition lists (VideoDataset) and class-name files -----------------
Output = Tuple[str, list]


def read_lines(path: str) -> List[Tuple[int, str]]:
    """Non-blank lines of a UTF-8 text file: ``(line number, stripped)``."""
    require_file(path)
    try:
        with open(path, encoding='utf-8-sig') as f:
            return [(n, line.strip()) for n, line in enumerate(f, 1)
                    if line.strip()]
    except UnicodeDecodeError as e:
        raise ConversionError(f'{path}: not UTF-8 text ({e})') from e


def _is_video_list(items: list) -> bool:
    return isinstance(items[0], tuple)


def write_lists(outputs: Sequence[Output], out_dir: str) -> None:
    """Write video lists (``path label`` lines) and class-name files (one
    name per line) to ``out_dir`` and print what was written."""
    os.makedirs(out_dir, exist_ok=True)
    for name, items in outputs:
        path = osp.join(out_dir, name)
        with open(path, 'w', encoding='utf-8') as f:
            if _is_video_list(items):
                f.writelines(f'{p} {label}\n' for p, label in items)
                n_classes = len({label for _, label in items})
                print(f'wrote {path}: {len(items)} videos, {n_classes} '
                      'classes')
            else:
                f.writelines(f'{n}\n' for n in items)
                print(f'wrote {path}: {len(items)} classes')


def run_lists(convert: Callable[[], List[Output]], out_dir: str,
              check_videos: Optional[str] = None) -> int:
    """Convert, then write; a :class:`ConversionError` becomes a message on
    stderr and exit status 1, and nothing is written unless every input is
    valid. Videos of a ``*_train_*`` list that are also in its ``*_val_*``
    list are warned about; ``check_videos`` reports missing videos."""
    try:
        if check_videos and not osp.isdir(check_videos):
            raise ConversionError(
                f'{check_videos}: video directory not found (--check-videos)')
        outputs = convert()
        for name, items in outputs:
            if not items:
                raise ConversionError(f'{name}: nothing to write')
        lists = {n: items for n, items in outputs if _is_video_list(items)}
        for name, items in lists.items():
            val = lists.get(name.replace('_train_', '_val_'))
            if '_train_' in name and val:
                train = {p for p, _ in items}
                overlap = [p for p, _ in val if p in train]
                if overlap:
                    print(f'warning: {len(overlap)} videos are in both '
                          f'{name} and {name.replace("_train_", "_val_")}, '
                          f'e.g. {overlap[:5]}', file=sys.stderr)
        write_lists(outputs, out_dir)
        if check_videos:
            for name, items in lists.items():
                missing = find_missing_videos(
                    dict.fromkeys(p for p, _ in items), check_videos)
                if missing:
                    print(f'{name}: {len(missing)} of {len(items)} videos '
                          f'missing from {check_videos}, e.g. {missing[:10]}')
                else:
                    print(f'{name}: all {len(items)} videos present in '
                          f'{check_videos}')
    except ConversionError as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    return 0
