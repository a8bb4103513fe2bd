"""The frame cache: frames identical to decoding, random sampling in
training, stale / partial caches refused, resumable builds, broken videos
reported by name."""
import json
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

import mvadapt.datasets.frame_cache as fc
from mvadapt.datasets import (FrameCacheError, RetrievalDataset, VideoDataset,
                              build_frame_cache, pipeline_spec,
                              use_frame_cache)
from conftest import write_video


def steps(test_mode, size=24, sampler=None):
    sampler = sampler or dict(type='UniformSample', clip_len=4, num_clips=1,
                              test_mode=test_mode)
    return [dict(type='DecordInit'), sampler, dict(type='DecordDecode'),
            dict(type='Resize', scale=(-1, size), interpolation='bicubic'),
            dict(type='CenterCrop', crop_size=size),
            dict(type='FormatShape', input_format='NCHW')]


@pytest.fixture(autouse=True)
def scope():
    init_default_scope('mvadapt')


@pytest.fixture
def videos(tmp_path):
    d = tmp_path / 'data' / 'videos'
    d.mkdir(parents=True)
    paths = []
    for i in range(4):
        p = str(d / f'v{i}.mp4')
        write_video(p, num_frames=12 + 2 * i, size=32 + 32 * (i % 2), seed=i)
        paths.append(p)
    return paths


@pytest.fixture
def cache_dir(tmp_path):
    return str(tmp_path / 'data' / 'frame_cache')


def build(cache_dir, videos, pipeline, fps=None, **kwargs):
    kwargs.setdefault('workers', 1)
    return build_frame_cache(cache_dir, videos, pipeline_spec(pipeline, fps),
                             progress=False, log=lambda *a: None, **kwargs)


def load(pipeline, video, seed):
    np.random.seed(seed)
    out = Compose(pipeline)(dict(filename=video, start_index=0,
                                 modality='RGB'))
    out.pop('video_reader', None)
    return out


def assert_same(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        if isinstance(a[key], np.ndarray):
            assert a[key].dtype == b[key].dtype, key
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert a[key] == b[key], key


@pytest.mark.parametrize('test_mode', [True, False])
def test_cached_clips_are_identical_to_decoded_ones(videos, cache_dir,
                                                   test_mode):
    decode = steps(test_mode)
    res = build(cache_dir, videos, decode)
    assert res['built'] == len(videos) and not res['failed']
    cached = use_frame_cache(decode, cache_dir)
    assert [s['type'] for s in cached] == [
        'FrameCacheInit', 'UniformSample', 'FrameCacheDecode', 'CenterCrop',
        'FormatShape']  # the Resize is folded into the cache
    for video in videos:
        for seed in range(3):  # same seed: same random offsets in training
            assert_same(load(decode, video, seed), load(cached, video, seed))


def test_training_samples_vary_and_match_decoding(videos, cache_dir):
    decode = steps(test_mode=False)
    build(cache_dir, videos, decode)
    pipeline = Compose(use_frame_cache(decode, cache_dir))
    reader = Compose(steps(test_mode=False)[:3])
    seen = set()
    for _ in range(20):
        out = pipeline(dict(filename=videos[3], start_index=0,
                            modality='RGB'))
        seen.add(tuple(out['frame_inds']))
        # the frames are the decoded (then resized + cropped) frames
        ref = Compose([dict(type='Resize', scale=(-1, 24),
                            interpolation='bicubic'),
                       dict(type='CenterCrop', crop_size=24),
                       dict(type='FormatShape', input_format='NCHW')])
        dec = reader.transforms[0](dict(filename=videos[3]))
        dec['frame_inds'] = out['frame_inds']
        dec = ref(reader.transforms[2](dec))
        np.testing.assert_array_equal(out['imgs'], dec['imgs'])
    assert len(seen) > 5  # random offsets, not one fixed clip


def test_fps_cache_keeps_a_grid_and_fps_sample_test_frames(tmp_path):
    root = tmp_path / 'data'
    root.mkdir()
    video = str(root / 'long.mp4')
    import av
    with av.open(video, mode='w') as c:  # 27 frames at 9 fps = 3 s
        s = c.add_stream('libx264', rate=9, options={'threads': '1'})
        s.width, s.height, s.pix_fmt = 32, 32, 'yuv420p'
        for i in range(27):
            img = np.full((32, 32, 3), 9 * i, np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, 'rgb24')):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    cache = str(root / 'frame_cache')
    sample = dict(type='FpsSample', max_frames=4, fps=1, test_mode=True)
    decode = steps(True, sampler=sample)
    build(cache, [video], decode, fps=3)
    record = json.load(open(osp.join(cache, fc.MANIFEST)))['videos'][
        'long.mp4']
    assert (record['frames'], record['fps'], record['source_frames']) == \
        (9, 3.0, 27)
    inds, _ = fc.cached_frame_indices(27, 9.0, 3)
    assert inds.tolist() == [1, 4, 7, 10, 13, 16, 19, 22, 25]
    cached = use_frame_cache(decode, dict(dir=cache, fps=3))
    a, b = load(decode, video, 0), load(cached, video, 0)
    assert a['frame_inds'].tolist() == [4, 13, 22, 22]  # 3 real frames
    assert b['frame_inds'].tolist() == [1, 4, 7, 7]  # of the 3 fps video
    np.testing.assert_array_equal(a['imgs'], b['imgs'])
    np.testing.assert_array_equal(a['video_mask'], b['video_mask'])
    # training draws among the 3 candidates per second
    train = Compose(use_frame_cache(
        steps(False, sampler=dict(sample, test_mode=False)),
        dict(dir=cache, fps=3)))
    firsts = {int(train(dict(filename=video, start_index=0,
                             modality='RGB'))['frame_inds'][0])
              for _ in range(30)}
    assert firsts == {0, 1, 2}


