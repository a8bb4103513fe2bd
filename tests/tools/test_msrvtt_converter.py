"""Tests for tools/data/msrvtt/convert_annotations.py."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'msrvtt' / 'convert_annotations.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('msrvtt_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

SENTENCES = [
    ('video0', 'a man is talking'),
    ('video1', 'a cat plays'),
    ('video0', ' a man speaks to the camera '),
    ('video2', 'cars race on a track'),
    ('video1', 'a kitten with a ball'),
    ('video3', 'someone is cooking'),
    ('video0', 'a person talks'),
]


@pytest.fixture
def files(tmp_path):
    data = {
        'info': {'year': 2016},
        'videos': [{'video_id': f'video{i}', 'split': 'train', 'id': i}
                   for i in range(4)],
        'sentences': [{'video_id': v, 'caption': c, 'sen_id': i}
                      for i, (v, c) in enumerate(SENTENCES)],
    }
    data_json = tmp_path / 'MSRVTT_data.json'
    data_json.write_text(json.dumps(data))
    train_csv = tmp_path / 'MSRVTT_train.9k.csv'
    train_csv.write_text('video_id\nvideo1\nvideo0\n')
    train7k_csv = tmp_path / 'MSRVTT_train.7k.csv'
    train7k_csv.write_text('video_id\nvideo0\n')
    test_csv = tmp_path / 'MSRVTT_JSFUSION_test.csv'
    test_csv.write_text('key,vid_key,video_id,sentence\n'
                        'ret0,msr3,video3,a chef prepares food\n'
                        'ret1,msr2,video2,"racing cars, fast"\n')
    return dict(data_json=data_json, train_csv=train_csv,
                train7k_csv=train7k_csv, test_csv=test_csv,
                out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra, train='train_csv'):
    args = ['--data-json', str(files['data_json']),
            '--test-csv', str(files['test_csv']),
            '--out-dir', str(files['out_dir'])]
    if train:
        args += ['--train-csv', str(files[train])]
    return args + list(extra)


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    train = json.loads((files['out_dir'] / 'train_9k.json').read_text())
    test = json.loads((files['out_dir'] / 'test_1k.json').read_text())
    # csv order; all captions of each video in MSRVTT_data.json order
    assert list(train) == ['video1.mp4', 'video0.mp4']
    assert train == {
        'video1.mp4': ['a cat plays', 'a kitten with a ball'],
        'video0.mp4': ['a man is talking', 'a man speaks to the camera',
                       'a person talks'],
    }
    assert list(test) == ['video3.mp4', 'video2.mp4']
    assert test == {'video3.mp4': ['a chef prepares food'],
                    'video2.mp4': ['racing cars, fast']}
    out = capsys.readouterr().out
    assert 'train_9k.json: 2 videos, 5 captions' in out
    assert 'test_1k.json: 2 videos, 2 captions' in out


def test_train_7k_and_names(files):
    assert conv.main(argv(files, train='train7k_csv')) == 0
    train = json.loads((files['out_dir'] / 'train_7k.json').read_text())
    assert list(train) == ['video0.mp4']
    assert conv.main(argv(files, '--train-out', 'mine.json',
                          '--test-out', 't.json')) == 0
    assert (files['out_dir'] / 'mine.json').is_file()
    assert (files['out_dir'] / 't.json').is_file()
    assert conv.default_train_name('foo.csv') == 'train.json'


def test_only_test_split(files):
    assert conv.main(argv(files, train=None)) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'test_1k.json']


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    video_dir.mkdir()
    for name in ['video0.mp4', 'video1.mp4', 'video3.mp4']:
        (video_dir / name).write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir))) == 0
    out = capsys.readouterr().out
    assert 'train_9k.json: all 2 videos present' in out
    assert "test_1k.json: 1 of 2 videos missing" in out
    assert "'video2.mp4'" in out
    assert conv.find_missing_videos({'video2.mp4': ['x']},
                                    str(video_dir)) == ['video2.mp4']


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    return capsys.readouterr().err


def test_missing_column(files, capsys):
    files['test_csv'].write_text('key,video_id,sentence\nret0,video3,x\n')
    err = run_error(files, capsys)
    assert 'MSRVTT_JSFUSION_test.csv' in err and "'vid_key'" in err


def test_unknown_video_id(files, capsys):
    files['train_csv'].write_text('video_id\nvideo1\nvideo42\n')
    err = run_error(files, capsys)
    assert 'MSRVTT_train.9k.csv, line 3' in err
    assert "'video42'" in err and 'MSRVTT_data.json' in err


def test_duplicate_video_id(files, capsys):
    files['train_csv'].write_text('video_id\nvideo1\nvideo1\n')
    err = run_error(files, capsys)
    assert 'line 3' in err and 'listed twice' in err


def test_empty_test_sentence(files, capsys):
    files['test_csv'].write_text('key,vid_key,video_id,sentence\n'
                                 'ret0,msr3,video3,  \n')
    err = run_error(files, capsys)
    assert 'MSRVTT_JSFUSION_test.csv, line 2' in err and 'sentence' in err


def test_empty_caption_in_data_json(files, capsys):
    data = json.loads(files['data_json'].read_text())
    data['sentences'][3]['caption'] = ' '
    files['data_json'].write_text(json.dumps(data))
    err = run_error(files, capsys)
    assert 'MSRVTT_data.json' in err and 'sentences[3]' in err
    assert 'caption' in err


def test_train_video_without_caption(files, capsys):
    data = json.loads(files['data_json'].read_text())
    data['videos'].append({'video_id': 'video4'})
    files['data_json'].write_text(json.dumps(data))
    files['train_csv'].write_text('video_id\nvideo4\n')
    err = run_error(files, capsys)
    assert 'line 2' in err and 'no caption' in err


def test_bad_data_json(files, capsys):
    files['data_json'].write_text('{"videos": []}')
    assert 'sentences' in run_error(files, capsys)
    files['data_json'].write_text('not json')
    assert 'not valid JSON' in run_error(files, capsys)
    files['data_json'].unlink()
    assert 'file not found' in run_error(files, capsys)


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    files['train_csv'].write_text('vid\nvideo1\n')
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'missing column' in proc.stderr
    # neither split given -> argparse error
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), '--data-json', 'x', '--out-dir', 'y'],
        capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-csv' in proc.stderr
