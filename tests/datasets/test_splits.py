import os.path as osp
import subprocess
import sys

import pytest

from mvadapt.datasets.splits import (k_shot, read_video_list, relabel,
                                     split_base_novel)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def make_list(tmp_path, per_class=5, classes=4, name='train.txt'):
    path = tmp_path / name
    path.write_text(''.join(f'c{c}/v{i}.mp4 {c}\n' for c in range(classes)
                            for i in range(per_class)))
    return str(path)


def test_k_shot_deterministic_and_balanced(tmp_path):
    samples = read_video_list(make_list(tmp_path))
    a = k_shot(samples, 2, seed=0)
    assert a == k_shot(samples, 2, seed=0)
    assert a != k_shot(samples, 2, seed=1)
    assert [label for _, label in a] == [0, 0, 1, 1, 2, 2, 3, 3]
    with pytest.raises(ValueError, match='class 0 has 5 samples'):
        k_shot(samples, 6)


def test_base_novel_split():
    assert split_base_novel(51) == (list(range(26)), list(range(26, 51)))
    base, novel = split_base_novel(10, seed=3)
    assert len(base) == 5 and not set(base) & set(novel)
    assert (base, novel) == split_base_novel(10, seed=3)
    assert relabel([('a', 7), ('b', 2), ('c', 5)], [5, 7]) == [('a', 1),
                                                                ('c', 0)]


def test_malformed_list(tmp_path):
    bad = tmp_path / 'bad.txt'
    bad.write_text('a.mp4 0\nno_label_here\n')
    with pytest.raises(ValueError, match='line 2'):
        read_video_list(str(bad))