def retrieval_dataset(videos, cache_dir, pipeline, **kwargs):
    root = osp.dirname(osp.dirname(videos[0]))
    ann = osp.join(root, 'ann.json')
    with open(ann, 'w') as f:
        json.dump({osp.basename(v): [f'clip {i}']
                   for i, v in enumerate(videos)}, f)
    return RetrievalDataset(ann, pipeline=pipeline, data_root=root,
                            data_prefix=dict(video=osp.join(root, 'videos')),
                            frame_cache=cache_dir, **kwargs)


def test_dataset_option_reads_the_cache(videos, cache_dir):
    pipeline = steps(True) + [dict(type='PackActionInputs')]
    build(cache_dir, videos, pipeline)
    ds = retrieval_dataset(videos, 'frame_cache', pipeline, test_mode=True)
    assert type(ds.pipeline.transforms[0]).__name__ == 'FrameCacheInit'
    assert ds.pipeline.transforms[0].cache_dir == cache_dir  # data_root
    plain = retrieval_dataset(videos, None, pipeline, test_mode=True)
    for i in range(len(videos)):
        assert (ds[i]['inputs'] == plain[i]['inputs']).all()


def test_video_dataset_option(videos, cache_dir):
    lst = osp.join(osp.dirname(cache_dir), 'list.txt')
    with open(lst, 'w') as f:
        f.write(''.join(f'{osp.basename(v)} {i}\n'
                        for i, v in enumerate(videos)))
    pipeline = steps(True)
    build(cache_dir, videos, pipeline)
    prefix = dict(video=osp.dirname(videos[0]))
    ds = VideoDataset(lst, pipeline, data_prefix=prefix,
                      frame_cache=cache_dir, test_mode=True)
    ref = VideoDataset(lst, pipeline, data_prefix=prefix, test_mode=True)
    np.testing.assert_array_equal(ds[2]['imgs'], ref[2]['imgs'])
    assert ds[2]['label'] == 2


def test_missing_and_partial_cache_are_refused(videos, cache_dir):
    pipeline = steps(False)
    with pytest.raises(FrameCacheError, match='No frame cache at .*'
                       'build_frame_cache.py'):
        retrieval_dataset(videos, cache_dir, pipeline)
    build(cache_dir, videos[:2], pipeline, built_from=['my_config.py'])
    msg = (r'Partial frame cache .*frame_cache: 2 of 4 videos are not in '
           r'it .*v2.mp4.* python tools/data/build_frame_cache.py '
           r'my_config.py')
    with pytest.raises(FrameCacheError, match=msg):
        retrieval_dataset(videos, cache_dir, pipeline)
    # a hand-written pipeline refuses the missing video when it loads it
    cached = Compose(use_frame_cache(pipeline, cache_dir))
    cached(dict(filename=videos[0], start_index=0, modality='RGB'))
    with pytest.raises(FrameCacheError, match='Partial.*v3.mp4 is not in'):
        cached(dict(filename=videos[3], start_index=0, modality='RGB'))


