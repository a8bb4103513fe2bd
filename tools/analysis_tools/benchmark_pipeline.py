#!/usr/bin/env python
"""Measure how many clips/s the training data pipeline loads from a video.

Runs the training pipeline (``train_dataloader.dataset.pipeline``) of a config (default: MSR-VTT,
``configs/_base_/datasets/msrvtt-9k_retrieval.py``) *without* its text and
packing steps (``OpenCLIPTokenize``, ``PackActionInputs``), i.e.
``DecordInit`` -> ``FpsSample`` (1 fps, at most ``--clip-len`` frames; train
mode: random offsets) -> ``DecordDecode`` -> ``Resize`` -> ``CenterCrop`` ->
``FormatShape``, in ONE process, the way one dataloader worker runs it
(OpenCV single-threaded, as ``env_cfg.mp_cfg.opencv_num_threads=0`` makes
it)::

    python tools/analysis_tools/benchmark_pipeline.py VIDEO \\
        [--clip-len 12] [--num-clips 50] [--repeat 3] [--size 224]

``--backend torchcodec|pyav`` decodes with ``TorchCodecInit``/``Decode``
(mvadapt) or ``PyAVInit``/``Decode`` (MMAction2; it sets no ``avg_fps``, so
only with ``UniformSample``, e.g. ``--mmaction2``) instead of decord;
``--frame-cache DIR`` reads the clips from a frame cache of the video
(``mvadapt/datasets/frame_cache.py``; the video is added to it first if
needed, a cache of another spec is refused; DIR must be a folder above the
video, default ``frame_cache`` beside it; ``--cache-fps K`` caches K frames
per second instead of every frame); ``--size 0`` keeps the config's sizes; ``--mmaction2`` measures
MMAction2's stock CLIP4Clip training pipeline (``UniformSample`` 12,
``Resize`` short side 256, ``CenterCrop`` 224) unchanged instead of ours.

Each repeat loads ``--num-clips`` clips (every clip opens the video again, as
the dataset does per sample); the median clips/s over the repeats is printed
together with the machine (CPU model, cores, load) and the video's
resolution/fps/duration, so numbers can be compared, and the median CPU time
per clip of this process (``time.process_time``), which other jobs on a
shared machine disturb much less than clips/s.  Measure on an otherwise idle
machine.

``--make-test-video PATH`` writes a reproducible 15 s 320x240 30 fps H.264
test clip with moving content (``--test-video-seconds`` to shorten it); with
no VIDEO it only writes the clip.  E.g. to see what
``tools/data/compress_videos.py`` buys::

    B=tools/analysis_tools/benchmark_pipeline.py
    python $B --make-test-video t/raw/clip.mp4
    python tools/data/compress_videos.py t/raw t/small
    python $B t/raw/clip.mp4 --num-clips 30
    python $B t/small/clip.mp4 --num-clips 30
"""
import argparse
import copy
import os
import os.path as osp
import platform
import statistics
import sys
import time
from fractions import Fraction
from typing import Optional

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(ROOT, 'configs', '_base_', 'datasets',
                          'msrvtt-9k_retrieval.py')
DROP = ('OpenCLIPTokenize', 'CLIPTokenize', 'PackActionInputs')
BACKENDS = dict(decord=('DecordInit', 'DecordDecode'),
                torchcodec=('TorchCodecInit', 'TorchCodecDecode'),
                pyav=('PyAVInit', 'PyAVDecode'))


def mmaction2_config() -> str:
    """MMAction2's own CLIP4Clip MSR-VTT config (installed with it)."""
    import mmaction
    return osp.join(osp.dirname(mmaction.__file__), '.mim', 'configs',
                    'retrieval', 'clip4clip',
                    'clip4clip_vit-base-p32-res224-clip-pre_8xb16-u12-5e_'
                    'msrvtt-9k-rgb.py')


def make_test_video(path: str, seconds: float = 15, width: int = 320,
                    height: int = 240, fps: int = 30, seed: int = 0) -> str:
    """Write a deterministic H.264 (yuv420p) clip with moving content.

    A drifting colour gradient with scrolling stripes, a bouncing square, an
    orbiting disc and a little static noise texture, so the encoder has real
    motion to code.  Written to ``path + '.part'`` and renamed.
    """
    import av
    rng = np.random.default_rng(seed)
    n = max(1, int(round(seconds * fps)))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    texture = rng.integers(-12, 13, (height, width, 1)).astype(np.float32)
    d = osp.dirname(osp.abspath(path))
    os.makedirs(d, exist_ok=True)
    tmp = path + '.part'
    try:
        with av.open(tmp, mode='w', format='mp4') as c:
            s = c.add_stream('libx264', rate=fps,
                             options={'crf': '20', 'preset': 'veryfast'})
            s.width, s.height, s.pix_fmt = width, height, 'yuv420p'
            for i in range(n):
                t = i / fps
                img = np.empty((height, width, 3), np.float32)
                img[..., 0] = 128 + 100 * np.sin(xx / 40 + t * 1.3)
                img[..., 1] = 128 + 100 * np.sin(yy / 30 - t * 0.9)
                img[..., 2] = 128 + 60 * np.sin((xx + yy) / 25 + t * 4)
                img += texture
                # bouncing square
                bx = int(abs((t * 90) % (2 * (width - 40)) - (width - 40)))
                by = int(abs((t * 70) % (2 * (height - 40)) - (height - 40)))
                img[by:by + 40, bx:bx + 40] = (250, 240, 20)
                # orbiting disc
                cx = width / 2 + 0.35 * width * np.cos(t * 2)
                cy = height / 2 + 0.35 * height * np.sin(t * 2)
                img[(xx - cx) ** 2 + (yy - cy) ** 2 < 15 ** 2] = (20, 30, 200)
                frame = av.VideoFrame.from_ndarray(
                    np.clip(img, 0, 255).astype(np.uint8), format='rgb24')
                for p in s.encode(frame):
                    c.mux(p)
            for p in s.encode():
                c.mux(p)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return path


