"""Tests for tools/data/lsmdc/convert_annotations.py."""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets import load_video_text_json

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'lsmdc' / 'convert_annotations.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('lsmdc_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

AB = '0001_American_Beauty'
CLIP1 = f'{AB}_00.00.51.926-00.00.54.129'
CLIP2 = f'{AB}_00.01.03.000-00.01.05.500'
CLIP3 = '1004_Juno_00.00.32.849-00.00.38.373'
CLIP4 = '1004_Juno_00.01.00.000-00.01.02.000'


def row(clip, sentence, times=('00.00.01.000', '00.00.02.000',
                               '00.00.01.100', '00.00.02.100')):
    return '\t'.join((clip, ) + times + (sentence, ))


@pytest.fixture
def files(tmp_path):
    train = tmp_path / 'LSMDC16_annos_training.csv'
    train.write_text(row(CLIP2, 'SOMEONE walks in.') + '\n' +
                     row(CLIP1, ' SOMEONE smiles, "quoted". ') + '\t\n' +
                     '\n' +
                     row(CLIP3, 'She drinks juice.') + '\r\n')
    val = tmp_path / 'LSMDC16_annos_val.csv'
    val.write_text(row(CLIP4, 'He runs.') + '\n')
    test = tmp_path / 'LSMDC16_challenge_1000_publictect.csv'
    test.write_text(row(CLIP4, 'A boy runs.') + '\n' +
                    row(CLIP1, 'They sit.'))
    return dict(train=train, val=val, test=test,
                out_dir=tmp_path / 'out', tmp=tmp_path)


def argv(files, *extra, splits=('train', 'val', 'test')):
    args = ['--out-dir', str(files['out_dir'])]
    for split in splits:
        args += [f'--{split}-csv', str(files[split])]
    return args + list(extra)


def read(files, name):
    return json.loads((files['out_dir'] / name).read_text())


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    train = read(files, 'train.json')
    assert list(train) == [f'{CLIP2}.avi', f'{CLIP1}.avi', f'{CLIP3}.avi']
    assert train == {
        f'{CLIP2}.avi': ['SOMEONE walks in.'],
        f'{CLIP1}.avi': ['SOMEONE smiles, "quoted".'],
        f'{CLIP3}.avi': ['She drinks juice.'],
    }
    assert read(files, 'val.json') == {f'{CLIP4}.avi': ['He runs.']}
    assert read(files, 'test.json') == {f'{CLIP4}.avi': ['A boy runs.'],
                                        f'{CLIP1}.avi': ['They sit.']}
    out = capsys.readouterr()
    assert 'train.json: 3 videos, 3 captions' in out.out
    assert 'val.json: 1 videos, 1 captions' in out.out
    assert 'test.json: 2 videos, 2 captions' in out.out
    # the train/test overlap of this fixture is warned about, not an error
    assert 'warning: 1 videos are in both train.json and test.json' in out.err
    for name in ['train.json', 'val.json', 'test.json']:
        path = str(files['out_dir'] / name)
        assert load_video_text_json(path) == read(files, name)


def test_video_ext_and_movie_dirs(files, capsys):
    assert conv.main(argv(files, '--video-ext', '.mp4', '--movie-dirs',
                          splits=('train', ))) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'train.json']
    assert list(read(files, 'train.json')) == [
        f'{AB}/{CLIP2}.mp4', f'{AB}/{CLIP1}.mp4', f'1004_Juno/{CLIP3}.mp4']
    assert conv.movie_of(CLIP3) == '1004_Juno'
    assert conv.movie_of('no_times') is None
    files['train'].write_text(row('no_times', 'x') + '\n')
    assert conv.main(argv(files, '--movie-dirs', splits=('train', ))) == 1
    err = capsys.readouterr().err
    assert 'LSMDC16_annos_training.csv, line 1' in err
    assert "'no_times'" in err


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    (video_dir / AB).mkdir(parents=True)
    (video_dir / AB / f'{CLIP1}.avi').write_bytes(b'')
    (video_dir / AB / f'{CLIP2}.avi').write_bytes(b'')
    assert conv.main(argv(files, '--movie-dirs', '--check-videos',
                          str(video_dir), splits=('train', ))) == 0
    out = capsys.readouterr().out
    assert 'train.json: 1 of 3 videos missing' in out
    assert f"'1004_Juno/{CLIP3}.avi'" in out
    (video_dir / f'{CLIP4}.avi').write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir),
                          splits=('val', ))) == 0
    assert 'val.json: all 1 videos present' in capsys.readouterr().out


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


def test_wrong_column_count(files, capsys):
    files['val'].write_text(row(CLIP4, 'ok') + '\n' +
                            f'{CLIP1}\t1\t2\tno sentence column\n')
    err = run_error(files, capsys)
    assert 'LSMDC16_annos_val.csv, line 2' in err
    assert 'expected 6 tab-separated columns' in err and 'found 4' in err


def test_empty_values(files, capsys):
    files['test'].write_text(row(CLIP4, 'ok') + '\n' + row(CLIP1, '  '))
    err = run_error(files, capsys)
    assert 'LSMDC16_challenge_1000_publictect.csv, line 2' in err
    assert f"clip {CLIP1!r} has an empty 'sentence'" in err
    files['test'].write_text(row(' ', 'a sentence') + '\n')
    err = run_error(files, capsys)
    assert 'line 1' in err and "'clip_id'" in err


def test_duplicate_clip(files, capsys):
    files['train'].write_text(row(CLIP1, 'first.') + '\n' +
                              row(CLIP2, 'other.') + '\n' +
                              row(CLIP1, 'second.') + '\n')
    err = run_error(files, capsys)
    assert 'LSMDC16_annos_training.csv, line 3' in err
    assert f'clip id {CLIP1!r} appears twice (first on line 1)' in err
    assert '--merge-duplicates' in err
    assert conv.main(argv(files, '--merge-duplicates')) == 0
    assert read(files, 'train.json') == {f'{CLIP1}.avi': ['first.',
                                                          'second.'],
                                         f'{CLIP2}.avi': ['other.']}
    assert '1 rows repeat an earlier clip id' in capsys.readouterr().err


def test_missing_or_empty_file(files, capsys):
    files['val'].write_text('\n')
    assert 'LSMDC16_annos_val.csv: no data rows' in run_error(files, capsys)
    files['val'].write_bytes(row(CLIP4, 'caf\xe9').encode('latin-1'))
    err = run_error(files, capsys)
    assert 'LSMDC16_annos_val.csv, line 1: not UTF-8' in err
    files['val'].unlink()
    assert 'LSMDC16_annos_val.csv: file not found' in run_error(files, capsys)


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    files['val'].write_text('a\tb\n')
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'expected 6 tab-separated columns' in proc.stderr
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, splits=()),
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-csv' in proc.stderr
