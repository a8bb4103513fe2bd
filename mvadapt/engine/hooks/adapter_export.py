"""Write the task's adapter file at the end of training."""
import os.path as osp

import torch
from mmengine.hooks import Hook

from mvadapt.registry import HOOKS
from .adapter_checkpoint import trainable_state_keys


def _best_checkpoints(runner) -> list:
    """Paths of the best checkpoints ``CheckpointHook(save_best=...)``
    recorded in the message hub (one per key indicator)."""
    info = runner.message_hub.runtime_info
    return [info[k] for k in sorted(info)
            if (k == 'best_ckpt' or k.startswith('best_ckpt_')) and info[k]]


@HOOKS.register_module()
class AdapterExportHook(Hook):
    """Save the trained tensors as ``<work_dir>/<filename>`` (safetensors,
    with the config text and the backbone's identity in its metadata) after
    training, and log its size next to the full model's.

    When the run selects a best epoch (``default_hooks.checkpoint.save_best``,
    e.g. base accuracy for base-to-novel), the file holds the tensors of that
    best checkpoint, not of the last epoch, so ``tools/test.py CONFIG
    adapter.safetensors`` evaluates the selected model.

    Args:
        filename (str): Defaults to ``'adapter.safetensors'``.
        use_best (bool): Export the best checkpoint when there is one.
            Defaults to True.
    """

    priority = 'LOW'

    def __init__(self, filename: str = 'adapter.safetensors',
                 use_best: bool = True) -> None:
        self.filename = filename
        self.use_best = use_best

    def after_train(self, runner) -> None:
        if runner.rank != 0:
            return
        from mmengine.model import is_model_wrapper

        from mvadapt.apis import save_adapter
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        path = osp.join(runner.work_dir, self.filename)
        state, source = None, 'the last epoch'
        best = _best_checkpoints(runner) if self.use_best else []
        if len(best) > 1:
            runner.logger.warning(
                f'{len(best)} best checkpoints ({best}); the adapter file '
                'holds the last epoch. Export one with '
                'tools/model_converters/export_adapter.py.')
        elif best and not osp.isfile(best[0]):
            runner.logger.warning(
                f'best checkpoint {best[0]} is missing; the adapter file '
                'holds the last epoch.')
        elif best:
            ckpt = torch.load(best[0], map_location='cpu', weights_only=True)
            saved = ckpt.get('state_dict', ckpt)
            names = trainable_state_keys(model)
            missing = sorted(names - set(saved))
            if missing:
                raise RuntimeError(
                    f'best checkpoint {best[0]} lacks trainable tensors '
                    f'{missing[:5]} ({len(missing)}); export one with '
                    'tools/model_converters/export_adapter.py.')
            state = {n: saved[n] for n in names}
            source = f'the best checkpoint {osp.basename(best[0])}'
        size = save_adapter(model, path, config_text=runner.cfg.pretty_text,
                            state=state)
        full = sum(t.numel() * t.element_size()
                   for t in model.state_dict().values())
        runner.logger.info(
            f'Adapter of {source} written to {path}: '
            f'{size / 2**20:.2f} MiB, {100 * size / full:.2f}% of the full '
            f'model ({full / 2**20:.1f} MiB of tensors). Evaluate it with '
            f'tools/test.py CONFIG {path}')
