"""Tests for tools/data/sthv2/convert_splits.py."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets.splits import read_video_list

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'sthv2' / 'convert_splits.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('sthv2_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

LABELS = {
    'Holding something next to something': '2',
    'Approaching something with your camera': '0',
    'Putting something into something': '1',
}
HOLD = 'Holding [something] next to [something]'
APPROACH = 'Approaching [something] with your camera'
PUT = 'Putting [something] into [something]'


def entry(vid, template):
    return {'id': vid, 'label': 'filled-in text', 'template': template,
            'placeholders': ['a', 'b']}


@pytest.fixture
def files(tmp_path):
    labels = tmp_path / 'something-something-v2-labels.json'
    labels.write_text(json.dumps(LABELS))
    train = tmp_path / 'something-something-v2-train.json'
    train.write_text(json.dumps([entry('78687', HOLD),
                                 entry('42326', PUT),
                                 entry('100904', APPROACH)]))
    val = tmp_path / 'something-something-v2-validation.json'
    val.write_text(json.dumps([entry('74225', PUT), entry('116154', HOLD)]))
    return dict(labels=labels, train=train, val=val,
                out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra, splits=('train', 'val')):
    args = ['--labels-json', str(files['labels']),
            '--out-dir', str(files['out_dir'])]
    for split in splits:
        args += [f'--{split}-json', str(files[split])]
    return args + list(extra)


def read(files, name):
    return (files['out_dir'] / name).read_text()


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt', 'sthv2_train_list.txt', 'sthv2_val_list.txt']
    # label-id order
    assert read(files, 'class_names.txt') == (
        'Approaching something with your camera\n'
        'Putting something into something\n'
        'Holding something next to something\n')
    assert read(files, 'sthv2_train_list.txt') == (
        '78687.webm 2\n42326.webm 1\n100904.webm 0\n')
    assert read(files, 'sthv2_val_list.txt') == (
        '74225.webm 1\n116154.webm 2\n')
    assert read_video_list(str(files['out_dir'] / 'sthv2_val_list.txt')) == [
        ('74225.webm', 1), ('116154.webm', 2)]
    out = capsys.readouterr().out
    assert 'class_names.txt: 3 classes' in out
    assert 'sthv2_train_list.txt: 3 videos, 3 classes' in out
    assert 'sthv2_val_list.txt: 2 videos, 2 classes' in out


def test_video_ext_single_split_and_int_ids(files):
    files['labels'].write_text(json.dumps(
        {k: int(v) for k, v in LABELS.items()}))
    assert conv.main(argv(files, '--video-ext', 'mp4', splits=('val', ))) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt', 'sthv2_val_list.txt']
    assert read(files, 'sthv2_val_list.txt') == '74225.mp4 1\n116154.mp4 2\n'


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    video_dir.mkdir()
    (video_dir / '74225.webm').write_bytes(b'')
    (video_dir / '116154.webm').write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir))) == 0
    out = capsys.readouterr().out
    assert 'sthv2_train_list.txt: 3 of 3 videos missing' in out
    assert 'sthv2_val_list.txt: all 2 videos present' in out


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


def test_unknown_template(files, capsys):
    files['val'].write_text(json.dumps([
        entry('74225', PUT), entry('999', 'Spinning [something]')]))
    err = run_error(files, capsys)
    assert "something-something-v2-validation.json, entry 1 (id '999')" in err
    assert "template 'Spinning [something]'" in err
    assert "(class 'Spinning something') is not in" in err
    assert 'something-something-v2-labels.json' in err


@pytest.mark.parametrize('labels, message', [
    ([], 'expected a non-empty JSON object'),
    ({'A': 'x'}, "class 'A': id 'x' is not a non-negative integer"),
    ({'A': '-1'}, "class 'A': id '-1' is not a non-negative"),
    ({'A': '0', 'B': '0'}, "id 0 is used by both 'A' and 'B'"),
    ({'A': '0', 'B': '2'}, 'the ids must be 0..1; missing [1]'),
])
def test_bad_labels(files, capsys, labels, message):
    files['labels'].write_text(json.dumps(labels))
    err = run_error(files, capsys)
    assert 'something-something-v2-labels.json: ' + message in err


def test_labels_repeated_key(files, capsys):
    files['labels'].write_text('{"A": "0", "A": "1"}')
    assert "key 'A' appears twice" in run_error(files, capsys)


@pytest.mark.parametrize('data, message', [
    ({'id': '1'}, 'expected a JSON list'),
    ([entry('1', PUT), ['x']], 'entry 1: expected an object with a video '
     '"id"'),
    ([entry('1', PUT), entry('a b', PUT)], 'entry 1: expected an object'),
    ([entry('1', PUT), {'id': '2'}], "entry 1 (id '2'): missing or empty "
     '"template"'),
    ([entry('1', PUT), entry('1', HOLD)], "entry 1: video id '1' is listed "
     'twice (first in entry 0)'),
    ([], 'no videos'),
])
def test_bad_entries(files, capsys, data, message):
    files['train'].write_text(json.dumps(data))
    err = run_error(files, capsys)
    assert 'something-something-v2-train.json' in err and message in err


def test_missing_or_invalid_files(files, capsys):
    files['val'].write_text('[{"id": ')
    assert 'validation.json: not valid JSON' in run_error(files, capsys)
    files['labels'].unlink()
    assert 'labels.json: file not found' in run_error(files, capsys)


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    # no split given -> argparse error
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, splits=()),
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-json' in proc.stderr
