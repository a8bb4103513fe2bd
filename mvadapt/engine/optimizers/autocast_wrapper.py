"""Mixed precision on any device through ``torch.autocast``."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from mvadapt.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """An :class:`OptimWrapper` that runs the forward pass under
    ``torch.autocast`` with a 16-bit dtype and no loss scaling.

    MMEngine's ``AmpOptimWrapper`` needs a GPU; this wrapper also works on
    CPU (``bfloat16``), which is what ``tools/train.py --amp`` picks there.

    Args:
        dtype (str): ``'bfloat16'`` (default) or ``'float16'``.
        device_type (str, optional): Autocast device; defaults to ``'cuda'``
            when available, else ``'cpu'``.
    """

    def __init__(self, dtype: str = 'bfloat16', device_type: str = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)
        self.device_type = device_type or (
            'cuda' if torch.cuda.is_available() else 'cpu')

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                device_type=self.device_type, dtype=self.cast_dtype):
            yield
