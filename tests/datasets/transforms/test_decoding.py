"""TorchCodecInit / TorchCodecDecode: decord's keys and decord's frames.

Skipped where torchcodec (an optional dependency) or FFmpeg's shared
libraries are missing."""
import numpy as np
import pytest
from conftest import write_video
from mmengine.dataset import Compose

import mvadapt  # noqa: F401
from mvadapt.registry import TRANSFORMS

try:
    from torchcodec.decoders import VideoDecoder  # noqa: F401
except (ImportError, OSError, RuntimeError) as e:  # no wheel / no FFmpeg
    pytest.skip(f'torchcodec unavailable: {e}', allow_module_level=True)


def pipeline(backend, test_mode=True):
    init, decode = dict(decord=('DecordInit', 'DecordDecode'),
                        torchcodec=('TorchCodecInit',
                                    'TorchCodecDecode'))[backend]
    return Compose([
        TRANSFORMS.build(dict(type=init)),
        TRANSFORMS.build(dict(type='FpsSample', max_frames=6, fps=4,
                              test_mode=test_mode)),
        TRANSFORMS.build(dict(type=decode))])


@pytest.mark.parametrize('size,frames', [(32, 16), (64, 23)])
def test_torchcodec_gives_decords_frames(tmp_path, size, frames):
    video = str(tmp_path / 'v.mp4')
    write_video(video, num_frames=frames, size=size, seed=frames)
    a = pipeline('decord')(dict(filename=video, start_index=0))
    b = pipeline('torchcodec')(dict(filename=video, start_index=0))
    assert (a['total_frames'], a['avg_fps']) == (b['total_frames'],
                                                b['avg_fps'])
    assert a['frame_inds'].tolist() == b['frame_inds'].tolist()
    assert b['video_reader'] is None
    assert b['original_shape'] == b['img_shape'] == (size, size)
    assert len(b['imgs']) == 6 and b['imgs'][0].dtype == np.uint8
    np.testing.assert_array_equal(np.stack(a['imgs']), np.stack(b['imgs']))
    # every frame, random training offsets included
    np.random.seed(0)
    c = pipeline('torchcodec', test_mode=False)(dict(filename=video,
                                                     start_index=0))
    reader = TRANSFORMS.build(dict(type='DecordInit'))(dict(filename=video))
    ref = reader['video_reader'].get_batch(c['frame_inds']).asnumpy()
    np.testing.assert_array_equal(ref, np.stack(c['imgs']))


def test_bad_seek_mode():
    with pytest.raises(ValueError, match='seek_mode'):
        TRANSFORMS.build(dict(type='TorchCodecInit', seek_mode='fast'))


def test_frame_cache_built_with_torchcodec(tmp_path):
    from mmengine.registry import init_default_scope

    from mvadapt.datasets import (build_frame_cache, pipeline_spec,
                                  use_frame_cache)
    init_default_scope('mvadapt')
    video = str(tmp_path / 'v.mp4')
    write_video(video, num_frames=20, size=32, seed=3)
    steps = [dict(type='TorchCodecInit'),
             dict(type='UniformSample', clip_len=5, num_clips=1,
                  test_mode=True),
             dict(type='TorchCodecDecode')]
    res = build_frame_cache(str(tmp_path / 'frame_cache'), [video],
                            pipeline_spec(steps), workers=1, progress=False,
                            log=lambda *a: None)
    assert res['built'] == 1
    cached = Compose(use_frame_cache(steps, str(tmp_path / 'frame_cache')))
    a = Compose(steps)(dict(filename=video, start_index=0))
    b = cached(dict(filename=video, start_index=0))
    np.testing.assert_array_equal(np.stack(a['imgs']), np.stack(b['imgs']))
