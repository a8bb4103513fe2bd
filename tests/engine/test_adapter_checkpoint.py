"""Adapter-only checkpoints: small, exact --resume, safetensors artefact."""
import importlib.util
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest
import torch
from safetensors.torch import load_file

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASE = osp.join(ROOT, 'configs', 'demo',
                'mv-adapter_tiny-static-pre_1xb32-5e_moving-shapes.py')


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('adapter_ckpt')
    path = osp.join(ROOT, 'tools', 'data', 'moving_shapes.py')
    spec = importlib.util.spec_from_file_location('moving_shapes', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = str(root / 'data')
    module.generate(data, seed=0, preset='tiny', progress=False,
                    verbose=False)
    # A deterministic variant of the demo config (test-mode frame sampling,
    # no workers) so an interrupted + resumed run can be compared exactly.
    cfg = root / 'mva_test.py'
    cfg.write_text(f'''
_base_ = [{BASE!r}]
model = dict(clip=dict(pretrained=None))
_pipe = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=4, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(64, 64), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=16),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text'),
         meta_keys=('video_key', 'filename')),
]
_dl = dict(num_workers=0, persistent_workers=False, batch_size=8)
train_dataloader = dict(_dl, dataset=dict(data_root={data!r}, pipeline=_pipe))
val_dataloader = dict(_dl, dataset=dict(data_root={data!r}, pipeline=_pipe))
test_dataloader = dict(_dl, dataset=dict(data_root={data!r}, pipeline=_pipe))
test_evaluator = dict(subset_file=None)
max_epochs = 3
train_cfg = dict(max_epochs=3, val_interval=3)
param_scheduler = [dict(type='CosineAnnealingLR', T_max=3, eta_min=0,
                        by_epoch=True, begin=0, end=3,
                        convert_to_iter_based=True)]
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=5,
                                     save_best=None),
                     logger=dict(interval=1))
''')
    return root, str(cfg)


def last_checkpoint(work_dir):
    """The checkpoint MMEngine's auto-resume would load, or None."""
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.exists(path):
        return None
    with open(path) as f:
        return osp.basename(f.read().strip()) or None


def train(cfg, work_dir, *extra, kill_after=None):
    cmd = [sys.executable, 'tools/train.py', cfg, '--work-dir', work_dir,
           '--seed', '0', *extra]
    if kill_after is None:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
        return proc.stdout + proc.stderr
    # Kill the run (as a crash would) once its first checkpoint is complete;
    # `kill_after` lists the checkpoints that may be the last one by then.
    # A .pth file appears while it is still being written, `last_checkpoint`
    # only after it is: waiting for the .pth alone raced the hook, and the
    # "resumed" run then started afresh.
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while (last_checkpoint(work_dir) is None
           and time.time() < deadline and proc.poll() is None):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert last_checkpoint(work_dir) in kill_after


@pytest.fixture(scope='module')
def full_run(setup):
    root, cfg = setup
    work = str(root / 'full')
    train(cfg, work)
    return work


def test_checkpoint_holds_no_frozen_backbone(full_run):
    ckpt = torch.load(osp.join(full_run, 'epoch_3.pth'), weights_only=True)
    keys = list(ckpt['state_dict'])
    assert keys and all(k.startswith('adapter.') or 'bias' in k
                        for k in keys)
    assert not any('visual.conv1.weight' in k for k in keys)
    info = ckpt['meta']['mvadapt']
    assert info['adapter_only'] and info['num_dropped'] > 0
    assert 'optimizer' in ckpt and 'param_schedulers' in ckpt


def test_interrupted_and_resumed_equals_uninterrupted(setup, full_run):
    root, cfg = setup
    work = str(root / 'interrupted')
    train(cfg, work, kill_after=('epoch_1.pth', 'epoch_2.pth'))
    epoch = last_checkpoint(work)[len('epoch_'):-len('.pth')]
    out = train(cfg, work, '--resume')
    assert f'resumed epoch: {epoch},' in out, out[-3000:]
    a = load_file(osp.join(full_run, 'adapter.safetensors'))
    b = load_file(osp.join(work, 'adapter.safetensors'))
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=0)


def test_adapter_file_evaluates_and_is_small(setup, full_run, tmp_path):
    root, cfg = setup
    adapter = osp.join(full_run, 'adapter.safetensors')
    full_size = osp.getsize(osp.join(full_run, 'epoch_3.pth'))
    assert osp.getsize(adapter) < full_size
    metrics = tmp_path / 'm.json'
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', cfg, adapter, '--work-dir',
         str(tmp_path), '--metrics-out', str(metrics)], cwd=ROOT,
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert metrics.exists()
    # the same through the .pth checkpoint gives the same numbers
    metrics2 = tmp_path / 'm2.json'
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', cfg,
         osp.join(full_run, 'epoch_3.pth'), '--work-dir', str(tmp_path),
         '--metrics-out', str(metrics2)], cwd=ROOT, capture_output=True,
        text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert metrics.read_text() == metrics2.read_text()


def test_adapter_on_a_different_backbone_is_refused(setup, full_run,
                                                    tmp_path):
    root, cfg = setup
    # a backbone with other weights: a random init under another seed
    clip_file = tmp_path / 'random_clip.safetensors'
    from mmengine.config import Config

    from mvadapt.models.clip import CLIPBackbone
    from safetensors.torch import save_file
    arch = Config.fromfile(cfg).model.clip.arch.to_dict()
    torch.manual_seed(123)
    state = CLIPBackbone(arch=arch).clip.state_dict()
    save_file({k: v.contiguous() for k, v in state.items()}, str(clip_file))
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', cfg,
         osp.join(full_run, 'adapter.safetensors'), '--work-dir',
         str(tmp_path), '--cfg-options',
         f'model.clip.pretrained={clip_file}'], cwd=ROOT,
        capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert 'different backbone' in proc.stderr or 'differ' in proc.stderr
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', cfg,
         osp.join(full_run, 'epoch_3.pth'), '--work-dir', str(tmp_path),
         '--cfg-options', f'model.clip.pretrained={clip_file}'], cwd=ROOT,
        capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert 'different backbone' in proc.stderr
