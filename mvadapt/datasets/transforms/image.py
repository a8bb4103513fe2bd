"""Images as clips of one frame, so image-caption data runs through the
video pipelines and models (the stand-in for CLIP's image-text
pretraining)."""
import numpy as np
from mmcv.transforms import BaseTransform

from mvadapt.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadImageClip(BaseTransform):
    """Read the image ``results['filename']`` as a one-frame clip.

    Sets ``imgs`` (a list holding one ``H x W x 3`` uint8 RGB array, as
    ``DecordDecode`` does for videos), ``frame_inds``, ``total_frames``,
    ``clip_len``, ``num_clips``, ``original_shape`` and ``img_shape``, so
    MMAction2's ``Resize`` / ``CenterCrop`` / ``FormatShape`` follow
    unchanged.

    Args:
        cache (bool): Keep every decoded image in memory, so each file is
            decoded once per run instead of once per epoch: for small image
            sets that fit in memory (the demo's 10,800 64 px images take
            133 MB, and their PNG decoding was half of its pretraining data
            time). The cache lives in the process that runs the pipeline:
            once a run with ``num_workers=0`` (the demo); with data-loader
            workers only with ``persistent_workers=True`` (otherwise each
            epoch's workers start empty again), and then every worker comes
            to hold the images it is given, all of them after a few
            shuffled epochs: the memory times the number of workers.
            Cached arrays are read-only; the pixels are the same. Defaults
            to False.
    """

    def __init__(self, cache: bool = False) -> None:
        self.cache = cache
        self._images = {}

    def _read(self, path: str) -> np.ndarray:
        from PIL import Image
        try:
            with Image.open(path) as image:
                img = np.asarray(image.convert('RGB'))
        except (OSError, ValueError) as e:
            raise OSError(f'cannot read image {path}: {e}') from e
        return img

    def transform(self, results: dict) -> dict:
        path = results['filename']
        if not self.cache:
            img = self._read(path)
        else:
            img = self._images.get(path)
            if img is None:
                img = self._read(path)
                img.setflags(write=False)
                self._images[path] = img
        results['imgs'] = [img]
        results['frame_inds'] = np.zeros(1, dtype=np.int64)
        results['total_frames'] = 1
        results['clip_len'] = 1
        results['num_clips'] = 1
        results['original_shape'] = img.shape[:2]
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(cache={self.cache})'
