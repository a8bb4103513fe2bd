import json
import os.path as osp

import numpy as np
import pytest

import mvadapt  # noqa: F401  (compat first)


def write_video(path, num_frames=8, size=32, seed=0, color=None):
    """Write a small H.264 mp4 with a moving square (PyAV)."""
    import av
    rng = np.random.default_rng(seed)
    color = color if color is not None else rng.integers(64, 255, 3)
    with av.open(path, mode='w') as container:
        stream = container.add_stream('libx264', rate=8)
        stream.width = stream.height = size
        stream.pix_fmt = 'yuv420p'
        stream.options = {'threads': '1'}
        for i in range(num_frames):
            frame = np.full((size, size, 3), 30, dtype=np.uint8)
            x = 2 + i
            frame[8:16, x:x + 8] = color
            for packet in stream.encode(
                    av.VideoFrame.from_ndarray(frame, format='rgb24')):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture(scope='session')
def tiny_retrieval_data(tmp_path_factory):
    """A data root with 6 videos: train (one caption each, 4 videos, one
    with two captions), test (2 videos with 1 and 2 captions)."""
    root = tmp_path_factory.mktemp('tiny_retrieval')
    (root / 'videos').mkdir()
    names = [f'v{i}.mp4' for i in range(6)]
    for i, name in enumerate(names):
        write_video(str(root / 'videos' / name), seed=i)
    train = {names[0]: ['a red square'], names[1]: ['a blue square'],
             names[2]: ['a green square', 'a green box'],
             names[3]: ['a white square']}
    test = {names[4]: ['a red box'], names[5]: ['a blue box', 'blue one']}
    for fname, ann in (('train.json', train), ('test.json', test)):
        with open(root / fname, 'w') as f:
            json.dump(ann, f)
    return str(root)


@pytest.fixture
def write_json(tmp_path):
    def _write(obj, name='ann.json', raw=None):
        path = osp.join(str(tmp_path), name)
        with open(path, 'w') as f:
            f.write(raw if raw is not None else json.dumps(obj))
        return path
    return _write
