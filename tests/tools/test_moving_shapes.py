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

    # static image-caption set: PNG images captioned with what they show
    st_train = _load_json(out / 'static_train.json')
    st_val = _load_json(out / 'static_val.json')
    st_index = _load_json(out / 'static_index.json')
    assert len(st_train) + len(st_val) == meta['num_static']
    assert not set(st_train) & set(st_val)
    assert set(st_index) == set(st_train) | set(st_val)
    for key, caps in {**st_train, **st_val}.items():
        assert key.endswith('.png') and (out / 'static' / key).is_file()
        (cap, ) = caps
        attrs = st_index[key]
        if attrs.get('empty'):
            assert cap in ms.EMPTY_CAPTIONS
            continue
        for name in ('colour', 'shape', 'size', 'position', 'orientation'):
            assert attrs[name] in cap, (name, cap)
    for key, (cap, ) in st_val.items():  # canonical template on val
        attrs = st_index[key]
        if not attrs.get('empty'):
            assert cap == ms.static_caption(attrs, attrs['colour'],
                                            attrs['shape'])

    # twins: direction-sensitive videos pair up with their reversed twin
    for split in SPLITS:
        twins = _load_json(out / f'retrieval_{split}_twins.json')
        index = _index(out)[split]
        ann = _load_json(out / f'retrieval_{split}.json')
        assert twins and all(twins[b] == a for a, b in twins.items())
        for a, b in twins.items():
            va, vb = index[a], index[b]
            assert (va['shape'], va['colour']) == (vb['shape'], vb['colour'])
            assert ms.MOTION_BY_NAME[va['motion']].counterpart == vb['motion']
            assert va['twin'] == b
            # same template and paraphrase: swapping the motion phrase of
            # one caption gives the other
            assert ann[a] != ann[b]
        singles = {k for k, v in index.items() if v['twin'] is None}
        assert all(index[k]['motion'] in ('staying still', 'blinking')
                   for k in singles)

    assert meta['reverse_pairs'] and set(
        meta['direction_sensitive_motions']) < set(meta['motions'])


def test_videos_decode_h264(dataset):
    import av
    out, meta = dataset
    for rel in ('videos/train_00000.mp4', 'videos/test_00007.mp4'):
        frames = _decode(out / rel)
        assert frames.shape == (meta['frames'], meta['size'], meta['size'],
                                3)
        with av.open(str(out / rel)) as container:
            stream = container.streams.video[0]
            assert stream.codec_context.name == 'h264'
            assert stream.codec_context.pix_fmt == 'yuv420p'


def test_twins_decode_to_the_same_frames_reversed(dataset):
    """Lossless coding: a twin's decoded frames are exactly the video's in
    reverse order, so an order-invariant model cannot tell them apart."""
    out, _ = dataset
    twins = _load_json(out / 'retrieval_test_twins.json')
    for a, b in list(twins.items())[:4]:
        np.testing.assert_array_equal(_decode(out / 'videos' / a)[::-1],
                                      _decode(out / 'videos' / b))


def test_static_images_are_decoded_video_frames(dataset):
    """A static PNG equals a frame of the motion videos after decoding (the
    same yuv420p round trip), so pretraining sees what videos show."""
    from PIL import Image
    out, meta = dataset
    index = _load_json(out / 'static_index.json')
    key = next(k for k, v in index.items() if not v.get('empty'))
    idx = int(key.split('_')[1].split('.')[0])
    rng = ms._rng(0, ms._TAG_VIDEO, 'static', idx)
    state, attrs = ms.sample_static_frame(rng, meta['size'], meta['frames'])
    assert attrs == {k: index[key][k]
                     for k in ('size', 'position', 'orientation')}
    image = np.asarray(Image.open(out / 'static' / key).convert('RGB'))
    expected = ms.as_decoded(ms.render_frame(
        index[key]['shape'], ms.COLOURS[index[key]['colour']], state,
        meta['size']))
    np.testing.assert_array_equal(image, expected)
    # and the round trip is what decoding a video gives
    video = _decode(out / 'videos' / 'train_00000.mp4')
    v = _index(out)['train']['train_00000.mp4']
    rng = ms._rng(0, ms._TAG_VIDEO, 'train', 0)
    params = ms.sample_params(rng, v['motion'], meta['size'], meta['frames'])
    rendered = ms.render_video(v['shape'], v['colour'], v['motion'], params,
                               meta['frames'], meta['size'])
    np.testing.assert_array_equal(video[5], ms.as_decoded(rendered[5]))


