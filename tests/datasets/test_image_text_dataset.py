"""ImageTextDataset and LoadImageClip: images as one-frame clips."""
import json

import numpy as np
import pytest
import torch
from PIL import Image

from mvadapt.registry import DATASETS
from mvadapt.utils import register_all_modules

register_all_modules()

PIPELINE = [
    dict(type='LoadImageClip'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=16),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text'),
         meta_keys=('video_key', 'filename')),
]


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / 'img').mkdir()
    arrays = {}
    for name in ('a.png', 'b.png'):
        arr = rng.integers(0, 256, (20, 24, 3), dtype=np.uint8)
        Image.fromarray(arr).save(tmp_path / 'img' / name)
        arrays[name] = arr
    ann = {'a.png': ['a red square', 'a square in red'],
           'b.png': ['an empty grey background']}
    (tmp_path / 'ann.json').write_text(json.dumps(ann))
    return tmp_path, arrays


def build(root, test_mode, **kw):
    return DATASETS.build(dict(
        type='ImageTextDataset', data_root=str(root), ann_file='ann.json',
        data_prefix=dict(img='img'), pipeline=PIPELINE, test_mode=test_mode,
        **kw))


def test_images_become_one_frame_clips(images):
    root, arrays = images
    train = build(root, False)
    assert len(train) == 3  # one sample per caption
    sample = train[0]
    imgs = sample['inputs']['imgs']
    assert tuple(imgs.shape) == (1, 3, 32, 32)
    assert sample['inputs']['text'].shape == (1, 16)
    test = build(root, True)
    assert len(test) == 2  # one sample per image, all its captions
    assert test[0]['inputs']['text'].shape == (2, 16)
    assert test[0]['data_samples'].metainfo['video_key'] == 'a.png'


def test_load_image_clip_reads_rgb_exactly(images):
    from mvadapt.datasets.transforms import LoadImageClip
    root, arrays = images
    out = LoadImageClip()(dict(filename=str(root / 'img' / 'a.png')))
    np.testing.assert_array_equal(out['imgs'][0], arrays['a.png'])
    assert out['clip_len'] == 1 and out['num_clips'] == 1
    assert out['img_shape'] == (20, 24)


def test_unreadable_image_is_named(images, tmp_path):
    from mvadapt.datasets.transforms import LoadImageClip
    bad = tmp_path / 'bad.png'
    bad.write_bytes(b'not a png')
    with pytest.raises(OSError, match='bad.png'):
        LoadImageClip()(dict(filename=str(bad)))


def test_a_tiny_clip_trains_on_images(images):
    """The image batches run through a retriever's loss unchanged."""
    from mmengine.dataset import pseudo_collate
    from mmengine.config import Config
    from mvadapt.registry import MODELS
    root, _ = images
    arch = Config.fromfile('configs/_base_/models/tiny-clip.py'
                           ).tiny_clip_arch.to_dict()
    model = MODELS.build(dict(
        type='VideoTextRetriever', clip=dict(arch=arch, max_words=16),
        data_preprocessor=dict(type='VideoTextDataPreprocessor'),
        loss=dict(type='SymmetricInfoNCELoss')))
    train = build(root, False)
    batch = pseudo_collate([train[i] for i in range(len(train))])
    data = model.data_preprocessor(batch, training=True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss'])


def test_frame_cache_is_refused(images):
    root, _ = images
    with pytest.raises(ValueError, match='frame_cache'):
        build(root, False, frame_cache='cache')


def test_load_image_clip_cache_decodes_each_file_once(images):
    from mvadapt.datasets.transforms import LoadImageClip
    root, arrays = images
    path = str(root / 'img' / 'a.png')
    cached, plain = LoadImageClip(cache=True), LoadImageClip()
    first = cached(dict(filename=path))['imgs'][0]
    assert np.array_equal(first, arrays['a.png'])
    (root / 'img' / 'a.png').unlink()  # a second read needs no file
    again = cached(dict(filename=path))['imgs'][0]
    assert np.array_equal(again, arrays['a.png'])
    assert not again.flags.writeable  # nothing downstream can change it
    with pytest.raises(OSError, match='a.png'):
        plain(dict(filename=path))
