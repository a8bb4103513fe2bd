from .backbone import CLIPBackbone, count_parameters

__all__ = ['CLIPBackbone', 'count_parameters']
