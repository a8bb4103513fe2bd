"""WarmupCosineLR: the MSTA configs' learning rates are the released logs'."""
import pytest
import torch
from mmengine.config import Config

from mvadapt.registry import PARAM_SCHEDULERS
from mvadapt.utils import register_all_modules

register_all_modules()
B2N = 'configs/msta/msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_{}-b2n-split1-rgb.py'

# (epoch, iteration, lr) printed by ETL4Video logs/MSTA/base2novel/
# k400/s1_log.txt (100 iterations per epoch) and hmdb/s1_log.txt (13)
LOGGED = {
    'kinetics400': (100, [(0, 0, 0.0), (0, 50, 0.0001), (1, 0, 0.0002),
                          (4, 50, 0.0009), (5, 0, 0.000975773),
                          (5, 50, 0.000970736), (6, 0, 0.000965239),
                          (10, 0, 0.000905463), (12, 50, 0.000855018),
                          (19, 50, 0.000672675)]),
    'hmdb51': (13, [(1, 0, 0.0002), (5, 0, 0.000975773),
                    (11, 0, 0.000886404), (25, 0, 0.000505),
                    (40, 0, 0.000104537)]),
}


def lrs(cfg_path, epoch_length):
    """Iteration -> lr of the config's schedule, stepped as the runner."""
    cfg = Config.fromfile(cfg_path)
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.AdamW([param], lr=cfg.optim_wrapper.optimizer.lr)
    schedulers = [PARAM_SCHEDULERS.build(s, default_args=dict(
        optimizer=optimizer, epoch_length=epoch_length))
        for s in cfg.param_scheduler]
    out = []
    for _ in range(cfg.train_cfg.max_epochs * epoch_length):
        out.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    return out


@pytest.mark.parametrize('dataset', sorted(LOGGED))
def test_base_to_novel_schedule_matches_the_logs(dataset):
    epoch_length, logged = LOGGED[dataset]
    lr = lrs(B2N.format(dataset), epoch_length)
    assert len(lr) == 50 * epoch_length
    for epoch, it, expected in logged:
        assert lr[epoch * epoch_length + it] == pytest.approx(
            expected, abs=5e-10), (epoch, it)
    assert lr[-1] == pytest.approx(1e-5, rel=1e-3)  # lr / 100 at the end


def test_closed_form_and_arguments():
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=1.0)
    scheduler = PARAM_SCHEDULERS.build(dict(
        type='WarmupCosineLR', warmup=0, eta_min_ratio=0.0, end=4),
        default_args=dict(optimizer=optimizer))
    values = []
    for _ in range(4):
        values.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    assert values == pytest.approx([1.0, 0.8535534, 0.5, 0.1464466])
    with pytest.raises(ValueError, match='warmup < T_max'):
        PARAM_SCHEDULERS.build(dict(type='WarmupCosineLR', warmup=4, end=4),
                               default_args=dict(optimizer=optimizer))
    with pytest.raises(ValueError, match='end or T_max'):
        PARAM_SCHEDULERS.build(dict(type='WarmupCosineLR', warmup=1),
                               default_args=dict(optimizer=optimizer))
