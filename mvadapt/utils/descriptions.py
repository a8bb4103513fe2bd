"""Class descriptions for MSTA's consistency loss, in the two formats.

(Shared by the models and the data tools; depends on nothing else.)

* The authors' format: one JSON file per kind, ``{"<class index>": [N
  strings]}`` (``spatial`` and ``temporal`` files; base / novel splits
  re-indexed from 0).
* A name-keyed file: ``{"<class name>": {"spatial": [...], "temporal":
  [...]}}``.
"""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

KINDS = ('spatial', 'temporal')


class DescriptionError(ValueError):
    """A description file that does not cover the classes as required."""


def read_class_names(class_names: Union[str, Sequence[str]]) -> List[str]:
    """Class names from a file (one per line, line index = label; or
    ViFi-CLIP's ``labels/*.csv`` with an ``id,name`` header) or a list;
    raises a clear error for a missing or empty file."""
    if isinstance(class_names, str):
        try:
            with open(class_names, encoding='utf-8') as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            raise FileNotFoundError(
                f'class-names file not found: {class_names} (one class name '
                'per line, line index = label)') from None
        names = [line.strip() for line in lines if line.strip()]
        if names and names[0] == 'id,name':
            names = _read_label_csv(class_names, lines)
        if not names:
            raise ValueError(f'{class_names}: no class names')
        return names
    names = [str(n) for n in class_names]
    if not names:
        raise ValueError('class_names is empty')
    return names


def _read_label_csv(path: str, lines: List[str]) -> List[str]:
    """``id,name`` rows (names may be quoted) with ids exactly 0..N-1."""
    import csv
    rows = [r for r in csv.reader(lines[1:]) if r]
    if any(len(r) != 2 or not r[0].strip().isdigit() for r in rows) or \
            sorted(int(r[0]) for r in rows) != list(range(len(rows))):
        raise ValueError(f'{path}: expected "id,name" rows with ids '
                         f'0..{len(rows) - 1}')
    return [name.strip() for _, name in
            sorted(rows, key=lambda r: int(r[0]))]


def _load_json(path: str):
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'description file not found: {path} (generate one with '
            'tools/data/generate_descriptions.py or check the config)')
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise DescriptionError(f'{path}: not valid JSON ({e})') from e


def _check_list(path, key, texts, n):
    if not isinstance(texts, list) or not texts or not all(
            isinstance(t, str) and t.strip() for t in texts):
        raise DescriptionError(f'{path}: entry {key!r} must be a non-empty '
                               f'list of non-empty strings, got {texts!r}')
    if n is not None and len(texts) < n:
        raise DescriptionError(f'{path}: entry {key!r} has {len(texts)} '
                               f'descriptions, {n} are required')
    return texts[:n] if n is not None else texts


def load_descriptions(source: Union[str, Dict[str, str]],
                      class_names: Sequence[str],
                      num_per_class: Optional[int] = None
                      ) -> Dict[str, List[List[str]]]:
    """Load and validate descriptions for ``class_names`` (in label order).

    Args:
        source (str | dict): A name-keyed JSON file, or
            ``dict(spatial=path, temporal=path)`` of index-keyed files.
        class_names (Sequence[str]): The classes, label order.
        num_per_class (int, optional): N descriptions required (and used)
            per class and kind; None uses all.

    Returns:
        dict: ``{'spatial': [[str] per class], 'temporal': [...]}``.

    Raises:
        DescriptionError: a class missing, an extra class, too few or empty
            descriptions; the message names the file and the entry.
    """
    out: Dict[str, List[List[str]]] = {}
    if isinstance(source, str):
        data = _load_json(source)
        if not isinstance(data, dict):
            raise DescriptionError(f'{source}: expected a JSON object keyed '
                                   'by class name')
        missing = [c for c in class_names if c not in data]
        if missing:
            raise DescriptionError(f'{source}: no descriptions for classes '
                                   f'{missing[:5]} ({len(missing)} missing)')
        for kind in KINDS:
            out[kind] = []
            for c in class_names:
                entry = data[c]
                if not isinstance(entry, dict) or kind not in entry:
                    raise DescriptionError(f'{source}: class {c!r} lacks '
                                           f'{kind!r} descriptions')
                out[kind].append(_check_list(source, c, entry[kind],
                                             num_per_class))
        return out
    for kind in KINDS:
        if kind not in source:
            raise DescriptionError(f'descriptions need a {kind!r} file')
        path = source[kind]
        data = _load_json(path)
        if not isinstance(data, dict):
            raise DescriptionError(f'{path}: expected a JSON object keyed by '
                                   'class index')
        expected = {str(i) for i in range(len(class_names))}
        missing = sorted(expected - set(data), key=int)
        extra = sorted(set(data) - expected)
        if missing or extra:
            raise DescriptionError(
                f'{path}: class indices must be 0..{len(class_names) - 1}; '
                f'missing {missing[:5]}, unexpected {extra[:5]}')
        out[kind] = [_check_list(path, str(i), data[str(i)], num_per_class)
                     for i in range(len(class_names))]
    return out
