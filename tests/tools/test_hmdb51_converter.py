"""Tests for tools/data/hmdb51/convert_splits.py."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets.splits import read_video_list

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'hmdb51' / 'convert_splits.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('hmdb51_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

# per class: (video, id for split 1, split 2, split 3)
VIDEOS = {
    'wave': [('wave_a_0.avi', 1, 2, 0), ('wave_b_0.avi', 2, 1, 1)],
    'brush_hair': [('April_09_brush_hair_u_nm_np1_ba_goo_0.avi', 1, 1, 2),
                   ('Brushing_(Hair)_brush_hair_h_nm_np1_le_goo_1.avi',
                    0, 2, 1)],
    'climb_stairs': [('stairs_0.avi', 2, 0, 1), ('stairs_1.avi', 1, 1, 1)],
}


@pytest.fixture
def files(tmp_path):
    lists = tmp_path / 'testTrainMulti_7030_splits'
    lists.mkdir()
    for cls, videos in VIDEOS.items():
        for k in (1, 2, 3):
            # the official lines end with a space
            (lists / f'{cls}_test_split{k}.txt').write_text(''.join(
                f'{v[0]} {v[k]} \n' for v in videos))
    (lists / 'README.txt').write_text('not a split file\n')
    return dict(lists=lists, out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra):
    return ['--list-dir', str(files['lists']),
            '--out-dir', str(files['out_dir'])] + list(extra)


def read(files, name):
    return (files['out_dir'] / name).read_text()


BH = 'brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.avi'
BH1 = 'brush_hair/Brushing_(Hair)_brush_hair_h_nm_np1_le_goo_1.avi'


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt'] + [f'hmdb51_{s}_split_{k}.txt'
                              for s in ('train', 'val') for k in (1, 2, 3)]
    # classes sorted alphabetically
    assert read(files, 'class_names.txt') == (
        'brush_hair\nclimb_stairs\nwave\n')
    assert read(files, 'hmdb51_train_split_1.txt') == (
        f'{BH} 0\nclimb_stairs/stairs_1.avi 1\nwave/wave_a_0.avi 2\n')
    assert read(files, 'hmdb51_val_split_1.txt') == (
        'climb_stairs/stairs_0.avi 1\nwave/wave_b_0.avi 2\n')
    assert read(files, 'hmdb51_val_split_3.txt') == f'{BH} 0\n'
    assert read_video_list(
        str(files['out_dir'] / 'hmdb51_val_split_2.txt')) == [
            (BH1, 0), ('wave/wave_a_0.avi', 2)]
    out = capsys.readouterr().out
    assert 'split 1: 3 classes, 3 train, 2 test, 1 unused (id 0)' in out
    assert 'class_names.txt: 3 classes' in out
    assert 'hmdb51_train_split_2.txt: 3 videos, 3 classes' in out


def test_readable_names_splits_and_ext(files):
    assert conv.main(argv(files, '--readable-names', '--splits', '3',
                          '--video-ext', '.mp4')) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt', 'hmdb51_train_split_3.txt',
        'hmdb51_val_split_3.txt']
    assert read(files, 'class_names.txt') == (
        'brush hair\nclimb stairs\nwave\n')
    assert read(files, 'hmdb51_val_split_3.txt') == (
        'brush_hair/April_09_brush_hair_u_nm_np1_ba_goo_0.mp4 0\n')


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    (video_dir / 'wave').mkdir(parents=True)
    (video_dir / 'wave' / 'wave_b_0.avi').write_bytes(b'')
    assert conv.main(argv(files, '--splits', '1', '--check-videos',
                          str(video_dir))) == 0
    out = capsys.readouterr().out
    assert 'hmdb51_val_split_1.txt: 1 of 2 videos missing' in out
    assert "'climb_stairs/stairs_0.avi'" in out


def run_error(files, capsys, *args):
    assert conv.main(argv(files, *args)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


@pytest.mark.parametrize('line, message', [
    ('x.avi 3', 'line 2: expected "<video> <id>" with id 0'),
    ('x.avi', 'line 2: expected'),
    ('sub/x.avi 1', 'line 2: expected'),
    ('wave_a_0.avi 0', "line 2: video 'wave_a_0.avi' is listed twice (first "
     'on line 1)'),
])
def test_bad_line(files, capsys, line, message):
    (files['lists'] / 'wave_test_split2.txt').write_text(
        f'wave_a_0.avi 1\n{line}\n')
    assert 'wave_test_split2.txt, ' + message in run_error(files, capsys)


def test_missing_or_empty_files(files, capsys):
    (files['lists'] / 'wave_test_split2.txt').write_text('\n')
    assert 'wave_test_split2.txt: no videos' in run_error(files, capsys)
    (files['lists'] / 'climb_stairs_test_split3.txt').unlink()
    err = run_error(files, capsys, '--splits', '3')
    assert 'climb_stairs_test_split3.txt: file not found' in err
    err = run_error(files, capsys, '--list-dir', str(files['tmp'] / 'nope'))
    assert 'nope: directory not found' in err
    err = run_error(files, capsys, '--list-dir', str(files['tmp']))
    assert 'no <class>_test_split<k>.txt files' in err


def test_split_without_videos(files, capsys):
    for cls in VIDEOS:
        (files['lists'] / f'{cls}_test_split1.txt').write_text('a.avi 0\n')
    err = run_error(files, capsys, '--splits', '1')
    assert 'hmdb51_train_split_1.txt: nothing to write' in err


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, '--splits', '1'),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    (files['lists'] / 'wave_test_split1.txt').write_text('x.avi 7\n')
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'wave_test_split1.txt, line 1' in proc.stderr
