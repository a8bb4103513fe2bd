"""Frame sampling of the CLIP4Clip / MV-Adapter retrieval setting."""
import numpy as np
from mmcv.transforms import BaseTransform

from mvadapt.registry import TRANSFORMS


@TRANSFORMS.register_module()
class FpsSample(BaseTransform):
    """Sample frames at ``fps`` frames per second, then keep at most
    ``max_frames`` of them uniformly; a shorter video is padded to
    ``max_frames`` and its padded frames are masked.

    This is the frame selection of CLIP4Clip and MV-Adapter (1 fps, then
    uniform subsampling to 12 or 32 frames): a 5 s video gives 5 real frames
    and 7 masked ones, so the temporal modules and the mean pooling see the
    real frames only, where ``UniformSample`` would repeat frames to fill 12.

    Required keys: ``total_frames``, ``avg_fps`` (``DecordInit``,
    ``TorchCodecInit`` or ``FrameCacheInit``; MMAction2's ``PyAVInit`` sets
    none), ``start_index`` (optional). Added keys: ``frame_inds``
    (padded positions repeat the last real frame, so decoding and shapes
    stay uniform), ``clip_len``, ``num_clips``, ``frame_interval`` and
    ``video_mask`` (``float32 [max_frames]``, 1 for real frames; collect it
    with ``PackActionInputs(collect_keys=(..., 'video_mask'))``).

    Args:
        max_frames (int): Frames per clip after subsampling and padding.
        fps (float): Sampling rate before subsampling. Defaults to 1.
        test_mode (bool): Take the centre of each ``1 / fps`` interval
            instead of a random frame in it. Defaults to False.
    """

    def __init__(self, max_frames: int, fps: float = 1.0,
                 test_mode: bool = False) -> None:
        if max_frames < 1:
            raise ValueError(f'max_frames must be >= 1, got {max_frames}')
        if fps <= 0:
            raise ValueError(f'fps must be > 0, got {fps}')
        self.max_frames = max_frames
        self.fps = fps
        self.test_mode = test_mode

    def transform(self, results: dict) -> dict:
        total = int(results['total_frames'])
        if total < 1:
            raise ValueError(f"{results.get('filename', 'video')}: no frames "
                             'to sample (is the file empty or corrupt?)')
        avg_fps = float(results.get('avg_fps') or 0)
        if avg_fps <= 0:
            raise ValueError(f"{results.get('filename', 'video')}: unknown "
                             'frame rate; FpsSample needs avg_fps from '
                             'DecordInit, TorchCodecInit or FrameCacheInit '
                             "(MMAction2's PyAVInit sets none)")
        step = max(avg_fps / self.fps, 1.0)  # source frames per sample
        num = max(1, int(total / step))  # whole 1/fps intervals, at least 1
        if self.test_mode:
            offsets = np.full(num, (min(step, total) - 1) / 2)
        else:
            offsets = np.random.uniform(0, min(step, total), num)
        inds = np.minimum(np.arange(num) * step + offsets, total - 1)
        inds = np.floor(inds).astype(np.int64)
        if num > self.max_frames:  # uniform subsampling
            keep = np.linspace(0, num - 1, self.max_frames).round()
            inds = inds[keep.astype(np.int64)]
            num = self.max_frames
        mask = np.zeros(self.max_frames, dtype=np.float32)
        mask[:num] = 1
        inds = np.concatenate(
            [inds, np.full(self.max_frames - num, inds[-1], np.int64)])
        results['frame_inds'] = (inds + results.get('start_index', 0)).astype(
            np.int32)
        results['clip_len'] = self.max_frames
        results['num_clips'] = 1
        results['frame_interval'] = None
        results['video_mask'] = mask
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_frames={self.max_frames}, '
                f'fps={self.fps}, test_mode={self.test_mode})')
