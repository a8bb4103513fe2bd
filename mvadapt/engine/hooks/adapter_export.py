"""Write the task's adapter file at the end of training."""
import os.path as osp

from mmengine.hooks import Hook

from mvadapt.registry import HOOKS


@HOOKS.register_module()
class AdapterExportHook(Hook):
    """Save the trained tensors as ``<work_dir>/<filename>`` (safetensors,
    with the config text and the backbone's identity in its metadata) after
    training, and log its size next to the full model's.

    Args:
        filename (str): Defaults to ``'adapter.safetensors'``.
    """

    priority = 'LOW'

    def __init__(self, filename: str = 'adapter.safetensors') -> None:
        self.filename = filename

    def after_train(self, runner) -> None:
        if runner.rank != 0:
            return
        from mvadapt.apis import save_adapter
        from mmengine.model import is_model_wrapper
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        path = osp.join(runner.work_dir, self.filename)
        size = save_adapter(model, path, config_text=runner.cfg.pretty_text)
        full = sum(t.numel() * t.element_size()
                   for t in model.state_dict().values())
        runner.logger.info(
            f'Adapter written to {path}: {size / 2**20:.2f} MiB, '
            f'{100 * size / full:.2f}% of the full model '
            f'({full / 2**20:.1f} MiB of tensors). Evaluate it with '
            f'tools/test.py CONFIG {path}')
