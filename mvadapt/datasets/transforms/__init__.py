from .augment import ClipRandomGrayscale
from .decoding import TorchCodecDecode, TorchCodecInit
from .frame_cache import FrameCacheDecode, FrameCacheInit
from .sampling import FpsSample
from .tokenize import OpenCLIPTokenize

__all__ = [
    'ClipRandomGrayscale', 'FpsSample', 'FrameCacheDecode', 'FrameCacheInit',
    'OpenCLIPTokenize', 'TorchCodecDecode', 'TorchCodecInit'
]
