"""Tests for tools/data/ucf101/convert_splits.py."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets.splits import read_video_list

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'ucf101' / 'convert_splits.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('ucf101_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

A = 'ApplyEyeMakeup/v_ApplyEyeMakeup_g{:02d}_c01.avi'
Y = 'YoYo/v_YoYo_g{:02d}_c01.avi'
H = 'HandstandPushups/v_HandStandPushups_g{:02d}_c01.avi'


@pytest.fixture
def files(tmp_path):
    lists = tmp_path / 'ucfTrainTestlist'
    lists.mkdir()
    # the official files have CRLF line ends
    (lists / 'classInd.txt').write_bytes(
        b'1 ApplyEyeMakeup\r\n2 YoYo\r\n3 HandstandPushups\r\n')
    for k in (1, 2, 3):
        (lists / f'trainlist0{k}.txt').write_text(
            f'{A.format(k + 10)} 1\n{Y.format(k + 10)} 2\n\n'
            f'{H.format(k + 10)} 3\n')
        (lists / f'testlist0{k}.txt').write_text(
            f'{H.format(k)}\n{A.format(k)}\n')
    return dict(lists=lists, out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra):
    return ['--list-dir', str(files['lists']),
            '--out-dir', str(files['out_dir'])] + list(extra)


def read(files, name):
    return (files['out_dir'] / name).read_text()


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt'] + [f'ucf101_{s}_split_{k}.txt'
                              for s in ('train', 'val') for k in (1, 2, 3)]
    assert read(files, 'class_names.txt') == (
        'ApplyEyeMakeup\nYoYo\nHandstandPushups\n')
    assert read(files, 'ucf101_train_split_2.txt') == (
        f'{A.format(12)} 0\n{Y.format(12)} 1\n{H.format(12)} 2\n')
    assert read(files, 'ucf101_val_split_3.txt') == (
        f'{H.format(3)} 2\n{A.format(3)} 0\n')
    assert read_video_list(
        str(files['out_dir'] / 'ucf101_val_split_1.txt')) == [
            (H.format(1), 2), (A.format(1), 0)]
    out = capsys.readouterr().out
    assert 'class_names.txt: 3 classes' in out
    assert 'ucf101_train_split_1.txt: 3 videos, 3 classes' in out
    assert 'ucf101_val_split_1.txt: 2 videos, 2 classes' in out


def test_readable_names_splits_and_ext(files):
    assert conv.main(argv(files, '--readable-names', '--splits', '2',
                          '--video-ext', 'mp4')) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt', 'ucf101_train_split_2.txt',
        'ucf101_val_split_2.txt']
    assert read(files, 'class_names.txt') == (
        'Apply Eye Makeup\nYo Yo\nHandstand Pushups\n')
    assert read(files, 'ucf101_val_split_2.txt') == (
        'HandstandPushups/v_HandStandPushups_g02_c01.mp4 2\n'
        'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.mp4 0\n')


def test_readable_name():
    assert conv.readable_name('PlayingDaf') == 'Playing Daf'
    assert conv.readable_name('Billiards') == 'Billiards'
    assert conv.readable_name('ABCDef') == 'ABC Def'


def test_check_videos_and_overlap(files, capsys):
    video_dir = files['tmp'] / 'videos'
    (video_dir / 'ApplyEyeMakeup').mkdir(parents=True)
    (video_dir / A.format(1)).write_bytes(b'')
    (video_dir / H.format(1).split('/')[0]).mkdir()
    (video_dir / H.format(1)).write_bytes(b'')
    with open(files['lists'] / 'testlist01.txt', 'a') as f:
        f.write(f'{Y.format(11)}\n')  # also a training video
    assert conv.main(argv(files, '--splits', '1', '--check-videos',
                          str(video_dir))) == 0
    captured = capsys.readouterr()
    assert 'ucf101_val_split_1.txt: 1 of 3 videos missing' in captured.out
    assert 'ucf101_train_split_1.txt: 3 of 3 videos missing' in captured.out
    assert ('warning: 1 videos are in both ucf101_train_split_1.txt and '
            'ucf101_val_split_1.txt') in captured.err


def run_error(files, capsys, *args):
    assert conv.main(argv(files, *args)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


@pytest.mark.parametrize('content, message', [
    ('1 ApplyEyeMakeup\n2\n', 'classInd.txt, line 2: expected'),
    ('1 A\n1 B\n', 'classInd.txt, line 2: index 1 is listed twice'),
    ('1 A\n2 A\n', "classInd.txt, line 2: class 'A' is listed twice"),
    ('1 A\n3 B\n', 'classInd.txt, line 2: index 3 is outside 1..2'),
    ('\n', 'classInd.txt: no classes'),
])
def test_bad_class_ind(files, capsys, content, message):
    (files['lists'] / 'classInd.txt').write_text(content)
    assert message in run_error(files, capsys)


@pytest.mark.parametrize('line, message', [
    (f'{A.format(1)}', 'line 2: expected "<ClassName>/<video> <index>"'),
    (f'{A.format(1)} x', 'line 2: expected'),
    (f'{A.format(1)} 4', 'line 2: class index 4 is not in'),
    (f'{A.format(1)} 2', "line 2: folder 'ApplyEyeMakeup' does not match "
     "class 2 ('YoYo')"),
    ('v_YoYo_g01_c01.avi 2', 'line 2: expected "<ClassName>/<video>"'),
    (f'{A.format(12)} 1', f"line 2: video '{A.format(12)}' is listed twice "
     '(first on line 1)'),
])
def test_bad_train_list(files, capsys, line, message):
    (files['lists'] / 'trainlist02.txt').write_text(f'{A.format(12)} 1\n'
                                                   f'{line}\n')
    err = run_error(files, capsys)
    assert 'trainlist02.txt, ' + message in err


@pytest.mark.parametrize('line, message', [
    ('Unknown/v_Unknown_g01_c01.avi', "line 2: folder 'Unknown' is not a "
     'class of'),
    (f'{A.format(3)} 2', "line 2: index 2 does not match folder "
     "'ApplyEyeMakeup' (class 1"),
    (f'{A.format(3)} 1 x', 'line 2: expected "<ClassName>/<video>"'),
    (f'{H.format(3)}', f"line 2: video '{H.format(3)}' is listed twice"),
])
def test_bad_test_list(files, capsys, line, message):
    (files['lists'] / 'testlist03.txt').write_text(f'{H.format(3)}\n'
                                                  f'{line}\n')
    assert 'testlist03.txt, ' + message in run_error(files, capsys)


def test_test_list_with_matching_index(files):
    (files['lists'] / 'testlist01.txt').write_text(f'{Y.format(1)} 2\n')
    assert conv.main(argv(files, '--splits', '1')) == 0
    assert read(files, 'ucf101_val_split_1.txt') == f'{Y.format(1)} 1\n'


def test_missing_or_empty_files(files, capsys):
    (files['lists'] / 'testlist02.txt').write_text('\n')
    assert 'testlist02.txt: no videos' in run_error(files, capsys)
    (files['lists'] / 'trainlist03.txt').unlink()
    assert 'trainlist03.txt: file not found' in run_error(
        files, capsys, '--splits', '3')
    err = run_error(files, capsys, '--check-videos',
                    str(files['tmp'] / 'nope'))
    assert 'nope: video directory not found' in err


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, '--splits', '1'),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    (files['lists'] / 'trainlist01.txt').write_text('nope 1\n')
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'trainlist01.txt, line 1' in proc.stderr
