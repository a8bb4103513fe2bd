from ..utils.descriptions import DescriptionError, load_descriptions
from .retrieval_dataset import (AnnotationError, RetrievalDataset,
                                load_video_text_json)
from .splits import (k_shot, read_video_list, relabel, split_base_novel,
                     write_video_list)
from .transforms import *  # noqa: F401,F403

__all__ = [
    'AnnotationError', 'DescriptionError', 'RetrievalDataset',
    'k_shot', 'load_descriptions', 'load_video_text_json', 'read_video_list',
    'relabel', 'split_base_novel', 'write_video_list'
]
