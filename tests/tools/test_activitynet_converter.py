"""Tests for tools/data/activitynet/convert_annotations.py."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets import load_video_text_json

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'activitynet' / 'convert_annotations.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('activitynet_convert',
                                                  SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

TRAIN = {
    'v_QOlSCBRmfWY': {
        'duration': 82.73,
        'timestamps': [[21.0, 40.5], [0.83, 19.86], [21.0, 30.0], [0, 19]],
        'sentences': [' Third, late end.', 'Second.', 'Third, early end. ',
                      'First.'],
    },
    'v_ehGHCYKzyZ8': {
        'duration': 61.72,
        # equal timestamps keep file order
        'timestamps': [[5, 10], [5, 10], [1, 2.5]],
        'sentences': ['B one.', 'B two.', 'B zero.'],
    },
}
VAL1 = {'v_uqiMw7tQ1Cc': {'duration': 55.1, 'timestamps': [[0, 55.1]],
                          'sentences': ['A paragraph.']}}
VAL2 = {'v_uqiMw7tQ1Cc': {'duration': 55.1, 'timestamps': [[2, 3], [0, 1]],
                          'sentences': ['Later.', 'Earlier.']}}


@pytest.fixture
def files(tmp_path):
    paths = {}
    for split, name, data in [('train', 'train.json', TRAIN),
                              ('val1', 'val_1.json', VAL1),
                              ('val2', 'val_2.json', VAL2)]:
        paths[split] = tmp_path / 'captions' / name
        paths[split].parent.mkdir(exist_ok=True)
        paths[split].write_text(json.dumps(data))
    return dict(paths, out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra, splits=('train', 'val1', 'val2')):
    args = ['--out-dir', str(files['out_dir'])]
    for split in splits:
        args += [f'--{split}-json', str(files[split])]
    return args + list(extra)


def read(files, name):
    return json.loads((files['out_dir'] / name).read_text())


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    train = read(files, 'train.json')
    assert list(train) == ['v_QOlSCBRmfWY.mp4', 'v_ehGHCYKzyZ8.mp4']
    assert train == {
        'v_QOlSCBRmfWY.mp4': ['First.', 'Second.', 'Third, early end.',
                              'Third, late end.'],
        'v_ehGHCYKzyZ8.mp4': ['B zero.', 'B one.', 'B two.'],
    }
    assert read(files, 'val_1.json') == {
        'v_uqiMw7tQ1Cc.mp4': ['A paragraph.']}
    assert read(files, 'val_2.json') == {
        'v_uqiMw7tQ1Cc.mp4': ['Earlier.', 'Later.']}
    out = capsys.readouterr()
    assert 'train.json: 2 videos, 7 captions' in out.out
    assert 'val_1.json: 1 videos, 1 captions' in out.out
    assert 'val_2.json: 1 videos, 2 captions' in out.out
    assert 'warning' not in out.err  # val_1 and val_2 share videos: fine
    for name in ['train.json', 'val_1.json', 'val_2.json']:
        path = str(files['out_dir'] / name)
        assert load_video_text_json(path) == read(files, name)


def test_video_ext_and_single_split(files):
    assert conv.main(argv(files, '--video-ext', '.mkv',
                          splits=('val1', ))) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'val_1.json']
    assert list(read(files, 'val_1.json')) == ['v_uqiMw7tQ1Cc.mkv']


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    video_dir.mkdir()
    (video_dir / 'v_QOlSCBRmfWY.mp4').write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir),
                          splits=('train', 'val1'))) == 0
    out = capsys.readouterr().out
    assert 'train.json: 1 of 2 videos missing' in out
    assert "'v_ehGHCYKzyZ8.mp4'" in out
    assert 'val_1.json: 1 of 1 videos missing' in out


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


def write(files, split, data):
    files[split].write_text(json.dumps(data))


def entry(**kwargs):
    return dict(dict(duration=10.0, timestamps=[[0, 1]], sentences=['x']),
                **kwargs)


def test_missing_fields(files, capsys):
    bad = entry()
    del bad['sentences']
    write(files, 'val1', {'v_ok': entry(), 'v_bad': bad})
    err = run_error(files, capsys)
    assert "val_1.json: video 'v_bad' has no \"sentences\"" in err
    bad = entry()
    del bad['timestamps']
    write(files, 'val1', {'v_bad': bad})
    assert "video 'v_bad' has no \"timestamps\"" in run_error(files, capsys)
    write(files, 'val1', {'v_bad': entry(sentences=[])})
    assert "video 'v_bad' has no \"sentences\"" in run_error(files, capsys)
    write(files, 'val1', {'v_bad': [1, 2]})
    assert "video 'v_bad': expected an object" in run_error(files, capsys)


def test_length_mismatch(files, capsys):
    write(files, 'val2', {'v_bad': entry(sentences=['a', 'b'])})
    err = run_error(files, capsys)
    assert "val_2.json: video 'v_bad' has 2 sentences but 1 timestamps" \
        in err


def test_bad_timestamp(files, capsys):
    write(files, 'train', {'v_bad': entry(timestamps=[[0, 'x']])})
    err = run_error(files, capsys)
    assert "train.json: video 'v_bad', timestamps[0] is not [start, end]" \
        in err
    write(files, 'train', {'v_bad': entry(timestamps=[[0, 1, 2]])})
    assert 'timestamps[0]' in run_error(files, capsys)


def test_empty_sentence(files, capsys):
    write(files, 'train',
          {'v_bad': entry(timestamps=[[0, 1], [1, 2]],
                          sentences=['ok', ' '])})
    err = run_error(files, capsys)
    assert "train.json: video 'v_bad', sentences[1] is empty" in err


def test_duplicate_video_id(files, capsys):
    one = json.dumps(entry())
    files['train'].write_text(
        f'{{"v_a": {one}, "v_b": {one}, "v_a": {one}}}')
    err = run_error(files, capsys)
    assert "train.json: key 'v_a' appears twice" in err


def test_bad_files(files, capsys):
    files['train'].write_text('[]')
    assert 'train.json: expected a JSON object' in run_error(files, capsys)
    files['train'].write_text('{}')
    assert 'train.json: no videos' in run_error(files, capsys)
    files['train'].write_text('{"v_a": ')
    assert 'train.json: not valid JSON' in run_error(files, capsys)
    files['train'].unlink()
    assert 'train.json: file not found' in run_error(files, capsys)


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    write(files, 'val1', {'v_bad': {'duration': 1.0}})
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "video 'v_bad'" in proc.stderr
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, splits=()),
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-json' in proc.stderr
