"""Tests for tools/data/didemo/convert_annotations.py."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets import load_video_text_json

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'didemo' / 'convert_annotations.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('didemo_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

V1 = '12090392@N02_13482799053_87ef417396.mov'
V2 = '10015567@N08_3655084291_d8b58466fa.mp4'
V3 = '1001_abc.m4v'


def moment(video, description, aid):
    return {'video': video, 'description': description,
            'times': [[0, 0], [1, 1]], 'annotation_id': aid,
            'dl_link': 'https://example.org/x', 'num_segments': 6}


TRAIN = [
    moment(V1, 'a man walks in ', 1),
    moment(V2, 'the dog jumps', 2),
    moment(V1, ' the man sits down', 3),
    moment(V1, 'a man walks in', 4),  # exact repeat: kept
    moment(V2, 'dog lands', 5),
]


@pytest.fixture
def files(tmp_path):
    paths = {}
    for split, data in [('train', TRAIN), ('val', [moment(V3, 'red car', 9)]),
                        ('test', [moment(V3, 'a red car', 7),
                                  moment(V3, 'car stops', 8)])]:
        paths[split] = tmp_path / f'{split}_data.json'
        paths[split].write_text(json.dumps(data))
    return dict(paths, out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra, splits=('train', 'val', 'test')):
    args = ['--out-dir', str(files['out_dir'])]
    for split in splits:
        args += [f'--{split}-json', str(files[split])]
    return args + list(extra)


def read(files, name):
    return json.loads((files['out_dir'] / name).read_text())


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    train = read(files, 'train.json')
    # grouped by video (first appearance), file order, repeats kept
    stem1 = V1[:-len('.mov')]
    stem2 = V2[:-len('.mp4')]
    assert list(train) == [f'{stem1}.mp4', f'{stem2}.mp4']
    assert train == {
        f'{stem1}.mp4': ['a man walks in', 'the man sits down',
                      'a man walks in'],
        f'{stem2}.mp4': ['the dog jumps', 'dog lands'],
    }
    assert read(files, 'val.json') == {'1001_abc.mp4': ['red car']}
    assert read(files, 'test.json') == {
        '1001_abc.mp4': ['a red car', 'car stops']}
    out = capsys.readouterr()
    assert 'train.json: 2 videos, 5 captions' in out.out
    assert 'val.json: 1 videos, 1 captions' in out.out
    assert 'test.json: 1 videos, 2 captions' in out.out
    assert 'warning' not in out.err  # train vs val/test: no overlap
    for name in ['train.json', 'val.json', 'test.json']:
        path = str(files['out_dir'] / name)
        assert load_video_text_json(path) == read(files, name)


def test_video_ext_options(files):
    assert conv.main(argv(files, '--video-ext', 'avi',
                          splits=('test', ))) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'test.json']
    assert list(read(files, 'test.json')) == ['1001_abc.avi']
    assert conv.main(argv(files, '--keep-original-ext',
                          splits=('train', ))) == 0
    assert list(read(files, 'train.json')) == [V1, V2]


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    video_dir.mkdir()
    (video_dir / '1001_abc.mp4').write_bytes(b'')
    (video_dir / V2).write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir))) == 0
    out = capsys.readouterr().out
    assert 'train.json: 1 of 2 videos missing' in out
    assert repr(V1.replace('.mov', '.mp4')) in out
    assert 'val.json: all 1 videos present' in out
    assert 'test.json: all 1 videos present' in out


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


def write(files, split, data):
    files[split].write_text(json.dumps(data))


def test_missing_fields(files, capsys):
    entry = moment(V3, 'x', 11)
    del entry['description']
    write(files, 'val', [moment(V3, 'ok', 10), entry])
    err = run_error(files, capsys)
    assert 'val_data.json: entry 1 (annotation_id 11)' in err
    assert '"description"' in err
    entry = moment(V3, 'x', 12)
    del entry['video']
    write(files, 'val', [entry])
    err = run_error(files, capsys)
    assert 'val_data.json: entry 0 (annotation_id 12)' in err
    assert '"video"' in err
    write(files, 'val', ['not an object'])
    assert 'val_data.json: entry 0 is not an object' in run_error(
        files, capsys)


def test_empty_description(files, capsys):
    write(files, 'test', [moment(V3, 'ok', 1), moment(V3, '  ', 2)])
    err = run_error(files, capsys)
    assert 'test_data.json: entry 1 (annotation_id 2)' in err
    assert 'empty or missing "description"' in err


def test_key_collision(files, capsys):
    write(files, 'val', [moment('abc.mov', 'x', 1),
                         moment('abc.mp4', 'y', 2)])
    err = run_error(files, capsys)
    assert 'val_data.json: entry 1' in err
    assert "'abc.mov' and 'abc.mp4' both map to 'abc.mp4'" in err
    assert conv.main(argv(files, '--keep-original-ext')) == 0


def test_bad_files(files, capsys):
    files['train'].write_text('{"video": "a.mp4"}')
    assert 'expected a JSON list' in run_error(files, capsys)
    files['train'].write_text('[]')
    assert 'train_data.json: no annotations' in run_error(files, capsys)
    files['train'].write_text('[{')
    assert 'train_data.json: not valid JSON' in run_error(files, capsys)
    files['train'].unlink()
    assert 'train_data.json: file not found' in run_error(files, capsys)


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    write(files, 'val', [{'video': V3}])
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'val_data.json: entry 0' in proc.stderr
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, splits=()),
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-json' in proc.stderr
