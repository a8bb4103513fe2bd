"""Evaluate a model (MMAction2-compatible command line).

    python tools/test.py CONFIG [CHECKPOINT] [--work-dir DIR] [--dump FILE]
        [--metrics-out FILE] [--cfg-options k=v ...] [--launcher ...]

CHECKPOINT is a runner checkpoint (``.pth``, full or adapter-only) or an
adapter file (``.safetensors``, see ``tools/model_converters/export_adapter.py``
and ``mvadapt.apis.save_adapter``); an adapter made on another backbone is
refused. Without CHECKPOINT the model is evaluated as the config builds it
(for example zero-shot CLIP with ``model.clip.pretrained``).
"""
import argparse
import json
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

# The repository root, so configs can load plugins from projects/ with
# custom_imports (as tools/dist_*.sh do through PYTHONPATH).
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)
from mvadapt.apis import check_checkpoint, load_adapter, setup_distributed
from mvadapt.utils import register_all_modules, resolve_placeholders


def parse_args():
    parser = argparse.ArgumentParser(description='Test a mvadapt model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', nargs='?', default=None,
                        help='checkpoint file (optional: zero-shot without)')
    parser.add_argument('--work-dir', help='where to save logs and metrics')
    parser.add_argument('--dump', type=str,
                        help='dump predictions to this pickle file')
    parser.add_argument('--metrics-out', type=str,
                        help='write the metrics to this JSON file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args) -> Config:
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.checkpoint is not None and not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    is_adapter = args.checkpoint is not None and args.checkpoint.endswith(
        '.safetensors')
    if args.checkpoint is not None and not is_adapter:
        check_checkpoint(args.checkpoint)
    cfg.load_from = None if is_adapter else args.checkpoint
    cfg.resume = False
    # options first: `--dump` turns test_evaluator into a list, which
    # `--cfg-options test_evaluator.subset_file=...` could then not address
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    resolve_placeholders(cfg)  # after the options: data_root=... moves paths
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must be a .pkl file')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        evaluator = cfg.test_evaluator
        if isinstance(evaluator, (list, tuple)):
            cfg.test_evaluator = [*evaluator, dump_metric]
        else:
            cfg.test_evaluator = [evaluator, dump_metric]
    setup_distributed(cfg, args.launcher)
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = merge_args(Config.fromfile(args.config), args)
    runner = Runner.from_cfg(cfg)
    if args.checkpoint is not None and args.checkpoint.endswith(
            '.safetensors'):
        meta = load_adapter(runner.model, args.checkpoint)
        runner.logger.info(f'Loaded adapter {args.checkpoint} '
                           f"({meta['num_params']} parameters)")
    metrics = runner.test()
    if runner.rank == 0:
        if args.metrics_out:
            os.makedirs(osp.dirname(osp.abspath(args.metrics_out)),
                        exist_ok=True)
            with open(args.metrics_out, 'w') as f:
                json.dump(metrics, f, indent=2)
            print(f'Metrics written to {osp.abspath(args.metrics_out)}')
        print(f'Logs in {osp.abspath(runner.log_dir)}')


if __name__ == '__main__':
    main()
