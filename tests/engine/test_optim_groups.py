"""The MV-Adapter recipe's parameter groups: CLIP biases at lr x 0.02 and
no weight decay, adapter weights decayed, adapter biases and norms not."""
import re

import pytest
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()


@pytest.mark.parametrize('config', [
    'configs/demo/mv-adapter_tiny-static-pre_1xb32-5e_moving-shapes.py',
    'projects/adaptformer/configs/'
    'adaptformer-par_tiny-static-pre_1xb32-5e_moving-shapes.py',
])
def test_param_groups(config):
    cfg = Config.fromfile(config)
    cfg.model.clip.pretrained = None
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    base_lr = cfg.optim_wrapper.optimizer.lr
    base_wd = cfg.optim_wrapper.optimizer.weight_decay
    seen = set()
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            name = names[id(p)]
            seen.add(name)
            if name.startswith('backbone.'):
                assert group['lr'] == pytest.approx(0.02 * base_lr), name
                assert group['weight_decay'] == 0, name
            elif name.endswith('in_proj_bias'):
                # MMEngine's bias rule matches parameters named `bias` only:
                # nn.MultiheadAttention's packed bias in the TAM keeps decay
                assert group['weight_decay'] == pytest.approx(base_wd), name
            elif name.endswith('bias') or re.search(r'\.ln(_\d)?\.', name):
                assert group['weight_decay'] == 0, name
            else:
                assert group['lr'] == pytest.approx(base_lr), name
                assert group['weight_decay'] == pytest.approx(base_wd), name
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert seen == trainable
    assert any(n.startswith('backbone.') for n in seen)
