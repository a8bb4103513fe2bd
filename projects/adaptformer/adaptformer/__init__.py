from .adaptformer import AdaptFormer, AdaptMLP, attach_parallel_ffn

__all__ = ['AdaptFormer', 'AdaptMLP', 'attach_parallel_ffn']
