"""Tests for tools/data/compress_videos.py and the test-clip writer of
tools/analysis_tools/benchmark_pipeline.py (loaded by file path)."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPRESS = ROOT / 'tools' / 'data' / 'compress_videos.py'
BENCH = ROOT / 'tools' / 'analysis_tools' / 'benchmark_pipeline.py'


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cv = _load('compress_videos', COMPRESS)


def _write(path, width=128, height=64, fps=10, seconds=2):
    import av
    with av.open(str(path), mode='w') as c:
        s = c.add_stream('libx264', rate=fps, options={'threads': '1'})
        s.width, s.height, s.pix_fmt = width, height, 'yuv420p'
        for i in range(int(fps * seconds)):
            img = np.full((height, width, 3), 40, np.uint8)
            img[10:30, 3 * i:3 * i + 16] = (200, 80, 30)
            for p in s.encode(av.VideoFrame.from_ndarray(img, 'rgb24')):
                c.mux(p)
        for p in s.encode():
            c.mux(p)


def _decode(path):
    import decord
    vr = decord.VideoReader(str(path))
    return len(vr), vr[0].shape


def _run(*args):
    return subprocess.run([sys.executable, str(COMPRESS), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def src(tmp_path):
    d = tmp_path / 'src'
    (d / 'sub').mkdir(parents=True)
    # 128x64 -> 64x32 (not 96x64 -> 48x32: decord 0.6 mis-decodes frames
    # 16, 24, 48 or 72 pixels wide as 4-6 channels)
    _write(d / 'a.mp4')                          # landscape 128x64
    _write(d / 'sub' / 'b.mp4', width=64, height=96)  # portrait
    (d / 'broken.mp4').write_bytes(b'\x00not a video' * 50)
    (d / 'notes.txt').write_text('ignored')
    return d


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob('*')
                  if p.is_file())


def test_output_size():
    assert cv.output_size(96, 64, 32) == (48, 32)
    assert cv.output_size(64, 96, 32) == (32, 48)
    assert cv.output_size(320, 240, 224) == (298, 224)
    assert cv.output_size(1920, 1080, 224) == (398, 224)
    assert cv.output_size(96, 64, 224) == (96, 64)      # never upscale
    assert cv.output_size(95, 63, 224) == (94, 62)      # but always even


def test_compress_video_function(tmp_path):
    _write(tmp_path / 'in.mp4')
    out = tmp_path / 'out.mp4'
    info = cv.compress_video(str(tmp_path / 'in.mp4'), str(out), 32, 5, 23,
                             'veryfast')
    assert info['src_size'] == (128, 64) and info['dst_size'] == (64, 32)
    assert info['src_frames'] == 20 and info['dst_frames'] == 10
    assert info['dst_bytes'] == out.stat().st_size > 0
    n, shape = _decode(out)
    assert n == 10 and shape == (32, 64, 3)
    assert _files(tmp_path) == ['in.mp4', 'out.mp4']
    # unreadable input: exception, nothing left behind
    bad = tmp_path / 'bad.mp4'
    bad.write_bytes(b'garbage' * 10)
    with pytest.raises(Exception):
        cv.compress_video(str(bad), str(tmp_path / 'x.mp4'), 32, 5, 23,
                          'veryfast')
    assert _files(tmp_path) == ['bad.mp4', 'in.mp4', 'out.mp4']


def test_cli_resumable_and_failures(src, tmp_path):
    dst = tmp_path / 'dst'
    r = _run(src, dst, '--short-side', 32, '--fps', 5, '--workers', 2)
    assert r.returncode == 1, r.stdout + r.stderr
    assert _files(dst) == ['a.mp4', 'failed.txt', 'sub/b.mp4']  # no .part
    failed = (dst / 'failed.txt').read_text().splitlines()
    assert [line.split('\t')[0] for line in failed] == ['broken.mp4']
    assert 'broken.mp4' in r.stdout
    assert 'converted: 2' in r.stdout
    for rel in ('a.mp4', 'sub/b.mp4'):
        n, (h, w, _) = _decode(dst / rel)
        assert min(h, w) == 32 and h % 2 == 0 and w % 2 == 0
        assert abs(n - 10) <= 1

    # rerun: both outputs skipped (untouched), the broken one fails again
    mtimes = {p: (dst / p).stat().st_mtime_ns for p in ('a.mp4', 'sub/b.mp4')}
    r = _run(src, dst, '--short-side', 32, '--fps', 5, '--workers', 1)
    assert r.returncode == 1
    assert 'converted: 0' in r.stdout and 'skipped:   2' in r.stdout
    assert mtimes == {p: (dst / p).stat().st_mtime_ns for p in mtimes}

    # once the broken input is gone: exit 0, stale failed.txt removed,
    # a stale temporary file of an interrupted run is cleaned up
    (src / 'broken.mp4').unlink()
    (dst / 'a.mp4').unlink()
    (dst / 'a.mp4.part').write_bytes(b'partial')
    r = _run(src, dst, '--short-side', 32, '--fps', 5)
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'converted: 1' in r.stdout
    assert _files(dst) == ['a.mp4', 'sub/b.mp4']


def test_cli_extension_and_keep_name(tmp_path):
    src = tmp_path / 'src'
    src.mkdir()
    _write(src / 'c.avi', seconds=1)  # H.264 in whatever: only the name
    r = _run(src, tmp_path / 'renamed', '--short-side', 32, '--fps', 5)
    assert r.returncode == 0 and 'note:' in r.stdout
    assert _files(tmp_path / 'renamed') == ['c.mp4']
    r = _run(src, tmp_path / 'kept', '--short-side', 32, '--fps', 5,
             '--keep-name')
    assert r.returncode == 0 and 'note:' not in r.stdout
    assert _files(tmp_path / 'kept') == ['c.avi']
    n, shape = _decode(tmp_path / 'kept' / 'c.avi')
    assert n == 5 and shape == (32, 64, 3)


def test_make_test_video(tmp_path):
    out = tmp_path / 'clip' / 'test.mp4'
    r = subprocess.run(
        [sys.executable, str(BENCH), '--make-test-video', str(out),
         '--test-video-seconds', '1'],
        capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    n, shape = _decode(out)
    assert n == 30 and shape == (240, 320, 3)
    assert os.listdir(out.parent) == ['test.mp4']
    import decord
    frames = decord.VideoReader(str(out)).get_batch([0, 29]).asnumpy()
    assert np.abs(frames[0].astype(int) - frames[1]).mean() > 5  # moving
