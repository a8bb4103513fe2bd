"""End to end: tools/train.py for a few iterations on a tiny generated
MovingShapes set, tools/test.py on its checkpoint, --resume, and
tools/dist_train.sh with 2 CPU processes (gloo)."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'demo',
                  'clip4clip_tiny-static-pre_1xb32-5e_moving-shapes.py')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    path = osp.join(ROOT, 'tools', 'data', 'moving_shapes.py')
    spec = importlib.util.spec_from_file_location('moving_shapes', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = str(tmp_path_factory.mktemp('ms_tiny'))
    module.generate(root, seed=0, preset='tiny', progress=False,
                    verbose=False)
    return root


def options(data_root, epochs=1):
    opts = ['model.clip.pretrained=None', f'train_cfg.max_epochs={epochs}',
            'train_cfg.val_interval=1', 'default_hooks.logger.interval=1',
            f'test_evaluator.subset_file={data_root}/'
            'retrieval_test_subsets.json']
    for split in ('train', 'val', 'test'):
        opts += [f'{split}_dataloader.dataset.data_root={data_root}',
                 f'{split}_dataloader.num_workers=0',
                 f'{split}_dataloader.persistent_workers=False',
                 f'{split}_dataloader.batch_size=8']
    return opts


def run(args, env=None):
    env = dict(os.environ if env is None else env, PYTHONUNBUFFERED='1')
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_train_then_test_then_resume(data_root, tmp_path):
    work_dir = str(tmp_path / 'work')
    out = run([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
               work_dir, '--seed', '1', '--cfg-options',
               *options(data_root)])
    assert 'Trainable parameters' in out
    # the run names the checkpoint it selected on val, not a placeholder
    best = [f for f in os.listdir(work_dir) if f.startswith('best_')]
    assert best and f'Checkpoint to evaluate: {osp.join(work_dir, best[0])}' \
        in out
    ckpt = osp.join(work_dir, 'epoch_1.pth')
    assert osp.isfile(ckpt)
    assert osp.isfile(osp.join(work_dir, 'params.json'))
    dumps = [f for f in os.listdir(work_dir) if f.endswith('.py')]
    assert dumps, 'config dump missing from the work dir'

    metrics_file = str(tmp_path / 'metrics.json')
    # --dump with an option on the test evaluator (issue: --dump made it a
    # list before the options were applied)
    run([sys.executable, 'tools/test.py', CONFIG, ckpt, '--work-dir',
         str(tmp_path / 'test'), '--metrics-out', metrics_file,
         '--dump', str(tmp_path / 'preds.pkl'), '--cfg-options',
         *options(data_root)])
    assert osp.isfile(tmp_path / 'preds.pkl')
    with open(metrics_file) as f:
        metrics = json.load(f)
    for key in ('retrieval/t2v/R1', 'retrieval/v2t/MnR', 'retrieval/rsum',
                'retrieval/direction_sensitive/t2v/R1'):
        assert key in metrics
    assert 0 <= metrics['retrieval/t2v/R1'] <= 100

    out = run([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
               work_dir, '--resume', '--cfg-options',
               *options(data_root, epochs=2)])
    assert 'resumed epoch: 1' in out
    assert osp.isfile(osp.join(work_dir, 'epoch_2.pth'))


def test_dist_train_two_cpu_processes(data_root, tmp_path):
    work_dir = str(tmp_path / 'dist')
    env = dict(os.environ, PYTHON=sys.executable, PORT='29517')
    out = run(['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
               work_dir, '--cfg-options', *options(data_root)], env=env)
    assert 'Distributed training is not used' not in out
    assert 'Distributed training: True' in out and 'GPU number: 2' in out
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    log = [f for f in os.listdir(work_dir) if f[0].isdigit()]
    assert log


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', CONFIG,
         str(tmp_path / 'nope.pth')], cwd=ROOT, capture_output=True,
        text=True)
    assert proc.returncode != 0
    assert 'checkpoint not found' in proc.stderr


def test_truncated_checkpoint_is_a_clear_error(tmp_path):
    """A run killed while saving leaves a truncated .pth: test.py, --resume
    CKPT and auto-resume through `last_checkpoint` name it, before any
    model is built, and delete nothing."""
    import torch

    from mvadapt.apis import check_checkpoint
    good = tmp_path / 'epoch_1.pth'
    torch.save({'state_dict': {'w': torch.zeros(1000)}}, good)
    check_checkpoint(str(good))
    legacy = tmp_path / 'legacy.pth'
    torch.save({'w': torch.zeros(3)}, legacy,
               _use_new_zipfile_serialization=False)
    check_checkpoint(str(legacy))
    bad = tmp_path / 'epoch_2.pth'
    bad.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(ValueError, match='truncated or corrupt'):
        check_checkpoint(str(bad))
    (tmp_path / 'last_checkpoint').write_text(str(bad))

    for args in (['tools/test.py', CONFIG, str(bad)],
                 ['tools/train.py', CONFIG, '--resume', str(bad)],
                 ['tools/train.py', CONFIG, '--resume', '--work-dir',
                  str(tmp_path)]):
        proc = subprocess.run([sys.executable, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode != 0
        assert f'{bad} is not a readable checkpoint' in proc.stderr, \
            proc.stderr[-2000:]
    assert good.exists() and bad.exists()
