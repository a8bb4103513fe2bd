"""FpsSample: 1 fps then uniform subsampling, padded frames masked, and the
mask reaching the model through the retrieval pipeline."""
import copy
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose

from mvadapt.datasets.transforms import FpsSample
from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()
ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def sample(total, fps, max_frames=12, test_mode=True, **kw):
    return FpsSample(max_frames, test_mode=test_mode, **kw)(
        dict(total_frames=total, avg_fps=fps, start_index=0))


def test_short_video_is_padded_and_masked():
    out = sample(150, 30.0)  # 5 s at 30 fps -> 5 frames at 1 fps
    assert out['frame_inds'].tolist() == [14, 44, 74, 104, 134] + [134] * 7
    assert out['video_mask'].tolist() == [1.0] * 5 + [0.0] * 7
    assert out['clip_len'] == 12 and out['num_clips'] == 1


def test_long_video_is_uniformly_subsampled():
    out = sample(30 * 60, 30.0)  # 60 s -> 60 frames at 1 fps -> 12
    inds = out['frame_inds']
    assert len(inds) == 12 and out['video_mask'].all()
    assert inds[0] == 14 and inds[-1] == 59 * 30 + 14
    assert (np.diff(inds) > 0).all()
    # the 1 fps grid, subsampled: every index is a 1 fps sample
    assert ((inds - 14) % 30 == 0).all()


def test_train_mode_jitters_within_each_second():
    np.random.seed(0)
    outs = [sample(300, 30.0, test_mode=False)['frame_inds'][:10]
            for _ in range(20)]
    for inds in outs:
        assert ((inds // 30) == np.arange(10)).all()
    assert len({tuple(i) for i in outs}) > 1


def test_sub_second_video_and_bad_input():
    out = sample(10, 30.0)
    assert out['video_mask'].tolist() == [1.0] + [0.0] * 11
    assert (out['frame_inds'] < 10).all()
    with pytest.raises(ValueError, match='frame rate'):
        FpsSample(12)(dict(total_frames=10, avg_fps=0, filename='a.mp4'))
    with pytest.raises(ValueError, match='a.mp4: no frames'):
        FpsSample(12)(dict(total_frames=0, avg_fps=30, filename='a.mp4'))
    with pytest.raises(ValueError):
        FpsSample(0)


@pytest.fixture(scope='module')
def short_video(tmp_path_factory):
    path = osp.join(ROOT, 'tools', 'analysis_tools', 'benchmark_pipeline.py')
    spec = importlib.util.spec_from_file_location('benchmark_pipeline', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    video = str(tmp_path_factory.mktemp('fps') / 'short.mp4')
    module.make_test_video(video, seconds=3.5)  # 30 fps -> 3 frames at 1 fps
    return video


def retrieval_pipeline(split):
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/_base_/datasets/msrvtt-9k_retrieval.py'))
    steps = copy.deepcopy(cfg[f'{split}_pipeline'])
    for step in steps:  # small frames keep the test fast
        if step['type'] == 'Resize':
            step['scale'] = (-1, 32)
        elif step['type'] == 'CenterCrop':
            step['crop_size'] = 32
        elif step['type'] == 'OpenCLIPTokenize':
            step['max_words'] = 16
    return Compose(steps)


@pytest.mark.parametrize('split', ['train', 'test'])
def test_mask_reaches_the_model(short_video, split):
    pipeline = retrieval_pipeline(split)
    text = 'a clip' if split == 'train' else ['a clip']
    item = pipeline(dict(filename=short_video, start_index=0,
                         modality='RGB', text=text))
    assert tuple(item['inputs']['imgs'].shape) == (12, 3, 32, 32)
    assert item['inputs']['video_mask'].tolist() == [1.0] * 3 + [0.0] * 9
    cfg = Config.fromfile(osp.join(ROOT, 'configs/_base_/models/tiny-clip.py'))
    cfg.model.adapter = dict(type='MVAdapter', max_frames=12)
    cfg.model.clip.max_words = 16
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    for p in model.adapter.parameters():  # leave the identity at init
        torch.nn.init.normal_(p, std=0.05)
    data = model.data_preprocessor(
        dict(inputs=dict(imgs=[item['inputs']['imgs']],
                         text=[item['inputs']['text']],
                         video_mask=[item['inputs']['video_mask']]),
             data_samples=None), False)
    assert data['inputs']['video_mask'].shape == (1, 12)
    with torch.no_grad():
        video, _ = model(**data, mode='tensor')
        changed = copy.deepcopy(data)
        changed['inputs']['imgs'][:, 3:] = torch.randn_like(
            changed['inputs']['imgs'][:, 3:])
        torch.testing.assert_close(model(**changed, mode='tensor')[0], video)
        del changed['inputs']['video_mask']  # without the mask they count
        assert not torch.allclose(model(**changed, mode='tensor')[0], video)
