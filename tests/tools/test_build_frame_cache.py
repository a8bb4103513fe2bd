"""tools/data/build_frame_cache.py: one config line switches a dataset to
the cache, one command builds it (parallel, resumable), a second run reuses
it, and a config without frame_cache is refused."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mvadapt.registry import DATASETS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'data', 'build_frame_cache.py')
BASE = osp.join(ROOT, 'configs', '_base_', 'datasets',
                'moving-shapes_retrieval.py')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('build_frame_cache', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_then_train_and_test_sets_read_the_cache(tool, capsys,
                                                       tiny_retrieval_data,
                                                       tmp_path):
    root = tiny_retrieval_data
    config = tmp_path / 'cached.py'
    config.write_text(f'''
_base_ = [{BASE!r}]
train_dataloader = dict(dataset=dict(
    data_root={root!r}, ann_file='train.json', frame_cache='frame_cache'))
test_dataloader = dict(dataset=dict(
    data_root={root!r}, ann_file='test.json', frame_cache='frame_cache'))
val_dataloader = None
''')
    assert tool.main([str(config), '--workers', '2']) == 0
    out = capsys.readouterr()
    cache = osp.join(root, 'frame_cache')
    assert f'Frame cache {cache}: 6 videos decoded, 0 reused, 0 failed' in \
        out.out
    assert 'frame cache: 100%' in out.err  # the progress bar
    assert tool.main([str(config)]) == 0
    assert '0 videos decoded, 6 reused' in capsys.readouterr().out

    cfg = Config.fromfile(str(config))
    init_default_scope('mvadapt')
    for split in ('train', 'test'):
        ds = DATASETS.build(cfg[f'{split}_dataloader']['dataset'])
        assert type(ds.pipeline.transforms[0]).__name__ == 'FrameCacheInit'
        plain = dict(cfg[f'{split}_dataloader']['dataset'], frame_cache=None)
        ref = DATASETS.build(plain)
        np.random.seed(0)
        a = ds[0]['inputs']['imgs']
        np.random.seed(0)
        np.testing.assert_array_equal(a, ref[0]['inputs']['imgs'])


def test_config_without_frame_cache_is_refused(tool, capsys):
    assert tool.main([BASE]) == 2
    err = capsys.readouterr().err
    assert 'sets frame_cache' in err
    assert "train_dataloader = dict(dataset=dict(frame_cache='frame_cache'))" \
        in err
