"""tools/train.py and tools/test.py resolve the config's run-time
placeholders after --cfg-options (so data_root=... moves every path), and
test.py before --dump turns test_evaluator into a list."""
import argparse
import importlib.util
import os.path as osp

from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
B2N = osp.join(ROOT, 'configs', 'msta', 'msta_vit-base-p16-res224-clip-pre_'
               '8xb4-u8-50e_hmdb51-b2n-split2-rgb.py')
MOVED = {'data_root': '/datasets/hmdb51'}
SPLIT = '/datasets/hmdb51/annotations/b2n_split2'


def tool(name):
    spec = importlib.util.spec_from_file_location(
        f'{name}_tool', osp.join(ROOT, 'tools', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_test_py_moves_the_metric_files_and_still_dumps(tmp_path):
    args = argparse.Namespace(
        config=B2N, checkpoint=None, work_dir=str(tmp_path),
        dump=str(tmp_path / 'preds.pkl'), cfg_options=dict(MOVED),
        launcher='none')
    cfg = tool('test').merge_args(Config.fromfile(B2N), args)
    metric, dump = cfg.test_evaluator
    assert metric.type == 'BaseNovelMetric'
    assert metric.base_classes == f'{SPLIT}/base_class_names.txt'
    assert metric.novel_classes == f'{SPLIT}/novel_class_names.txt'
    assert metric.class_names == \
        '/datasets/hmdb51/annotations/class_names.txt'
    assert dump == dict(type='DumpResults', out_file_path=args.dump)
    assert cfg.model.class_names == f'{SPLIT}/base_class_names.txt'
    assert cfg.test_dataloader.dataset.ann_file == \
        '/datasets/hmdb51/annotations/hmdb51_val_split_1.txt'


def test_train_py_moves_the_training_files(tmp_path):
    args = argparse.Namespace(
        config=B2N, work_dir=str(tmp_path), no_validate=False, amp=False,
        resume=None, auto_scale_lr=False, seed=None, diff_rank_seed=False,
        deterministic=False, cfg_options=dict(MOVED, b2n_split=3),
        launcher='none')
    cfg = tool('train').merge_args(Config.fromfile(B2N), args)
    split = '/datasets/hmdb51/annotations/b2n_split3'
    assert cfg.train_dataloader.dataset.ann_file == f'{split}/train_base.txt'
    assert cfg.train_dataloader.dataset.data_prefix.video == \
        '/datasets/hmdb51/videos'
    assert cfg.model.consistency.descriptions == \
        '/datasets/hmdb51/descriptions/descriptions.json'
    assert cfg.val_evaluator.novel_classes == \
        f'{split}/novel_class_names.txt'