def machine_info() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.lower().startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    try:
        load = ', '.join(f'{x:.2f}' for x in os.getloadavg())
    except OSError:
        load = 'n/a'
    return (f'{model}; {cores} logical cores ({usable} usable); load average '
            f'(1/5/15 min) {load}; Python {platform.python_version()}')


def video_info(path: str) -> dict:
    import av
    with av.open(path) as c:
        v = c.streams.video[0]
        rate = Fraction(v.average_rate or v.guessed_rate or 0)
        if v.duration is not None and v.time_base is not None:
            duration = float(v.duration * v.time_base)
        elif c.duration is not None:
            duration = c.duration / 1e6
        else:
            duration = float('nan')
        return dict(width=v.codec_context.width,
                    height=v.codec_context.height, fps=float(rate),
                    duration=duration, frames=v.frames,
                    codec=v.codec_context.name, bytes=osp.getsize(path))


def build_pipeline(config: str, clip_len: int, size: Optional[int],
                   backend: str = 'decord'):
    """The config's training pipeline (``train_dataloader.dataset.pipeline``,
    else ``train_pipeline``) minus ``DROP``, with ``clip_len`` and
    ``size`` (Resize short side and CenterCrop; None keeps the config's)
    applied and decoding done by ``backend``; returns (Compose, list of step
    dicts)."""
    import mvadapt  # noqa: F401  (compat fixes first)
    from mmengine.dataset import Compose
    from mvadapt.utils import load_config, register_all_modules
    register_all_modules()
    cfg = load_config(config)
    loader = cfg.get('train_dataloader') or {}
    pipeline = loader.get('dataset', {}).get('pipeline', cfg.get(
        'train_pipeline'))  # what training runs (a config may name another)
    steps = []
    for step in pipeline:
        step = copy.deepcopy(dict(step))
        if step['type'] in DROP:
            continue
        if step['type'] in ('UniformSample', 'SampleFrames'):
            step['clip_len'] = clip_len
        elif step['type'] == 'FpsSample':
            step['max_frames'] = clip_len
        elif step['type'] == 'Resize' and size is not None:
            step['scale'] = (-1, size)
        elif step['type'] == 'CenterCrop' and size is not None:
            step['crop_size'] = size
        elif step['type'] in ('DecordInit', 'DecordDecode'):
            step = dict(type=BACKENDS[backend][step['type'] == 'DecordDecode'])
        steps.append(step)
    return Compose(steps), steps


def cached_pipeline(steps: list, video: str, cache_dir: str,
                    fps: Optional[float] = None, verbose: bool = True):
    """``steps`` switched to a frame cache of ``video`` (built if needed)."""
    from mmengine.dataset import Compose
    from mvadapt.datasets import (FrameCache, FrameCacheError,
                                  build_frame_cache, pipeline_spec,
                                  use_frame_cache)
    frame_cache = cache_dir if fps is None else dict(dir=cache_dir, fps=fps)
    spec = pipeline_spec(steps, fps)
    try:
        cache = FrameCache.open(cache_dir)
        cache.check_spec(spec)
        cache.entry(video)
    except FrameCacheError:  # missing, or without this (current) video;
        # a cache of another spec is refused, never emptied
        res = build_frame_cache(cache_dir, [video], spec, workers=1,
                                progress=False,
                                log=print if verbose else (lambda *a: None))
        if res['failed']:
            raise RuntimeError(f"could not cache {video}: {res['failed']}")
        if verbose:
            print(f"  built the frame cache {cache_dir} in "
                  f"{res['seconds']:.2f} s")
    steps = use_frame_cache(steps, frame_cache)
    return Compose(steps), steps


