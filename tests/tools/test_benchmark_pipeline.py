"""tools/analysis_tools/benchmark_pipeline.py measures the decode path and
the frame-cache path on the same clip (loaded by file path)."""
import importlib.util
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BENCH = osp.join(ROOT, 'tools', 'analysis_tools', 'benchmark_pipeline.py')


@pytest.fixture(scope='module')
def bench():
    spec = importlib.util.spec_from_file_location('benchmark_pipeline', BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cache_path_is_measured_on_a_cache_of_the_clip(bench, tmp_path,
                                                       capsys):
    video = str(tmp_path / 'clip.mp4')
    bench.make_test_video(video, seconds=2)
    cache = str(tmp_path / 'frame_cache')
    kwargs = dict(clip_len=4, num_clips=2, repeat=1, size=32)
    decoded = bench.benchmark(video, **kwargs)
    cached = bench.benchmark(video, frame_cache=cache, **kwargs)
    out = capsys.readouterr().out
    assert 'built the frame cache' in out and "'FrameCacheInit'" in out
    assert decoded['shape'] == cached['shape'] == (4, 3, 32, 32)
    assert cached['median'] > 0
    bench.benchmark(video, frame_cache=cache, **kwargs)  # reuses the cache
    assert 'built the frame cache' not in capsys.readouterr().out
    stock = bench.build_pipeline(bench.mmaction2_config(), 12, None)[1]
    assert [s['type'] for s in stock] == [
        'DecordInit', 'UniformSample', 'DecordDecode', 'Resize', 'CenterCrop',
        'FormatShape']
    assert stock[3]['scale'] == (-1, 256)
