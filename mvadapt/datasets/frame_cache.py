"""Decode once: a cache of decoded (and resized) video frames.

Every epoch decodes the same videos again, and on real data decoding is the
bottleneck of the input pipeline. A frame cache decodes each video once, with
the pipeline's own decoder and ``Resize``, and keeps the frames as
uncompressed ``uint8`` arrays, so reading a clip is a memory-mapped copy of
the sampled frames: bit-identical to what the decode path gives, at a
fraction of the cost.

Layout of a cache folder (its parent is the *video root*: the videos a
cache can hold lie under it, and are keyed by their path relative to it)::

    manifest.json               format, version, spec, one record per video
                                (source size + mtime, frame count, fps,
                                shapes), failed videos; written last
    frames/<video path>.npy     uint8 [N, H, W, 3] RGB, numpy's .npy format
    frames/<video path>.json    the video's record (lets a build resume)

What is cached (the *spec*): the decoder (e.g. ``DecordInit`` +
``DecordDecode``), the ``Resize`` that directly follows the decode step in
the pipeline (folded into the cache, so its frames are what the pipeline
holds after that ``Resize``), and the frame selection ``fps``:

* ``fps=None`` (default): every frame. The pipeline's sampler
  (``FpsSample``, ``UniformSample``, ``SampleFrames``; random offsets in
  training, fixed ones in testing) sees the same ``total_frames`` and
  ``avg_fps`` as with decoding and picks the same frames: the cache changes
  nothing but the speed.
* ``fps=K``: the frames of a grid at K frames per second (the centre of
  each ``1/K`` s interval, as ``FpsSample(fps=K, test_mode=True)`` picks
  them); the sampler then runs on this K fps video, as it would on a video
  re-encoded to K fps (``tools/data/compress_videos.py``), but without a
  lossy re-encode. Training samples among K candidates per second instead of
  all of them. For ``FpsSample(fps=1)``, K = 3 and videos of at least one
  second whose frame rate is a multiple of 3 (24, 30, 60 fps), test-mode
  sampling picks the same frames as decoding (tested).

The numpy ``.npy`` format (NEP 1, stable since 2007, read and written by
numpy itself) was chosen over HDF5, zarr or LMDB: it needs no new
dependency, ``np.load(mmap_mode='r')`` reads only the sampled frames, and one
file per video, written to a temporary name and renamed, makes parallel
builds and resuming after a kill trivial.

A cache is refused with a :class:`FrameCacheError` that names the cache and
the command to (re)build it when it holds frames for another spec, when a
video changed since it was cached (size or modification time), or when a
video the dataset needs is not in it (an interrupted or narrower build).
"""
import copy
import hashlib
import json
import os
import os.path as osp
import shutil
import sys
import time
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

FORMAT = 'mvadapt-frame-cache'
VERSION = 1
MANIFEST = 'manifest.json'
FRAMES = 'frames'
INIT_TYPES = ('DecordInit', 'TorchCodecInit')  # random access by index
DECODE_TYPES = ('DecordDecode', 'TorchCodecDecode')
BUILD_TOOL = 'tools/data/build_frame_cache.py'
CHUNK = 64  # frames decoded and resized at a time while building


class FrameCacheError(RuntimeError):
    """A frame cache that cannot serve the pipeline: missing, built for
    another spec, stale or partial. Never treated as a broken video."""


# --------------------------------------------------------------------------- #
# Spec: what a cache holds
# --------------------------------------------------------------------------- #
def parse_frame_cache(frame_cache: Union[str, dict],
                      data_root: Optional[str] = None) -> Tuple[str, Optional[
                          float]]:
    """``frame_cache`` option -> (cache folder, fps).

    ``frame_cache`` is a folder or ``dict(dir=folder, fps=K)``; a relative
    folder is taken relative to ``data_root`` when there is one (as
    ``ann_file`` is).
    """
    if isinstance(frame_cache, str):
        folder, fps = frame_cache, None
    elif isinstance(frame_cache, dict) and set(frame_cache) <= {'dir', 'fps'} \
            and 'dir' in frame_cache:
        folder, fps = frame_cache['dir'], frame_cache.get('fps')
    else:
        raise TypeError('frame_cache must be a folder or dict(dir=folder, '
                        f'fps=None or K), got {frame_cache!r}')
    if fps is not None and not fps > 0:
        raise ValueError(f'frame_cache fps must be > 0 or None, got {fps}')
    if data_root and not osp.isabs(folder):
        folder = osp.join(data_root, folder)
    return folder, (None if fps is None else float(fps))


