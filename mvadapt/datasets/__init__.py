from .retrieval_dataset import (AnnotationError, RetrievalDataset,
                                load_video_text_json)
from .transforms import *  # noqa: F401,F403

__all__ = ['AnnotationError', 'RetrievalDataset', 'load_video_text_json']
