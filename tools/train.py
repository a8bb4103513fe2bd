"""Train a model from a config (MMAction2-compatible command line).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--seed N] [--deterministic] [--cfg-options k=v ...]
        [--launcher none|pytorch|slurm]
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner, find_latest_checkpoint

# The repository root, so configs can load plugins from projects/ with
# custom_imports (as tools/dist_*.sh do through PYTHONPATH).
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
import mvadapt  # noqa: E402,F401  (applies mvadapt.compat)
from mvadapt.apis import check_checkpoint, enable_amp, setup_distributed
from mvadapt.utils import register_all_modules, resolve_placeholders


def parse_args():
    parser = argparse.ArgumentParser(description='Train a mvadapt model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or (no value) from the '
        'latest checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision (fp16 on GPU, bf16 on CPU)')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by the actual batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument('--diff-rank-seed', action='store_true',
                        help='different seeds on different ranks')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (cudnn)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value (e.g. '
        'train_dataloader.batch_size=8 model.clip.pretrained=/path/to.pt)')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args) -> Config:
    """Merge command-line arguments into the config."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        enable_amp(cfg)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        check_checkpoint(args.resume)
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    randomness = dict(cfg.get('randomness') or {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if args.deterministic:
        randomness['deterministic'] = True
    randomness.setdefault('seed', None)  # None: a random seed, logged
    cfg.randomness = randomness
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    resolve_placeholders(cfg)  # after the options: data_root=... moves paths
    if args.resume == 'auto' and osp.isfile(
            osp.join(cfg.work_dir, 'last_checkpoint')):
        # the checkpoint MMEngine's auto-resume will load
        check_checkpoint(find_latest_checkpoint(cfg.work_dir))
    setup_distributed(cfg, args.launcher)
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)
    cfg = merge_args(Config.fromfile(args.config), args)
    runner = Runner.from_cfg(cfg)
    runner.train()
    if runner.rank == 0:
        print(f'\nTraining finished. Work dir: {osp.abspath(cfg.work_dir)} '
              '(logs, config dump, checkpoints).')
        best = final_checkpoint(runner)
        if best is not None:
            print(f'Checkpoint to evaluate: {best}\nEvaluate with: python '
                  f'tools/test.py {args.config} {best}')
        adapter = osp.join(cfg.work_dir, 'adapter.safetensors')
        if osp.isfile(adapter):
            print(f'Task file (adapter only): {osp.abspath(adapter)}')


def final_checkpoint(runner):
    """The checkpoint the run selected (``save_best``) or else its last."""
    hook = next((h for h in runner.hooks
                 if type(h).__name__ == 'CheckpointHook'), None)
    best = getattr(hook, 'best_ckpt_path', None) if hook else None
    if best and osp.isfile(best):
        return osp.abspath(best)
    paths = getattr(hook, 'best_ckpt_path_dict', None) or {}
    for path in paths.values():
        if path and osp.isfile(path):
            return osp.abspath(path)
    latest = find_latest_checkpoint(runner.work_dir)
    return osp.abspath(latest) if latest else None


if __name__ == '__main__':
    main()
