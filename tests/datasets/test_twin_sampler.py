"""TwinBatchSampler: a video and its time-reversed twin share a batch."""
import importlib.util
import json
from pathlib import Path

import pytest
from mmengine.dataset import DefaultSampler

from mvadapt.datasets import TwinBatchSampler
from mvadapt.registry import DATASETS
from mvadapt.utils import register_all_modules

register_all_modules()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    spec = importlib.util.spec_from_file_location(
        'ms', ROOT / 'tools' / 'data' / 'moving_shapes.py')
    ms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ms)
    out = tmp_path_factory.mktemp('ms') / 'data'
    ms.generate(out, seed=0, preset='tiny', workers=1, progress=False,
                verbose=False, num_static=4)
    return out


def dataset(root):
    return DATASETS.build(dict(
        type='RetrievalDataset', data_root=str(root),
        ann_file='retrieval_train.json', data_prefix=dict(video='videos'),
        pipeline=[]))


def batches(sampler):
    return [list(b) for b in sampler]


def test_twins_share_batches_and_every_sample_appears_once(data):
    ds = dataset(data)
    twins = json.loads((data / 'retrieval_train_twins.json').read_text())
    sampler = TwinBatchSampler(DefaultSampler(ds, shuffle=True, seed=0), 8,
                               'retrieval_train_twins.json')
    out = batches(sampler)
    assert len(out) == len(sampler) == 8  # 60 samples / 8
    flat = [i for b in out for i in b]
    assert sorted(flat) == list(range(len(ds)))
    key = {i: ds.get_data_info(i)['video_key'] for i in range(len(ds))}
    batch_of = {key[i]: n for n, b in enumerate(out) for i in b}
    assert twins and all(batch_of[a] == batch_of[b]
                         for a, b in twins.items())
    # a new epoch, a new order; the same epoch, the same order
    first = out
    sampler.set_epoch(1)
    assert batches(sampler) != first
    sampler.set_epoch(0)
    assert batches(sampler) == first


def test_ranks_get_whole_pairs(data):
    ds = dataset(data)
    shares = []
    for rank in (0, 1):
        s = DefaultSampler(ds, shuffle=True, seed=3)
        s.rank, s.world_size = rank, 2
        shares.append([i for b in TwinBatchSampler(
            s, 4, str(data / 'retrieval_train_twins.json')) for i in b])
    assert not set(shares[0]) & set(shares[1])
    assert sorted(shares[0] + shares[1]) == list(range(len(ds)))


def test_bad_settings(data):
    ds = dataset(data)
    with pytest.raises(ValueError, match='even batch_size'):
        TwinBatchSampler(DefaultSampler(ds), 5, 'retrieval_train_twins.json')
    with pytest.raises(FileNotFoundError, match='twins.json'):
        TwinBatchSampler(DefaultSampler(ds), 4, 'no_twins.json')


def test_built_by_the_runner(data):
    from mmengine.runner import Runner
    loader = Runner.build_dataloader(dict(
        batch_size=6, num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=True),
        batch_sampler=dict(type='TwinBatchSampler',
                           twin_file='retrieval_train_twins.json'),
        dataset=dict(type='RetrievalDataset', data_root=str(data),
                     ann_file='retrieval_train.json',
                     data_prefix=dict(video='videos'), pipeline=[]),
        collate_fn=dict(type='pseudo_collate')))
    assert isinstance(loader.batch_sampler, TwinBatchSampler)
    assert len(loader) == 10
