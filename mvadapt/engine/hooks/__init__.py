from .adapter_checkpoint import AdapterCheckpointHook, trainable_state_keys
from .adapter_export import AdapterExportHook
from .param_report import TrainableParamsHook

__all__ = ['AdapterCheckpointHook', 'AdapterExportHook',
           'TrainableParamsHook', 'trainable_state_keys']
