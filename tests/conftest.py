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


# ---------------------------------------------------------------- search
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# A small deterministic retrieval pipeline (4 frames, 8-token captions) for
# dataset-level tests.
RETRIEVAL_PIPELINE = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=4, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=8),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text'),
         meta_keys=('video_key', )),
]
RETRIEVER_CONFIG = osp.join(
    ROOT, 'configs', 'demo',
    'clip4clip_tiny-static-pre_1xb32-5e_moving-shapes.py')


def load_moving_shapes():
    """tools/data/moving_shapes.py (tools/ is not a package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'moving_shapes', osp.join(ROOT, 'tools', 'data', 'moving_shapes.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def moving_shapes_test_split(tmp_path_factory):
    """12 MovingShapes test videos (tiny preset, seed 0; nothing else):
    ``(data_root, {video key: caption}, {video key: twin key or None})``."""
    root = str(tmp_path_factory.mktemp('ms_search'))
    load_moving_shapes().generate(
        root, seed=0, preset='tiny', num_static=0, num_train=0, num_val=0,
        num_test=12, workers=1, progress=False, verbose=False)
    with open(osp.join(root, 'retrieval_test.json')) as f:
        captions = {k: v[0] for k, v in json.load(f).items()}
    with open(osp.join(root, 'video_index.json')) as f:
        twins = {k: v['twin'] for k, v in json.load(f)['test'].items()}
    return root, captions, twins


@pytest.fixture(scope='session')
def aligned_retriever(moving_shapes_test_split, tmp_path_factory):
    """A tiny CLIP4Clip retriever (the demo's architecture, random weights)
    whose two towers agree on the 12 MovingShapes test videos, so a search
    for a video's caption must find that video.

    Made in closed form, not trained: (1) the mean frame feature of these
    videos is projected out of the visual projection (a random tower maps
    every frame close to one direction); (2) the text projection is solved
    by least squares so that each caption's feature equals its video's
    feature. Both use the *evaluation* path (RetrievalDataset's test
    pipeline, the data preprocessor, ``forward(mode='predict')``), not the
    search code under test, which must therefore read the videos exactly as
    evaluation does to find them.

    Returns:
        dict: ``config`` and ``checkpoint`` files, ``root``, ``captions``,
        ``twins``.
    """
    import torch
    import torch.nn.functional as F
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate

    from mvadapt.registry import DATASETS, MODELS
    from mvadapt.utils import register_all_modules
    root, captions, twins = moving_shapes_test_split
    out = tmp_path_factory.mktemp('aligned_retriever')
    config = str(out / 'tiny_retriever.py')
    with open(config, 'w') as f:
        f.write(f'_base_ = [{RETRIEVER_CONFIG!r}]\n'
                'model = dict(clip=dict(pretrained=None))\n'
                f'test_dataloader = dict(dataset=dict(data_root={root!r}))\n')
    register_all_modules()
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    data = model.data_preprocessor(
        pseudo_collate([dataset[i] for i in range(len(dataset))]), False)
    clip = model.backbone.clip
    proj = clip.visual.proj.detach().clone()
    eye = torch.eye(proj.shape[0])
    assert clip.text_projection.shape == eye.shape

    def features():
        samples = model(**data, mode='predict')
        return (torch.stack([s.video_feature for s in samples]),
                torch.cat([s.text_feature for s in samples]))

    with torch.no_grad():
        clip.visual.proj.copy_(eye)
        clip.text_projection.copy_(eye)
        frames, text = features()  # before the projections
        mean = F.normalize(frames.mean(0), dim=0)
        clip.visual.proj.copy_((eye - torch.outer(mean, mean)) @ proj)
        video, _ = features()
        clip.text_projection.copy_(torch.linalg.lstsq(text, video).solution)
        video, text = features()
    assert torch.allclose(video, text, atol=1e-4)
    checkpoint = str(out / 'tiny_retriever.pth')
    torch.save(dict(state_dict=model.state_dict(), meta={}), checkpoint)
    return dict(config=config, checkpoint=checkpoint, root=root,
                captions=captions, twins=twins)
