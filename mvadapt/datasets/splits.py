"""Recognition protocol splits: K-shot sampling and base/novel classes.

All deterministic for a seed. Lists use MMAction2's ``VideoDataset`` format
(``path label`` per line).
"""
import os.path as osp
import random
from collections import defaultdict
from typing import Dict, List, Sequence, Tuple

Sample = Tuple[str, int]


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
