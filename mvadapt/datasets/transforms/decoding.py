"""Video decoding with torchcodec, PyTorch's own FFmpeg-based decoder.

A drop-in for MMAction2's ``DecordInit`` / ``DecordDecode`` (same keys in,
same keys out, the same frames: the tests compare them pixel for pixel).
decord has had no release since 2021; torchcodec is maintained with PyTorch.
It is an optional dependency (``pip install mvadapt[torchcodec]``) and needs
FFmpeg's shared libraries (4 to 8) on the system, e.g. Debian's
``libavcodec59 libavformat59 libavfilter8 libavdevice59 libswscale6``.
"""
import numpy as np
from mmcv.transforms import BaseTransform

from mvadapt.registry import TRANSFORMS


def _video_decoder_class():
    try:
        from torchcodec.decoders import VideoDecoder
    except (ImportError, OSError, RuntimeError) as e:
        raise ImportError(
            'TorchCodecInit needs torchcodec and FFmpeg\'s shared libraries: '
            '`pip install mvadapt[torchcodec]` (or `pip install torchcodec`) '
            'and, on Debian/Ubuntu, `apt-get install libavcodec59 '
            'libavformat59 libavfilter8 libavdevice59 libswscale6` '
            f'(any FFmpeg 4-8). The import failed with: {e}') from e
    return VideoDecoder


@TRANSFORMS.register_module()
class TorchCodecInit(BaseTransform):
    """Open a video with torchcodec (replaces ``DecordInit``).

    Required keys: ``filename``. Added keys: ``video_reader``,
    ``total_frames``, ``avg_fps``.

    Args:
        num_threads (int): FFmpeg decoding threads; 1 in dataloader workers,
            as ``DecordInit``. Defaults to 1.
        seek_mode (str): ``'exact'`` scans the file once for the exact frame
            count and frame-accurate seeking (decord's behaviour);
            ``'approximate'`` trusts the container header. Defaults to
            ``'exact'``.
    """

    def __init__(self, num_threads: int = 1, seek_mode: str = 'exact') -> None:
        if seek_mode not in ('exact', 'approximate'):
            raise ValueError("seek_mode must be 'exact' or 'approximate', got "
                             f'{seek_mode!r}')
        self.num_threads = num_threads
        self.seek_mode = seek_mode

    def transform(self, results: dict) -> dict:
        decoder = _video_decoder_class()(
            results['filename'], seek_mode=self.seek_mode,
            num_ffmpeg_threads=self.num_threads, dimension_order='NHWC')
        results['video_reader'] = decoder
        results['total_frames'] = len(decoder)
        results['avg_fps'] = decoder.metadata.average_fps
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_threads={self.num_threads}, '
                f'seek_mode={self.seek_mode})')


@TRANSFORMS.register_module()
class TorchCodecDecode(BaseTransform):
    """Decode the frames ``frame_inds`` with torchcodec (replaces
    ``DecordDecode``).

    Required keys: ``video_reader`` (``TorchCodecInit``), ``frame_inds``.
    Added keys: ``imgs`` (list of ``uint8 [H, W, 3]`` RGB arrays),
    ``original_shape``, ``img_shape``; ``video_reader`` is released.
    """

    def transform(self, results: dict) -> dict:
        decoder = results['video_reader']
        inds = np.asarray(results['frame_inds'])
        if inds.ndim != 1:
            inds = np.squeeze(inds)
            results['frame_inds'] = inds
        frames = decoder.get_frames_at(inds.astype(np.int64).tolist())
        imgs = list(frames.data.numpy())
        results['video_reader'] = None
        results['imgs'] = imgs
        results['original_shape'] = imgs[0].shape[:2]
        results['img_shape'] = imgs[0].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}()'
