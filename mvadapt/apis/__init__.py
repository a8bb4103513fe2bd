from .adapter_io import (adapter_state, load_adapter, read_adapter_metadata,
                         save_adapter)
from .inference import VideoReader, classify, init_model
from .runner_utils import check_checkpoint, enable_amp, setup_distributed
from .search import (EncodedVideos, IndexMismatchError, VideoSearcher,
                     model_identity)

__all__ = ['EncodedVideos', 'IndexMismatchError', 'VideoReader',
           'VideoSearcher', 'adapter_state', 'check_checkpoint', 'classify',
           'enable_amp', 'init_model', 'load_adapter', 'model_identity',
           'read_adapter_metadata', 'save_adapter', 'setup_distributed']
