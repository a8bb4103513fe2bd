"""Batch samplers."""
import json
import math
import os.path as osp
from typing import Dict, Iterator, List

import torch
from torch.utils.data import Sampler

from mvadapt.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class TwinBatchSampler(Sampler):
    """Batches in which every video's time-reversed twin sits in the same
    batch: the strongest direction signal a contrastive loss can get (the
    two clips hold the same frames, their captions differ in the motion).

    Units are a video with its twin, or two videos without one; units are
    shuffled each epoch (the wrapped sampler's seed and epoch, as
    ``DefaultSampler`` shuffles), dealt out to the ranks whole and cut into
    batches of ``batch_size`` (even), so no pair is ever split. Configure it
    in a dataloader as ``batch_sampler=dict(type='TwinBatchSampler',
    twin_file=...)`` next to the usual ``sampler=dict(type='DefaultSampler',
    shuffle=True)``.

    Args:
        sampler (Sampler): The dataloader's sampler (MMEngine passes it);
            its ``dataset``, ``shuffle``, ``seed``, ``epoch``, ``rank`` and
            ``world_size`` are used, not its order.
        batch_size (int): Samples per batch, even.
        twin_file (str): JSON ``{video key: twin video key}`` (MovingShapes'
            ``retrieval_train_twins.json``), relative to the dataset's
            ``data_root`` unless absolute.
        drop_last (bool): Drop a rank's last incomplete batch. Defaults to
            False.
    """

    def __init__(self, sampler, batch_size: int, twin_file: str,
                 drop_last: bool = False) -> None:
        if batch_size < 2 or batch_size % 2:
            raise ValueError('TwinBatchSampler needs an even batch_size, got '
                             f'{batch_size}')
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last
        dataset = sampler.dataset
        root = getattr(dataset, 'data_root', None) or ''
        path = twin_file if osp.isabs(twin_file) else osp.join(root,
                                                               twin_file)
        if not osp.isfile(path):
            raise FileNotFoundError(f'twin_file {path!r} does not exist')
        with open(path, encoding='utf-8') as f:
            twins: Dict[str, str] = json.load(f)
        by_key: Dict[str, List[int]] = {}
        for i in range(len(dataset)):
            key = dataset.get_data_info(i)['video_key']
            by_key.setdefault(key, []).append(i)
        self.units = self._units(by_key, twins)

    @staticmethod
    def _units(by_key: Dict[str, List[int]],
               twins: Dict[str, str]) -> List[List[int]]:
        """Pairs (a sample of a video, a sample of its twin) and pairs of
        samples without a twin (the last one alone if their number is
        odd)."""
        units, singles, done = [], [], set()
        for key, indices in by_key.items():
            if key in done:
                continue
            twin = twins.get(key)
            if twin is not None and twin in by_key and twin != key:
                other = by_key[twin]
                units += [[a, b] for a, b in zip(indices, other)]
                n = min(len(indices), len(other))
                singles += indices[n:] + other[n:]
                done.update((key, twin))
            else:
                singles += indices
                done.add(key)
        units += [singles[i:i + 2] for i in range(0, len(singles), 2)]
        return units

    def _rank_indices(self) -> List[int]:
        s = self.sampler
        order = range(len(self.units))
        if getattr(s, 'shuffle', True):
            g = torch.Generator()
            g.manual_seed(int(getattr(s, 'seed', 0)) +
                          int(getattr(s, 'epoch', 0)))
            order = torch.randperm(len(self.units), generator=g).tolist()
        rank = getattr(s, 'rank', 0)
        world = getattr(s, 'world_size', 1)
        mine = [self.units[u] for u in order[rank::world]]
        return [i for unit in mine for i in unit]

    def __iter__(self) -> Iterator[List[int]]:
        indices = self._rank_indices()
        for start in range(0, len(indices), self.batch_size):
            batch = indices[start:start + self.batch_size]
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __len__(self) -> int:
        n = len(self._rank_indices())
        return n // self.batch_size if self.drop_last else math.ceil(
            n / self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        if hasattr(self.sampler, 'set_epoch'):
            self.sampler.set_epoch(epoch)