def _decode_steps(pipeline: Sequence[dict]) -> Tuple[int, int, Optional[int]]:
    types = [step.get('type') if isinstance(step, dict) else None
             for step in pipeline]
    inits = [i for i, t in enumerate(types) if t in INIT_TYPES]
    decodes = [i for i, t in enumerate(types) if t in DECODE_TYPES]
    if len(inits) != 1 or len(decodes) != 1 or inits[0] > decodes[0]:
        raise ValueError(
            'a frame cache replaces one video-opening step '
            f'({"/".join(INIT_TYPES)}) and one decoding step '
            f'({"/".join(DECODE_TYPES)}) after it; pipeline steps: {types}')
    resize = decodes[0] + 1
    if resize < len(types) and types[resize] == 'Resize' and \
            not pipeline[resize].get('lazy', False):
        return inits[0], decodes[0], resize
    return inits[0], decodes[0], None


def _copy(cfg):
    """A plain-dict copy of a transform config (tuples stay tuples, as
    transforms such as ``Resize`` require)."""
    return None if cfg is None else copy.deepcopy(dict(cfg))


def _effective(cfg: dict) -> str:
    """The built transform's ``repr`` (its parameters, defaults included),
    or the config itself for a transform without a ``repr``."""
    from mvadapt.registry import TRANSFORMS
    text = repr(TRANSFORMS.build(dict(cfg)))
    if ' object at 0x' in text:
        text = json.dumps(_copy(cfg), sort_keys=True, default=str)
    return text


def make_spec(init: dict, decode: dict, resize: Optional[dict],
              fps: Optional[float]) -> dict:
    """The spec of a cache: the decoder, the folded ``Resize``, the fps.

    Effective parameters (``repr`` of the built transforms, defaults
    included) decide whether two specs match; options that do not change
    pixels (decoding threads, I/O backend) do not count.
    """
    fps = None if fps is None else float(fps)
    decoder = f"{init['type']} + {_effective(decode)}"
    resize_repr = None if resize is None else _effective(resize)
    key = dict(format=FORMAT, version=VERSION, decoder=decoder,
               resize=resize_repr, fps=fps)
    spec_id = hashlib.sha1(json.dumps(key, sort_keys=True).encode())
    return dict(key, id=spec_id.hexdigest()[:16], init=_copy(init),
                decode=_copy(decode), resize_cfg=_copy(resize))


def pipeline_spec(pipeline: Sequence[dict], fps: Optional[float] = None
                  ) -> dict:
    """The spec of the cache a decoding pipeline (configs) can use."""
    i, d, r = _decode_steps(pipeline)
    return make_spec(pipeline[i], pipeline[d],
                     None if r is None else pipeline[r], fps)


def describe(spec: dict) -> str:
    fps = 'every frame' if spec['fps'] is None else f"{spec['fps']:g} fps"
    return (f"{spec['decoder']}, {spec['resize'] or 'no resize'}, {fps} "
            f"(format {spec['format']} v{spec['version']})")


def use_frame_cache(pipeline: Sequence[dict],
                    frame_cache: Union[str, dict],
                    data_root: Optional[str] = None) -> List[dict]:
    """Rewrite a decoding pipeline (configs) to read from a frame cache.

    The video-opening step becomes ``FrameCacheInit``, the decoding step
    ``FrameCacheDecode``, and a ``Resize`` right after decoding is folded
    into the cache (it is dropped; ``FrameCacheDecode`` sets the keys it
    would set). Everything else, samplers included, is kept.
    """
    folder, fps = parse_frame_cache(frame_cache, data_root)
    pipeline = [dict(step) if isinstance(step, dict) else step
                for step in pipeline]
    i, d, r = _decode_steps(pipeline)
    init = dict(type='FrameCacheInit', cache_dir=folder, fps=fps,
                init=pipeline[i], decode=pipeline[d],
                resize=None if r is None else pipeline[r])
    out = []
    for k, step in enumerate(pipeline):
        if k == i:
            out.append(init)
        elif k == d:
            out.append(dict(type='FrameCacheDecode'))
        elif k != r:
            out.append(step)
    return out