def benchmark(video: str, clip_len: int = 12, num_clips: int = 50,
              repeat: int = 3, size: Optional[int] = 224,
              config: str = DEFAULT_CONFIG, seed: int = 0,
              verbose: bool = True, backend: str = 'decord',
              frame_cache: Optional[str] = None,
              cache_fps: Optional[float] = None) -> dict:
    """Clips/s of the pipeline on ``video``; returns per-repeat rates."""
    import cv2
    cv2.setNumThreads(0)  # as in dataloader workers (opencv_num_threads=0)
    import torch
    torch.set_num_threads(1)  # one core, as a dataloader worker
    pipeline, steps = build_pipeline(config, clip_len, size, backend)
    if frame_cache is not None:
        pipeline, steps = cached_pipeline(steps, video, frame_cache,
                                          cache_fps, verbose)
    if verbose:
        print('pipeline:')
        for s in steps:
            print(f'  {s}')
    np.random.seed(seed)

    def load():
        return pipeline(dict(filename=video, start_index=0, modality='RGB'))

    out = load()  # warm-up (imports, caches), not timed
    rates, cpu_ms = [], []
    for r in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(num_clips):
            load()
        dt = time.perf_counter() - t0
        rates.append(num_clips / dt)
        cpu_ms.append((time.process_time() - c0) / num_clips * 1000)
        if verbose:
            print(f'  repeat {r + 1}/{repeat}: {num_clips} clips in '
                  f'{dt:.2f} s = {rates[-1]:.2f} clips/s '
                  f'({cpu_ms[-1]:.2f} ms CPU per clip)')
    return dict(rates=rates, median=statistics.median(rates),
                cpu_ms=statistics.median(cpu_ms),
                shape=tuple(out['imgs'].shape))


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Clips/s of the training data pipeline on one video, '
        'in one process.',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('video', nargs='?', help='video to load clips from')
    p.add_argument('--clip-len', type=int, default=12,
                   help='frames per clip (FpsSample max_frames / UniformSample '
                   'clip_len)')
    p.add_argument('--num-clips', type=int, default=50,
                   help='clips loaded per repeat')
    p.add_argument('--repeat', type=int, default=3,
                   help='timed repeats; the median is reported')
    p.add_argument('--size', type=int, default=224,
                   help="Resize short side and CenterCrop size (0: the "
                   "config's own)")
    p.add_argument('--config', default=DEFAULT_CONFIG,
                   help='config whose train_pipeline is measured')
    p.add_argument('--mmaction2', action='store_true',
                   help="MMAction2's stock CLIP4Clip train pipeline, its own "
                   'sizes (ignores --config and --size)')
    p.add_argument('--backend', choices=sorted(BACKENDS), default='decord',
                   help='video decoder')
    p.add_argument('--frame-cache', metavar='DIR', nargs='?',
                   const='', default=None,
                   help='read clips from a frame cache in DIR (built if '
                   'missing or stale; default: frame_cache beside VIDEO)')
    p.add_argument('--cache-fps', type=float, default=None,
                   help='frames per second the cache keeps (default: every '
                   'frame)')
    p.add_argument('--seed', type=int, default=0,
                   help='seed of the random frame offsets')
    p.add_argument('--make-test-video', metavar='PATH',
                   help='write a 320x240 30 fps H.264 test clip with moving '
                   'content to PATH (then benchmark VIDEO if given)')
    p.add_argument('--test-video-seconds', type=float, default=15,
                   help='duration of the --make-test-video clip')
    args = p.parse_args(argv)
    if args.video is None and args.make_test_video is None:
        p.error('give VIDEO and/or --make-test-video PATH')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.make_test_video:
        make_test_video(args.make_test_video,
                        seconds=args.test_video_seconds)
        i = video_info(args.make_test_video)
        print(f'wrote {args.make_test_video}: {i["width"]}x{i["height"]}, '
              f'{i["fps"]:g} fps, {i["duration"]:.2f} s, '
              f'{i["bytes"] / 1024:.1f} KiB')
    if args.video is None:
        return 0
    if not osp.isfile(args.video):
        print(f'error: {args.video} not found', file=sys.stderr)
        return 2
    i = video_info(args.video)
    print(f'machine: {machine_info()}')
    print(f'video:   {args.video}: {i["width"]}x{i["height"]}, '
          f'{i["fps"]:g} fps, {i["duration"]:.2f} s, {i["frames"]} frames, '
          f'{i["codec"]}, {i["bytes"] / 1024:.1f} KiB')
    config, size = args.config, args.size or None
    if args.mmaction2:
        config, size = mmaction2_config(), None
    frame_cache = args.frame_cache
    if frame_cache == '':
        frame_cache = osp.join(osp.dirname(osp.abspath(args.video)),
                               'frame_cache')
    source = f'{args.backend} decoding' if frame_cache is None else \
        f'frame cache {frame_cache}'
    print(f'setup:   clip_len {args.clip_len}, size '
          f'{size or "of the config"}, {args.num_clips} clips x '
          f'{args.repeat} repeats, 1 process, {source}')
    res = benchmark(args.video, clip_len=args.clip_len,
                    num_clips=args.num_clips, repeat=args.repeat,
                    size=size, config=config, seed=args.seed,
                    backend=args.backend, frame_cache=frame_cache,
                    cache_fps=args.cache_fps)
    print(f'clip shape {res["shape"]}')
    print(f'RESULT: {res["median"]:.2f} clips/s (median of {args.repeat}; '
          f'min {min(res["rates"]):.2f}, max {max(res["rates"]):.2f}); '
          f'{res["cpu_ms"]:.2f} ms CPU per clip (this process, so less '
          'sensitive to other load than clips/s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
