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