def test_frame_attributes():
    S = 64
    assert ms.frame_attributes((10, 10, 8, 0, 0.0), S) == {'empty': True}
    # a medium shape in the top left, its dot pointing down (90 degrees)
    attrs = ms.frame_attributes((10, 10, 0.16 * S, np.pi / 2, 1.0), S)
    assert attrs == dict(size='medium', position='top left',
                         orientation='down')
    attrs = ms.frame_attributes((32, 54, 0.22 * S, -np.pi / 4, 1.0), S)
    assert attrs == dict(size='large', position='bottom',
                         orientation='upper right')
    # too close to a bin edge: no caption
    assert ms.frame_attributes((S / 3 + 0.1, 32, 10, 0.0, 1.0), S) is None
    assert ms.frame_attributes((32, 32, 0.13 * S, 0.0, 1.0), S) is None
    assert ms.frame_attributes((32, 32, 10, np.pi / 8, 1.0), S) is None


def test_static_captions_name_places_not_motions():
    """Spatial words occur in the static captions, motion words never: the
    pretrained backbone knows where things are, not how they move."""
    rng = np.random.default_rng(0)
    words = set()
    for i in range(400):
        _, attrs = ms.sample_static_frame(rng, 64, 16)
        cap = ms.static_caption(attrs, 'red', 'square',
                                i % len(ms.STATIC_TEMPLATES))
        words |= set(cap.replace(',', ' ').split())
    assert {'left', 'right', 'up', 'down', 'top', 'bottom', 'small',
            'large'} <= words
    spatial = {'left', 'right', 'up', 'down', 'to', 'the', 'a', 'in', 'is',
               'of', 'and', 'on', 'there', 'video', 'with', 'plain',
               'background', 'direction', 'an', 'size', 'place', 'larger',
               'smaller', 'bigger'}
    motion_words = {w for phrases in ms.MOTION_PHRASES.values()
                    for phrase in phrases for w in phrase.split()} - spatial
    assert 'moving' in motion_words and 'clockwise' in motion_words
    assert not words & motion_words, words & motion_words


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
                'static/static_00000.png', 'retrieval_train.json',
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


def test_other_version_is_refused(dataset, tmp_path):
    out, _ = dataset
    old = tmp_path / 'old'
    shutil.copytree(out, old)
    meta = _load_json(old / 'meta.json')
    meta['version'] = '1.0.0'
    (old / 'meta.json').write_text(json.dumps(meta))
    with pytest.raises(FileExistsError, match='version 1.0.0.*--overwrite'):
        ms.generate(old, seed=0, preset='tiny', progress=False)
    res = subprocess.run([sys.executable, str(SCRIPT), '--out', str(old),
                          '--preset', 'tiny'], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode != 0 and 'version 1.0.0' in res.stderr
    ms.generate(old, seed=0, preset='tiny', progress=False, overwrite=True,
                verbose=False)
    assert _load_json(old / 'meta.json')['version'] == ms.GENERATOR_VERSION


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
    # every colour x shape x motion once
    assert len({c[:3] for c in combos}) == 180
    n_cls = len(ms.class_names())
    for start in range(0, 180, n_cls):
        block = combos[start:start + n_cls]
        assert {ms.class_index(s, m) for s, _, m, _ in block} == \
            set(range(n_cls))
    # twins: consecutive, same colour, shape and parameters, reversed motion
    twins = ms.twins(combos)
    assert len(twins) == 144
    for i, j in twins.items():
        assert abs(i - j) == 1 and combos[i][3] == combos[j][3] == min(i, j)
        assert combos[i][:2] == combos[j][:2]
        assert ms.MOTION_BY_NAME[combos[i][2]].counterpart == combos[j][2]
    static = ms.assign_combos(0, 'static', 18)
    assert len({(s, c) for s, c, _, _ in static}) == 18
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
    import open_clip
    tokenizer = open_clip.tokenizer.SimpleTokenizer()
    for name, desc in by_name.items():
        shape, motion = name.split(' ', 1)
        for s in desc['spatial'] + desc['temporal']:
            assert shape in s
            # fits the tiny CLIP's 16-token context (start and end included)
            assert len(tokenizer.encode(s)) + 2 <= 16, s
            # in the static captions' vocabulary: no motion words
            assert not any(w in s.split() for w in (
                'moving', 'growing', 'shrinking', 'rotating', 'clockwise',
                'anticlockwise', 'blinking', 'still'))
        partner = ms.MOTION_BY_NAME[motion].counterpart
        if partner:  # same frames -> same spatial description
            assert desc['spatial'] == by_name[f'{shape} {partner}']['spatial']
            assert desc['temporal'] != by_name[f'{shape} {partner}'][
                'temporal']
