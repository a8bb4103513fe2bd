"""FailedVideosHook: one summary per epoch over all workers and ranks."""
import logging
import multiprocessing as mp
import os
import shutil
from types import SimpleNamespace

import pytest
from conftest import RETRIEVAL_PIPELINE

from mvadapt.datasets import RetrievalDataset
from mvadapt.engine.hooks import FailedVideosHook
from mvadapt.utils import register_all_modules

register_all_modules()
PIPELINE = RETRIEVAL_PIPELINE


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def load_all(ds):
    for i in range(len(ds)):
        ds[i]


@pytest.fixture
def setup(tiny_retrieval_data, tmp_path):
    root = tmp_path / 'data'
    shutil.copytree(tiny_retrieval_data, root)
    (root / 'videos' / 'v1.mp4').write_bytes(b'garbage')
    ds = RetrievalDataset(ann_file='train.json', data_root=str(root),
                          data_prefix=dict(video='videos'),
                          pipeline=PIPELINE, max_failed_fraction=0.5)
    logger = logging.getLogger('test_failed_videos')
    capture = Capture()
    logger.addHandler(capture)
    runner = SimpleNamespace(
        train_dataloader=SimpleNamespace(dataset=ds),
        work_dir=str(tmp_path / 'work'), rank=0, epoch=0, logger=logger)
    return root, ds, runner, capture


def test_one_summary_per_epoch_over_all_workers(setup):
    root, ds, runner, capture = setup
    hook = FailedVideosHook()
    hook.before_train(runner)
    # two data-loader workers (forked, like DataLoader's) and the main
    # process all meet the same corrupt video
    ctx = mp.get_context('fork')
    workers = [ctx.Process(target=load_all, args=(ds, )) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        assert w.exitcode == 0
    load_all(ds)
    hook.after_train_epoch(runner)
    summaries = [m for m in capture.messages if 'could not be loaded' in m]
    assert len(summaries) == 1
    assert summaries[0].count('v1.mp4') == 1  # listed once, not 3 times
    assert 'Epoch 1: 1 of 4 training videos' in summaries[0]
    record = os.path.join(runner.work_dir, 'failed_videos', 'rank0',
                          'epoch_1')
    assert len(os.listdir(record)) == 3  # one file per process
    # the next epoch starts from zero
    runner.epoch = 1
    hook.after_train_epoch(runner)
    assert len([m for m in capture.messages
                if 'could not be loaded' in m]) == 1


def test_global_count_stops_training(setup):
    root, ds, runner, _ = setup
    hook = FailedVideosHook()
    hook.before_train(runner)
    ds.max_failed_fraction = 0.4  # 1 of 4 allowed per process, not 2
    os.remove(root / 'videos' / 'v3.mp4')
    # each worker sees one bad video only: no worker alone is over the limit
    ctx = mp.get_context('fork')
    for idx in (1, 4):  # sample 1 is v1, sample 4 is v3 (v2 has 2 captions)
        w = ctx.Process(target=ds.__getitem__, args=(idx, ))
        w.start()
        w.join()
    with pytest.raises(RuntimeError, match='2 of 4 training videos failed'):
        hook.after_train_epoch(runner)
