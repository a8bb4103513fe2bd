"""Report trainable parameters at the start of training."""
import json
import os.path as osp

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mvadapt.registry import HOOKS


@HOOKS.register_module()
class TrainableParamsHook(Hook):
    """Log trainable / total parameters and write ``params.json`` to the
    work dir.

    The percentage is relative to CLIP's parameters (the paper's reference),
    when the model exposes ``count_parameters()`` with ``clip_total``.
    """

    priority = 'VERY_LOW'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if hasattr(model, 'count_parameters'):
            counts = model.count_parameters()
        else:
            params = list(model.parameters())
            counts = dict(trainable=sum(p.numel() for p in params
                                        if p.requires_grad),
                          total=sum(p.numel() for p in params))
        ref = counts.get('clip_total', counts['total'])
        counts['trainable_percent'] = 100.0 * counts['trainable'] / ref
        runner.logger.info(
            f"Trainable parameters: {counts['trainable']:,} of "
            f"{counts['total']:,} ({counts['trainable_percent']:.2f}% of "
            f"{'CLIP' if 'clip_total' in counts else 'the model'})")
        if runner.rank == 0:
            with open(osp.join(runner.work_dir, 'params.json'), 'w') as f:
                json.dump(counts, f, indent=2)
