from .adapter_checkpoint import AdapterCheckpointHook, trainable_state_keys
from .adapter_export import AdapterExportHook
from .failed_videos import FailedVideosHook
from .param_report import TrainableParamsHook

__all__ = ['AdapterCheckpointHook', 'AdapterExportHook', 'FailedVideosHook',
           'TrainableParamsHook', 'trainable_state_keys']
