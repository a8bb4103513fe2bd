"""Class descriptions for MSTA's consistency loss, in the two formats.

(Shared by the models and the data tools; depends on nothing else.)

* The authors' format: one JSON file per kind, ``{"<class index>": [N
  strings]}`` (``spatial`` and ``temporal`` files; base / novel splits
  re-indexed from 0). The indices are positions in a label list, which
  for the authors' files (ETL4Video) is ViFi-CLIP's label order, not the
  alphabetical one: such files are read only together with that list and
  matched to the classes by name.
* A name-keyed file: ``{"<class name>": {"spatial": [...], "temporal":
  [...]}}`` (``tools/data/convert_descriptions.py`` writes one from the
  authors' files).
"""
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Union

KINDS = ('spatial', 'temporal')
_STOPWORDS = frozenset('a an and at by for from in is it of on or the to '
                       'with without not'.split())


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


def class_key(name: str) -> str:
    """Comparison key of a class name: case-folded letters and digits only,
    so ``brush_hair`` / ``brush hair`` and ``ApplyEyeMakeup`` / ``Apply Eye
    Makeup`` are one class."""
    return re.sub(r'[^0-9a-z]', '', name.casefold())


def names_its_class(name: str, texts: Sequence[str]) -> bool:
    """Whether descriptions ``texts`` name the class ``name``: at least half
    of its words (CamelCase split, three letters or more, no stop words)
    begin, in their first four letters, a word of the texts, so ``situps``
    names ``situp`` and ``standing`` names ``stand``. The authors' temporal
    descriptions read "A video of <class> generally involves the following
    step: ...", so a label list that does not fit the file fails this for
    most classes."""
    spaced = re.sub(r'(?<=[a-z])(?=[A-Z])', ' ', name).casefold()
    words = [w for w in re.findall(r'[a-z0-9]+', spaced)
             if len(w) >= 3 and w not in _STOPWORDS]
    if not words:
        return True
    prefixes = {w[:4] for w in re.findall(r'[a-z0-9]+',
                                          ' '.join(texts).casefold())}
    return 2 * sum(w[:4] in prefixes for w in words) >= len(words)


def unnamed_classes(names: Sequence[str],
                    temporal: Sequence[Sequence[str]]) -> List[str]:
    """The classes whose temporal descriptions do not name them
    (:func:`names_its_class`)."""
    return [n for n, texts in zip(names, temporal)
            if not names_its_class(n, texts)]


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
                      num_per_class: Optional[int] = None,
                      check_names: bool = True
                      ) -> Dict[str, List[List[str]]]:
    """Load and validate descriptions for ``class_names`` (in label order).

    Args:
        source (str | dict): A name-keyed JSON file, or
            ``dict(spatial=path, temporal=path, class_names=labels)`` of
            index-keyed files with the label list their keys index
            (a class-names file, ViFi-CLIP's ``id,name`` CSV or a list;
            for the authors' ``*_base.json`` files, e.g.
            ``mvadapt/datasets/protocols/vificlip/hmdb51_base.txt``). Each
            class of ``class_names`` takes the entry of its position in
            that list (names compared with :func:`class_key`).
        class_names (Sequence[str]): The classes, label order.
        num_per_class (int, optional): N descriptions required (and used)
            per class and kind; None uses all.
        check_names (bool): With index-keyed files, require the temporal
            descriptions to name the class of their index for at least half
            of the classes (:func:`names_its_class`). Defaults to True.

    Returns:
        dict: ``{'spatial': [[str] per class], 'temporal': [...]}``.

    Raises:
        DescriptionError: a class missing, an extra class, too few or empty
            descriptions, index-keyed files without their label list or
            whose temporal descriptions do not name the classes of that
            list (for most classes); the message names the file and the
            entry.
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
    if source.get('class_names') is None:
        raise DescriptionError(
            f"index-keyed descriptions ({source['spatial']}, "
            f"{source['temporal']}) need class_names: the label list their "
            'keys index (the authors\' files follow ViFi-CLIP\'s label '
            'order, e.g. mvadapt/datasets/protocols/vificlip/'
            '<dataset>_base.txt for *_base.json), or convert them to one '
            'name-keyed file with tools/data/convert_descriptions.py')
    labels = read_class_names(source['class_names'])
    keys = {}
    for i, name in enumerate(labels):
        keys.setdefault(class_key(name), i)
    absent = [c for c in class_names if class_key(c) not in keys]
    if absent:
        raise DescriptionError(
            f"{source['class_names']}: the label list of the descriptions "
            f'lacks classes {absent[:5]} ({len(absent)} missing)')
    for kind in KINDS:
        path = source[kind]
        data = _load_json(path)
        if not isinstance(data, dict):
            raise DescriptionError(f'{path}: expected a JSON object keyed by '
                                   'class index')
        expected = {str(i) for i in range(len(labels))}
        missing = sorted(expected - set(data), key=int)
        extra = sorted(set(data) - expected)
        if missing or extra:
            raise DescriptionError(
                f'{path}: class indices must be 0..{len(labels) - 1} (the '
                f'{len(labels)} classes of its label list); missing '
                f'{missing[:5]}, unexpected {extra[:5]}')
        out[kind] = [_check_list(path, str(i), data[str(i)], num_per_class)
                     for i in range(len(labels))]
    unnamed = unnamed_classes(labels, out['temporal']) if check_names \
        else []
    if check_names and 2 * len(unnamed) > len(labels):
        raise DescriptionError(
            f"{source['temporal']}: the temporal descriptions of "
            f'{len(unnamed)} of {len(labels)} classes do not name the class '
            f"of that index in {source['class_names']} (e.g. "
            f'{unnamed[:3]}): the file follows another label order')
    return {kind: [out[kind][keys[class_key(c)]] for c in class_names]
            for kind in KINDS}