def cached_frame_indices(total_frames: int, avg_fps: float,
                         fps: Optional[float]) -> Tuple[np.ndarray, float]:
    """Source frame indices a cache keeps, and the frame rate they form.

    Every frame for ``fps=None``; otherwise the centre frame of each
    ``1/fps`` s interval (``FpsSample``'s test-mode rule), every frame when
    the video has no more than ``fps`` frames per second.
    """
    if total_frames < 1:
        raise ValueError('the video has no frames')
    if fps is None:
        return np.arange(total_frames, dtype=np.int64), float(avg_fps)
    if not avg_fps or avg_fps <= 0:
        raise ValueError(f'unknown frame rate ({avg_fps}); a frame cache with '
                         'fps needs it')
    step = max(avg_fps / fps, 1.0)
    num = max(1, int(total_frames / step))
    inds = np.arange(num) * step + (min(step, total_frames) - 1) / 2
    inds = np.floor(np.minimum(inds, total_frames - 1)).astype(np.int64)
    return inds, float(avg_fps) / step


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #
def _build_hint(manifest: Optional[dict]) -> str:
    configs = (manifest or {}).get('built_from') or ['CONFIG']
    return ' && '.join(f'python {BUILD_TOOL} {c}' for c in configs)


def _frames_path(cache_dir: str, key: str) -> str:
    return osp.join(cache_dir, FRAMES, key + '.npy')


def _read_json(path: str):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def _write_json(path: str, obj) -> None:
    tmp = f'{path}.{os.getpid()}.part'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


class FrameCache:
    """A built frame cache, opened for reading (see the module docstring).

    Args:
        cache_dir (str): The cache folder.

    Raises:
        FrameCacheError: no manifest (never built, or the first build has
            not finished), or a manifest of another format or version.
    """

    _open: Dict[str, Tuple[int, 'FrameCache']] = {}

    def __init__(self, cache_dir: str) -> None:
        self.cache_dir = osp.abspath(cache_dir)
        path = osp.join(self.cache_dir, MANIFEST)
        if not osp.isfile(path):
            raise FrameCacheError(
                f'No frame cache at {self.cache_dir} ({MANIFEST} is missing: '
                'never built, or its first build did not finish). Build it: '
                f'python {BUILD_TOOL} CONFIG (the config that names this '
                'frame_cache; the build resumes where it stopped).')
        manifest = _read_json(path)
        if manifest.get('format') != FORMAT or \
                manifest.get('version') != VERSION:
            raise FrameCacheError(
                f'{path} is not a {FORMAT} v{VERSION} manifest (format '
                f"{manifest.get('format')!r}, version "
                f"{manifest.get('version')!r}). Rebuild it: "
                f'python {BUILD_TOOL} CONFIG --overwrite')
        self.manifest = manifest
        self.spec = manifest['spec']
        self.videos: Dict[str, dict] = manifest['videos']
        self.failed: Dict[str, str] = manifest.get('failed', {})
        self.video_root = osp.normpath(
            osp.join(self.cache_dir, manifest['video_root']))

    @classmethod
    def open(cls, cache_dir: str) -> 'FrameCache':
        """The cache, loaded once per process (again if it was rebuilt)."""
        cache_dir = osp.abspath(cache_dir)
        try:
            stamp = os.stat(osp.join(cache_dir, MANIFEST)).st_mtime_ns
        except OSError:
            stamp = -1
        hit = cls._open.get(cache_dir)
        if hit is None or hit[0] != stamp:
            hit = (stamp, cls(cache_dir))
            cls._open[cache_dir] = hit
        return hit[1]

    @property
    def hint(self) -> str:
        return _build_hint(self.manifest)

    def check_spec(self, spec: dict) -> None:
        """Refuse a cache built for another decoder, resize or fps."""
        if spec['id'] != self.spec['id']:
            raise FrameCacheError(
                f'Stale frame cache {self.cache_dir}: it holds '
                f'{describe(self.spec)}, but the pipeline needs '
                f'{describe(spec)}. Rebuild it for this pipeline: python '
                f'{BUILD_TOOL} CONFIG --overwrite (or point frame_cache at '
                'another folder).')

    def key(self, filename: str) -> str:
        return osp.relpath(osp.abspath(filename), self.video_root)

    def _stale(self, record: dict, filename: str) -> Optional[str]:
        try:
            st = os.stat(filename)
        except OSError as e:
            return f'cannot read the video ({e.strerror})'
        if st.st_size != record['size'] or \
                st.st_mtime_ns != record['mtime_ns']:
            return ('the video changed since it was cached (size or '
                    'modification time differ)')
        return None

    def entry(self, filename: str, check_source: bool = True
              ) -> Tuple[dict, str]:
        """(record, .npy path) of a video.

        Raises:
            FrameCacheError: the video is not in the cache, or changed.
            RuntimeError: the build could not decode it (a broken video,
                handled like a decoding failure).
        """
        key = self.key(filename)
        record = self.videos.get(key)
        if record is None:
            if key in self.failed:
                raise RuntimeError(
                    f'{filename} could not be decoded when the frame cache '
                    f'{self.cache_dir} was built: {self.failed[key]}')
            raise FrameCacheError(
                f'Partial frame cache {self.cache_dir}: {filename} is not in '
                'it (the build was interrupted or did not include this '
                f'video). Complete it: {self.hint}')
        if check_source:
            why = self._stale(record, filename)
            if why:
                raise FrameCacheError(
                    f'Stale frame cache {self.cache_dir}: {filename}: {why}. '
                    f'Update it (only changed videos are decoded again): '
                    f'{self.hint}')
        return record, _frames_path(self.cache_dir, key)

    def check_videos(self, filenames: Iterable[str]) -> None:
        """Refuse the cache unless it holds every video, up to date.

        Videos the build could not decode count as present (they fail when
        loaded, as with decoding).
        """
        missing, stale = [], []
        names = list(dict.fromkeys(filenames))
        for name in names:
            key = self.key(name)
            record = self.videos.get(key)
            if record is None:
                if key not in self.failed:
                    missing.append(name)
            elif self._stale(record, name):
                stale.append(name)
        if missing:
            raise FrameCacheError(
                f'Partial frame cache {self.cache_dir}: {len(missing)} of '
                f'{len(names)} videos are not in it (first: '
                f"{', '.join(missing[:3])}); the build was interrupted or did "
                f'not include them. Complete it (it resumes): {self.hint}')
        if stale:
            raise FrameCacheError(
                f'Stale frame cache {self.cache_dir}: {len(stale)} of '
                f'{len(names)} videos changed since they were cached (size '
                f"or modification time; first: {', '.join(stale[:3])}). "
                f'Update it (only changed videos are decoded again): '
                f'{self.hint}')


