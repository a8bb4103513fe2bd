"""MMAction2's ``VideoDataset`` with the ``frame_cache`` option."""
from typing import Callable, List, Optional, Union

from mmaction.datasets import VideoDataset as MMActionVideoDataset

from mvadapt.registry import DATASETS

from .frame_cache import FrameCacheMixin


@DATASETS.register_module()
class VideoDataset(FrameCacheMixin, MMActionVideoDataset):
    """MMAction2's ``VideoDataset`` (``path label`` lists), plus
    ``frame_cache``: read frames from a frame cache
    (``tools/data/build_frame_cache.py``) instead of decoding the videos.

    Registered in mvadapt's scope under the same name, so every config with
    ``default_scope='mvadapt'`` gets it; without ``frame_cache`` it is
    MMAction2's class unchanged.

    Args:
        ann_file (str): The video list.
        pipeline (list): Data transforms.
        frame_cache (str | dict, optional): Cache folder (relative to
            ``data_root`` if one is set) or ``dict(dir=folder, fps=K)``.
            Defaults to None (decode).
        **kwargs: MMAction2 ``VideoDataset`` arguments.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[dict, Callable]],
                 frame_cache: Optional[Union[str, dict]] = None,
                 **kwargs) -> None:
        pipeline = self._frame_cache_pipeline(pipeline, frame_cache,
                                              kwargs.get('data_root'))
        super().__init__(ann_file, pipeline, **kwargs)