def test_cli_b2n(tmp_path):
    train = make_list(tmp_path)
    test = make_list(tmp_path, per_class=2, name='test.txt')
    names = tmp_path / 'names.txt'
    names.write_text('w\nx\ny\nz\n')
    out = tmp_path / 'b2n'
    proc = subprocess.run([sys.executable, 'tools/data/make_splits.py', 'b2n',
                           train, test, str(names), '--k', '2', '--out-dir',
                           str(out)], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert (out / 'base_class_names.txt').read_text() == 'w\nx\n'
    assert (out / 'novel_class_names.txt').read_text() == 'y\nz\n'
    train_base = read_video_list(str(out / 'train_base.txt'))
    assert len(train_base) == 4 and {lab for _, lab in train_base} == {0, 1}
    novel = read_video_list(str(out / 'test_novel.txt'))
    assert [lab for _, lab in novel] == [0, 0, 1, 1]  # re-indexed from 0
    names.write_text('w\nx\n')
    proc = subprocess.run([sys.executable, 'tools/data/make_splits.py', 'b2n',
                           train, test, str(names), '--out-dir', str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and 'is not in' in proc.stderr


def test_cli_kshot(tmp_path):
    train = make_list(tmp_path, per_class=6, classes=3)

    def run(seed, out):
        proc = subprocess.run(
            [sys.executable, 'tools/data/make_splits.py', 'kshot', train,
             '--k', '4', '--seed', str(seed), '--out', str(out)], cwd=ROOT,
            capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return read_video_list(str(out))

    a = run(0, tmp_path / 'a.txt')
    assert run(0, tmp_path / 'b.txt') == a  # same seed, same file
    assert run(1, tmp_path / 'c.txt') != a
    labels = [lab for _, lab in a]
    assert sorted(labels) == [0] * 4 + [1] * 4 + [2] * 4  # K per class
    assert set(a) <= set(read_video_list(train))


def test_cli_b2n_seed_draws_shots_class_seed_draws_classes(tmp_path):
    # ViFi-CLIP protocol: splits 1-3 (--seed 0, 1, 2) share the base/novel
    # classes (first half base) and differ only in the K shots
    train = make_list(tmp_path, per_class=8, classes=6)
    test = make_list(tmp_path, per_class=2, classes=6, name='test.txt')
    names = tmp_path / 'names.txt'
    names.write_text('a\nb\nc\nd\ne\nf\n')

    def run(out, *extra):
        proc = subprocess.run(
            [sys.executable, 'tools/data/make_splits.py', 'b2n', train, test,
             str(names), '--k', '2', '--out-dir', str(out), *extra],
            cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return {f: (out / f).read_text() for f in (
            'base_class_names.txt', 'novel_class_names.txt',
            'train_base.txt', 'test_base.txt', 'test_novel.txt')}

    s1 = run(tmp_path / 's1', '--seed', '0')
    s2 = run(tmp_path / 's2', '--seed', '1')
    s3 = run(tmp_path / 's3', '--seed', '2')
    for split in (s1, s2, s3):
        assert split['base_class_names.txt'] == 'a\nb\nc\n'
        assert split['novel_class_names.txt'] == 'd\ne\nf\n'
        assert split['test_novel.txt'] == s1['test_novel.txt']
    assert len({s['train_base.txt'] for s in (s1, s2, s3)}) == 3
    shuffled = run(tmp_path / 'c4', '--seed', '1', '--class-seed', '4')
    base, novel = split_base_novel(6, seed=4)
    assert shuffled['base_class_names.txt'] == ''.join(
        'abcdef'[c] + '\n' for c in base) != s2['base_class_names.txt']
    assert shuffled['novel_class_names.txt'] == ''.join(
        'abcdef'[c] + '\n' for c in novel)


HMDB51 = ('brush_hair cartwheel catch chew clap climb climb_stairs dive '
          'draw_sword dribble drink eat fall_floor fencing flic_flac golf '
          'handstand hit hug jump kick kick_ball kiss laugh pick pour pullup '
          'punch push pushup ride_bike ride_horse run shake_hands shoot_ball '
          'shoot_bow shoot_gun sit situp smile smoke somersault stand '
          'swing_baseball sword sword_exercise talk throw turn walk '
          'wave').split()  # the official (alphabetical) label order
# ViFi-CLIP labels/hmdb_51_base_labels.csv, in its order
VIFICLIP_HMDB51_BASE = [
    'pour', 'pullup', 'punch', 'push', 'pushup', 'ride bike', 'ride horse',
    'run', 'shake hands', 'shoot ball', 'shoot bow', 'shoot gun', 'sit',
    'situp', 'smile', 'smoke', 'somersault', 'stand', 'swing baseball',
    'sword exercise', 'sword', 'talk', 'throw', 'turn', 'walk', 'wave']


def test_vificlip_lists_shipped():
    from mvadapt.datasets.splits import (class_key, vificlip_base_novel,
                                         vificlip_k600_zero_shot)
    base, novel = vificlip_base_novel('hmdb51')
    assert base == VIFICLIP_HMDB51_BASE
    assert sorted(map(class_key, base + novel)) == sorted(
        map(class_key, HMDB51))
    for dataset, sizes in (('kinetics400', (200, 200)), ('ucf101', (51, 50)),
                           ('sthv2', (87, 87)), ('hmdb51', (26, 25))):
        base, novel = vificlip_base_novel(dataset)
        assert (len(base), len(novel)) == sizes, dataset
        assert len({class_key(n) for n in base + novel}) == sum(sizes)
    k400 = {class_key(n) for n in sum(vificlip_base_novel('kinetics400'),
                                      [])}
    for s in (1, 2, 3):
        zs = vificlip_k600_zero_shot(s)
        assert len(set(zs)) == 160 and not {class_key(n) for n in zs} & k400
    with pytest.raises(ValueError, match='no ViFi-CLIP base/novel'):
        vificlip_base_novel('kinetics600')


def hmdb_lists(tmp_path, per_class=16):
    train = tmp_path / 'train.txt'
    train.write_text(''.join(f'{c}/{c}_v{i}.avi {label}\n'
                             for label, c in enumerate(HMDB51)
                             for i in range(per_class)))
    test = tmp_path / 'test.txt'
    test.write_text(''.join(f'{c}/{c}_t.avi {label}\n'
                            for label, c in enumerate(HMDB51)))
    names = tmp_path / 'class_names.txt'
    names.write_text('\n'.join(HMDB51) + '\n')
    return str(train), str(test), str(names)


def make_splits(*args):
    return subprocess.run([sys.executable, 'tools/data/make_splits.py',
                           *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True)


def test_cli_b2n_uses_vificlip_lists_for_hmdb51(tmp_path):
    """HMDB-51's base classes are ViFi-CLIP's (pour ... wave), not the first
    half of the alphabetical list (brush_hair ... pour)."""
    train, test, names = hmdb_lists(tmp_path)
    proc = make_splits('b2n', train, test, names, '--out-dir',
                       tmp_path / 's1')
    assert proc.returncode == 0, proc.stderr
    assert "ViFi-CLIP's fixed hmdb51 lists" in proc.stdout
    base = (tmp_path / 's1' / 'base_class_names.txt').read_text().split()
    assert base == [n.replace(' ', '_') for n in VIFICLIP_HMDB51_BASE]
    novel = (tmp_path / 's1' / 'novel_class_names.txt').read_text().split()
    assert len(novel) == 25 and novel[0] == 'brush_hair'
    assert novel[20:22] == ['kick_ball', 'kick']  # ViFi-CLIP's order
    train_base = read_video_list(str(tmp_path / 's1' / 'train_base.txt'))
    assert train_base[0][0].startswith('pour/') and train_base[0][1] == 0
    assert sorted({lab for _, lab in train_base}) == list(range(26))
    # --class-seed forces the generator: the alphabetical first half
    proc = make_splits('b2n', train, test, names, '--class-seed', '0',
                       '--out-dir', tmp_path / 'g')
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / 'g' / 'base_class_names.txt').read_text().split() \
        == HMDB51[:26]
    # a near match (a misspelt class) is an error, not the generator
    (tmp_path / 'bad.txt').write_text(
        '\n'.join(HMDB51[:-1] + ['waving']) + '\n')
    proc = make_splits('b2n', train, test, tmp_path / 'bad.txt',
                       '--out-dir', tmp_path / 'b')
    assert proc.returncode == 1 and 'look like hmdb51' in proc.stderr
    assert "'waving'" in proc.stderr


def test_cli_b2n_shots_from_and_map(tmp_path):
    """ViFi-CLIP's split files list bare file names with labels in its own
    order; they are found in our lists by file name, labels checked."""
    train, test, names = hmdb_lists(tmp_path)
    # two shots of 'pour' (ViFi base label 0) and one of 'wave' (25)
    ref = tmp_path / 'fs_base_s1_train.txt'
    ref.write_text('pour_v3.avi 0\npour_v7.avi 0\nwave_v1.avi 25\n')
    proc = make_splits('b2n', train, test, names, '--shots-from', ref,
                       '--out-dir', tmp_path / 's1')
    assert proc.returncode == 0, proc.stderr
    assert read_video_list(str(tmp_path / 's1' / 'train_base.txt')) == [
        ('pour/pour_v3.avi', 0), ('pour/pour_v7.avi', 0),
        ('wave/wave_v1.avi', 25)]
    ref.write_text('pour_v3.avi 1\n')  # label 1 is 'pullup' there
    proc = make_splits('b2n', train, test, names, '--shots-from', ref,
                       '--out-dir', tmp_path / 's2')
    assert proc.returncode == 1 and 'do not match' in proc.stderr
    # map: a few-shot list in the full label order (ViFi-CLIP's CSV format)
    labels = tmp_path / 'hmdb_51_labels.csv'
    labels.write_text('id,name\n' + ''.join(
        f'{i},{n.replace("_", " ")}\n' for i, n in enumerate(HMDB51)))
    ref.write_text('kick_ball_v0.avi 21\nkick_v2.avi 20\n')
    out = tmp_path / 'fs.txt'
    proc = make_splits('map', ref, labels, '--videos', train, test,
                       '--class-names', names, '--out', out)
    assert proc.returncode == 0, proc.stderr
    assert read_video_list(str(out)) == [('kick_ball/kick_ball_v0.avi', 21),
                                         ('kick/kick_v2.avi', 20)]
    ref.write_text('nowhere.avi 0\n')
    proc = make_splits('map', ref, labels, '--videos', train,
                       '--class-names', names, '--out', out)
    assert proc.returncode == 1 and 'not (exactly once)' in proc.stderr
