"""AdapterExportHook writes the selected (best) epoch, not the last one."""
import logging
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub
from safetensors.torch import load_file
from torch import nn

from mvadapt.engine.hooks import AdapterExportHook


class _Backbone(nn.Module):
    arch = 'tiny'
    pretrained = None

    def __init__(self):
        super().__init__()
        self.frozen = nn.Linear(3, 3)
        self.frozen.requires_grad_(False)

    def weights_hash(self, frozen_only=True):
        return 'h'


class _Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = _Backbone()
        self.adapter = nn.Linear(3, 2)


def _runner(tmp_path, best=None):
    hub = MessageHub(f'export-{tmp_path.name}-{best is not None}')
    if best is not None:
        hub.update_info('best_ckpt', best)
    return SimpleNamespace(
        rank=0, model=_Model(), work_dir=str(tmp_path), message_hub=hub,
        cfg=SimpleNamespace(pretty_text='cfg = 1'),
        logger=logging.getLogger('test_adapter_export'))


def test_exports_best_checkpoint(tmp_path):
    best = str(tmp_path / 'best_acc_epoch_2.pth')
    runner = _runner(tmp_path, best)
    chosen = {'adapter.weight': torch.full((2, 3), 7.),
              'adapter.bias': torch.full((2, ), -1.)}
    torch.save({'state_dict': chosen, 'meta': {}}, best)
    AdapterExportHook().after_train(runner)
    out = load_file(osp.join(tmp_path, 'adapter.safetensors'))
    assert set(out) == set(chosen)
    for k in chosen:
        torch.testing.assert_close(out[k], chosen[k])
    # the model itself keeps its last-epoch weights
    assert not torch.equal(runner.model.adapter.weight, chosen[
        'adapter.weight'])


def test_exports_last_epoch_without_best_or_when_disabled(tmp_path):
    for runner, hook in ((_runner(tmp_path), AdapterExportHook()),
                         (_runner(tmp_path, str(tmp_path / 'b.pth')),
                          AdapterExportHook(use_best=False))):
        hook.after_train(runner)
        out = load_file(osp.join(tmp_path, 'adapter.safetensors'))
        torch.testing.assert_close(out['adapter.weight'],
                                   runner.model.adapter.weight.detach())


def test_best_checkpoint_without_the_trainable_tensors_fails(tmp_path):
    best = str(tmp_path / 'best.pth')
    torch.save({'state_dict': {'adapter.weight': torch.zeros(2, 3)}}, best)
    with pytest.raises(RuntimeError, match='adapter.bias'):
        AdapterExportHook().after_train(_runner(tmp_path, best))