# --------------------------------------------------------------------------- #
# Building
# --------------------------------------------------------------------------- #
_WORKER_TRANSFORMS: Dict[str, tuple] = {}


def _transforms(spec: dict) -> tuple:
    """(init, decode, resize) transforms of a spec, built once per process."""
    if spec['id'] not in _WORKER_TRANSFORMS:
        import mvadapt.datasets.transforms  # noqa: F401  (registers ours)
        from mvadapt.registry import TRANSFORMS
        built = tuple(None if cfg is None else TRANSFORMS.build(dict(cfg))
                      for cfg in (spec['init'], spec['decode'],
                                  spec['resize_cfg']))
        _WORKER_TRANSFORMS[spec['id']] = built
    return _WORKER_TRANSFORMS[spec['id']]


def cache_video(filename: str, out_path: str, spec: dict) -> dict:
    """Decode (and resize) one video into ``out_path`` (``.npy``), written
    under a temporary name and renamed; returns the video's record."""
    init, decode, resize = _transforms(spec)
    st = os.stat(filename)
    results = init(dict(filename=filename, start_index=0, modality='RGB'))
    reader = results['video_reader']
    inds, fps = cached_frame_indices(int(results['total_frames']),
                                     float(results.get('avg_fps') or 0),
                                     spec['fps'])
    os.makedirs(osp.dirname(out_path), exist_ok=True)
    tmp = f'{out_path}.{os.getpid()}.part'
    out, source_shape = None, None
    try:
        for start in range(0, len(inds), CHUNK):
            chunk = dict(filename=filename, video_reader=reader,
                         frame_inds=inds[start:start + CHUNK], modality='RGB')
            chunk = decode(chunk)
            source_shape = chunk['original_shape']
            if resize is not None:
                chunk = resize(chunk)
            frames = np.stack(chunk['imgs'])
            if out is None:
                out = np.lib.format.open_memmap(
                    tmp, mode='w+', dtype=np.uint8,
                    shape=(len(inds), ) + frames.shape[1:])
            out[start:start + len(frames)] = frames
        out.flush()
        shape = out.shape
        del out
        os.replace(tmp, out_path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return dict(size=st.st_size, mtime_ns=st.st_mtime_ns, spec=spec['id'],
                frames=int(shape[0]), fps=fps, shape=list(shape[1:3]),
                source_shape=list(source_shape),
                source_frames=int(results['total_frames']),
                source_fps=float(results.get('avg_fps') or 0))


def _cache_job(job: tuple) -> tuple:
    key, filename, cache_dir, spec = job
    out = _frames_path(cache_dir, key)
    try:
        record = cache_video(filename, out, spec)
        _write_json(out[:-len('.npy')] + '.json', record)
        return key, record, None
    except Exception as e:  # a broken video: report it, keep the rest
        return key, None, f'{type(e).__name__}: {e}'


def _init_worker() -> None:
    import cv2
    cv2.setNumThreads(1)  # one core per worker process


def _reusable(cache_dir: str, key: str, filename: str, spec: dict
              ) -> Optional[dict]:
    """The record of a video a previous (maybe killed) build finished."""
    npy = _frames_path(cache_dir, key)
    try:
        record = _read_json(npy[:-len('.npy')] + '.json')
        st = os.stat(filename)
    except (OSError, ValueError):
        return None
    if record.get('spec') != spec['id'] or st.st_size != record.get('size') \
            or st.st_mtime_ns != record.get('mtime_ns') or \
            not osp.isfile(npy):
        return None
    return record


def build_frame_cache(cache_dir: str,
                      videos: Iterable[str],
                      spec: dict,
                      workers: Optional[int] = None,
                      overwrite: bool = False,
                      progress: bool = True,
                      built_from: Sequence[str] = (),
                      log=print) -> dict:
    """Add ``videos`` to the cache at ``cache_dir`` (created if needed).

    Videos cached by an earlier build (finished or killed) with the same
    spec and unchanged since are reused, so a build resumes where it
    stopped. Videos that fail to decode are reported by name and recorded
    as failed; the others are kept. ``manifest.json`` is written at the end.

    Args:
        cache_dir (str): The cache folder; its parent is the video root.
        videos (Iterable[str]): Video files, all under the video root.
        spec (dict): From :func:`pipeline_spec` / :func:`make_spec`.
        workers (int, optional): Worker processes; defaults to the usable
            cores. 1 decodes in this process.
        overwrite (bool): Empty a cache built for another spec instead of
            refusing it. Defaults to False.
        progress (bool): Show a tqdm progress bar. Defaults to True.
        built_from (Sequence[str]): Configs named in error messages as the
            command that builds this cache.
        log (callable): Where messages go. Defaults to ``print``.

    Returns:
        dict: ``built``, ``reused`` (counts), ``failed`` ({video: error}),
        ``seconds`` and ``cache_dir``.

    Raises:
        FrameCacheError: the cache holds another spec (without
            ``overwrite``).
        ValueError: a video lies outside the video root.
    """
    t0 = time.time()
    cache_dir = osp.abspath(cache_dir)
    root = osp.dirname(cache_dir)
    manifest_path = osp.join(cache_dir, MANIFEST)
    old = _read_json(manifest_path) if osp.isfile(manifest_path) else None
    if old is not None and (old.get('format'), old.get('version'),
                            old.get('spec', {}).get('id')) != (
                                FORMAT, VERSION, spec['id']):
        old_spec = old.get('spec') or {}
        held = describe(old_spec) if 'decoder' in old_spec else \
            f"format {old.get('format')!r} v{old.get('version')}"
        if not overwrite:
            raise FrameCacheError(
                f'The frame cache {cache_dir} holds {held}; '
                f'this build needs {describe(spec)}. Pass --overwrite '
                '(overwrite=True) to empty it, or choose another folder.')
        old = None
    if overwrite and old is None and osp.isdir(cache_dir):
        if osp.isfile(manifest_path):
            os.remove(manifest_path)
        shutil.rmtree(osp.join(cache_dir, FRAMES), ignore_errors=True)
    os.makedirs(cache_dir, exist_ok=True)

    jobs, records = [], {}
    for filename in dict.fromkeys(osp.abspath(v) for v in videos):
        key = osp.relpath(filename, root)
        if key.startswith(os.pardir + os.sep):
            raise ValueError(
                f'{filename} is outside {root}, the video root of the frame '
                f'cache {cache_dir} (its parent folder); put the cache in a '
                'folder that contains the videos.')
        record = _reusable(cache_dir, key, filename, spec)
        if record is not None:
            records[key] = record
        else:
            jobs.append((key, filename, cache_dir, spec))
    reused = len(records)
    failed: Dict[str, str] = {}
    log(f'Frame cache {cache_dir}: {len(records) + len(jobs)} videos, '
        f'{reused} already cached, {len(jobs)} to decode ({describe(spec)})')

    if workers is None:
        try:
            workers = len(os.sched_getaffinity(0))
        except AttributeError:
            workers = os.cpu_count() or 1
    workers = max(1, min(int(workers), len(jobs) or 1))
    from tqdm import tqdm
    bar = tqdm(total=len(jobs), desc='frame cache', unit='video',
               file=sys.stderr, disable=not progress, dynamic_ncols=True)
    try:
        if workers > 1:
            import multiprocessing as mp
            ctx = mp.get_context(
                'fork' if 'fork' in mp.get_all_start_methods() else None)
            with ctx.Pool(workers, initializer=_init_worker) as pool:
                done = pool.imap_unordered(_cache_job, jobs, chunksize=1)
                for key, record, error in done:
                    _collect(key, record, error, records, failed, bar, log)
        else:
            for job in jobs:
                _collect(*_cache_job(job), records, failed, bar, log)
    finally:
        bar.close()

    videos_all = dict((old or {}).get('videos', {}))
    failed_all = dict((old or {}).get('failed', {}))
    for key in records:
        failed_all.pop(key, None)
    for key in failed:
        videos_all.pop(key, None)
    videos_all.update(records)
    failed_all.update(failed)
    configs = list(dict.fromkeys(list((old or {}).get('built_from', [])) +
                                 list(built_from)))
    manifest = dict(format=FORMAT, version=VERSION,
                    spec={k: v for k, v in spec.items()},
                    video_root=osp.relpath(root, cache_dir),
                    libraries=_library_versions(), built_from=configs,
                    videos=dict(sorted(videos_all.items())),
                    failed=dict(sorted(failed_all.items())))
    _write_json(manifest_path, manifest)
    built = len(records) - reused
    if failed:
        log(f'{len(failed)} video(s) could not be decoded (kept out of the '
            'cache; they fail when loaded, as with decoding):\n' +
            '\n'.join(f'  {k}: {v}' for k, v in sorted(failed.items())))
    return dict(cache_dir=cache_dir, built=built, reused=reused,
                failed=failed, seconds=time.time() - t0)


def _collect(key, record, error, records, failed, bar, log) -> None:
    if error is None:
        records[key] = record
    else:
        failed[key] = error
        bar.write(f'failed: {key}: {error}', file=sys.stderr)
    bar.update(1)


def _library_versions() -> dict:
    """Versions of the decoding libraries (recorded, not compared)."""
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for name in ('decord', 'av', 'torchcodec', 'mmcv', 'mmcv-lite',
                 'opencv-python', 'numpy'):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


# --------------------------------------------------------------------------- #
# Datasets
# --------------------------------------------------------------------------- #
class FrameCacheMixin:
    """The ``frame_cache`` option of a dataset: one config line switches its
    pipeline from decoding to a frame cache (:func:`use_frame_cache`), and
    the dataset refuses, when it loads, a cache that is missing, built for
    another pipeline, stale or partial (:class:`FrameCacheError`).

    A subclass calls :meth:`_frame_cache_pipeline` on its ``pipeline``
    before ``BaseDataset.__init__`` builds it.
    """

    frame_cache = None

    def _frame_cache_pipeline(self, pipeline, frame_cache,
                              data_root: Optional[str]):
        self.frame_cache = frame_cache
        if frame_cache is None:
            return pipeline
        return use_frame_cache(pipeline, frame_cache, data_root)

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        super().full_init()
        if self.frame_cache is None:
            return
        from .transforms.frame_cache import FrameCacheInit
        for step in self.pipeline.transforms:
            if isinstance(step, FrameCacheInit):
                cache = FrameCache.open(step.cache_dir)
                cache.check_spec(step.spec)
                cache.check_videos(self.get_data_info(i)['filename']
                                   for i in range(len(self)))
