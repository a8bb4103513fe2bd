"""Mixed precision on any device through ``torch.autocast``, with dynamic
loss scaling for float16."""
from contextlib import contextmanager
from typing import Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from torch import nn

from mvadapt.registry import OPTIM_WRAPPERS

_DTYPES = ('float16', 'bfloat16', 'float32')


def _dtype(name: str, what: str) -> torch.dtype:
    if name not in _DTYPES:
        raise ValueError(f'{what} must be one of {_DTYPES}, got {name!r}')
    return getattr(torch, name)


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """An :class:`OptimWrapper` that runs the forward pass under
    ``torch.autocast`` on any device, with dynamic loss scaling for float16
    (what MMEngine's ``AmpOptimWrapper`` does, which needs a GPU).

    The MV-Adapter configs use ``dtype='float16', loss_scale='dynamic'``, the
    authors' recipe: an adapter's early output change (up-projections near
    1e-3) is below bfloat16's rounding of the residual stream (measured in
    ``tests/engine/test_autocast_wrapper.py``), while float16 keeps it. On a
    machine without a GPU ``cpu_dtype`` applies instead (16-bit autocast is
    slow on most CPUs).

    Args:
        dtype (str): Autocast dtype, ``'float16'``, ``'bfloat16'`` (the
            default) or ``'float32'`` (autocast off).
        loss_scale (str | float | dict, optional): Loss scaling when the
            autocast dtype is float16: ``'dynamic'`` (a
            ``torch.amp.GradScaler`` with its defaults), a float (the
            scaler's initial scale) or a dict of ``GradScaler`` arguments. Ignored for bfloat16 and
            float32, which need none. Defaults to None (no scaling).
        cpu_dtype (str, optional): The dtype used when training runs on the
            CPU; None means ``dtype``. Defaults to None.
        device_type (str, optional): Autocast device; defaults to ``'cuda'``
            when available, else ``'cpu'``.
    """

    def __init__(self, dtype: str = 'bfloat16',
                 loss_scale: Union[None, str, float, dict] = None,
                 cpu_dtype: Optional[str] = None,
                 device_type: Optional[str] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.device_type = device_type or (
            'cuda' if torch.cuda.is_available() else 'cpu')
        name = cpu_dtype if (self.device_type == 'cpu'
                             and cpu_dtype is not None) else dtype
        self.cast_dtype = _dtype(name, 'dtype' if name == dtype
                                 else 'cpu_dtype')
        self.loss_scaler = None
        if self.cast_dtype == torch.float16 and loss_scale is not None:
            if loss_scale == 'dynamic':
                scaler_args = {}
            elif isinstance(loss_scale, (int, float)):
                scaler_args = dict(init_scale=float(loss_scale))
            elif isinstance(loss_scale, dict):
                scaler_args = dict(loss_scale)
            else:
                raise TypeError("loss_scale must be 'dynamic', a float or a "
                                f'dict, got {loss_scale!r}')
            self.loss_scaler = torch.amp.GradScaler(self.device_type,
                                                    **scaler_args)
        print_log(
            f'AutocastOptimWrapper: {name} autocast on {self.device_type}'
            + (', dynamic loss scaling' if self.loss_scaler else ''),
            logger='current')

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        if self.loss_scaler is None:
            return super().backward(loss, **kwargs)
        self.loss_scaler.scale(loss).backward(**kwargs)
        self._inner_count += 1

    def step(self, **kwargs) -> None:
        if self.loss_scaler is None:
            return super().step(**kwargs)
        if self.clip_grad_kwargs:
            self.loss_scaler.unscale_(self.optimizer)
            self._clip_grad()
        self.loss_scaler.step(self.optimizer, **kwargs)
        self.loss_scaler.update()

    def state_dict(self) -> dict:
        state = super().state_dict()
        if self.loss_scaler is not None:
            state['loss_scaler'] = self.loss_scaler.state_dict()
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        scaler_state = state_dict.pop('loss_scaler', None)
        if scaler_state is not None and self.loss_scaler is not None:
            self.loss_scaler.load_state_dict(scaler_state)
        super().load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        enabled = self.cast_dtype != torch.float32
        with super().optim_context(model), torch.autocast(
                device_type=self.device_type, dtype=self.cast_dtype,
                enabled=enabled):
            yield
