"""Tests for the MovingShapes synthetic benchmark generator.

``tools/`` is not a package, so the generator is loaded by file path.
"""
import filecmp
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / 'tools' / 'data' / 'moving_shapes.py'


def _load_module():
    spec = importlib.util.spec_from_file_location('moving_shapes', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ms = _load_module()

SPLITS = ('train', 'val', 'test')
BG = np.array(ms.BACKGROUND_RGB, dtype=np.float32)


@pytest.fixture(scope='module')
def dataset(tmp_path_factory):
    """A tiny dataset (seed 0), generated once for the whole module."""
    out = tmp_path_factory.mktemp('ms') / 'data'
    meta = ms.generate(out, seed=0, preset='tiny', workers=1,
                       progress=False, verbose=False)
    return out, meta


def _load_json(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def _read_lines(path):
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f if line.strip()]


def _index(out):
    return _load_json(out / 'video_index.json')


def _decode(path):
    import decord
    vr = decord.VideoReader(str(path))
    return vr.get_batch(list(range(len(vr)))).asnumpy()


def _fg_stats(frames):
    """Per-frame foreground area, centroid and marker angle."""
    f = frames.astype(np.float32)
    fg = np.abs(f - BG).max(axis=-1) > 40
    dark = (f.mean(axis=-1) < 28) & fg
    ys, xs = np.mgrid[:f.shape[1], :f.shape[2]]
    area = fg.sum(axis=(1, 2)).astype(float)
    cx = np.array([xs[m].mean() if m.any() else np.nan for m in fg])
    cy = np.array([ys[m].mean() if m.any() else np.nan for m in fg])
    ang = np.array([
        np.arctan2(ys[d].mean() - y, xs[d].mean() - x) if d.any() else np.nan
        for d, x, y in zip(dark, cx, cy)
    ])
    return area, cx, cy, ang


# --------------------------------------------------------------------------- #
# Files and formats
# --------------------------------------------------------------------------- #
def test_files_and_formats(dataset):
    out, meta = dataset
    for rel in meta['files']:
        assert (out / rel).is_file(), rel
    assert meta['seed'] == 0 and meta['size'] == 64 and meta['frames'] == 16
    names = _read_lines(out / 'class_names.txt')
    assert names == meta['class_names'] == ms.class_names()
    assert len(names) >= 16 and len(set(names)) == len(names)
    num = {s: meta['num_' + s] for s in SPLITS}

    for split in SPLITS:
        ann = _load_json(out / f'retrieval_{split}.json')
        assert isinstance(ann, dict) and len(ann) == num[split]
        for key, caps in ann.items():
            assert (out / 'videos' / key).is_file()
            assert isinstance(caps, list) and len(caps) == 1
            assert all(isinstance(c, str) and c for c in caps)
        lines = _read_lines(out / f'recognition_{split}.txt')
        assert len(lines) == num[split]
        labels = []
        for line in lines:
            key, label = line.split(' ')
            assert key in ann and 0 <= int(label) < len(names)
            labels.append(int(label))
        if split in ('val', 'test'):  # tiny: one full block of classes
            assert sorted(labels) == list(range(len(names)))

    # canonical val/test captions name colour, shape and motion
    index = _index(out)
    test = _load_json(out / 'retrieval_test.json')
    for key, caps in test.items():
        v = index['test'][key]
        assert caps == [f'a {v["colour"]} {v["shape"]} {v["motion"]}']
        assert names[v['label']] == f'{v["shape"]} {v["motion"]}'

    multi = _load_json(out / 'retrieval_test_multi.json')
    assert list(multi) == list(test)
    for key, caps in multi.items():
        lo, hi = ms.NUM_MULTI_CAPTIONS
        assert lo <= len(caps) <= hi and len(set(caps)) == len(caps)
        v = index['test'][key]
        assert all(v['colour'] in c and v['shape'] in c for c in caps)

    # static image-caption set: colour + shape only
    st_train = _load_json(out / 'static_train.json')
    st_val = _load_json(out / 'static_val.json')
    assert len(st_train) + len(st_val) == meta['num_static']
    assert not set(st_train) & set(st_val)
    for key, caps in {**st_train, **st_val}.items():
        assert (out / 'static' / key).is_file()
        (cap, ) = caps
        _, colour, shape = cap.split(' ')
        assert colour in ms.COLOURS and shape in ms.SHAPES

    assert meta['reverse_pairs'] and set(
        meta['direction_sensitive_motions']) < set(meta['motions'])


def test_videos_decode_h264(dataset):
    import av
    out, meta = dataset
    for rel, n_frames in (('videos/train_00000.mp4', meta['frames']),
                          ('videos/test_00007.mp4', meta['frames']),
                          ('static/static_00003.mp4', meta['static_frames'])):
        frames = _decode(out / rel)
        assert frames.shape == (n_frames, meta['size'], meta['size'], 3)
        with av.open(str(out / rel)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == 'h264'
            assert stream.codec_context.pix_fmt == 'yuv420p'
    static = _decode(out / 'static/static_00003.mp4').astype(int)
    # a still image up to coding noise
    assert np.abs(static - static[:1]).mean() < 0.5


# --------------------------------------------------------------------------- #
# Determinism
# --------------------------------------------------------------------------- #
def test_deterministic_and_worker_independent(dataset, tmp_path):
    out, _ = dataset
    again = tmp_path / 'again'
    ms.generate(again, seed=0, preset='tiny', workers=2, progress=False,
                verbose=False)
    files = sorted(p.relative_to(out) for p in out.rglob('*') if p.is_file())
    assert files == sorted(
        p.relative_to(again) for p in again.rglob('*') if p.is_file())
    for rel in files:  # byte-identical, videos included
        assert filecmp.cmp(out / rel, again / rel, shallow=False), rel

    other = tmp_path / 'other'
    ms.generate(other, seed=1, preset='tiny', workers=2, progress=False,
                verbose=False)
    for rel in ('videos/train_00000.mp4', 'videos/test_00000.mp4',
                'static/static_00000.mp4', 'retrieval_train.json',
                'retrieval_test_multi.json'):
        assert not filecmp.cmp(out / rel, other / rel, shallow=False), rel


def test_up_to_date_and_incomplete(dataset, tmp_path, capsys):
    out, meta = dataset
    t0 = time.time()
    again = ms.generate(out, seed=0, preset='tiny', progress=False)
    assert time.time() - t0 < 2.0
    assert again == meta
    assert 'up to date' in capsys.readouterr().out

    # the command-line interface says so too
    res = subprocess.run([
        sys.executable,
        str(SCRIPT), '--out',
        str(out), '--preset', 'tiny', '--seed', '0'
    ], capture_output=True, text=True, timeout=60, check=True)
    assert 'up to date' in res.stdout

    # a missing video (e.g. an interrupted run) triggers regeneration
    copy = tmp_path / 'copy'
    shutil.copytree(out, copy)
    (copy / 'videos' / 'val_00003.mp4').unlink()
    ms.generate(copy, seed=0, preset='tiny', workers=2, progress=False)
    assert 'up to date' not in capsys.readouterr().out
    assert filecmp.cmp(out / 'videos' / 'val_00003.mp4',
                       copy / 'videos' / 'val_00003.mp4', shallow=False)
    # ... and so does a different configuration
    ms.generate(copy, seed=0, preset='tiny', workers=2, progress=False,
                verbose=False, num_test=31)
    assert (copy / 'videos' / 'test_00030.mp4').is_file()
    assert _load_json(copy / 'meta.json')['num_test'] == 31


# --------------------------------------------------------------------------- #
# Ground truth of the motions
# --------------------------------------------------------------------------- #
def test_decoded_motion_ground_truth(dataset):
    out, _ = dataset
    index = _index(out)
    checked = set()
    for split in SPLITS:
        for key, v in index[split].items():
            frames = _decode(out / 'videos' / key)
            area, cx, cy, ang = _fg_stats(frames)
            motion = v['motion']
            if motion == 'blinking':
                assert (area < 3).any() and (area > 30).any(), key
                checked.add(motion)
                continue
            assert (area > 30).all(), key
            if motion in ('moving left', 'moving right', 'moving up',
                          'moving down'):
                pos = cx if motion in ('moving left', 'moving right') else cy
                sign = -1 if motion in ('moving left', 'moving up') else 1
                steps = sign * np.diff(pos)
                assert sign * (pos[-1] - pos[0]) > 10, (key, pos)
                assert (steps > 0).mean() >= 0.8, (key, pos)
            elif motion in ('growing', 'shrinking'):
                ratio = area[-1] / area[0]
                assert ratio > 1.8 if motion == 'growing' else \
                    ratio < 1 / 1.8, (key, area)
            elif motion.startswith('rotating'):
                assert not np.isnan(ang).any(), key
                total = np.unwrap(ang)[-1] - np.unwrap(ang)[0]
                # y points down: a growing angle is clockwise on screen
                sign = 1 if motion == 'rotating clockwise' else -1
                assert sign * total > np.radians(60), (key, total)
                assert np.ptp(cx) < 1.5 and np.ptp(cy) < 1.5
            elif motion == 'staying still':
                assert np.ptp(cx) < 0.5 and np.ptp(cy) < 0.5, key
            checked.add(motion)
    assert checked == set(ms.MOTION_NAMES)


def test_trajectory_time_reversal():
    size, frames = 64, 16
    for seed in range(25):
        for fwd, rev in ms.REVERSE_PAIRS:
            p_fwd = ms.sample_params(np.random.default_rng(seed), fwd, size,
                                     frames)
            p_rev = ms.sample_params(np.random.default_rng(seed), rev, size,
                                     frames)
            assert p_fwd == p_rev  # same draw for both directions
            t_fwd = ms.trajectory(fwd, p_fwd, frames)
            t_rev = ms.trajectory(rev, p_rev, frames)
            np.testing.assert_array_equal(t_rev, t_fwd[::-1])
            assert not np.array_equal(t_rev, t_fwd)
            # objects stay inside the frame
            assert (t_fwd[:, :2] - t_fwd[:, 2:3] >= 0).all()
            assert (t_fwd[:, :2] + t_fwd[:, 2:3] <= size).all()
        # self-reverse motions: the reversed video is itself a valid video
        p = ms.sample_params(np.random.default_rng(seed), 'staying still',
                             size, frames)
        t = ms.trajectory('staying still', p, frames)
        np.testing.assert_array_equal(t, t[::-1])
        p = ms.sample_params(np.random.default_rng(seed), 'blinking', size,
                             frames)
        t = ms.trajectory('blinking', p, frames)
        assert 0 < t[:, 4].sum() < frames
        alternatives = [
            ms.trajectory('blinking', dict(p, phase=ph), frames)
            for ph in range(int(p['period']))
        ]
        assert any(np.array_equal(t[::-1], a) for a in alternatives)

    # rendered frames of a reverse pair are the same frames in reverse order
    p = ms.sample_params(np.random.default_rng(3), 'rotating clockwise', size,
                         frames)
    cw = ms.render_video('triangle', 'red', 'rotating clockwise', p, frames,
                         size)
    acw = ms.render_video('triangle', 'red', 'rotating anticlockwise', p,
                          frames, size)
    np.testing.assert_array_equal(acw, cw[::-1])


def test_balanced_assignment():
    combos = ms.assign_combos(0, 'train', 180)
    assert len(set(combos)) == 180  # every colour x shape x motion once
    n_cls = len(ms.class_names())
    for start in range(0, 180, n_cls):
        block = combos[start:start + n_cls]
        assert {ms.class_index(s, m) for s, _, m in block} == set(range(n_cls))
    static = ms.assign_combos(0, 'static', 18)
    assert len({(s, c) for s, c, _ in static}) == 18
    assert ms.assign_combos(0, 'train', 60) == combos[:60]
    assert ms.assign_combos(1, 'train', 60) != combos[:60]


# --------------------------------------------------------------------------- #
# Subsets, base-to-novel and descriptions
# --------------------------------------------------------------------------- #
def test_direction_sensitive_subsets(dataset):
    out, _ = dataset
    index = _index(out)['test']
    sensitive = set(ms.DIRECTION_SENSITIVE_MOTIONS)
    assert sensitive == {m for pair in ms.REVERSE_PAIRS for m in pair}
    assert {'staying still', 'blinking'}.isdisjoint(sensitive)
    for ann_file, sub_file in (('retrieval_test.json',
                                'retrieval_test_subsets.json'),
                               ('retrieval_test_multi.json',
                                'retrieval_test_multi_subsets.json')):
        ann = _load_json(out / ann_file)
        subsets = _load_json(out / sub_file)
        sens = subsets['direction_sensitive']
        assert sens and len(sens) < len(ann)
        for key, idxs in sens.items():
            assert index[key]['motion'] in sensitive
            assert idxs == list(range(len(ann[key])))
        missing = {k for k, v in index.items() if v['motion'] in sensitive}
        assert set(sens) == missing
        assert set(subsets['direction_insensitive']) == set(ann) - set(sens)


def test_base_to_novel(dataset):
    out, meta = dataset
    names = _read_lines(out / 'class_names.txt')
    base = _read_lines(out / 'b2n' / 'base_class_names.txt')
    novel = _read_lines(out / 'b2n' / 'novel_class_names.txt')
    assert sorted(base + novel) == sorted(names)
    assert base == meta['base_classes'] and novel == meta['novel_classes']
    assert 0 < len(base) and 0 < len(novel)
    # reverse pairs are never split; both halves hold pairs and singletons
    pairs = {frozenset(p) for p in ms.REVERSE_PAIRS}
    for half in (base, novel):
        motions_by_shape = {}
        for name in half:
            shape, motion = name.split(' ', 1)
            motions_by_shape.setdefault(shape, set()).add(motion)
            partner = ms.MOTION_BY_NAME[motion].counterpart
            if partner:
                assert f'{shape} {partner}' in half
        assert any(m in {'staying still', 'blinking'} for s in
                   motions_by_shape.values() for m in s)
        assert any(frozenset({a, b}) in pairs for s in
                   motions_by_shape.values() for a in s for b in s)
    assert ms.base_novel_split(0) == ms.base_novel_split(0)

    recog = {s: dict(line.split(' ')
                     for line in _read_lines(out / f'recognition_{s}.txt'))
             for s in SPLITS}
    for rel, split, half in (('train_base.txt', 'train', base),
                             ('val_base.txt', 'val', base),
                             ('test_base.txt', 'test', base),
                             ('test_novel.txt', 'test', novel)):
        lines = _read_lines(out / 'b2n' / rel)
        assert lines
        for line in lines:
            key, label = line.split(' ')
            assert 0 <= int(label) < len(half)  # re-indexed from 0
            assert half[int(label)] == names[int(recog[split][key])]
        expected = sum(names[int(c)] in half for c in recog[split].values())
        assert len(lines) == expected


def test_descriptions(dataset):
    out, _ = dataset
    names = _read_lines(out / 'class_names.txt')
    d = out / 'descriptions'
    by_name = _load_json(d / 'descriptions.json')
    assert set(by_name) == set(names)
    for part, classes in (('', names),
                          ('_base',
                           _read_lines(out / 'b2n' / 'base_class_names.txt')),
                          ('_novel',
                           _read_lines(out / 'b2n' /
                                       'novel_class_names.txt'))):
        for kind in ('spatial', 'temporal'):
            desc = _load_json(d / f'{kind}{part}.json')
            assert list(desc) == [str(i) for i in range(len(classes))]
            for i, name in enumerate(classes):
                assert len(desc[str(i)]) == 2
                assert all(isinstance(s, str) and s for s in desc[str(i)])
                assert desc[str(i)] == by_name[name][kind]
    for name, desc in by_name.items():
        shape, motion = name.split(' ', 1)
        for s in desc['temporal']:
            assert s.startswith(f'A video of {name} generally involves the '
                                'following step: ')
            assert s.endswith(', which is a sub-step.')
        for s in desc['spatial']:
            assert shape in s
            assert not any(w in s for w in ('left', 'right', 'clockwise',
                                            'growing', 'shrinking'))
        partner = ms.MOTION_BY_NAME[motion].counterpart
        if partner:  # same frames -> same spatial description
            assert desc['spatial'] == by_name[f'{shape} {partner}']['spatial']
            assert desc['temporal'] != by_name[f'{shape} {partner}'][
                'temporal']
