from .adapter_io import (adapter_state, load_adapter, read_adapter_metadata,
                         save_adapter)
from .runner_utils import enable_amp, setup_distributed

__all__ = ['adapter_state', 'enable_amp', 'load_adapter',
           'read_adapter_metadata', 'save_adapter', 'setup_distributed']
