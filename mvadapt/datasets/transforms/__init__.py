from .augment import ClipRandomGrayscale
from .tokenize import OpenCLIPTokenize

__all__ = ['ClipRandomGrayscale', 'OpenCLIPTokenize']
