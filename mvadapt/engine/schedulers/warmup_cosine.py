"""A linear warm-up that hands over to the cosine of the whole run."""
import math
from typing import Optional

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from mvadapt.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class WarmupCosineLR(LRSchedulerMixin, _ParamScheduler):
    r"""The learning-rate schedule of ViFi-CLIP and the MSTA logs: timm's
    ``CosineLRScheduler(t_initial=T, lr_min=lr * eta_min_ratio,
    warmup_lr_init=0, warmup_t=W, t_in_epochs=False)`` (ViFi-CLIP
    ``utils/optimizer.py``, ``build_scheduler``).

    At step :math:`t` of :math:`T` (counted from ``begin``), base rate
    :math:`\eta` and :math:`\eta_{min} = \eta \cdot` ``eta_min_ratio``:

    .. math::
        \eta_t = \eta \, t / W \quad (t < W), \qquad
        \eta_t = \eta_{min} + \tfrac{1}{2}(\eta - \eta_{min})
        (1 + \cos(\pi t / T)) \quad (t \ge W).

    The cosine spans the whole run, warm-up included, so the warm-up hands
    over at :math:`\tfrac{1}{2}(1 + \cos(\pi W / T))` of the peak (0.976 for
    5 of 50 epochs: the logs' 0.000975773 at epoch 5 with lr 1e-3), not at
    the peak as ``LinearLR`` followed by ``CosineAnnealingLR`` would. The
    value is computed in closed form from the step, so resuming is exact.

    Args:
        optimizer (Optimizer | OptimWrapper): Wrapped optimizer.
        warmup (int): Warm-up length :math:`W` (epochs when ``by_epoch``).
        T_max (int, optional): Length :math:`T` of the cosine; defaults to
            ``end - begin``.
        eta_min_ratio (float): Final rate over the base rate. Defaults to
            0.01 (ViFi-CLIP's ``lr / 100``).
        begin (int): First step. Defaults to 0.
        end (int): Step after the last. Defaults to INF (then give T_max).
        last_step (int): For resuming without a state dict. Defaults to -1.
        by_epoch (bool): Epoch-based (converted to iterations with
            ``convert_to_iter_based=True``). Defaults to True.
        verbose (bool): Print every update. Defaults to False.
    """

    def __init__(self, optimizer, warmup: int, T_max: Optional[int] = None,
                 eta_min_ratio: float = 0.01, begin: int = 0,
                 end: int = INF, last_step: int = -1, by_epoch: bool = True,
                 verbose: bool = False) -> None:
        self.T_max = T_max or (end - begin)
        if end == INF and T_max is None:
            raise ValueError('WarmupCosineLR needs end or T_max')
        if not 0 <= warmup < self.T_max:
            raise ValueError(f'need 0 <= warmup < T_max, got warmup={warmup}'
                             f', T_max={self.T_max}')
        self.warmup = warmup
        self.eta_min_ratio = eta_min_ratio
        super().__init__(optimizer, begin=begin, end=end,
                         last_step=last_step, by_epoch=by_epoch,
                         verbose=verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, warmup: int, T_max=None,
                              begin=0, end=INF, by_epoch=True,
                              epoch_length=None, **kwargs):
        """The iteration-based instance of an epoch-based config."""
        assert by_epoch, 'only epoch-based configs can be converted'
        assert epoch_length, f'epoch_length must be positive: {epoch_length}'
        return cls(*args, warmup=warmup * epoch_length,
                   T_max=T_max and T_max * epoch_length,
                   begin=int(begin * epoch_length),
                   end=end if end == INF else int(end * epoch_length),
                   by_epoch=False, **kwargs)

    def _get_value(self) -> list:
        t = self.last_step
        values = []
        for base in self.base_values:
            if t < self.warmup:
                values.append(base * t / self.warmup)
            else:
                low = base * self.eta_min_ratio
                values.append(low + 0.5 * (base - low) *
                              (1 + math.cos(math.pi * t / self.T_max)))
        return values
