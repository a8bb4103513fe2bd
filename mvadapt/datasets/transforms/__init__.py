from .augment import ClipRandomGrayscale
from .decoding import TorchCodecDecode, TorchCodecInit
from .frame_cache import FrameCacheDecode, FrameCacheInit
from .image import LoadImageClip
from .sampling import FpsSample
from .tokenize import OpenCLIPTokenize

__all__ = [
    'ClipRandomGrayscale', 'FpsSample', 'FrameCacheDecode', 'FrameCacheInit',
    'LoadImageClip', 'OpenCLIPTokenize', 'TorchCodecDecode', 'TorchCodecInit'
]
