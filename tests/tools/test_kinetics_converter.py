"""Tests for tools/data/kinetics/convert_splits.py."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from mvadapt.datasets.splits import read_video_list

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'tools' / 'data' / 'kinetics' / 'convert_splits.py'


def load_converter():
    spec = importlib.util.spec_from_file_location('kinetics_convert', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conv = load_converter()

HEADER = 'label,youtube_id,time_start,time_end,split\n'
TRAIN = HEADER + (
    'abseiling,--07WQ2iBlw,1,11,train\n'
    '"passing American football (in game)",-0AbCdEfGh1,14.0,24,train\n'
    '\n'
    'air drumming,zz_9,0,10,train\n')
VAL = HEADER + ('air drumming,Ab1,30,40,val\n'
                'abseiling,Cd2,5,15,val\n')
K600 = ['abseiling', 'adjusting glasses', 'air drumming',
        'alligator wrestling', 'arguing',
        'passing American football (in game)']
K600_VAL = HEADER + ''.join(
    f'{label},v{i},0,10,validate\n' for i, label in enumerate(
        ['adjusting glasses', 'abseiling', 'arguing', 'alligator wrestling',
         'arguing'], 1))
K400 = ['Abseiling', 'air  drumming', 'passing american football (in game)',
        'dying hair']


@pytest.fixture
def files(tmp_path):
    paths = dict(out_dir=tmp_path / 'out', tmp=tmp_path)
    for name, content in [('train', TRAIN), ('val', VAL),
                          ('k600_val', K600_VAL),
                          ('k600', '\n'.join(K600) + '\n\n'),
                          ('k400', '\n'.join(K400) + '\n')]:
        paths[name] = tmp_path / f'{name}.csv'
        paths[name].write_text(content)
    return paths


def argv(files, *extra, splits=('train', 'val')):
    args = ['--out-dir', str(files['out_dir'])]
    for split in splits:
        args += [f'--{split}-csv', str(files[split])]
    return args + list(extra)


def read(files, name):
    return (files['out_dir'] / name).read_text()


def test_convert(files, capsys):
    assert conv.main(argv(files)) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt', 'kinetics3_train_list.txt',
        'kinetics3_val_list.txt']
    assert read(files, 'class_names.txt') == (
        'abseiling\nair drumming\npassing American football (in game)\n')
    assert read(files, 'kinetics3_train_list.txt') == (
        '--07WQ2iBlw_000001_000011.mp4 0\n'
        '-0AbCdEfGh1_000014_000024.mp4 2\n'
        'zz_9_000000_000010.mp4 1\n')
    assert read(files, 'kinetics3_val_list.txt') == (
        'Ab1_000030_000040.mp4 1\nCd2_000005_000015.mp4 0\n')
    assert read_video_list(
        str(files['out_dir'] / 'kinetics3_val_list.txt')) == [
            ('Ab1_000030_000040.mp4', 1), ('Cd2_000005_000015.mp4', 0)]
    out = capsys.readouterr().out
    assert 'class_names.txt: 3 classes' in out
    assert 'kinetics3_train_list.txt: 3 videos, 3 classes' in out
    assert 'kinetics3_val_list.txt: 2 videos, 2 classes' in out


def test_class_names_prefix_and_name_format(files):
    names = files['tmp'] / 'names.txt'
    names.write_text('Air Drumming\nabseiling\nzumba\n'
                     'passing American football (in game)\n')
    assert conv.main(argv(
        files, '--class-names', str(names), '--prefix', 'kinetics400',
        '--name-format', '{split}/{label_underscored}/{youtube_id}.mp4',
        splits=('val', ))) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == [
        'class_names.txt', 'kinetics400_val_list.txt']
    assert read(files, 'class_names.txt') == (
        'Air Drumming\nabseiling\nzumba\n'
        'passing American football (in game)\n')
    assert read(files, 'kinetics400_val_list.txt') == (
        'val/air_drumming/Ab1.mp4 0\nval/abseiling/Cd2.mp4 1\n')


def test_novel(files, capsys):
    # --val-csv is the K600 validation CSV
    args = ['--out-dir', str(files['out_dir']), '--train-csv',
            str(files['train']), '--val-csv', str(files['k600_val']),
            '--class-names', str(files['k600']), '--novel-from',
            str(files['k400']), '--novel-splits', '3', '--novel-size', '2',
            '--seed', '0']
    assert conv.main(args) == 0
    assert sorted(p.name for p in files['out_dir'].iterdir()) == sorted(
        ['class_names.txt', 'kinetics6_train_list.txt',
         'kinetics6_val_list.txt', 'k600_novel_class_names.txt',
         'k600_novel_val_list.txt'] +
        [f'k600_novel_split_{s}_{kind}.txt' for s in (1, 2, 3)
         for kind in ('class_names', 'val_list')])
    assert read(files, 'class_names.txt') == '\n'.join(K600) + '\n'
    # K400 names compared ignoring case and repeated whitespace
    assert read(files, 'k600_novel_class_names.txt') == (
        'adjusting glasses\nalligator wrestling\narguing\n')
    assert read(files, 'k600_novel_val_list.txt') == (
        'v1_000000_000010.mp4 0\nv3_000000_000010.mp4 2\n'
        'v4_000000_000010.mp4 1\nv5_000000_000010.mp4 2\n')
    # random.Random(0) subsets of 2 of the 3 novel classes
    assert read(files, 'k600_novel_split_1_class_names.txt') == (
        'alligator wrestling\narguing\n')
    assert read(files, 'k600_novel_split_1_val_list.txt') == (
        'v3_000000_000010.mp4 1\nv4_000000_000010.mp4 0\n'
        'v5_000000_000010.mp4 1\n')
    assert read(files, 'k600_novel_split_2_class_names.txt') == (
        'adjusting glasses\nalligator wrestling\n')
    assert read(files, 'k600_novel_split_2_val_list.txt') == (
        'v1_000000_000010.mp4 0\nv4_000000_000010.mp4 1\n')
    for name in ('k600_novel_val_list.txt',
                 'k600_novel_split_3_val_list.txt'):
        assert read_video_list(str(files['out_dir'] / name))
    out = capsys.readouterr().out
    assert '3 of 6 classes are not in' in out
    assert "1 of them are not in the class list, e.g. ['dying hair']" in out
    assert 'k600_novel_val_list.txt: 4 videos, 3 classes' in out
    # deterministic
    first = read(files, 'k600_novel_split_3_val_list.txt')
    assert conv.main(args) == 0
    assert read(files, 'k600_novel_split_3_val_list.txt') == first


def test_novel_defaults_to_vificlip_zero_shot_splits(tmp_path, capsys):
    """Without --novel-splits, the three splits are ViFi-CLIP's 160-class
    ZS_split{1,2,3}_K600 lists (MSTA's K600 protocol), in their order."""
    from mvadapt.datasets.splits import vificlip_k600_zero_shot
    zs = sorted(set().union(*(vificlip_k600_zero_shot(s)
                              for s in (1, 2, 3))))
    k600 = ['abseiling'] + zs  # one Kinetics-400 class + the novel ones
    (tmp_path / 'k600.txt').write_text('\n'.join(k600) + '\n')
    (tmp_path / 'k400.txt').write_text('abseiling\n')
    (tmp_path / 'val.csv').write_text(HEADER + ''.join(
        f'"{label}",v{i},0,10,validate\n' for i, label in enumerate(k600)))
    out_dir = tmp_path / 'out'
    assert conv.main([
        '--out-dir', str(out_dir), '--val-csv', str(tmp_path / 'val.csv'),
        '--class-names', str(tmp_path / 'k600.txt'), '--novel-from',
        str(tmp_path / 'k400.txt')]) == 0
    assert "ViFi-CLIP's K600 zero-shot splits 1-3" in capsys.readouterr().out
    for s in (1, 2, 3):
        names = (out_dir / f'k600_novel_split_{s}_class_names.txt'
                 ).read_text().splitlines()
        assert names == vificlip_k600_zero_shot(s)
        val = read_video_list(
            str(out_dir / f'k600_novel_split_{s}_val_list.txt'))
        assert [label for _, label in val] == list(range(160))
        assert val[7][0] == f'v{k600.index(names[7])}_000000_000010.mp4'
    # novel classes that do not hold ViFi-CLIP's lists: no split files
    (tmp_path / 'k400.txt').write_text('\n'.join(k600[:-1]) + '\n')
    assert conv.main([
        '--out-dir', str(tmp_path / 'small'), '--val-csv',
        str(tmp_path / 'val.csv'), '--class-names', str(tmp_path / 'k600.txt'),
        '--novel-from', str(tmp_path / 'k400.txt')]) == 0
    assert 'zero-shot splits not written' in capsys.readouterr().out
    assert (tmp_path / 'small' / 'k600_novel_class_names.txt').is_file()
    assert not list((tmp_path / 'small').glob('*split*'))


def test_check_videos(files, capsys):
    video_dir = files['tmp'] / 'videos'
    video_dir.mkdir()
    (video_dir / 'Ab1_000030_000040.mp4').write_bytes(b'')
    assert conv.main(argv(files, '--check-videos', str(video_dir))) == 0
    out = capsys.readouterr().out
    assert 'kinetics3_val_list.txt: 1 of 2 videos missing' in out
    assert "'Cd2_000005_000015.mp4'" in out


def run_error(files, capsys, *args, **kwargs):
    assert conv.main(argv(files, *args, **kwargs)) == 1
    assert not files['out_dir'].exists()  # nothing written on error
    return capsys.readouterr().err


@pytest.mark.parametrize('row, message', [
    ('abseiling,x,1', 'val.csv, line 3: expected 5 columns'),
    ('abseiling,x,1,2,val,extra', 'val.csv, line 3: expected 5 columns'),
    (' ,x,1,2,val', 'val.csv, line 3: empty label'),
    ('abseiling,a b,1,2,val', "val.csv, line 3: invalid youtube_id 'a b'"),
    ('abseiling,x,1.5,2,val', 'val.csv, line 3: time_start/time_end must be '
     "non-negative integers, got '1.5', '2'"),
    ('abseiling,x,1,-2,val', 'val.csv, line 3: time_start/time_end'),
    ('abseiling,Ab1,30,40,val', "val.csv, line 3: video "
     "'Ab1_000030_000040.mp4' is listed twice (first on line 2)"),
])
def test_bad_rows(files, capsys, row, message):
    files['val'].write_text(HEADER + f'air drumming,Ab1,30,40,val\n{row}\n')
    assert message in run_error(files, capsys)


def test_bad_header_and_missing_files(files, capsys):
    files['val'].write_text('label,youtube_id,start,end\nabseiling,x,1,2\n')
    err = run_error(files, capsys)
    assert "val.csv: the header must have the columns" in err
    assert "missing ['time_start', 'time_end']" in err
    files['val'].write_text(HEADER)
    assert 'val.csv: no videos' in run_error(files, capsys)
    files['val'].unlink()
    assert 'val.csv: file not found' in run_error(files, capsys)


def test_label_not_in_class_names(files, capsys):
    names = files['tmp'] / 'names.txt'
    names.write_text('abseiling\npassing American football (in game)\n')
    err = run_error(files, capsys, '--class-names', str(names))
    assert "train.csv, line 5: label 'air drumming' is not in" in err
    assert 'names.txt' in err


@pytest.mark.parametrize('content, message', [
    ('a\n\nb\n', 'line 2: blank line'),
    ('a\nb\nA \n', "line 3: class 'A' is listed twice (first on line 1)"),
    ('\n\n', 'no class names'),
])
def test_bad_class_names(files, capsys, content, message):
    names = files['tmp'] / 'names.txt'
    names.write_text(content)
    err = run_error(files, capsys, '--class-names', str(names))
    assert 'names.txt' in err and message in err


def test_labels_differing_in_case(files, capsys):
    files['val'].write_text(HEADER + 'Abseiling,Ab1,30,40,val\n')
    err = run_error(files, capsys)
    assert "labels 'Abseiling' and 'abseiling' differ only in case" in err


def test_whitespace_in_video_path(files, capsys):
    err = run_error(files, capsys, '--name-format', '{label}/{youtube_id}')
    assert "train.csv, line 3: video path 'passing American" in err
    assert 'contains whitespace' in err and '{label_underscored}' in err


def test_novel_errors(files, capsys):
    base = ['--val-csv', str(files['k600_val']), '--class-names',
            str(files['k600'])]
    err = run_error(files, capsys, *base, '--novel-from', str(files['k400']),
                    '--novel-splits', '1', '--novel-size', '4', splits=())
    assert '--novel-size 4 is larger than the 3 novel classes' in err
    err = run_error(files, capsys, *base, '--novel-from', str(files['k600']),
                    splits=())
    assert 'holds every class; no novel classes' in err
    k400 = files['tmp'] / 'k400_small.txt'
    k400.write_text('abseiling\nadjusting glasses\narguing\n'
                    'alligator wrestling\n')
    # no validation video of the only novel class
    err = run_error(files, capsys, *base, '--novel-from', str(k400),
                    splits=())
    assert 'k600_novel_val_list.txt: nothing to write' in err


@pytest.mark.parametrize('args, message', [
    (['--name-format', '{video}.mp4'], '--name-format'),
    (['--name-format', '{time_start:06q}'], '--name-format'),
    (['--novel-splits', '3'], '--novel-splits needs --novel-from'),
    (['--novel-from', 'k400.txt'], '--novel-from needs --val-csv'),
    (['--novel-from', 'x', '--val-csv', 'y', '--novel-size', '0'],
     '--novel-size >= 1'),
])
def test_argument_errors(files, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        conv.main(argv(files, *args, splits=('train', )))
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_subprocess(files):
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'wrote' in proc.stdout
    files['train'].write_text(HEADER + 'abseiling,x,a,b,train\n')
    proc = subprocess.run([sys.executable, str(SCRIPT)] + argv(files),
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert 'train.csv, line 2' in proc.stderr
    proc = subprocess.run([sys.executable, str(SCRIPT)] +
                          argv(files, splits=()),
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert '--train-csv' in proc.stderr
