"""The MovingShapes demo: every stage of mvadapt on a 2-core CPU in minutes.

    python tools/demo.py [--stages data,pretrain,zero-shot,clip4clip]
                         [--work-dir work_dirs/demo] [--seed 0]

Stages (each runs the same ``tools/train.py`` / ``tools/test.py`` a user
would run, and writes its own work dir with logs, config dump and
checkpoints):

1. ``data``      generate MovingShapes (``tools/data/moving_shapes.py``);
2. ``pretrain``  pretrain a tiny CLIP on the static image-caption set and
                 extract its OpenCLIP weights;
3. ``zero-shot`` evaluate that CLIP, frozen, on the motion test set;
4. ``clip4clip`` fine-tune it CLIP4Clip-style (mean pooling, full fine-tune)
                 and evaluate the best checkpoint (selected on val).

It ends with one results table (also written to ``<work-dir>/results.md``).
"""
import argparse
import glob
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(ROOT, 'configs', 'demo')
STAGES = ('data', 'pretrain', 'zero-shot', 'clip4clip')
PRETRAIN_CFG = 'clip_tiny_1xb64-10e_moving-shapes-static.py'
METHODS = {
    # stage: (label in the table, config)
    'zero-shot': ('Zero-shot CLIP (frozen)',
                  'clip_tiny-static-pre_zero-shot_moving-shapes.py'),
    'clip4clip': ('CLIP4Clip (full fine-tune, mean pool)',
                  'clip4clip_tiny-static-pre_1xb32-10e_moving-shapes.py'),
}


