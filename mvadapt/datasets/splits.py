"""Recognition protocol splits: K-shot sampling and base/novel classes.

The protocols of ViFi-CLIP (which MSTA's tables follow) use fixed class
lists, shipped as data files in ``protocols/vificlip/`` (one class name per
line, copied from ViFi-CLIP's ``labels/*.csv``): the base and novel classes
of Kinetics-400, HMDB-51, UCF-101 and Something-Something v2
(:func:`vificlip_base_novel`) and the three 160-class Kinetics-600
zero-shot splits (:func:`vificlip_k600_zero_shot`). Other datasets use the
seeded generators (:func:`split_base_novel`, :func:`k_shot`), deterministic
for a seed. Class names are compared with :func:`class_key`, so
``brush_hair`` matches ViFi-CLIP's ``brush hair``. Lists use MMAction2's
``VideoDataset`` format (``path label`` per line).
"""
import os.path as osp
import random
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

from mvadapt.utils.descriptions import class_key

Sample = Tuple[str, int]

PROTOCOL_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'protocols',
                        'vificlip')
#: Datasets with fixed ViFi-CLIP base/novel lists (file name prefixes).
VIFICLIP_BASE_NOVEL = ('kinetics400', 'hmdb51', 'ucf101', 'sthv2')


def read_video_list(path: str) -> List[Sample]:
    """Read ``path label`` lines; errors name the file and the line."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'video list not found: {path}')
    samples = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.rsplit(maxsplit=1)
            if len(parts) != 2 or not parts[1].lstrip('-').isdigit():
                raise ValueError(f'{path}, line {lineno}: expected '
                                 f'"<video path> <label>", got {line!r}')
            label = int(parts[1])
            if label < 0:
                raise ValueError(f'{path}, line {lineno}: negative label')
            samples.append((parts[0], label))
    if not samples:
        raise ValueError(f'{path}: no samples')
    return samples


def write_video_list(path: str, samples: Sequence[Sample]) -> None:
    with open(path, 'w', encoding='utf-8') as f:
        f.writelines(f'{p} {label}\n' for p, label in samples)


def k_shot(samples: Sequence[Sample], k: int, seed: int = 0,
           classes: Sequence[int] = None) -> List[Sample]:
    """``k`` samples per class drawn with ``random.Random(seed)``, in class
    order. A class with fewer than ``k`` samples is an error."""
    by_class: Dict[int, List[Sample]] = defaultdict(list)
    for s in samples:
        by_class[s[1]].append(s)
    rng = random.Random(seed)
    out = []
    for c in (sorted(by_class) if classes is None else classes):
        pool = sorted(by_class.get(c, []))
        if len(pool) < k:
            raise ValueError(f'class {c} has {len(pool)} samples, fewer than '
                             f'k={k}')
        out += sorted(rng.sample(pool, k))
    return out


def split_base_novel(num_classes: int, seed: int = 0,
                     num_base: int = None) -> Tuple[List[int], List[int]]:
    """Split class indices into base and novel halves (base gets the extra
    class when the count is odd: HMDB 26/25, UCF 51/50).

    ``seed`` is the class-split seed only: 0 keeps the first half as base,
    the ViFi-CLIP protocol, whose three splits share these classes and
    differ only in the K shots (:func:`k_shot`'s own seed); other seeds
    shuffle the classes first."""
    num_base = (num_classes + 1) // 2 if num_base is None else num_base
    order = list(range(num_classes))
    if seed:
        random.Random(seed).shuffle(order)
    return sorted(order[:num_base]), sorted(order[num_base:])


def relabel(samples: Sequence[Sample], classes: Sequence[int]
            ) -> List[Sample]:
    """Keep the samples of ``classes`` and re-index labels from 0 in the
    order of ``classes``."""
    index = {c: i for i, c in enumerate(classes)}
    return [(p, index[c]) for p, c in samples if c in index]


def _read_protocol(name: str) -> List[str]:
    with open(osp.join(PROTOCOL_DIR, name), encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f if line.strip()]


def vificlip_base_novel(dataset: str) -> Tuple[List[str], List[str]]:
    """ViFi-CLIP's base and novel class names of ``dataset`` (one of
    :data:`VIFICLIP_BASE_NOVEL`), in ViFi-CLIP's label order (the order of
    its base-to-novel label files, training lists and the MSTA authors'
    ``*_base.json`` / ``*_novel.json`` descriptions)."""
    if dataset not in VIFICLIP_BASE_NOVEL:
        raise ValueError(f'no ViFi-CLIP base/novel lists for {dataset!r}; '
                         f'they exist for {", ".join(VIFICLIP_BASE_NOVEL)}')
    return (_read_protocol(f'{dataset}_base.txt'),
            _read_protocol(f'{dataset}_novel.txt'))


def vificlip_k600_zero_shot(split: int) -> List[str]:
    """ViFi-CLIP's Kinetics-600 zero-shot split ``split`` (1, 2 or 3): 160
    of the K600 classes absent from Kinetics-400, in label order
    (ViFi-CLIP's ``labels/ZS_split{1,2,3}_K600.csv``)."""
    if split not in (1, 2, 3):
        raise ValueError(f'K600 zero-shot splits are 1, 2, 3; got {split}')
    return _read_protocol(f'kinetics600_zero_shot_split{split}.txt')


def match_classes(wanted: Sequence[str], names: Sequence[str],
                  source: str = 'the class names') -> List[int]:
    """Index in ``names`` of every class of ``wanted``, compared with
    :func:`class_key`; a class that is missing (or ambiguous) is an error
    that names it and ``source``."""
    index: Dict[str, List[int]] = defaultdict(list)
    for i, n in enumerate(names):
        index[class_key(n)].append(i)
    missing = [w for w in wanted if len(index.get(class_key(w), ())) != 1]
    if missing:
        raise ValueError(f'{len(missing)} class(es) not found exactly once in '
                         f'{source}: {missing[:5]}')
    return [index[class_key(w)][0] for w in wanted]


def find_vificlip_dataset(names: Sequence[str],
                          near: float = 0.9) -> Optional[str]:
    """The dataset whose ViFi-CLIP base + novel classes are ``names``
    (compared with :func:`class_key`), or None when no dataset shares at
    least ``near`` of them. A near match that is not exact (a misspelt or
    extra class) raises ``ValueError`` naming the differences, instead of
    silently falling back to another split."""
    keys = {class_key(n) for n in names}
    for dataset in VIFICLIP_BASE_NOVEL:
        base, novel = vificlip_base_novel(dataset)
        ref = {class_key(n) for n in base + novel}
        shared = len(keys & ref)
        if shared == len(ref) == len(keys):
            return dataset
        if shared >= near * max(len(ref), len(keys)):
            extra = sorted(n for n in names if class_key(n) not in ref)
            absent = sorted(n for n in base + novel
                            if class_key(n) not in keys)
            raise ValueError(
                f'the class names look like {dataset} but differ from '
                f'ViFi-CLIP\'s lists: not in them {extra[:5]}, missing '
                f'{absent[:5]}')
    return None


def select_listed(reference: Sequence[Sample], ref_names: Sequence[str],
                  samples: Sequence[Sample], names: Sequence[str],
                  source: str = 'the reference list') -> List[Sample]:
    """The videos of a reference list (e.g. ViFi-CLIP's
    ``datasets_splits/*.txt``) found in ``samples``, with the reference's
    labels.

    Videos are matched by file name without folders and extension (so
    ``pour/x.avi`` is ``x.mp4``); each reference label is checked against
    the sample's own label by class name (``ref_names`` is the label order
    of the reference list, ``names`` that of ``samples``), which catches a
    list paired with the wrong label file.

    Returns:
        list: ``(path in samples, reference label)`` in reference order.
    """
    def stem(path):
        return osp.splitext(osp.basename(path))[0]

    by_stem: Dict[str, List[Sample]] = defaultdict(list)
    for s in samples:
        by_stem[stem(s[0])].append(s)
    out, missing = [], []
    for path, ref_label in reference:
        found = by_stem.get(stem(path), [])
        if len(found) != 1:
            missing.append(path)
            continue
        our_path, our_label = found[0]
        ref_class = ref_names[ref_label] if ref_label < len(ref_names) \
            else f'label {ref_label}, out of range'
        if class_key(ref_class) != class_key(names[our_label]):
            raise ValueError(
                f'{source}: {path} is {ref_class!r} there but {our_path} is '
                f'{names[our_label]!r}: the reference list and its label '
                'file do not match')
        out.append((our_path, ref_label))
    if missing:
        raise ValueError(f'{source}: {len(missing)} of {len(reference)} '
                         f'videos are not (exactly once) in the video lists, '
                         f'e.g. {missing[:3]}')
    return out
