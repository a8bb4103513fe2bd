"""MSTA base-to-novel end to end on a tiny MovingShapes set: tools/train.py
for one epoch, then tools/test.py on the adapter file."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'demo',
                'msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py')


def test_msta_b2n_train_and_test(tmp_path):
    spec = importlib.util.spec_from_file_location(
        'ms', osp.join(ROOT, 'tools', 'data', 'moving_shapes.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = str(tmp_path / 'data')
    module.generate(data, preset='tiny', progress=False, verbose=False)
    cfg = tmp_path / 'msta_tiny.py'
    cfg.write_text(f'''
_base_ = [{DEMO!r}]
r = {data!r}
model = dict(clip=dict(pretrained=None),
             class_names=r + '/b2n/base_class_names.txt',
             test_class_names=r + '/class_names.txt',
             consistency=dict(descriptions=r +
                              '/descriptions/descriptions.json'))
_l = dict(num_workers=0, persistent_workers=False, batch_size=8)
train_dataloader = dict(_l, dataset=dict(
    ann_file=r + '/b2n/train_base.txt', data_prefix=dict(video=r + '/videos')))
val_dataloader = dict(_l, dataset=dict(
    ann_file=r + '/recognition_val.txt', data_prefix=dict(video=r + '/videos')))
test_dataloader = dict(_l, dataset=dict(
    ann_file=r + '/recognition_test.txt',
    data_prefix=dict(video=r + '/videos')))
val_evaluator = dict(base_classes=r + '/b2n/base_class_names.txt',
                     novel_classes=r + '/b2n/novel_class_names.txt',
                     class_names=r + '/class_names.txt')
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=1, val_interval=1)
randomness = dict(seed=0)  # same random backbone in train and test
''')
    work = str(tmp_path / 'work')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', str(cfg), '--work-dir', work],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'loss_cc' in out and 'b2n/base' in out
    with open(osp.join(work, 'params.json')) as f:
        assert json.load(f)['trainable'] > 0
    metrics = tmp_path / 'm.json'
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', str(cfg),
         osp.join(work, 'adapter.safetensors'), '--work-dir', work,
         '--metrics-out', str(metrics)], cwd=ROOT, capture_output=True,
        text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(metrics.read_text())
    assert set(result) == {'b2n/base', 'b2n/novel', 'b2n/HM'}
    assert 0 <= result['b2n/HM'] <= 100
