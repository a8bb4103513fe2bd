"""Adapter-only checkpoints: the frozen backbone is never written."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mvadapt.registry import HOOKS


def trainable_state_keys(model) -> set:
    """State-dict keys of the model's trainable parameters."""
    return {n for n, p in model.named_parameters() if p.requires_grad}


@HOOKS.register_module()
class AdapterCheckpointHook(Hook):
    """Keep checkpoints small: drop the frozen backbone on save, restore it
    from the model (after checking it is the same backbone) on load.

    A saved checkpoint holds the trainable tensors (adapters, tuned biases),
    the optimiser and scheduler states and the usual metadata, plus
    ``meta['mvadapt']`` with the hash of the frozen backbone weights. On load
    (``--resume``, ``load_from``, ``tools/test.py``) the frozen tensors are
    taken from the freshly built model, and a checkpoint made on a different
    backbone is refused.
    """

    priority = 'HIGH'

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        model = self._model(runner)
        keep = trainable_state_keys(model)
        state = checkpoint['state_dict']
        dropped = [k for k in state if k not in keep]
        for k in dropped:
            del state[k]
        checkpoint.setdefault('meta', {})['mvadapt'] = dict(
            adapter_only=True,
            backbone_hash=model.backbone.weights_hash(frozen_only=True),
            backbone_arch=str(model.backbone.arch),
            backbone_pretrained=str(model.backbone.pretrained),
            num_dropped=len(dropped))

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        info = checkpoint.get('meta', {}).get('mvadapt')
        if not info or not info.get('adapter_only'):
            return
        model = self._model(runner)
        expected = model.backbone.weights_hash(frozen_only=True)
        if info['backbone_hash'] != expected:
            raise RuntimeError(
                'This adapter checkpoint was trained on a different backbone '
                f"({info['backbone_arch']}, pretrained="
                f"{info['backbone_pretrained']}) than the one the config "
                f'builds ({model.backbone.arch}, pretrained='
                f'{model.backbone.pretrained}): the frozen weights differ. '
                'Set model.clip to the backbone it was trained on.')
        state = checkpoint['state_dict']
        for k, v in model.state_dict().items():
            state.setdefault(k, v)
