from .infonce import SymmetricInfoNCELoss

__all__ = ['SymmetricInfoNCELoss']