def test_stale_cache_is_refused(videos, cache_dir):
    pipeline = steps(False)
    build(cache_dir, videos, pipeline)
    retrieval_dataset(videos, cache_dir, pipeline)  # up to date: loads
    # another resize, another frame selection
    for other, fps in ((steps(False, size=16), None), (pipeline, 2)):
        frame_cache = cache_dir if fps is None else dict(dir=cache_dir,
                                                         fps=fps)
        with pytest.raises(FrameCacheError,
                           match='Stale frame cache .* holds .* needs'):
            retrieval_dataset(videos, frame_cache, other)
    # a video rewritten after the build
    write_video(videos[1], num_frames=9, seed=7)
    with pytest.raises(FrameCacheError,
                       match=r'Stale frame cache .*1 of 4 videos changed'
                       r'.*v1.mp4'):
        retrieval_dataset(videos, cache_dir, pipeline)
    cached = Compose(use_frame_cache(pipeline, cache_dir))
    with pytest.raises(FrameCacheError, match='v1.mp4: the video changed'):
        cached(dict(filename=videos[1], start_index=0, modality='RGB'))
    # rebuilding decodes only the changed video
    res = build(cache_dir, videos, pipeline)
    assert (res['built'], res['reused']) == (1, 3)
    retrieval_dataset(videos, cache_dir, pipeline)
    # a build for another spec refuses to mix, unless told to overwrite
    with pytest.raises(FrameCacheError, match='--overwrite'):
        build(cache_dir, videos, steps(False, size=16))
    res = build(cache_dir, videos, steps(False, size=16), overwrite=True)
    assert res['built'] == 4


def test_killed_build_resumes_without_rework(videos, cache_dir,
                                             monkeypatch):
    pipeline = steps(False)
    real_job, calls = fc._cache_job, []

    def killed_after_two(job):
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the build were killed here
        calls.append(job[0])
        return real_job(job)

    monkeypatch.setattr(fc, '_cache_job', killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        build(cache_dir, videos, pipeline)
    monkeypatch.setattr(fc, '_cache_job', real_job)
    assert not osp.exists(osp.join(cache_dir, fc.MANIFEST))  # not complete
    done = {k: os.stat(fc._frames_path(cache_dir, k)).st_mtime_ns
            for k in calls}
    assert len(done) == 2
    res = build(cache_dir, videos, pipeline, workers=2)  # resume, parallel
    assert (res['built'], res['reused'], res['failed']) == (2, 2, {})
    for key, mtime in done.items():  # finished videos were not redone
        assert os.stat(fc._frames_path(cache_dir, key)).st_mtime_ns == mtime
    ds = retrieval_dataset(videos, cache_dir, pipeline)
    assert len(ds) == 4


def test_undecodable_video_is_reported_and_the_rest_kept(videos, cache_dir,
                                                         caplog):
    broken = osp.join(osp.dirname(videos[0]), 'broken.mp4')
    with open(broken, 'wb') as f:
        f.write(b'\x00not a video' * 100)
    pipeline = steps(False)
    lines = []
    res = build_frame_cache(cache_dir, videos + [broken],
                            pipeline_spec(pipeline), workers=1,
                            progress=False, log=lines.append)
    assert list(res['failed']) == ['videos/broken.mp4']
    assert res['built'] == len(videos)
    assert 'videos/broken.mp4' in '\n'.join(lines)
    manifest = json.load(open(osp.join(cache_dir, fc.MANIFEST)))
    assert sorted(manifest['videos']) == sorted(
        f'videos/{osp.basename(v)}' for v in videos)
    assert 'videos/broken.mp4' in manifest['failed']
    # training skips it as it skips a video that fails to decode
    ds = retrieval_dataset(videos + [broken], cache_dir, pipeline,
                           max_failed_fraction=0.5)
    i = [ds.get_data_info(j)['filename']
         for j in range(len(ds))].index(broken)
    assert ds[i] is not None and broken in ds.failed_videos
    assert 'could not be decoded when the frame cache' in \
        ds.failed_videos[broken]


@pytest.mark.parametrize('avg_fps', [9, 24, 30, 60])
def test_fps3_cache_keeps_fps_sample_test_frames(avg_fps):
    # the documented promise: on a 3 fps cache, FpsSample(fps=1) test-mode
    # sampling picks the decode path's frames for videos of >= 1 s whose
    # frame rate is a multiple of 3
    from mvadapt.datasets.transforms import FpsSample
    for max_frames in (4, 12):
        sample = FpsSample(max_frames=max_frames, fps=1, test_mode=True)
        for total in range(avg_fps, 20 * avg_fps, 7):
            a = sample(dict(total_frames=total, avg_fps=avg_fps))
            grid, fps = fc.cached_frame_indices(total, avg_fps, 3)
            b = sample(dict(total_frames=len(grid), avg_fps=fps))
            assert grid[b['frame_inds']].tolist() == \
                a['frame_inds'].tolist(), (total, max_frames)
            assert b['video_mask'].tolist() == a['video_mask'].tolist()
