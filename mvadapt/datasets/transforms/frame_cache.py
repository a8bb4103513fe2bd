"""Read clips from a frame cache (``mvadapt.datasets.frame_cache``)."""
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform

from mvadapt.registry import TRANSFORMS

from ..frame_cache import FrameCache, make_spec


@TRANSFORMS.register_module()
class FrameCacheInit(BaseTransform):
    """Open a video's cached frames (replaces ``DecordInit``).

    Checks once per process that the cache holds frames for this pipeline
    (decoder, folded ``Resize``, fps) and, for every video, that it is in the
    cache and unchanged since (size and modification time); otherwise raises
    ``FrameCacheError`` naming the cache and the build command.

    Usually written by a dataset's ``frame_cache`` option rather than by
    hand; by hand, replace ``DecordInit`` with it, ``DecordDecode`` with
    ``FrameCacheDecode`` and drop the ``Resize`` after decoding (pass it
    here).

    Required keys: ``filename``. Added keys: ``total_frames`` and
    ``avg_fps`` of the cached frames (those of the video for a cache of
    every frame), ``frame_cache`` (read by ``FrameCacheDecode``).

    Args:
        cache_dir (str): The cache folder.
        fps (float, optional): Frame selection of the cache; None = every
            frame. Defaults to None.
        init (dict): The replaced video-opening step. Defaults to
            ``dict(type='DecordInit')``.
        decode (dict): The replaced decoding step. Defaults to
            ``dict(type='DecordDecode')``.
        resize (dict, optional): The ``Resize`` step folded into the cache.
            Defaults to None.
        check_source (bool): Check each video's size and modification time
            against the cache. Defaults to True.
    """

    def __init__(self,
                 cache_dir: str,
                 fps: Optional[float] = None,
                 init: dict = dict(type='DecordInit'),
                 decode: dict = dict(type='DecordDecode'),
                 resize: Optional[dict] = None,
                 check_source: bool = True) -> None:
        self.cache_dir = cache_dir
        self.spec = make_spec(init, decode, resize, fps)
        self.resize = None if resize is None else TRANSFORMS.build(
            dict(resize))
        self.check_source = check_source

    def transform(self, results: dict) -> dict:
        cache = FrameCache.open(self.cache_dir)
        cache.check_spec(self.spec)
        record, path = cache.entry(results['filename'], self.check_source)
        results['total_frames'] = record['frames']
        results['avg_fps'] = record['fps']
        results['frame_cache'] = dict(path=path, resize=self.resize,
                                      source_shape=tuple(
                                          record['source_shape']))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(cache_dir={self.cache_dir!r}, '
                f"spec={self.spec['decoder']}, {self.spec['resize']}, "
                f"fps={self.spec['fps']})")


@TRANSFORMS.register_module()
class FrameCacheDecode(BaseTransform):
    """Read the frames ``frame_inds`` from the cache (replaces
    ``DecordDecode`` and the folded ``Resize``).

    Only the sampled frames are read (memory map). The frames and the keys
    ``original_shape``, ``img_shape``, ``scale_factor`` and ``keep_ratio``
    are what ``DecordDecode`` followed by the folded ``Resize`` give.

    Required keys: ``frame_cache`` (``FrameCacheInit``), ``frame_inds``.
    Added keys: ``imgs``, ``original_shape``, ``img_shape`` (and the
    ``Resize`` keys when one is folded).
    """

    def transform(self, results: dict) -> dict:
        info = results.pop('frame_cache')
        inds = np.asarray(results['frame_inds'])
        if inds.ndim != 1:
            inds = np.squeeze(inds)
            results['frame_inds'] = inds
        frames = np.load(info['path'], mmap_mode='r')
        if inds.size and (inds.min() < 0 or inds.max() >= len(frames)):
            raise IndexError(f"frame indices {inds.tolist()} out of range for "
                             f"{len(frames)} cached frames of "
                             f"{results.get('filename')}")
        imgs = list(np.asarray(frames[inds]))
        results['original_shape'] = info['source_shape']
        results['img_shape'] = info['source_shape']
        if info['resize'] is not None:  # the Resize keys, not its work
            results = info['resize'](results)
        results['imgs'] = imgs
        return results
