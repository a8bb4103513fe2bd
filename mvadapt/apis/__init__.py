from .adapter_io import (adapter_state, load_adapter, read_adapter_metadata,
                         save_adapter)
from .inference import init_model
from .runner_utils import check_checkpoint, enable_amp, setup_distributed

__all__ = ['adapter_state', 'check_checkpoint', 'enable_amp', 'init_model',
           'load_adapter', 'read_adapter_metadata', 'save_adapter',
           'setup_distributed']
