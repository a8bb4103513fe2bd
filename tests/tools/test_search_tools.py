"""tools/index_videos.py, tools/search.py and tools/classify.py on
MovingShapes videos with a tiny retriever whose towers agree on them
(``aligned_retriever`` in tests/conftest.py)."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
pytest.importorskip('faiss')


def load_tool(name):
    spec = importlib.util.spec_from_file_location(
        name, osp.join(ROOT, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_index_search_classify(aligned_retriever, tmp_path, capsys):
    config, ckpt = aligned_retriever['config'], aligned_retriever['checkpoint']
    captions = aligned_retriever['captions']
    videos = tmp_path / 'videos'
    videos.mkdir()
    src = osp.join(aligned_retriever['root'], 'videos')
    for name in captions:
        os.symlink(osp.join(src, name), videos / name)
    (videos / 'broken.mp4').write_bytes(b'\0' * 1000)
    out = str(tmp_path / 'index')

    proc = subprocess.run(
        [sys.executable, 'tools/index_videos.py', config, ckpt, '--videos',
         str(videos), '--out', out, '--workers', '1', '--batch-size', '4'],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    text = proc.stdout + proc.stderr
    assert f'Index: {out} (12 videos: 12 added, 0 already indexed; flat' \
        in proc.stdout
    assert 'Skipped 1 video(s)' in proc.stdout and \
        f'{videos}/broken.mp4: ' in text
    assert 'Encoding videos: 100%' in proc.stderr  # the progress bar
    assert f'python tools/search.py {out} ' in proc.stdout

    assert load_tool('index_videos').main(
        [config, ckpt, '--videos', str(videos), '--out', out,
         '--workers', '0']) == 0
    assert '(12 videos: 0 added, 12 already indexed' in capsys.readouterr().out

    key = 'test_00000.mp4'
    assert aligned_retriever['twins'][key] is None
    results = str(tmp_path / 'results.json')
    assert load_tool('search').main(
        [out, captions[key], 'a red square', '-k', '3', '--out',
         results]) == 0
    printed = capsys.readouterr().out.splitlines()
    printed = printed[printed.index(
        f'"{captions[key]}": top 3 of 12 videos in {out}'):]
    assert printed[1] == f'  1. 1.0000  {videos / key}'
    assert f'Results written to {results}' in printed
    assert printed[-1].endswith(f'python tools/search_app.py {out}')
    with open(results) as f:
        saved = json.load(f)
    assert [q['query'] for q in saved] == [captions[key], 'a red square']
    assert saved[0]['results'][0]['path'] == str(videos / key)
    assert len(saved[1]['results']) == 3

    classes = tmp_path / 'captions.txt'
    classes.write_text('\n'.join(captions.values()))
    assert load_tool('classify').main(
        [config, ckpt, str(videos / key), '--classes', str(classes),
         '-k', '2']) == 0
    printed = capsys.readouterr().out.splitlines()
    printed = printed[printed.index(f'{videos / key}: top 2 of {classes}'):]
    assert printed[1].startswith(f'  1. {captions[key]} ')
    assert printed[-1].startswith('Next: ')
