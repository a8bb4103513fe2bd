#!/usr/bin/env python
"""MovingShapes: a tiny synthetic video-text benchmark with known answers.

Every video shows one coloured shape (with a small black orientation marker)
on a plain dark-grey background performing one *motion*.  The benchmark is
built so that **temporal order matters** for some queries and not for others:

* Reverse pairs: ``moving left``/``moving right``, ``moving up``/``moving
  down``, ``growing``/``shrinking`` and ``rotating clockwise``/``rotating
  anticlockwise`` are time-reverses of each other.  For such a pair, both
  members share one motion *family* and one parameter sampler
  (:func:`sample_params`); the trajectory of the second member is literally the
  reversed trajectory of the first (:func:`trajectory`).  Hence the *set* of
  frames of a video of ``M`` has exactly the same distribution as the set of
  frames of a video of its reverse ``M'``: nothing in a single frame (position,
  size, orientation, colour) leaks the direction.  There is no motion blur and
  no trail.  A model that mean-pools per-frame features (order-invariant) is at
  chance between the two members of a pair, whereas a temporal model can
  separate them.
* Self-reverse motions: ``staying still`` and ``blinking`` (on/off flicker
  with a uniformly random phase) are statistically invariant under time
  reversal, so they have no counterpart.  Captions of these motions are *not*
  direction-sensitive, which makes the ``direction_sensitive`` query subset a
  strict subset.

Rotations are visible because every shape carries a black dot near one vertex
(near the rim for the circle), making its symmetry angle 360 degrees; the
total rotation is 100-160 degrees (< 180), so the turning direction between
consecutive frames is unambiguous.  The starting angle is uniform, so the frame
sets of the two rotation directions are identically distributed.

Time-reversed twins: in every split each direction-sensitive video has its
*twin*, the video of the reversed motion with the same colour, shape and
random parameters (its frames are exactly its twin's frames in reverse order:
the videos are encoded losslessly, so this holds for the decoded frames too),
and the same caption template and paraphrase.  Any frame-order-invariant model
therefore scores a video's own caption above its twin's caption for exactly
one of the two twins: its *twin accuracy* is 50 % by construction
(``retrieval_{split}_twins.json``).

Static image-caption set (version 2): PNG images drawn from the same
distribution as single frames of the motion videos (a random frame of a
random motion video, including the empty frames of blinking), each captioned
with everything it shows: size (small / medium / large), colour, shape,
position on a 3x3 grid (top left ... centre ... bottom right) and the
direction the marker dot points to (8 directions).  Images whose size,
position or marker direction lies within a small margin of a bin edge are
redrawn, so every caption is unambiguous.  Spatial words (left, right, up,
down, top, bottom, small, large) occur in these captions; motion words
(moving, growing, rotating, clockwise, blinking, still, ...) never do: like
web-scale CLIP, the backbone pretrained on them knows where things are but
has never seen time.  The PNGs go through the same yuv420p round trip as the
video frames, so a static image equals a decoded video frame.

Classes: 3 shapes (square, triangle, circle) x 10 motions = 30 recognition
classes named ``'<shape> <motion>'`` (label ``shape_idx * 10 + motion_idx``);
6 colours (red, green, blue, yellow, magenta, cyan) appear in captions only.

Output layout (under ``--out``; keys are relative to their folder)::

    videos/{split}_{idx:05d}.mp4    H.264 (libx264, lossless, yuv420p)
    static/static_{idx:05d}.png     image-caption pretraining images
    static_{train,val}.json         {"static_00000.png": ["a small red ..."]}
    static_index.json               {key: {shape, colour, size, position,
                                           orientation} or {empty: true}}
    retrieval_{train,val,test}.json {"train_00000.mp4": ["caption"]}
    retrieval_{train,val,test}_twins.json
                                    {key: twin key}, direction-sensitive only
    retrieval_test_multi.json       3-5 paraphrases per test video
    retrieval_{val,test}{,_multi}_subsets.json
                                    {"direction_sensitive": {key: [cap idx]},
                                     "direction_insensitive": {...}}
    recognition_{train,val,test}.txt  "train_00000.mp4 <label>"
    class_names.txt                 one class name per line
    b2n/{base,novel}_class_names.txt, b2n/{train,val,test}_base.txt,
    b2n/test_novel.txt              labels re-indexed from 0 per half
    descriptions/{spatial,temporal}{,_base,_novel}.json
                                    {"<class idx>": [2 strings]}
    descriptions/descriptions.json  {"<name>": {"spatial": [..],
                                                "temporal": [..]}}
    video_index.json                {split: {key: {shape, colour, motion,
                                                   label, class_name,
                                                   twin}}}
    meta.json                       written last; marks a complete dataset

A folder written by another generator version is refused (the layouts
differ); regenerate it with ``--overwrite`` or choose another ``--out``.

Determinism: every video uses its own RNG derived from ``(seed, split, idx)``
and is encoded single-threaded with x264's macroblock-tree rate control off
(see :func:`write_mp4`), so output bytes do not depend on the number of worker
processes and repeated runs give byte-identical files.

Usage::

    python tools/data/moving_shapes.py --out data/moving_shapes --preset demo

or, from Python (``tools`` is not a package, load this file by path)::

    meta = generate('data/moving_shapes', seed=0, preset='tiny')
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import os.path as osp
import re
import sys
import time
from fractions import Fraction
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

GENERATOR_NAME = 'mvadapt.moving_shapes'
GENERATOR_VERSION = '2.0.0'  # bump when the output bytes change

# --------------------------------------------------------------------------- #
# Vocabulary
# --------------------------------------------------------------------------- #
BACKGROUND_RGB = (48, 48, 48)
MARKER_RGB = (0, 0, 0)
MARKER_OFFSET = 0.5  # marker centre distance from the shape centre (x r)
MARKER_RADIUS = 0.2  # marker radius (x r); fits inside every shape

#: Colour name -> RGB; well separated hues on the dark-grey background.
COLOURS: Dict[str, Tuple[int, int, int]] = {
    'red': (230, 50, 50),
    'green': (50, 200, 70),
    'blue': (60, 110, 250),
    'yellow': (235, 215, 50),
    'magenta': (220, 70, 220),
    'cyan': (60, 215, 220),
}

SHAPES: Tuple[str, ...] = ('square', 'triangle', 'circle')


class Motion(NamedTuple):
    """A motion class.

    Attributes:
        name: Canonical phrase used in captions and class names.
        family: Parameter family; reverse pairs share a family (and sampler).
        reverse: True if the trajectory is the time-reverse of the family's
            forward trajectory.
        counterpart: Name of the time-reversed motion, or None if the motion
            is its own time-reverse.
    """
    name: str
    family: str
    reverse: bool
    counterpart: Optional[str]


#: All motions, in class order.  Forward members come first in each pair.
MOTIONS: Tuple[Motion, ...] = (
    Motion('moving left', 'horizontal', True, 'moving right'),
    Motion('moving right', 'horizontal', False, 'moving left'),
    Motion('moving up', 'vertical', True, 'moving down'),
    Motion('moving down', 'vertical', False, 'moving up'),
    Motion('growing', 'scale', False, 'shrinking'),
    Motion('shrinking', 'scale', True, 'growing'),
    Motion('rotating clockwise', 'rotate', False, 'rotating anticlockwise'),
    Motion('rotating anticlockwise', 'rotate', True, 'rotating clockwise'),
    Motion('staying still', 'still', False, None),
    Motion('blinking', 'blink', False, None),
)
MOTION_BY_NAME: Dict[str, Motion] = {m.name: m for m in MOTIONS}
MOTION_NAMES: Tuple[str, ...] = tuple(m.name for m in MOTIONS)
REVERSE_PAIRS: Tuple[Tuple[str, str], ...] = tuple(
    (m.name, m.counterpart) for m in MOTIONS
    if m.counterpart is not None and not m.reverse)
DIRECTION_SENSITIVE_MOTIONS: Tuple[str, ...] = tuple(
    m.name for m in MOTIONS if m.counterpart is not None)

#: Paraphrases of each motion; index 0 is the canonical phrase.
MOTION_PHRASES: Dict[str, Tuple[str, ...]] = {
    'moving left': ('moving left', 'moving to the left', 'sliding leftwards',
                    'travelling to the left', 'heading left'),
    'moving right': ('moving right', 'moving to the right',
                     'sliding rightwards', 'travelling to the right',
                     'heading right'),
    'moving up': ('moving up', 'moving upwards', 'rising', 'sliding upwards',
                  'heading up'),
    'moving down': ('moving down', 'moving downwards', 'falling',
                    'sliding downwards', 'heading down'),
    'growing': ('growing', 'getting bigger', 'expanding',
                'increasing in size', 'growing larger'),
    'shrinking': ('shrinking', 'getting smaller', 'contracting',
                  'decreasing in size', 'shrinking down'),
    'rotating clockwise': ('rotating clockwise', 'turning clockwise',
                           'spinning clockwise',
                           'rotating in a clockwise direction'),
    'rotating anticlockwise': ('rotating anticlockwise',
                               'turning counterclockwise',
                               'spinning anticlockwise',
                               'rotating counter-clockwise'),
    'staying still': ('staying still', 'not moving', 'standing still',
                      'resting in place', 'remaining motionless'),
    'blinking': ('blinking', 'flashing on and off', 'flickering',
                 'appearing and disappearing', 'blinking on and off'),
}

#: Sentence templates; index 0 is the canonical template.
CAPTION_TEMPLATES: Tuple[str, ...] = (
    'a {colour} {shape} {motion}',
    'a {colour} {shape} is {motion}',
    'the {colour} {shape} is {motion}',
    'a video of a {colour} {shape} {motion}',
    'there is a {colour} {shape} {motion}',
    'a plain background with a {colour} {shape} {motion}',
)

PRESETS: Dict[str, Dict[str, int]] = {
    # 180 colour x shape x motion combos -> train 10, val 1, test 1 per combo
    # (every test caption names exactly one video).
    'demo': dict(num_static=12000, num_train=1800, num_val=180, num_test=180),
    # One full block of the 30 (shape, motion) classes in val/test.
    'tiny': dict(num_static=60, num_train=60, num_val=30, num_test=30),
}
DEFAULTS: Dict[str, int] = dict(size=64, frames=16, fps=8)

# --------------------------------------------------------------------------- #
# Static captions: what a single frame shows
# --------------------------------------------------------------------------- #
#: Size bins of the shape's circumradius, as a fraction of the frame side.
SIZE_BINS: Tuple[Tuple[str, float, float], ...] = (
    ('small', 0.0, 0.13), ('medium', 0.13, 0.19), ('large', 0.19, 1.0))
#: Cells of the 3x3 position grid, [row][column] (rows top to bottom).
POSITIONS: Tuple[Tuple[str, ...], ...] = (
    ('top left', 'top', 'top right'),
    ('left', 'centre', 'right'),
    ('bottom left', 'bottom', 'bottom right'))
#: Marker directions, k * 45 degrees clockwise from "right" on screen.
ORIENTATIONS: Tuple[str, ...] = (
    'right', 'lower right', 'down', 'lower left', 'left', 'upper left', 'up',
    'upper right')
#: Distance to a bin edge under which a frame is too ambiguous to caption:
#: size and position as a fraction of the frame side, direction in radians.
STATIC_MARGINS: Dict[str, float] = dict(size=0.005, position=0.015,
                                        orientation=math.radians(4.0))
#: Static caption templates; index 0 is the canonical one (val captions).
STATIC_TEMPLATES: Tuple[str, ...] = (
    'a {size} {colour} {shape} at the {position}, its dot pointing {orient}',
    'a {colour} {shape} at the {position}, {size}, dot pointing {orient}',
    'the {size} {colour} {shape} is at the {position}, dot {orient}',
    'a picture of a {size} {colour} {shape} at the {position}, dot {orient}',
    'a {size} {shape} in {colour} at the {position}, its dot {orient}',
)
EMPTY_CAPTIONS: Tuple[str, ...] = (
    'an empty grey background', 'a plain grey background with nothing on it',
    'nothing but an empty dark grey background')

SPLIT_CODES: Dict[str, int] = {'static': 0, 'train': 1, 'val': 2, 'test': 3}
# RNG stream tags.  All seed keys have the same length (4) because numpy's
# SeedSequence maps [a, b] and [a, b, 0] to the same stream.
_TAG_VIDEO, _TAG_CAPTION, _TAG_ASSIGN, _TAG_B2N = 11, 12, 13, 14

SUPERSAMPLE = 4  # anti-aliasing factor of the rasteriser
NUM_MULTI_CAPTIONS = (3, 5)  # inclusive range of paraphrases per test video
STATIC_VAL_FRACTION = 0.1


# --------------------------------------------------------------------------- #
# Classes
# --------------------------------------------------------------------------- #
def class_names() -> List[str]:
    """Return the recognition class names (``'<shape> <motion>'``).

    Label ``shape_idx * len(MOTIONS) + motion_idx``.
    """
    return [f'{s} {m.name}' for s in SHAPES for m in MOTIONS]


def class_index(shape: str, motion: str) -> int:
    """Return the recognition label of a (shape, motion) combination."""
    return SHAPES.index(shape) * len(MOTIONS) + MOTION_NAMES.index(motion)


# --------------------------------------------------------------------------- #
# Trajectories
# --------------------------------------------------------------------------- #
def _rng(seed: int, tag: int, split: str, idx: int) -> np.random.Generator:
    return np.random.default_rng([seed, tag, SPLIT_CODES[split], idx])


def sample_params(rng: np.random.Generator, motion: str, size: int,
                  num_frames: int = 16) -> Dict[str, float]:
    """Draw the random parameters of one motion video.

    The draw depends only on the motion *family*, so the two members of a
    reverse pair consume the RNG identically and get identical parameters for
    the same RNG state.  All lengths are in pixels of a ``size`` x ``size``
    frame (continuous coordinates, pixel ``i`` covers ``[i, i + 1)``).

    Args:
        rng: Random generator (consumed).
        motion: Motion name (a key of :data:`MOTION_BY_NAME`).
        size: Frame side length in pixels.
        num_frames: Number of frames (only used by ``blinking``).

    Returns:
        dict: Family-specific parameters; always contains ``family``.
    """
    family = MOTION_BY_NAME[motion].family
    S = float(size)
    p: Dict[str, float] = {'family': family}

    def centre(r: float) -> float:
        return float(rng.uniform(r + 1.0, S - r - 1.0))

    if family in ('horizontal', 'vertical'):
        r = float(rng.uniform(0.12, 0.18) * S)
        lo, hi = r + 1.0, S - r - 1.0
        disp = float(rng.uniform(0.55, 0.95) * (hi - lo))
        start = float(rng.uniform(lo, hi - disp))
        # Forward trajectory goes start -> start + disp (right / down).
        p.update(r=r, start=start, end=start + disp, other=centre(r),
                 angle=float(rng.uniform(0.0, 2 * math.pi)))
    elif family == 'scale':
        r_small = float(rng.uniform(0.08, 0.12) * S)
        r_big = float(rng.uniform(0.18, 0.24) * S)
        # Forward trajectory grows r_small -> r_big.
        p.update(r_start=r_small, r_end=r_big, cx=centre(r_big),
                 cy=centre(r_big), angle=float(rng.uniform(0.0, 2 * math.pi)))
    elif family == 'rotate':
        r = float(rng.uniform(0.14, 0.22) * S)
        a0 = float(rng.uniform(0.0, 2 * math.pi))
        total = math.radians(float(rng.uniform(100.0, 160.0)))
        # Forward trajectory turns clockwise on screen (y axis points down,
        # so increasing angle is clockwise).
        p.update(r=r, cx=centre(r), cy=centre(r), angle_start=a0,
                 angle_end=a0 + total)
    elif family in ('still', 'blink'):
        r = float(rng.uniform(0.14, 0.22) * S)
        p.update(r=r, cx=centre(r), cy=centre(r),
                 angle=float(rng.uniform(0.0, 2 * math.pi)))
        if family == 'blink':
            period = 4 if num_frames >= 4 else 2
            p.update(period=period, phase=int(rng.integers(0, period)))
    else:  # pragma: no cover
        raise ValueError(f'unknown motion family {family!r}')
    return p


def trajectory(motion: str, params: Dict[str, float],
               num_frames: int) -> np.ndarray:
    """Per-frame object states of a video.

    For a reverse-pair member with ``reverse=True`` this is exactly the
    forward trajectory of its family reversed in time, i.e.
    ``trajectory(M', p) == trajectory(M, p)[::-1]``.

    Args:
        motion: Motion name.
        params: Output of :func:`sample_params` for the same family.
        num_frames: Number of frames ``T``.

    Returns:
        np.ndarray: ``(T, 5)`` float64 array of ``(cx, cy, r, angle,
        visible)`` per frame (``angle`` in radians, clockwise on screen).
    """
    info = MOTION_BY_NAME[motion]
    if params['family'] != info.family:
        raise ValueError(f'params of family {params["family"]!r} do not fit '
                         f'motion {motion!r}')
    T = int(num_frames)
    t = np.linspace(0.0, 1.0, T) if T > 1 else np.zeros(1)
    out = np.zeros((T, 5), dtype=np.float64)
    out[:, 4] = 1.0
    fam = info.family
    if fam in ('horizontal', 'vertical'):
        path = params['start'] + (params['end'] - params['start']) * t
        main, other = (0, 1) if fam == 'horizontal' else (1, 0)
        out[:, main] = path
        out[:, other] = params['other']
        out[:, 2] = params['r']
        out[:, 3] = params['angle']
    elif fam == 'scale':
        out[:, 0], out[:, 1] = params['cx'], params['cy']
        out[:, 2] = params['r_start'] + (params['r_end'] -
                                         params['r_start']) * t
        out[:, 3] = params['angle']
    elif fam == 'rotate':
        out[:, 0], out[:, 1], out[:, 2] = params['cx'], params['cy'], \
            params['r']
        out[:, 3] = params['angle_start'] + (params['angle_end'] -
                                             params['angle_start']) * t
    else:  # still / blink
        out[:, 0], out[:, 1], out[:, 2] = params['cx'], params['cy'], \
            params['r']
        out[:, 3] = params['angle']
        if fam == 'blink':
            period, phase = int(params['period']), int(params['phase'])
            k = np.arange(T)
            out[:, 4] = (((k + phase) % period) < period // 2).astype(float)
    if info.reverse:
        out = out[::-1].copy()
    return out


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #
def _polygon_mask(X: np.ndarray, Y: np.ndarray,
                  verts: np.ndarray) -> np.ndarray:
    """Inside test for a convex polygon (either winding)."""
    pos = np.ones(X.shape, dtype=bool)
    neg = np.ones(X.shape, dtype=bool)
    n = len(verts)
    for i in range(n):
        x0, y0 = verts[i]
        x1, y1 = verts[(i + 1) % n]
        cross = (x1 - x0) * (Y - y0) - (y1 - y0) * (X - x0)
        pos &= cross >= 0
        neg &= cross <= 0
    return pos | neg


def _shape_mask(shape: str, X: np.ndarray, Y: np.ndarray, cx: float,
                cy: float, r: float, angle: float) -> np.ndarray:
    if shape == 'circle':
        return (X - cx)**2 + (Y - cy)**2 <= (0.85 * r)**2
    n = {'square': 4, 'triangle': 3}[shape]
    a = angle + 2 * math.pi * np.arange(n) / n
    verts = np.stack([cx + r * np.cos(a), cy + r * np.sin(a)], axis=1)
    return _polygon_mask(X, Y, verts)


def render_frame(shape: str, rgb: Sequence[int], state: Sequence[float],
                 size: int) -> np.ndarray:
    """Rasterise one frame with 4x4 supersampling anti-aliasing.

    The shape's circumradius is ``r`` (the circle's radius is ``0.85 r``); a
    black marker dot of radius ``0.2 r`` sits at ``0.5 r`` from the centre in
    the direction ``angle`` (towards a vertex for polygons).

    Args:
        shape: Shape name.
        rgb: Shape colour.
        state: ``(cx, cy, r, angle, visible)`` as from :func:`trajectory`.
        size: Frame side length.

    Returns:
        np.ndarray: ``(size, size, 3)`` uint8 RGB frame.
    """
    img = np.empty((size, size, 3), dtype=np.float32)
    img[:] = BACKGROUND_RGB
    cx, cy, r, angle, visible = (float(v) for v in state)
    if visible < 0.5:
        return img.astype(np.uint8)
    x0 = max(int(math.floor(cx - r - 1)), 0)
    x1 = min(int(math.ceil(cx + r + 1)), size)
    y0 = max(int(math.floor(cy - r - 1)), 0)
    y1 = min(int(math.ceil(cy + r + 1)), size)
    if x1 <= x0 or y1 <= y0:
        return img.astype(np.uint8)
    ss = SUPERSAMPLE
    xs = (np.arange(x0 * ss, x1 * ss) + 0.5) / ss
    ys = (np.arange(y0 * ss, y1 * ss) + 0.5) / ss
    X, Y = np.meshgrid(xs, ys)
    body = _shape_mask(shape, X, Y, cx, cy, r, angle)
    mx = cx + MARKER_OFFSET * r * math.cos(angle)
    my = cy + MARKER_OFFSET * r * math.sin(angle)
    marker = body & ((X - mx)**2 + (Y - my)**2 <= (MARKER_RADIUS * r)**2)
    h, w = y1 - y0, x1 - x0

    def cover(m: np.ndarray) -> np.ndarray:
        return m.reshape(h, ss, w, ss).mean(axis=(1, 3),
                                            dtype=np.float32)[..., None]

    c_body, c_marker = cover(body), cover(marker)
    bg = np.asarray(BACKGROUND_RGB, np.float32)
    img[y0:y1, x0:x1] = (bg * (1 - c_body) + np.asarray(rgb, np.float32) *
                         (c_body - c_marker) +
                         np.asarray(MARKER_RGB, np.float32) * c_marker)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def render_video(shape: str, colour: str, motion: str, params: Dict,
                 num_frames: int, size: int) -> np.ndarray:
    """Render all frames of a motion video as ``(T, H, W, 3)`` uint8."""
    states = trajectory(motion, params, num_frames)
    return np.stack(
        [render_frame(shape, COLOURS[colour], s, size) for s in states])


def as_decoded(frame: np.ndarray) -> np.ndarray:
    """``frame`` after the ``yuv420p`` round trip every video frame goes
    through (what decoding the lossless video gives back)."""
    import av
    return av.VideoFrame.from_ndarray(
        np.ascontiguousarray(frame), format='rgb24').reformat(
            format='yuv420p').to_ndarray(format='rgb24')


def _bin(value: float, edges: Sequence[float]) -> Tuple[int, float]:
    """Index of the bin of ``value`` among sorted inner ``edges`` and its
    distance to the nearest edge."""
    idx = int(np.searchsorted(edges, value, side='right'))
    dist = min((abs(value - e) for e in edges), default=math.inf)
    return idx, dist


def frame_attributes(state: Sequence[float],
                     size: int) -> Optional[Dict[str, str]]:
    """What one frame shows, or None when it is too close to a bin edge to
    caption unambiguously (see :data:`STATIC_MARGINS`).

    Args:
        state: ``(cx, cy, r, angle, visible)`` as from :func:`trajectory`.
        size: Frame side length.

    Returns:
        dict | None: ``{'empty': True}`` for an invisible shape, else
        ``size``, ``position`` and ``orientation`` names.
    """
    cx, cy, r, angle, visible = (float(v) for v in state)
    if visible < 0.5:
        return {'empty': True}
    S = float(size)
    size_idx, d_size = _bin(r / S, [b[1] for b in SIZE_BINS[1:]])
    col, d_col = _bin(cx / S, [1 / 3, 2 / 3])
    row, d_row = _bin(cy / S, [1 / 3, 2 / 3])
    step = 2 * math.pi / len(ORIENTATIONS)
    a = (angle / step) % len(ORIENTATIONS)
    orient = int(math.floor(a + 0.5)) % len(ORIENTATIONS)
    d_orient = abs((a + 0.5) % 1.0 - 0.5) * step  # to the bin's centre
    d_orient = step / 2 - d_orient  # to the nearest edge
    m = STATIC_MARGINS
    if (d_size < m['size'] or min(d_col, d_row) < m['position']
            or d_orient < m['orientation']):
        return None
    return dict(size=SIZE_BINS[size_idx][0], position=POSITIONS[row][col],
                orientation=ORIENTATIONS[orient])


def sample_static_frame(rng: np.random.Generator, size: int,
                        num_frames: int) -> Tuple[Tuple[float, ...], Dict]:
    """A random frame of a random motion video (motion uniform, frame index
    uniform), redrawn until its attributes are unambiguous.

    Returns:
        tuple: ``(state, attributes)`` (see :func:`frame_attributes`).
    """
    while True:
        motion = MOTION_NAMES[int(rng.integers(len(MOTIONS)))]
        params = sample_params(rng, motion, size, num_frames)
        states = trajectory(motion, params, num_frames)
        state = tuple(float(v) for v in states[int(rng.integers(num_frames))])
        attrs = frame_attributes(state, size)
        if attrs is not None:
            return state, attrs


def static_caption(attrs: Dict, colour: str, shape: str,
                   template: int = 0) -> str:
    """The caption of a static image (template ``template``)."""
    if attrs.get('empty'):
        return EMPTY_CAPTIONS[template % len(EMPTY_CAPTIONS)]
    return STATIC_TEMPLATES[template].format(
        size=attrs['size'], colour=colour, shape=shape,
        position=attrs['position'], orient=attrs['orientation'])


def write_png(path: str, image: np.ndarray) -> None:
    """Write an RGB image as PNG, deterministically and atomically."""
    from PIL import Image
    tmp = path + '.part'
    Image.fromarray(np.ascontiguousarray(image), mode='RGB').save(
        tmp, format='PNG', compress_level=6)
    os.replace(tmp, path)


def write_mp4(path: str, frames: np.ndarray, fps: int) -> None:
    """Encode frames to a lossless H.264 mp4 deterministically, atomically.

    Uses libx264 at ``qp=0`` (lossless: the decoded frames are exactly the
    ``yuv420p`` conversion of the input, frame by frame, so a video and its
    time-reversed twin decode to the same frames in reverse order), one
    thread and fixed settings so the same frames always give the same bytes.
    Writes to ``path + '.part'`` first.

    Note:
        ``mbtree=0`` is required for determinism: with macroblock-tree rate
        control, x264's SIMD code gave run-to-run different bitstreams for a
        few percent of these tiny (64x64) videos, apparently from reading
        uninitialised padding.  With ``mbtree=0`` (or ``no-asm=1``, 2x slower)
        4 x 2100 test encodes were bit-identical.
    """
    import av  # local import: only needed for writing
    tmp = path + '.part'
    with av.open(tmp, mode='w', format='mp4') as container:
        stream = container.add_stream(
            'libx264', rate=Fraction(fps).limit_denominator(1001),
            options={'qp': '0', 'preset': 'medium', 'threads': '1',
                     'x264-params': 'mbtree=0'})
        stream.width = frames.shape[2]
        stream.height = frames.shape[1]
        stream.pix_fmt = 'yuv420p'
        stream.codec_context.thread_count = 1
        for arr in frames:
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(arr), format='rgb24')
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    os.replace(tmp, path)


def _render_job(job: Tuple) -> str:
    """Worker: render one static image or render and encode one video.

    A video's random parameters come from the RNG of its ``param_idx``: the
    two members of a twin pair share it, so the reverse member is exactly its
    twin in reverse.
    """
    path, split, idx, shape, colour, motion, param_idx, cfg = job
    if split == 'static':
        rng = _rng(cfg['seed'], _TAG_VIDEO, split, idx)
        state, _ = sample_static_frame(rng, cfg['size'], cfg['frames'])
        frame = render_frame(shape, COLOURS[colour], state, cfg['size'])
        write_png(path, as_decoded(frame))
        return path
    rng = _rng(cfg['seed'], _TAG_VIDEO, split, param_idx)
    params = sample_params(rng, motion, cfg['size'], cfg['frames'])
    frames = render_video(shape, colour, motion, params, cfg['frames'],
                          cfg['size'])
    write_mp4(path, frames, cfg['fps'])
    return path


def _render_shard(jobs: Sequence[Tuple], counter) -> None:
    for job in jobs:
        _render_job(job)
        with counter.get_lock():
            counter.value += 1


def _run_forked(jobs: Sequence[Tuple], workers: int, bar) -> None:
    """Render ``jobs`` in ``workers`` forked processes.

    Plain forked ``Process`` objects are used instead of a ``Pool`` so that
    nothing has to be pickled: this file is usually loaded by path (it is not
    importable by name), which a pool's pickled task references would need.
    Job ``i`` goes to worker ``i % workers``; outputs do not depend on it.
    """
    ctx = mp.get_context('fork')
    counter = ctx.Value('q', 0)
    procs = [ctx.Process(target=_render_shard,
                         args=(jobs[w::workers], counter), daemon=True)
             for w in range(workers)]
    for p in procs:
        p.start()
    try:
        while any(p.is_alive() for p in procs):
            time.sleep(0.05)
            bar.update(counter.value - bar.n)
        bar.update(counter.value - bar.n)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f'{len(failed)} video worker(s) failed '
                           f'(exit codes {failed}); see the traceback above')


# --------------------------------------------------------------------------- #
# Split assignment and captions
# --------------------------------------------------------------------------- #
#: Units of videos: a reverse pair (forward member first) is one unit of two
#: videos sharing colour, shape and parameters; a self-reverse motion is a
#: one-video unit.
MOTION_UNITS: Tuple[Tuple[str, ...], ...] = tuple(
    (m.name, m.counterpart) if m.counterpart else (m.name, )
    for m in MOTIONS if not m.reverse)


def assign_combos(seed: int, split: str,
                  n: int) -> List[Tuple[str, str, Optional[str], int]]:
    """Balanced ``(shape, colour, motion, param_idx)`` assignment of a split.

    Videos come in blocks of ``len(SHAPES) * len(MOTION_UNITS)`` (= 18)
    units, i.e. 30 videos covering every (shape, motion) class once, in a
    shuffled unit order; the two members of a reverse pair are consecutive,
    share the colour and have the same ``param_idx`` (the index of the first
    member, whose RNG draws the parameters of both). In block ``j`` unit
    ``u`` gets colour ``perm[(u + j) % n_colours]``, so every ``n_colours``
    consecutive blocks (180 videos) contain every colour x shape x motion
    combo exactly once. For ``split='static'`` the motion is None and blocks
    cover the 18 (shape, colour) combos instead.
    """
    rng = _rng(seed, _TAG_ASSIGN, split, 0)
    colours = list(COLOURS)
    cperm = [colours[i] for i in rng.permutation(len(colours))]
    out: List[Tuple[str, str, Optional[str], int]] = []
    if split == 'static':
        combos = [(s, c) for s in SHAPES for c in cperm]
        while len(out) < n:
            for k in rng.permutation(len(combos)):
                out.append((combos[k][0], combos[k][1], None, len(out)))
        return out[:n]
    units = [(shape, motions) for shape in SHAPES for motions in MOTION_UNITS]
    block = 0
    while len(out) < n:
        for u in rng.permutation(len(units)):
            shape, motions = units[u]
            colour = cperm[(u + block) % len(cperm)]
            first = len(out)
            for motion in motions:
                out.append((shape, colour, motion, first))
        block += 1
    return out[:n]


def twins(combos: Sequence[Tuple[str, str, Optional[str], int]]
          ) -> Dict[int, int]:
    """Index of each video's time-reversed twin (pairs sharing a
    ``param_idx``); videos without a twin are absent."""
    by_param: Dict[int, List[int]] = {}
    for i, combo in enumerate(combos):
        by_param.setdefault(combo[3], []).append(i)
    out = {}
    for members in by_param.values():
        if len(members) == 2:
            out[members[0]], out[members[1]] = members[1], members[0]
    return out


def canonical_caption(colour: str, shape: str, motion: str) -> str:
    """Return e.g. ``'a red square moving left'``."""
    return CAPTION_TEMPLATES[0].format(colour=colour, shape=shape,
                                       motion=MOTION_PHRASES[motion][0])


def caption_pool(colour: str, shape: str, motion: str) -> List[str]:
    """All distinct paraphrases (template x motion phrase) of a video."""
    pool = []
    for tpl in CAPTION_TEMPLATES:
        for phrase in MOTION_PHRASES[motion]:
            cap = tpl.format(colour=colour, shape=shape, motion=phrase)
            if cap not in pool:
                pool.append(cap)
    return pool


def video_key(split: str, idx: int) -> str:
    """File name of a video (or, for ``split='static'``, a PNG image)
    relative to its folder (videos/ or static/)."""
    return f'{split}_{idx:05d}.' + ('png' if split == 'static' else 'mp4')


# --------------------------------------------------------------------------- #
# Base-to-novel split and descriptions
# --------------------------------------------------------------------------- #
def base_novel_split(seed: int) -> Tuple[List[int], List[int]]:
    """Split the classes into base and novel halves (sorted label lists).

    Units are kept whole: a reverse pair ``(shape, M)``/``(shape, M')`` is one
    unit of two classes (both members always land in the same half), a
    self-reverse motion is a one-class unit.  Units are grouped by motion
    family; within each family the shapes are shuffled and half of them go to
    base, odd counts being rounded up and down alternately over the (shuffled)
    families.  With 3 shapes x (4 pairs + 2 singletons) this gives 15 + 15
    classes, every family present in both halves, each half holding both
    members of 6 reverse pairs and 3 singletons.
    """
    rng = np.random.default_rng([seed, _TAG_B2N, 0, 0])
    base: List[int] = []
    novel: List[int] = []
    extra = True
    for group in ([m for m in MOTIONS if m.counterpart and not m.reverse],
                  [m for m in MOTIONS if not m.counterpart]):
        for gi in rng.permutation(len(group)):
            m = group[gi]
            units = []
            for shape in SHAPES:
                unit = [class_index(shape, m.name)]
                if m.counterpart:
                    unit.append(class_index(shape, m.counterpart))
                units.append(unit)
            k = len(units) // 2
            if len(units) % 2:
                k += int(extra)
                extra = not extra
            perm = rng.permutation(len(units))
            for j, ui in enumerate(perm):
                (base if j < k else novel).extend(units[ui])
    return sorted(base), sorted(novel)


#: Spatial descriptions (what single frames show; the same for the two
#: members of a reverse pair, as are their frame distributions), by family.
_SPATIAL = {
    'horizontal': ('a {s} at the left, at the centre and at the right',
                   'a medium {s} at several places in one row'),
    'vertical': ('a {s} at the top, at the centre and at the bottom',
                 'a medium {s} at several places in one column'),
    'scale': ('a small {s} and a large {s}',
              'a {s} that is small in some frames and large in others'),
    'rotate': ('a {s} with its dot pointing in several directions',
               'a medium {s}, its dot pointing up, right, down or left'),
    'still': ('the same {s} at one place in every frame',
              'a {s} with the same size, place and dot in every frame'),
    'blink': ('a {s} in some frames and an empty grey background in others',
              'an empty dark grey background and a {s}'),
}

#: Temporal descriptions: the motion's sub-steps in order, in the words the
#: static captions use (where the shape is, how large, where its dot points).
_TEMPORAL = {
    'moving left': ('a {s} at the right, then at the left',
                    'the {s} starts at the right and ends at the left'),
    'moving right': ('a {s} at the left, then at the right',
                     'the {s} starts at the left and ends at the right'),
    'moving up': ('a {s} at the bottom, then at the top',
                  'the {s} starts at the bottom and ends at the top'),
    'moving down': ('a {s} at the top, then at the bottom',
                    'the {s} starts at the top and ends at the bottom'),
    'growing': ('a small {s}, then a medium {s}, then a large {s}',
                'the {s} starts small and ends large'),
    'shrinking': ('a large {s}, then a medium {s}, then a small {s}',
                  'the {s} starts large and ends small'),
    'rotating clockwise': (
        'a {s} with its dot pointing up, then upper right, then right',
        'the dot of the {s} points left, then upper left, then up'),
    'rotating anticlockwise': (
        'a {s} with its dot pointing right, then upper right, then up',
        'the dot of the {s} points up, then upper left, then left'),
    'staying still': ('a {s} at the same place in every frame',
                      'the {s} keeps its place, its size and its dot'),
    'blinking': ('a {s}, then an empty grey background, then the {s}',
                 'an empty background, then a {s}, then an empty background'),
}


def class_descriptions(name: str) -> Dict[str, List[str]]:
    """Templated 'LLM-style' spatial and temporal descriptions of a class.

    Written for the tiny CLIP: short (they fit its 16-token text context)
    and in the vocabulary of the static captions, so the frozen text encoder
    that embeds them knows every word. Spatial descriptions say what single
    frames look like and are identical for the two members of a reverse
    pair; temporal descriptions say where the shape starts and ends, how its
    size or its dot's direction changes, in order.

    Args:
        name: Class name ``'<shape> <motion>'``.

    Returns:
        dict: ``{'spatial': [2 strings], 'temporal': [2 strings]}``.
    """
    shape, motion = name.split(' ', 1)
    family = MOTION_BY_NAME[motion].family
    return {'spatial': [d.format(s=shape) for d in _SPATIAL[family]],
            'temporal': [d.format(s=shape) for d in _TEMPORAL[motion]]}


# --------------------------------------------------------------------------- #
# I/O helpers
# --------------------------------------------------------------------------- #
def _write_text(path: str, text: str) -> None:
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = path + '.part'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)


def _write_json(path: str, obj) -> None:
    _write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + '\n')


def _write_lines(path: str, lines: Sequence[str]) -> None:
    _write_text(path, ''.join(f'{line}\n' for line in lines))


def _resolve_config(seed: int, preset: str, overrides: Dict) -> Dict:
    if preset not in PRESETS:
        raise ValueError(f'unknown preset {preset!r}, choose from '
                         f'{sorted(PRESETS)}')
    cfg = dict(PRESETS[preset], **DEFAULTS)
    for k, v in overrides.items():
        if k not in cfg:
            raise TypeError(f'unknown option {k!r}')
        if v is not None:
            cfg[k] = int(v)
    cfg['seed'] = int(seed)
    if cfg['seed'] < 0:
        raise ValueError('seed must be non-negative')
    if cfg['size'] < 16 or cfg['size'] % 2:
        raise ValueError('size must be an even number >= 16 (yuv420p)')
    if cfg['frames'] < 2 or cfg['fps'] < 1:
        raise ValueError('need frames >= 2 and fps >= 1')
    for k in ('num_static', 'num_train', 'num_val', 'num_test'):
        if cfg[k] < 0:
            raise ValueError(f'{k} must be >= 0')
    return cfg


def _config_key(meta: Dict) -> Dict:
    keys = ('generator', 'version', 'seed', 'num_static', 'num_train',
            'num_val', 'num_test', 'size', 'frames', 'fps')
    return {k: meta.get(k) for k in keys}


def _is_complete(out_dir: str, meta: Dict) -> bool:
    for rel in meta.get('files', []):
        if not osp.isfile(osp.join(out_dir, rel)):
            return False
    for split in ('train', 'val', 'test'):
        for i in range(meta['num_' + split]):
            if not osp.isfile(osp.join(out_dir, 'videos',
                                       video_key(split, i))):
                return False
    for i in range(meta['num_static']):
        if not osp.isfile(osp.join(out_dir, 'static', video_key('static',
                                                                i))):
            return False
    return True


def _remove_stale(folder: str, pattern: str, keep: set) -> None:
    if not osp.isdir(folder):
        return
    rx = re.compile(pattern)
    for name in os.listdir(folder):
        if (rx.fullmatch(name) and name not in keep) or name.endswith('.part'):
            os.remove(osp.join(folder, name))


# --------------------------------------------------------------------------- #
# Main entry point
# --------------------------------------------------------------------------- #
def generate(out_dir: str,
             seed: int = 0,
             preset: str = 'demo',
             workers: Optional[int] = None,
             overwrite: bool = False,
             progress: bool = True,
             verbose: bool = True,
             **overrides) -> Dict:
    """Generate (or verify) a MovingShapes dataset.

    If ``out_dir/meta.json`` describes a complete dataset with the same
    configuration, nothing is written (unless ``overwrite``).  Otherwise every
    file is (re)written and ``meta.json`` is written last, so an interrupted
    run is never mistaken for a complete one.

    Args:
        out_dir: Output folder.
        seed: Random seed (non-negative int).
        preset: ``'demo'`` or ``'tiny'``; gives the default split sizes.
        workers: Worker processes; defaults to ``min(cpu_count, 4)``.
            Results do not depend on it.
        overwrite: Regenerate even if the dataset is up to date.
        progress: Show a tqdm progress bar on stderr.
        verbose: Print a summary to stdout.
        **overrides: ``num_static``, ``num_train``, ``num_val``, ``num_test``,
            ``size``, ``frames``, ``fps`` (None = preset).

    Raises:
        FileExistsError: ``out_dir`` holds a dataset of another generator
            version and ``overwrite`` is False.

    Returns:
        dict: The dataset meta data (contents of ``meta.json``).
    """
    cfg = _resolve_config(seed, preset, overrides)
    out_dir = osp.abspath(out_dir)
    meta_path = osp.join(out_dir, 'meta.json')
    wanted = dict(generator=GENERATOR_NAME, version=GENERATOR_VERSION, **cfg)

    def say(msg: str) -> None:
        if verbose:
            print(msg, flush=True)

    if osp.isfile(meta_path) and not overwrite:
        try:
            with open(meta_path, encoding='utf-8') as f:
                old = json.load(f)
        except (OSError, ValueError):
            old = None
        if (old is not None and old.get('generator') == GENERATOR_NAME
                and old.get('version') != GENERATOR_VERSION):
            raise FileExistsError(
                f'{out_dir} holds MovingShapes version {old.get("version")}, '
                f'whose layout differs from version {GENERATOR_VERSION} '
                '(static PNG images with full captions, twin pairs, lossless '
                'videos). Regenerate it with --overwrite (or overwrite=True; '
                '`make clean-demo` removes the demo data), or choose another '
                'output folder.')
        if (old is not None and _config_key(old) == _config_key(wanted)
                and _is_complete(out_dir, old)):
            say(f'MovingShapes at {out_dir} is up to date '
                f'(seed={cfg["seed"]}, preset={preset}); use --overwrite to '
                'regenerate.')
            return old
        say(f'MovingShapes at {out_dir} is stale or incomplete; regenerating.')

    t_start = time.time()
    os.makedirs(out_dir, exist_ok=True)
    if osp.exists(meta_path):
        os.remove(meta_path)  # dataset is incomplete from now on
    vid_dir, static_dir = osp.join(out_dir, 'videos'), osp.join(out_dir,
                                                               'static')
    os.makedirs(vid_dir, exist_ok=True)
    os.makedirs(static_dir, exist_ok=True)

    names = class_names()
    splits = {s: assign_combos(cfg['seed'], s, cfg['num_' + s])
              for s in ('static', 'train', 'val', 'test')}
    twin_of = {s: twins(splits[s]) for s in ('train', 'val', 'test')}

    # ---------------- videos and static images ---------------- #
    jobs = []
    for split, combos in splits.items():
        folder = static_dir if split == 'static' else vid_dir
        for idx, (shape, colour, motion, param_idx) in enumerate(combos):
            jobs.append((osp.join(folder, video_key(split, idx)), split, idx,
                         shape, colour, motion, param_idx, cfg))
    _remove_stale(vid_dir, r'(train|val|test)_\d{5,}\.mp4',
                  {video_key(s, i) for s in ('train', 'val', 'test')
                   for i in range(cfg['num_' + s])})
    _remove_stale(static_dir, r'static_\d{5,}\.(png|mp4)',
                  {video_key('static', i) for i in range(cfg['num_static'])})

    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    workers = max(1, min(int(workers), len(jobs) or 1))
    from tqdm import tqdm
    bar = tqdm(total=len(jobs), desc='MovingShapes', unit='video',
               file=sys.stderr, disable=not progress, dynamic_ncols=True)
    if workers > 1 and 'fork' in mp.get_all_start_methods():
        _run_forked(jobs, workers, bar)
    else:
        for job in jobs:
            _render_job(job)
            bar.update(1)
    bar.close()

    # ---------------- annotations ---------------- #
    files: List[str] = []

    def put_json(rel: str, obj) -> None:
        _write_json(osp.join(out_dir, rel), obj)
        files.append(rel)

    def put_lines(rel: str, lines: Sequence[str]) -> None:
        _write_lines(osp.join(out_dir, rel), lines)
        files.append(rel)

    # static image-caption set
    n_static = cfg['num_static']
    n_static_val = (min(n_static - 1, max(1, round(n_static *
                                                   STATIC_VAL_FRACTION)))
                    if n_static > 1 else 0)
    n_static_train = n_static - n_static_val
    static_ann, static_index = {}, {}
    for i, (shape, colour, _, _) in enumerate(splits['static']):
        key = video_key('static', i)
        _, attrs = sample_static_frame(_rng(cfg['seed'], _TAG_VIDEO, 'static',
                                            i), cfg['size'], cfg['frames'])
        template = 0 if i >= n_static_train else int(_rng(
            cfg['seed'], _TAG_CAPTION, 'static', i).integers(
                len(STATIC_TEMPLATES)))
        static_ann[key] = [static_caption(attrs, colour, shape, template)]
        static_index[key] = dict(attrs) if attrs.get('empty') else dict(
            shape=shape, colour=colour, **attrs)
    static_keys = list(static_ann)
    put_json('static_train.json',
             {k: static_ann[k] for k in static_keys[:n_static_train]})
    put_json('static_val.json',
             {k: static_ann[k] for k in static_keys[n_static_train:]})
    put_json('static_index.json', static_index)

    index: Dict[str, Dict] = {}
    recog: Dict[str, List[Tuple[str, int]]] = {}
    for split in ('train', 'val', 'test'):
        retrieval, multi = {}, {}
        index[split], recog[split] = {}, []
        for idx, (shape, colour, motion, param_idx) in enumerate(
                splits[split]):
            key = video_key(split, idx)
            label = class_index(shape, motion)
            twin = twin_of[split].get(idx)
            index[split][key] = dict(
                shape=shape, colour=colour, motion=motion, label=label,
                class_name=names[label],
                twin=None if twin is None else video_key(split, twin))
            recog[split].append((key, label))
            # twins share the caption RNG: same template and paraphrase
            rng = _rng(cfg['seed'], _TAG_CAPTION, split, param_idx)
            pool = caption_pool(colour, shape, motion)
            if split == 'train':
                retrieval[key] = [pool[int(rng.integers(len(pool)))]]
            else:
                retrieval[key] = [canonical_caption(colour, shape, motion)]
            if split == 'test':
                n_cap = int(rng.integers(NUM_MULTI_CAPTIONS[0],
                                         NUM_MULTI_CAPTIONS[1] + 1))
                multi[key] = [pool[i] for i in
                              rng.choice(len(pool), n_cap, replace=False)]
        put_json(f'retrieval_{split}.json', retrieval)
        put_json(f'retrieval_{split}_twins.json',
                 {k: v['twin'] for k, v in index[split].items()
                  if v['twin'] is not None})
        subset_files = [(f'retrieval_{split}_subsets.json', retrieval)]
        if split == 'test':
            put_json('retrieval_test_multi.json', multi)
            subset_files.append(('retrieval_test_multi_subsets.json', multi))
        if split != 'train':
            for rel, ann in subset_files:
                sens = {k: list(range(len(v))) for k, v in ann.items()
                        if index[split][k]['motion']
                        in DIRECTION_SENSITIVE_MOTIONS}
                insens = {k: list(range(len(v))) for k, v in ann.items()
                          if k not in sens}
                put_json(rel, {'direction_sensitive': sens,
                               'direction_insensitive': insens})
        put_lines(f'recognition_{split}.txt',
                  [f'{k} {lab}' for k, lab in recog[split]])
    put_lines('class_names.txt', names)
    put_json('video_index.json', index)

    # base-to-novel
    base, novel = base_novel_split(cfg['seed'])
    remap = {c: i for i, c in enumerate(base)}
    remap.update({c: i for i, c in enumerate(novel)})
    base_set = set(base)
    put_lines('b2n/base_class_names.txt', [names[c] for c in base])
    put_lines('b2n/novel_class_names.txt', [names[c] for c in novel])
    for split in ('train', 'val', 'test'):
        put_lines(f'b2n/{split}_base.txt',
                  [f'{k} {remap[c]}' for k, c in recog[split]
                   if c in base_set])
    put_lines('b2n/test_novel.txt', [f'{k} {remap[c]}' for k, c in
                                     recog['test'] if c not in base_set])

    # descriptions
    desc = {n: class_descriptions(n) for n in names}
    for part, classes in (('', list(range(len(names)))), ('_base', base),
                          ('_novel', novel)):
        for kind in ('spatial', 'temporal'):
            put_json(f'descriptions/{kind}{part}.json',
                     {str(i): desc[names[c]][kind]
                      for i, c in enumerate(classes)})
    put_json('descriptions/descriptions.json', desc)

    # meta (last)
    meta = dict(wanted)
    meta.update(
        preset=preset,
        num_static_train=n_static_train,
        num_static_val=n_static_val,
        background_rgb=list(BACKGROUND_RGB),
        marker_rgb=list(MARKER_RGB),
        marker_offset=MARKER_OFFSET,
        marker_radius=MARKER_RADIUS,
        size_bins=[list(b) for b in SIZE_BINS],
        positions=[list(row) for row in POSITIONS],
        orientations=list(ORIENTATIONS),
        static_margins=dict(STATIC_MARGINS),
        colours={k: list(v) for k, v in COLOURS.items()},
        shapes=list(SHAPES),
        motions=list(MOTION_NAMES),
        reverse_pairs=[list(p) for p in REVERSE_PAIRS],
        direction_sensitive_motions=list(DIRECTION_SENSITIVE_MOTIONS),
        class_names=names,
        num_classes=len(names),
        base_classes=[names[c] for c in base],
        novel_classes=[names[c] for c in novel],
        video_dir='videos',
        static_dir='static',
        files=sorted(files) + ['meta.json'],
    )
    _write_json(meta_path, meta)

    n_videos = sum(cfg['num_' + s] for s in ('train', 'val', 'test'))
    say(f'MovingShapes written to {out_dir} in {time.time() - t_start:.1f}s '
        f'(seed={cfg["seed"]}, {workers} worker(s)):\n'
        f'  videos/  {n_videos} motion videos '
        f'(train {cfg["num_train"]}, val {cfg["num_val"]}, '
        f'test {cfg["num_test"]}; {cfg["frames"]} frames, '
        f'{cfg["size"]}x{cfg["size"]}, {cfg["fps"]} fps, lossless H.264)\n'
        f'  static/  {n_static} static PNG images '
        f'(train {n_static_train}, val {n_static_val})\n'
        f'  {len(names)} classes, base {len(base)} / novel {len(novel)}\n'
        '  annotations: ' + ', '.join(meta['files']))
    return meta


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    p = argparse.ArgumentParser(
        description='Generate the MovingShapes synthetic video-text '
        'benchmark (reverse-pair motions for temporal modelling).')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--preset', choices=sorted(PRESETS), default='demo')
    p.add_argument('--num-static', type=int, default=None)
    p.add_argument('--num-train', type=int, default=None)
    p.add_argument('--num-val', type=int, default=None)
    p.add_argument('--num-test', type=int, default=None)
    p.add_argument('--size', type=int, default=None,
                   help=f'frame side in pixels, even (default '
                   f'{DEFAULTS["size"]})')
    p.add_argument('--frames', type=int, default=None,
                   help=f'frames per motion video (default '
                   f'{DEFAULTS["frames"]})')
    p.add_argument('--fps', type=int, default=None,
                   help=f'frame rate (default {DEFAULTS["fps"]})')
    p.add_argument('--workers', type=int, default=None,
                   help='worker processes (default min(cpu count, 4))')
    p.add_argument('--overwrite', action='store_true',
                   help='regenerate even if the data is up to date')
    p.add_argument('--no-progress', action='store_true',
                   help='hide the progress bar')
    return p.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command-line entry point."""
    args = parse_args(argv)
    try:
        generate(args.out, seed=args.seed, preset=args.preset,
                 workers=args.workers, overwrite=args.overwrite,
                 progress=not args.no_progress, num_static=args.num_static,
                 num_train=args.num_train, num_val=args.num_val,
                 num_test=args.num_test, size=args.size, frames=args.frames,
                 fps=args.fps)
    except (ValueError, FileExistsError) as e:
        sys.exit(f'error: {e}')


if __name__ == '__main__':
    main()
