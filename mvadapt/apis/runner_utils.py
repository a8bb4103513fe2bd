"""Helpers shared by ``tools/train.py`` and ``tools/test.py``."""
import os

import torch
import torch.distributed as dist
from mmengine.config import Config


def setup_distributed(cfg: Config, launcher: str) -> None:
    """Prepare ``cfg`` for the launcher; on a machine without a GPU, start
    the process group with the gloo backend ourselves (MMEngine's
    ``init_dist`` assumes CUDA) and let DDP run on CPU."""
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    if launcher == 'pytorch' and not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    elif launcher == 'slurm' and not dist.is_initialized():
        # MMEngine's slurm init sets MASTER_ADDR/PORT, RANK, WORLD_SIZE and
        # then selects a CUDA device; replicate the environment part.
        import subprocess
        proc_id = int(os.environ['SLURM_PROCID'])
        ntasks = int(os.environ['SLURM_NTASKS'])
        node_list = os.environ['SLURM_NODELIST']
        addr = subprocess.getoutput(
            f'scontrol show hostname {node_list} | head -n1')
        os.environ.setdefault('MASTER_PORT', '29500')
        os.environ.setdefault('MASTER_ADDR', addr)
        os.environ['WORLD_SIZE'] = str(ntasks)
        os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')
        os.environ['RANK'] = str(proc_id)
        dist.init_process_group(backend='gloo')


def enable_amp(cfg: Config) -> None:
    """Mixed precision for ``--amp``: float16 autocast with dynamic loss
    scaling on GPU, bfloat16 autocast on CPU (both through
    :class:`~mvadapt.engine.AutocastOptimWrapper`). A config that already
    uses an ``AutocastOptimWrapper`` or MMEngine's ``AmpOptimWrapper``
    keeps its own settings."""
    wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper_type in ('AmpOptimWrapper', 'AutocastOptimWrapper'):
        return
    if wrapper_type != 'OptimWrapper':
        raise ValueError(f'--amp does not support the custom optimizer '
                         f'wrapper {wrapper_type!r}')
    cfg.optim_wrapper.type = 'AutocastOptimWrapper'
    if torch.cuda.is_available():
        cfg.optim_wrapper.setdefault('dtype', 'float16')
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    else:
        cfg.optim_wrapper.setdefault('dtype', 'bfloat16')


def check_checkpoint(path: str) -> None:
    """Fail early, naming the file, if ``path`` cannot be a readable
    ``torch.save`` checkpoint.

    A run killed while it saved leaves a truncated ``.pth`` behind, on which
    ``torch.load`` fails deep inside the runner without naming the file.
    The check reads the end of the file only (the zip central directory).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is truncated or not a checkpoint.
    """
    import zipfile
    if not os.path.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    if zipfile.is_zipfile(path):
        return
    with open(path, 'rb') as f:
        if f.read(1) == b'\x80':  # torch's legacy (pickle) format
            return
    raise ValueError(
        f'{path} is not a readable checkpoint: it is truncated or corrupt '
        '(a run killed while saving leaves such a file). Resume or test from '
        'an earlier checkpoint in the same folder, or delete this one (and '
        "'last_checkpoint' if it names it) and train again.")
