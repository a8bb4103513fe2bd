"""mvadapt: parameter-efficient transfer of CLIP to video (MV-Adapter, MSTA).

Importing the package applies :mod:`mvadapt.compat` once.
"""
from . import compat
from .version import __version__

compat.apply()

__all__ = ['__version__']
