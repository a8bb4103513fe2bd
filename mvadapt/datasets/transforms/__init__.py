from .tokenize import OpenCLIPTokenize

__all__ = ['OpenCLIPTokenize']
