from ..utils.descriptions import DescriptionError, load_descriptions
from .frame_cache import (FrameCache, FrameCacheError, build_frame_cache,
                          pipeline_spec, use_frame_cache)
from .image_text_dataset import ImageTextDataset
from .retrieval_dataset import (AnnotationError, RetrievalDataset,
                                load_video_text_json)
from .samplers import TwinBatchSampler
from .splits import (k_shot, read_video_list, relabel, split_base_novel,
                     write_video_list)
from .transforms import *  # noqa: F401,F403
from .video_dataset import VideoDataset

__all__ = [
    'AnnotationError', 'DescriptionError', 'FrameCache', 'FrameCacheError',
    'ImageTextDataset', 'RetrievalDataset', 'VideoDataset',
    'build_frame_cache', 'k_shot', 'load_descriptions',
    'load_video_text_json', 'pipeline_spec', 'read_video_list', 'relabel',
    'split_base_novel', 'TwinBatchSampler', 'use_frame_cache',
    'write_video_list'
]
