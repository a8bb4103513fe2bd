"""Tests for tools/data/msvd/convert_annotations.py."""
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

import pytest

from mvadapt.datasets import load_video_text_json

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'msvd' / 'convert_annotations.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('msvd_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

CAPTIONS = {
    '-4wsuPCjDBc_5_15': [['a', 'man', 'is', 'talking'],
                         [' someone ', 'speaks', '']],
    'vidB_2_8': [['a', 'cat', 'plays']],
    'vidC_0_3': [['cars', 'race'], ['fast', 'cars'], ['a', 'race']],
    'vidD_1_2': [['a', 'dog']],
}


class Evil:
    """Unpickling this would create a directory (a stand-in for any code)."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.mkdir, (self.path, )


@pytest.fixture
def files(tmp_path):
    pkl = tmp_path / 'raw-captions.pkl'
    pkl.write_bytes(pickle.dumps(CAPTIONS))
    train = tmp_path / 'train_list.txt'
    train.write_text('vidB_2_8\n-4wsuPCjDBc_5_15\n\n')
    val = tmp_path / 'val_list.txt'
    val.write_text('vidD_1_2\n')
    test = tmp_path / 'test_list.txt'
    test.write_text('vidC_0_3\n')
    return dict(pkl=pkl, train=train, val=val, test=test,
                out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra, splits=('train', 'val', 'test')):
    args = ['--captions-pkl', str(files['pkl']),
            '--out-dir', str(files['out_dir'])]
    for split in splits:
        args += [f'--{split}-list', str(files[split])]
    return args + list(extra)


def read(files, name):
    return json.loads((files['out_dir'] / name).read_text())


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    train = read(files, 'train.json')
    # list order; all captions per video, tokens joined with single spaces
    assert list(train) == ['vidB_2_8.avi', '-4wsuPCjDBc_5_15.avi']
    assert train == {
        'vidB_2_8.avi': ['a cat plays'],
        '-4wsuPCjDBc_5_15.avi': ['a man is talking', 'someone speaks'],
    }
    assert read(files, 'val.json') == {'vidD_1_2.avi': ['a dog']}
    assert read(files, 'test.json') == {
        'vidC_0_3.avi': ['cars race', 'fast cars', 'a race']}
    out = capsys.readouterr().out
    assert 'train.json: 2 videos, 3 captions' in out
    assert 'val.json: 1 videos, 1 captions' in out
    assert 'test.json: 1 videos, 3 captions' in out
    for name in ['train.json', 'val.json', 'test.json']:
        path = str(files['out_dir'] / name)
        assert load_video_text_json(path) == read(files, name)


def test_video_ext_and_single_split(files):
    assert conv.main(argv(files, '--video-ext', 'mp4',
                          splits=('test', ))) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'test.json']
    assert list(read(files, 'test.json')) == ['vidC_0_3.mp4']


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    video_dir.mkdir()
    for name in ['vidB_2_8.avi', 'vidD_1_2.avi', 'vidC_0_3.avi']:
        (video_dir / name).write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir))) == 0
    out = capsys.readouterr().out
    assert 'train.json: 1 of 2 videos missing' in out
    assert "'-4wsuPCjDBc_5_15.avi'" in out
    assert 'val.json: all 1 videos present' in out
    assert 'test.json: all 1 videos present' in out


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


def test_check_videos_dir_not_found(files, capsys):
    err = run_error(files, capsys, '--check-videos',
                    str(files['tmp'] / 'nope'))
    assert 'nope' in err and 'not found' in err


def test_refuses_pickled_globals(files, capsys):
    target = files['tmp'] / 'pwned'
    files['pkl'].write_bytes(pickle.dumps({'vidB_2_8': Evil(str(target))}))
    err = run_error(files, capsys)
    assert 'raw-captions.pkl' in err and 'refusing' in err
    assert not target.exists()
    # even harmless classes are refused: builtin containers and str only
    files['pkl'].write_bytes(
        pickle.dumps(OrderedDict(vidB_2_8=[['a', 'cat']])))
    assert 'refusing' in run_error(files, capsys)


def test_bad_pickle(files, capsys):
    files['pkl'].write_bytes(b'not a pickle at all')
    assert 'raw-captions.pkl' in run_error(files, capsys)
    files['pkl'].write_bytes(pickle.dumps([['a', 'b']]))
    assert 'expected a dict' in run_error(files, capsys)
    files['pkl'].write_bytes(pickle.dumps({'vidB_2_8': [['a', 3]]}))
    err = run_error(files, capsys)
    assert "video 'vidB_2_8', caption 0" in err
    files['pkl'].unlink()
    assert 'raw-captions.pkl: file not found' in run_error(files, capsys)


def test_empty_caption(files, capsys):
    caps = dict(CAPTIONS, vidC_0_3=[['cars'], [' ', ''], ['x']])
    files['pkl'].write_bytes(pickle.dumps(caps))
    err = run_error(files, capsys)
    assert 'raw-captions.pkl' in err
    assert "video 'vidC_0_3', caption 1 is empty" in err


def test_unknown_video_id(files, capsys):
    files['train'].write_text('vidB_2_8\nvid42\n')
    err = run_error(files, capsys)
    assert 'train_list.txt, line 2' in err
    assert "'vid42'" in err and 'raw-captions.pkl' in err


def test_duplicate_video_id(files, capsys):
    files['test'].write_text('vidC_0_3\n\nvidC_0_3\n')
    err = run_error(files, capsys)
    assert 'test_list.txt, line 3' in err and 'listed twice' in err
    assert 'first on line 1' in err


def test_video_without_caption(files, capsys):
    files['pkl'].write_bytes(pickle.dumps(dict(CAPTIONS, vidD_1_2=[])))
    err = run_error(files, capsys)
    assert 'val_list.txt, line 1' in err and 'no caption' in err


def test_missing_or_empty_list(files, capsys):
    files['val'].write_text('\n\n')
    assert 'val_list.txt: no video ids' in run_error(files, capsys)
    files['val'].unlink()
    assert 'val_list.txt: file not found' in run_error(files, capsys)


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    files['train'].write_text('nope\n')
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'train_list.txt, line 1' in proc.stderr
    # no split list given -> argparse error
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, splits=()),
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-list' in proc.stderr
