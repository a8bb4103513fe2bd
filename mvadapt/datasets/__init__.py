from ..utils.descriptions import DescriptionError, load_descriptions
from .retrieval_dataset import (AnnotationError, RetrievalDataset,
                                load_video_text_json)
from .transforms import *  # noqa: F401,F403

__all__ = [
    'AnnotationError', 'DescriptionError', 'RetrievalDataset',
    'load_descriptions', 'load_video_text_json'
]
