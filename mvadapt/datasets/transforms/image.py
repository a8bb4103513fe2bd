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
    """

    def transform(self, results: dict) -> dict:
        from PIL import Image
        path = results['filename']
        try:
            with Image.open(path) as image:
                img = np.asarray(image.convert('RGB'))
        except (OSError, ValueError) as e:
            raise OSError(f'cannot read image {path}: {e}') from e
        results['imgs'] = [img]
        results['frame_inds'] = np.zeros(1, dtype=np.int64)
        results['total_frames'] = 1
        results['clip_len'] = 1
        results['num_clips'] = 1
        results['original_shape'] = img.shape[:2]
        results['img_shape'] = img.shape[:2]
        return results