def load_generator():
    path = osp.join(ROOT, 'tools', 'data', 'moving_shapes.py')
    spec = importlib.util.spec_from_file_location('moving_shapes', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(cmd, log_path):
    """Run a command, stream its output to a log file, fail loudly."""
    print('$ ' + ' '.join(cmd), flush=True)
    with open(log_path, 'w') as log:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=log,
                              stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = ''.join(f.readlines()[-30:])
        raise SystemExit(f'Command failed (exit {proc.returncode}); last '
                         f'lines of {log_path}:\n{tail}')


def data_options(data_root, splits=('train', 'val', 'test'), subsets=True):
    """``--cfg-options`` pointing the config's dataloaders at data_root."""
    opts = [f'{s}_dataloader.dataset.data_root={data_root}' for s in splits]
    if subsets:
        opts.append('test_evaluator.subset_file='
                    f'{data_root}/retrieval_test_subsets.json')
    return opts


def find_checkpoint(work_dir, pattern):
    found = sorted(glob.glob(osp.join(work_dir, pattern)), key=osp.getmtime)
    if not found:
        raise SystemExit(f'No checkpoint {pattern} in {work_dir}')
    return found[-1]


def train(config, work_dir, args, extra=(), data_opts=None):
    os.makedirs(work_dir, exist_ok=True)
    if data_opts is None:
        data_opts = data_options(args.data_root)
    cmd = [sys.executable, 'tools/train.py', osp.join(CONFIGS, config),
           '--work-dir', work_dir, '--seed', str(args.seed),
           '--cfg-options', *data_opts, *extra]
    run(cmd, osp.join(work_dir, 'train_stdout.log'))


def test(config, work_dir, args, checkpoint=None, extra=()):
    os.makedirs(work_dir, exist_ok=True)
    metrics_path = osp.join(work_dir, 'test_metrics.json')
    cmd = [sys.executable, 'tools/test.py', osp.join(CONFIGS, config)]
    if checkpoint:
        cmd.append(checkpoint)
    cmd += ['--work-dir', work_dir, '--metrics-out', metrics_path,
            '--cfg-options', *data_options(args.data_root, ('test', )),
            *extra]
    run(cmd, osp.join(work_dir, 'test_stdout.log'))
    with open(metrics_path) as f:
        return json.load(f)


def fmt_table(rows):
    head = ('| method | trainable params | T2V R@1 | R@5 | R@10 | MdR | MnR '
            '| V2T R@1 | R@5 | R@10 | MdR | MnR | T2V R@1 (direction-'
            'sensitive) | wall time |')
    lines = [head, '|' + '---|' * 14]
    for r in rows:
        m = r['metrics']
        cells = [r['method'],
                 f"{r['trainable']:,} ({r['percent']:.2f}%)"]
        for d in ('t2v', 'v2t'):
            cells += [f"{m[f'retrieval/{d}/R{k}']:.1f}" for k in (1, 5, 10)]
            cells += [f"{m[f'retrieval/{d}/MdR']:.1f}",
                      f"{m[f'retrieval/{d}/MnR']:.1f}"]
        ds = m.get('retrieval/direction_sensitive/t2v/R1')
        cells.append('n/a' if ds is None else f'{ds:.1f}')
        cells.append(f"{r['seconds']:.0f} s")
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--stages', default=','.join(STAGES),
                        help=f'comma-separated subset of {STAGES}')
    parser.add_argument('--work-dir', default='work_dirs/demo')
    parser.add_argument('--data-root', default='data/moving_shapes')
    parser.add_argument('--preset', default='demo',
                        help='MovingShapes preset (demo or tiny)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    stages = [s.strip() for s in args.stages.split(',') if s.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f'unknown stage(s) {sorted(unknown)}; choose from '
                     f'{STAGES}')
    args.work_dir = osp.abspath(args.work_dir)
    args.data_root = osp.abspath(args.data_root)
    os.makedirs(args.work_dir, exist_ok=True)
    clip_file = osp.join(args.work_dir, 'tiny_clip_static.safetensors')
    pretrained = [f'model.clip.pretrained={clip_file}']
    timings = {}
    start_all = time.time()

    if 'data' in stages:
        t0 = time.time()
        load_generator().generate(args.data_root, seed=0, preset=args.preset)
        timings['data'] = time.time() - t0

    if 'pretrain' in stages:
        t0 = time.time()
        wd = osp.join(args.work_dir, 'pretrain')
        train(PRETRAIN_CFG, wd, args, data_opts=data_options(
            args.data_root, ('train', 'test'), subsets=False))
        ckpt = find_checkpoint(wd, 'epoch_*.pth')
        run([sys.executable, 'tools/model_converters/extract_clip.py', ckpt,
             clip_file], osp.join(wd, 'extract_stdout.log'))
        timings['pretrain'] = time.time() - t0
        print(f'Pretrained tiny CLIP: {clip_file}')

    rows = []
    for stage in ('zero-shot', 'clip4clip'):
        if stage not in stages:
            continue
        label, config = METHODS[stage]
        wd = osp.join(args.work_dir, stage)
        t0 = time.time()
        if stage == 'zero-shot':
            metrics = test(config, wd, args, extra=pretrained)
        else:
            train(config, wd, args, extra=pretrained)
            best = find_checkpoint(wd, 'best_*.pth')
            metrics = test(config, wd, args, checkpoint=best,
                           extra=pretrained)
        seconds = time.time() - t0
        timings[stage] = seconds
        params_file = osp.join(wd, 'params.json')
        if osp.isfile(params_file):
            with open(params_file) as f:
                counts = json.load(f)
        else:  # evaluation only: nothing trains
            counts = dict(trainable=0, trainable_percent=0.0)
        rows.append(dict(method=label, trainable=counts['trainable'],
                         percent=counts['trainable_percent'],
                         metrics=metrics, seconds=seconds))

    total = time.time() - start_all
    report = []
    if rows:
        report.append('MovingShapes retrieval test set (one caption per '
                      f'video), seed {args.seed}:\n')
        report.append(fmt_table(rows))
    report.append('\nStage wall times: ' + ', '.join(
        f'{k} {v:.0f} s' for k, v in timings.items()) +
        f'; total {total:.0f} s')
    text = '\n'.join(report)
    print('\n' + text)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(text + '\n')
    print(f'\nWork dirs, logs and checkpoints: {args.work_dir}\n'
          f'Results table: {osp.join(args.work_dir, "results.md")}')


if __name__ == '__main__':
    main()
