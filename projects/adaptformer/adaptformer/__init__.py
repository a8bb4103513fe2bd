from .adaptformer import AdaptFormer, AdaptMLP, ParallelToFFN

__all__ = ['AdaptFormer', 'AdaptMLP', 'ParallelToFFN']
