from .augment import ClipRandomGrayscale
from .sampling import FpsSample
from .tokenize import OpenCLIPTokenize

__all__ = ['ClipRandomGrayscale', 'FpsSample', 'OpenCLIPTokenize']
