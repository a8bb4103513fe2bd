"""The MovingShapes demo: mvadapt end to end on a 2-core CPU in minutes.

    python tools/demo.py [--stages data,zero-shot,clip4clip,mv-adapter,b2n]
                         [--pretrain] [--work-dir work_dirs/demo] [--seed 0]
    python tools/demo.py --pretrain      # pretrain the tiny CLIP first
    python tools/demo.py --full          # + pretraining, ablations and
                                         #   AdaptFormer, 3 seeds
    python tools/demo.py --sweep         # settings chosen on val (after a run)

Stages (each runs the ``tools/train.py`` / ``tools/test.py`` a user would
run and keeps its own work dir with logs, config dump and checkpoints):

1. ``data``       generate MovingShapes (``tools/data/moving_shapes.py``)
                  and decode it once into a frame cache
                  (``tools/data/build_frame_cache.py``), which every later
                  stage reads instead of decoding (``--no-frame-cache``:
                  decode, as without a cache; same frames, same results);
2. ``pretrain``   (with ``--pretrain`` or ``--full``) pretrain a tiny CLIP
                  on the static image-caption set (PNG frames captioned with
                  size, colour, shape, position and marker direction),
                  extract its OpenCLIP weights and say whether they are
                  bit-identical to the shipped ones. Without it the methods
                  adapt the shipped weights (``weights/``: this stage's
                  output, seed 0), as a user adapts a downloaded CLIP.
                  Either way, what the frozen frame features carry is
                  probed first (``tools/analysis_tools/probe_features.py``):
                  the first table;
3. ``zero-shot``  evaluate that CLIP, frozen, on the motion test set;
4. ``clip4clip``  fine-tune it CLIP4Clip-style (mean pooling, full
                  fine-tune), test the checkpoint selected on val;
5. ``mv-adapter`` train MV-Adapter on the frozen CLIP, test likewise;
6. ``b2n``        base-to-novel recognition:
                  zero-shot CLIP, ViFi-CLIP-style full fine-tuning, MSTA
                  (with L_CC); base / novel / HM accuracy.

``--full`` adds MV-Adapter's ablations (w/o temporal transformer, w/o
calibration, w/o CMT), MSTA without L_CC and the AdaptFormer baselines
(``projects/adaptformer``), runs every trained method over seeds 0, 1, 2 and
reports mean +- std. Tables are printed and written to
``<work-dir>/results.md``.
"""
import argparse
import functools
import glob
import importlib.util
import json
import os
import os.path as osp
import statistics
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO = osp.join(ROOT, 'configs', 'demo')
ADAPTFORMER = osp.join(ROOT, 'projects', 'adaptformer', 'configs')
PRETRAIN_CFG = osp.join(DEMO, 'clip_tiny-64_1xb128-18e_moving-shapes-static.py')
MVA_CFG = osp.join(DEMO, 'mv-adapter_tiny-static-pre_1xb32-5e_moving-shapes.py')
STAGES = ('data', 'pretrain', 'zero-shot', 'clip4clip', 'mv-adapter', 'b2n')
# `make demo` adapts the shipped pretrained tiny CLIP (as a user adapts a
# downloaded CLIP); --pretrain and --full pretrain it again first.
DEFAULT_STAGES = tuple(s for s in STAGES if s != 'pretrain')
# The demo's pretraining (PRETRAIN_CFG, seed 0) as `tools/demo.py --pretrain`
# made it on this project's 2-core CPU VM, and its SHA-256 (weights/README.md)
SHIPPED_CLIP = osp.join(ROOT, 'weights',
                        'tiny-clip-64_moving-shapes-static_seed0.safetensors')
SHIPPED_SHA256 = ('5c0eb8cb808060a09579d564ac83be27'
                  'bd2ab90909a95b5ed539effdd4886ec1')
B2N_CFG = osp.join(DEMO, 'msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py')

# name: (label, config, extra --cfg-options, trains?)
METHODS = {
    'zero-shot': ('Zero-shot CLIP (frozen)',
                  osp.join(DEMO, 'clip_tiny-static-pre_zero-shot_'
                           'moving-shapes.py'), [], False),
    'clip4clip': ('CLIP4Clip (full fine-tune, mean pool)',
                  osp.join(DEMO, 'clip4clip_tiny-static-pre_1xb32-5e_'
                           'moving-shapes.py'), [], True),
    'mv-adapter': ('MV-Adapter', MVA_CFG, [], True),
    'mv-adapter_no-temporal': (
        'MV-Adapter w/o temporal transformer (and calibration)', MVA_CFG,
        ['model.adapter.temporal=False', 'model.adapter.calibration=False'],
        True),
    'mv-adapter_no-calibration': ('MV-Adapter w/o calibration', MVA_CFG,
                                  ['model.adapter.calibration=False'], True),
    'mv-adapter_no-cmt': ('MV-Adapter w/o CMT', MVA_CFG,
                          ['model.adapter.cmt=False'], True),
    'adaptformer-par': ('AdaptFormer-par (mean pool)', osp.join(
        ADAPTFORMER,
        'adaptformer-par_tiny-static-pre_1xb32-5e_moving-shapes.py'), [],
        True),
    'adaptformer-seq': ('AdaptFormer-seq (mean pool)', osp.join(
        ADAPTFORMER,
        'adaptformer-seq_tiny-static-pre_1xb32-5e_moving-shapes.py'), [],
        True),
}
# MovingShapes base-to-novel recognition (MSTA's protocol in miniature)
METHODS.update({
    'b2n-zero-shot': ('Zero-shot CLIP', osp.join(
        DEMO, 'clip_tiny-static-pre_zero-shot_moving-shapes-b2n.py'), [],
        False),
    'b2n-vificlip': ('ViFi-CLIP-style full fine-tune', osp.join(
        DEMO, 'vificlip_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py'), [],
        True),
    'b2n-msta-no-lcc': ('MSTA w/o L_CC', B2N_CFG, ['model.consistency=None'],
                        True),
    'b2n-msta': ('MSTA + L_CC', B2N_CFG, [], True),
})
# make demo: MSTA with L_CC; make demo-full adds the L_CC ablation
B2N_METHODS = ('b2n-zero-shot', 'b2n-vificlip', 'b2n-msta')
FULL_B2N_METHODS = ('b2n-zero-shot', 'b2n-vificlip', 'b2n-msta-no-lcc',
                    'b2n-msta')
FULL_METHODS = ('zero-shot', 'clip4clip', 'mv-adapter',
                'mv-adapter_no-temporal', 'mv-adapter_no-calibration',
                'mv-adapter_no-cmt', 'adaptformer-par')
FULL_SEEDS = (0, 1, 2)

# --sweep: the settings of each trained method chosen on the validation
# split (seed 0; the epoch is the best on val, as the checkpoint hook picks
# it); the demo configs hold the chosen values. The test split is never read.
TWIN_BATCHES = ['train_dataloader.batch_sampler.type=TwinBatchSampler',
                'train_dataloader.batch_sampler.twin_file='
                'retrieval_train_twins.json']


def _lr(value):
    return [f'optim_wrapper.optimizer.lr={value}']


def _scale(value):
    return [f'model.adapter.scale={value}']


SWEEPS = {
    'clip4clip': [('lr 1e-4', _lr(1e-4)), ('lr 2e-4', _lr(2e-4)),
                  ('lr 5e-4', _lr(5e-4)),
                  ('lr 2e-4, twin batches', _lr(2e-4) + TWIN_BATCHES)],
    'mv-adapter': [('s 0.1, lr 1e-3', _scale(0.1) + _lr(1e-3)),
                   ('s 0.1, lr 3e-3', _scale(0.1) + _lr(3e-3)),
                   ('s 1.0, lr 1e-3', _scale(1.0) + _lr(1e-3)),
                   ('s 1.0, lr 3e-3', _scale(1.0) + _lr(3e-3)),
                   ('s 1.0, lr 1e-2', _scale(1.0) + _lr(1e-2)),
                   ('s 1.0, lr 1e-3, twin batches',
                    _scale(1.0) + _lr(1e-3) + TWIN_BATCHES)],
    'b2n-vificlip': [('lr 2e-4', _lr(2e-4)), ('lr 6e-4', _lr(6e-4))],
    'b2n-msta': [('lr 1e-3', _lr(1e-3)), ('lr 3e-3', _lr(3e-3)),
                 ('lr 1e-2', _lr(1e-2)), ('lr 3e-2', _lr(3e-2))],
}
# what a sweep run is judged by (the configs' save_best) and what is shown
SWEEP_KEYS = {
    'retrieval': ('retrieval/t2v/R1', ('retrieval/t2v/R1',
                                       'retrieval/v2t/R1',
                                       'retrieval/twin/acc')),
    'b2n': ('b2n/base', ('b2n/base', )),
}


def load_tool(name, folder='data'):
    """A script of tools/<folder>/ as a module (tools is not a package)."""
    path = osp.join(ROOT, 'tools', folder, name + '.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_generator():
    return load_tool('moving_shapes')


def run(cmd, log_path):
    """Run ``python tools/... args`` with its output in a log file; fail
    loudly."""
    print('$ ' + ' '.join(cmd), flush=True)
    # each run is its own process, forked from one that has imported torch,
    # MMEngine and MMAction2 once (mvadapt.utils.tool_runner)
    from mvadapt.utils.tool_runner import run_tool
    returncode = run_tool(cmd, log_path, ROOT)
    if returncode != 0:
        with open(log_path) as f:
            tail = ''.join(f.readlines()[-30:])
        raise SystemExit(f'Command failed (exit {returncode}); last '
                         f'lines of {log_path}:\n{tail}')


def data_options(data_root, splits=('train', 'val', 'test')):
    """``--cfg-options`` pointing the config's dataloaders at data_root (the
    evaluators' subset and twin files follow: they are relative to it)."""
    return [f'{s}_dataloader.dataset.data_root={data_root}' for s in splits]


def cache_options(args, splits=('train', 'val', 'test')):
    """``--cfg-options`` reading the frame cache the data stage builds."""
    if args.no_frame_cache:
        return []
    return [f'{s}_dataloader.dataset.frame_cache={frame_cache_dir(args)}'
            for s in splits]


def frame_cache_dir(args):
    return osp.join(args.data_root, 'frame_cache')


def build_frame_cache(args):
    """Decode every video the demo reads once (one cache, one spec: all
    the demo's video pipelines decode with decord at 64x64; the static
    images are read directly)."""
    tool = load_tool('build_frame_cache')

    def opts(strings):
        return dict(o.split('=', 1) for o in strings)

    root = args.data_root
    configs = [(METHODS['clip4clip'][1], opts(data_options(root) +
                                              cache_options(args)))]
    if root == osp.join(ROOT, 'data', 'moving_shapes'):  # b2n names it
        configs.append((B2N_CFG, opts(cache_options(args))))
    # the demo owns this cache: one built for another pipeline is replaced
    if tool.build(tool.collect(configs), overwrite=True):
        raise SystemExit('Some demo videos could not be decoded (listed '
                         'above); regenerate the data with --stages data.')


def require_frame_cache(args):
    if not args.no_frame_cache and not osp.isfile(
            osp.join(frame_cache_dir(args), 'manifest.json')):
        raise SystemExit(f'No frame cache in {frame_cache_dir(args)}: run the '
                         'data stage first (--stages data,...) or pass '
                         '--no-frame-cache.')


def sha256(path):
    """The file's SHA-256, read once per version of the file (every run of
    the demo names its backbone by it)."""
    st = os.stat(path)
    return _sha256(osp.abspath(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _sha256(path, size, mtime_ns):
    import hashlib
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def backbone_in_use(args, own_clip):
    """The tiny CLIP the methods adapt, and a line saying which it is: the
    work dir's own pretraining where there is one, else the shipped
    weights (checked against their SHA-256)."""
    if osp.isfile(own_clip):
        return own_clip, (f'Backbone: the tiny CLIP pretrained in this work '
                          f'dir ({own_clip})')
    if not osp.isfile(SHIPPED_CLIP):
        raise SystemExit(f'{SHIPPED_CLIP} is missing (it comes with the '
                         'repository; restore it with git checkout -- '
                         'weights/) and this work dir has no pretrained tiny '
                         'CLIP: pass --pretrain to pretrain one (about 4.5 '
                         'minutes)')
    digest = sha256(SHIPPED_CLIP)
    if SHIPPED_SHA256 is not None and digest != SHIPPED_SHA256:
        raise SystemExit(f'{SHIPPED_CLIP} has SHA-256 {digest}, not the '
                         f'shipped {SHIPPED_SHA256}: the file was changed or '
                         'truncated. Restore it (git checkout -- weights/) or '
                         'pass --pretrain to pretrain a tiny CLIP instead')
    return SHIPPED_CLIP, (
        f'Backbone: the shipped pretrained tiny CLIP '
        f'({osp.relpath(SHIPPED_CLIP, ROOT)}, SHA-256 {digest[:12]}...; '
        f'--pretrain pretrains it again, about 4.5 minutes)')


def backbone_id(clip_file):
    """What identifies the backbone a run adapted: its file's SHA-256 (the
    work dir's own pretraining keeps its path when --pretrain remakes it)."""
    return sha256(clip_file) if osp.isfile(clip_file) else clip_file


def same_backbone(row, backbone):
    """Whether a finished run (demo_result.json, sweep_result.json) adapted
    this backbone; rows from before the demo recorded it count as the
    same."""
    return row.get('backbone', backbone) == backbone


def compare_with_shipped(clip_file):
    """Whether a fresh pretraining reproduced the shipped weights."""
    if not osp.isfile(SHIPPED_CLIP):
        return 'No shipped weights to compare with.'
    from safetensors.torch import load_file
    ours, shipped = load_file(clip_file), load_file(SHIPPED_CLIP)
    if ours.keys() != shipped.keys() or any(
            ours[k].shape != shipped[k].shape for k in ours):
        return ('Not the shipped architecture: the tensors differ from '
                f'{osp.relpath(SHIPPED_CLIP, ROOT)}.')
    diff = max(float((ours[k].double() - shipped[k].double()).abs().max())
               for k in ours)
    if diff == 0:
        return (f'Bit-identical to the shipped weights '
                f'({osp.relpath(SHIPPED_CLIP, ROOT)}).')
    return (f'Differs from the shipped weights by up to {diff:.3g} per '
            'weight (another CPU or library build rounds differently; the '
            'tables then differ slightly from the documented ones).')


def find_checkpoint(work_dir, pattern):
    found = sorted(glob.glob(osp.join(work_dir, pattern)), key=osp.getmtime)
    if not found:
        raise SystemExit(f'No checkpoint {pattern} in {work_dir}')
    return found[-1]


def probe(args, clip_file, out):
    """What the frozen tiny CLIP's frame features carry: linear probes per
    attribute and zero-shot image-to-caption on held-out static images."""
    run([sys.executable, 'tools/analysis_tools/probe_features.py',
         PRETRAIN_CFG, '--data-root', args.data_root, '--out', out,
         '--cfg-options', f'model.clip.pretrained={clip_file}'],
        osp.join(osp.dirname(out), 'probe_stdout.log'))
    with open(out) as f:
        print(fmt_probe_table(json.load(f)), flush=True)


def fmt_probe_table(res):
    lines = ['| attribute | classes | linear probe | chance (majority) |',
             '|---|---|---|---|']
    for attr, r in res['probes'].items():
        lines.append(f"| {attr} | {r['num_classes']} | {r['accuracy']:.1f} "
                     f"| {r['chance']:.1f} |")
    zs = res.get('zero_shot')
    if zs:
        lines.append(f"\nZero-shot image-to-caption top-1 among the "
                     f"{zs['num_captions']} distinct held-out captions: "
                     f"{zs['accuracy']:.1f}")
    return '\n'.join(lines)


def train(config, work_dir, seed, opts):
    os.makedirs(work_dir, exist_ok=True)
    run([sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
         '--seed', str(seed), '--cfg-options', *opts],
        osp.join(work_dir, 'train_stdout.log'))


def test(config, work_dir, opts, checkpoint=None):
    os.makedirs(work_dir, exist_ok=True)
    metrics_path = osp.join(work_dir, 'test_metrics.json')
    cmd = [sys.executable, 'tools/test.py', config]
    if checkpoint:
        cmd.append(checkpoint)
    cmd += ['--work-dir', work_dir, '--metrics-out', metrics_path,
            '--cfg-options', *opts]
    run(cmd, osp.join(work_dir, 'test_stdout.log'))
    with open(metrics_path) as f:
        return json.load(f)


def run_method(name, seed, args, clip_file):
    """Train (if the method trains) and test one method with one seed."""
    label, config, extra, trains = METHODS[name]
    wd = osp.join(args.work_dir, name if not args.full else
                  osp.join(name, f'seed{seed}'))
    pretrained = [f'model.clip.pretrained={clip_file}']
    done = osp.join(wd, 'demo_result.json')
    backbone = backbone_id(clip_file)
    if args.resume and osp.isfile(done):  # finished in an earlier run
        with open(done) as f:
            row = json.load(f)
        if same_backbone(row, backbone):  # not one on another backbone
            return row
    t0 = time.time()
    if trains:
        opts = pretrained + extra if name.startswith('b2n') else \
            data_options(args.data_root) + pretrained + extra
        train(config, wd, seed, opts + cache_options(args))
        best = find_checkpoint(wd, 'best_*.pth')
    if name.startswith('b2n'):  # recognition configs name their files
        test_opts = pretrained + extra
    else:
        test_opts = data_options(args.data_root, ('test', )) + pretrained + \
            extra
    test_opts += cache_options(args, ('test', ))
    metrics = test(config, wd, test_opts, best if trains else None)
    params_file = osp.join(wd, 'params.json')
    if trains:
        with open(params_file) as f:
            counts = json.load(f)
    else:  # evaluation only: nothing trains
        counts = dict(trainable=0, trainable_percent=0.0)
    result = dict(name=name, method=label, seed=seed,
                  trainable=counts['trainable'],
                  percent=counts['trainable_percent'], metrics=metrics,
                  seconds=time.time() - t0, backbone=backbone)
    with open(done, 'w') as f:
        json.dump(result, f, indent=1)
    return result


def run_sweep(args, clip_file):
    """Train every setting of :data:`SWEEPS` with seed 0 and report its
    best validation epoch; returns the rows of the sweep table."""
    curves = load_tool('plot_curves', 'analysis_tools')
    rows = []
    for name, settings in SWEEPS.items():
        label, config, extra, _ = METHODS[name]
        task = 'b2n' if name.startswith('b2n') else 'retrieval'
        key, shown = SWEEP_KEYS[task]
        base = [f'model.clip.pretrained={clip_file}']
        backbone = backbone_id(clip_file)
        if task == 'retrieval':
            base = data_options(args.data_root, ('train', 'val')) + base
        for setting, opts in settings:
            slug = setting.replace(', ', '_').replace(' ', '-')
            wd = osp.join(args.work_dir, 'sweep', name, slug)
            done = osp.join(wd, 'sweep_result.json')
            if args.resume and osp.isfile(done):
                with open(done) as f:
                    row = json.load(f)
                if same_backbone(row, backbone):
                    rows.append(row)
                    continue
            t0 = time.time()
            train(config, wd, 0, base + extra + opts +
                  cache_options(args, ('train', 'val')))
            val = curves.load_run(wd)['val']
            if key not in val:
                raise SystemExit(f'{wd}: no validation {key} logged')
            epoch = max(val[key], key=lambda e: (val[key][e], -e))
            row = dict(name=name, method=label, setting=setting,
                       epoch=int(epoch), seconds=time.time() - t0,
                       val={k: val[k][epoch] for k in shown if k in val},
                       backbone=backbone)
            with open(done, 'w') as f:
                json.dump(row, f, indent=1)
            rows.append(row)
            print(f'{label}, {setting}: best val epoch {row["epoch"]}: ' +
                  ', '.join(f'{k} {v:.1f}' for k, v in row['val'].items()),
                  flush=True)
    return rows


def fmt_sweep_table(rows):
    lines = ['| method | setting | best val epoch | val T2V R@1 | val V2T R@1 '
             '| val twin accuracy | val base accuracy | wall time |',
             '|---|---|---|---|---|---|---|---|']
    for r in rows:
        v = r['val']
        cells = [f'{v[k]:.1f}' if k in v else '–' for k in (
            'retrieval/t2v/R1', 'retrieval/v2t/R1', 'retrieval/twin/acc',
            'b2n/base')]
        lines.append(f"| {r['method']} | {r['setting']} | {r['epoch']} | " +
                     ' | '.join(cells) + f" | {r['seconds']:.0f} s |")
    return '\n'.join(lines)


def fmt_b2n_table(rows):
    lines = ['| method | trainable params | base | novel | HM | wall time |',
             '|---|---|---|---|---|---|']
    for r in rows:
        m = r['metrics']
        secs = '-' if r['seconds'] is None else f"{r['seconds']:.0f} s"
        lines.append(
            f"| {r['method']} | {r['trainable']:,} ({r['percent']:.2f}%) | "
            f"{m['b2n/base']:.1f} | {m['b2n/novel']:.1f} | "
            f"{m['b2n/HM']:.1f} | {secs} |")
    return '\n'.join(lines)


def fmt_b2n_seed_table(rows):
    lines = ['| method | trainable % | seeds | base | novel | HM |',
             '|---|---|---|---|---|---|']
    for name in dict.fromkeys(r['name'] for r in rows):
        group = [r for r in rows if r['name'] == name]
        cells = [group[0]['method'], f"{group[0]['percent']:.2f}",
                 ','.join(str(r['seed']) for r in group)]
        cells += [mean_std([r['metrics'][f'b2n/{k}'] for r in group])
                  for k in ('base', 'novel', 'HM')]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def fmt_table(rows):
    head = ('| method | trainable params | T2V R@1 | R@5 | R@10 | MdR | MnR '
            '| V2T R@1 | R@5 | R@10 | twin accuracy | T2V R@1 direction-'
            'sensitive | T2V R@1 other queries | wall time |')
    lines = [head, '|' + '---|' * 14]
    for r in rows:
        m = r['metrics']
        cells = [r['method'],
                 f"{r['trainable']:,} ({r['percent']:.2f}%)"]
        cells += [f"{m[f'retrieval/t2v/R{k}']:.1f}" for k in (1, 5, 10)]
        cells += [f"{m['retrieval/t2v/MdR']:.1f}",
                  f"{m['retrieval/t2v/MnR']:.1f}"]
        cells += [f"{m[f'retrieval/v2t/R{k}']:.1f}" for k in (1, 5, 10)]
        for key in ('twin/acc', 'direction_sensitive/t2v/R1',
                    'direction_insensitive/t2v/R1'):
            value = m.get(f'retrieval/{key}')
            cells.append('n/a' if value is None else f'{value:.1f}')
        cells.append('-' if r['seconds'] is None else f"{r['seconds']:.0f} s")
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def mean_std(values):
    if len(values) == 1:
        return f'{values[0]:.1f}'
    return f'{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}'


def fmt_seed_table(rows):
    keys = [('T2V R@1', 'retrieval/t2v/R1'), ('V2T R@1', 'retrieval/v2t/R1'),
            ('twin accuracy', 'retrieval/twin/acc'),
            ('T2V R@1 direction-sensitive',
             'retrieval/direction_sensitive/t2v/R1'),
            ('T2V R@1 other queries',
             'retrieval/direction_insensitive/t2v/R1')]
    lines = ['| method | trainable % | seeds | ' +
             ' | '.join(k for k, _ in keys) + ' |',
             '|' + '---|' * (3 + len(keys))]
    for name in dict.fromkeys(r['name'] for r in rows):
        group = [r for r in rows if r['name'] == name]
        cells = [group[0]['method'], f"{group[0]['percent']:.2f}",
                 ','.join(str(r['seed']) for r in group)]
        for _, key in keys:
            vals = [r['metrics'][key] for r in group
                    if key in r['metrics']]
            cells.append(mean_std(vals) if vals else 'n/a')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def select_stages(args):
    """The stages to run: --stages, else the default ones (none with
    --sweep); the pretrain stage is added by --pretrain, and by --full
    unless --stages says otherwise."""
    if args.stages is not None:
        stages = [s.strip() for s in args.stages.split(',') if s.strip()]
    else:
        stages = [] if args.sweep else list(DEFAULT_STAGES)
    if (args.pretrain or args.full and args.stages is None and
            not args.sweep) and 'pretrain' not in stages:
        stages.insert(1 if 'data' in stages else 0, 'pretrain')
    return stages


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--stages', default=None,
                        help=f'comma-separated subset of {STAGES} (default '
                        f'{",".join(DEFAULT_STAGES)}; with --sweep: none, '
                        'i.e. the data of an earlier run)')
    parser.add_argument('--full', action='store_true',
                        help='ablations and AdaptFormer over seeds 0, 1, 2 '
                        '(pretrains the tiny CLIP too, as --pretrain)')
    parser.add_argument('--pretrain', action='store_true',
                        help='pretrain the tiny CLIP from scratch (about 4.5 '
                        'minutes) instead of adapting the shipped one; '
                        'compares the result with the shipped weights')
    parser.add_argument('--work-dir', default=None,
                        help='default work_dirs/demo (work_dirs/demo-full '
                        'with --full)')
    parser.add_argument('--data-root', default='data/moving_shapes')
    parser.add_argument('--preset', default='demo',
                        help='MovingShapes preset (demo or tiny)')
    parser.add_argument('--seed', type=int, default=0,
                        help='training seed (single-seed demo)')
    parser.add_argument('--no-frame-cache', action='store_true',
                        help='decode the videos in every stage instead of '
                        'reading the frame cache the data stage builds')
    parser.add_argument('--sweep', action='store_true',
                        help='instead of testing: train each method\'s '
                        'candidate settings (SWEEPS) and report their best '
                        'validation scores (sweep.md); needs the data '
                        'stage; adapts the work dir\'s own pretrained CLIP '
                        'if it has one, else the shipped one')
    parser.add_argument('--resume', action='store_true',
                        help='reuse the results of runs that finished in an '
                        'earlier invocation (same work dir, same backbone)')
    args = parser.parse_args()
    stages = select_stages(args)
    unknown = set(stages) - set(STAGES)
    if unknown:
        parser.error(f'unknown stage(s) {sorted(unknown)}; choose from '
                     f'{STAGES}')
    if args.work_dir is None:
        args.work_dir = 'work_dirs/demo-full' if args.full else \
            'work_dirs/demo'
    args.work_dir = osp.abspath(args.work_dir)
    args.data_root = osp.abspath(args.data_root)
    os.makedirs(args.work_dir, exist_ok=True)
    own_clip = osp.join(args.work_dir, 'tiny_clip_static.safetensors')
    timings = {}
    start_all = time.time()

    if 'data' in stages:
        t0 = time.time()
        load_generator().generate(args.data_root, seed=0, preset=args.preset)
        if not args.no_frame_cache:
            build_frame_cache(args)
        timings['data'] = time.time() - t0

    own_probe = osp.join(args.work_dir, 'pretrain', 'probe.json')
    pretrained_before = args.resume and osp.isfile(own_clip) and \
        osp.isfile(own_probe)
    if 'pretrain' in stages and pretrained_before:  # --resume
        print(f'Pretrained tiny CLIP of an earlier run reused: {own_clip}\n'
              f'{compare_with_shipped(own_clip)}', flush=True)
    elif 'pretrain' in stages:
        t0 = time.time()
        wd = osp.join(args.work_dir, 'pretrain')
        train(PRETRAIN_CFG, wd, 0, data_options(args.data_root,
                                                ('train', 'test')))
        ckpt = find_checkpoint(wd, 'epoch_*.pth')
        run([sys.executable, 'tools/model_converters/extract_clip.py', ckpt,
             own_clip], osp.join(wd, 'extract_stdout.log'))
        print(f'Pretrained tiny CLIP: {own_clip}\n'
              f'{compare_with_shipped(own_clip)}', flush=True)
        probe(args, own_clip, own_probe)
        timings['pretrain'] = time.time() - t0
    # The backbone every method adapts: this work dir's own pretraining
    # where it has one, else the shipped one (the same recipe, seed 0);
    # only looked for where a stage adapts it (--full runs its methods
    # whatever --stages says).
    needs_backbone = args.sweep or args.full or any(
        s in stages for s in ('zero-shot', 'clip4clip', 'mv-adapter', 'b2n'))
    probe_file = own_probe if 'pretrain' in stages else None
    if needs_backbone:
        clip_file, backbone = backbone_in_use(args, own_clip)
        probe_file = own_probe if clip_file == own_clip else osp.join(
            args.work_dir, 'shipped-clip', 'probe.json')
        print(backbone, flush=True)
    if needs_backbone and not osp.isfile(probe_file):
        t0 = time.time()
        os.makedirs(osp.dirname(probe_file), exist_ok=True)
        probe(args, clip_file, probe_file)
        timings['probe'] = time.time() - t0

    if args.sweep:
        require_frame_cache(args)
        text = ('Validation sweeps (seed 0; each setting\'s best validation '
                'epoch; the test split is not read):\n\n' +
                fmt_sweep_table(run_sweep(args, clip_file)))
        print('\n' + text)
        with open(osp.join(args.work_dir, 'sweep.md'), 'w') as f:
            f.write(text + '\n')
        return

    if args.full:
        methods = FULL_METHODS + (FULL_B2N_METHODS if 'b2n' in stages
                                  else ())
        seeds = FULL_SEEDS
    else:
        methods = [m for m in ('zero-shot', 'clip4clip', 'mv-adapter')
                   if m in stages]
        if 'b2n' in stages:
            methods += list(B2N_METHODS)
        seeds = (args.seed, )
    if any(m.startswith('b2n') for m in methods) and \
            args.data_root != osp.join(ROOT, 'data', 'moving_shapes'):
        raise SystemExit('the b2n stage reads data/moving_shapes (its configs '
                         'name the files); use the default --data-root')
    if methods:
        require_frame_cache(args)
    rows = []
    # Seed-major order: every method gets seed 0 before any gets seed 1.
    runs = [(name, seed) for seed in seeds for name in methods
            if METHODS[name][3] or seed == seeds[0]]
    for name, seed in runs:
        row = run_method(name, seed, args, clip_file)
        rows.append(row)
        if row['seconds'] is not None:
            timings[f'{name} seed {seed}' if args.full else name] = \
                row['seconds']
        m = row['metrics']
        headline = (f"base {m['b2n/base']:.1f} novel {m['b2n/novel']:.1f} "
                    f"HM {m['b2n/HM']:.1f}") if name.startswith('b2n') else \
            f"T2V R@1 {m['retrieval/t2v/R1']:.1f}"
        print(f"{row['method']} (seed {seed}): {headline}", flush=True)

    total = time.time() - start_all
    report = []
    b2n_rows = [r for r in rows if r['name'].startswith('b2n')]
    rows = [r for r in rows if not r['name'].startswith('b2n')]
    if needs_backbone:
        report += [backbone + '\n']
    if probe_file and osp.isfile(probe_file):
        with open(probe_file) as f:
            report += ['What the frozen tiny CLIP\'s frame features carry '
                       '(linear probes fitted on static training images, '
                       'tested on held-out ones):\n',
                       fmt_probe_table(json.load(f)), '']
    protocol = ('V2T protocol: each video ranks the videos by their best '
                'caption (CLIP4Clip); twin accuracy: own caption scored above '
                'the time-reversed twin\'s (50 % for any order-invariant '
                'model)')
    if rows and not args.full:
        report += ['MovingShapes retrieval test set (one caption per video),'
                   f' seed {args.seed}; {protocol}:\n', fmt_table(rows)]
    elif rows:
        report += ['MovingShapes retrieval test set, mean ± std over seeds '
                   f'{list(seeds)}; {protocol}:\n', fmt_seed_table(rows)]
    if b2n_rows:
        report += ['\nMovingShapes base-to-novel recognition (15 base / 15 '
                   'novel classes):\n',
                   fmt_b2n_seed_table(b2n_rows) if args.full else
                   fmt_b2n_table(b2n_rows)]
    rows += b2n_rows
    report.append('\nStage wall times: ' + ', '.join(
        f'{k} {v:.0f} s' for k, v in timings.items()) +
        f'; total {total:.0f} s')
    text = '\n'.join(report)
    print('\n' + text)
    with open(osp.join(args.work_dir, 'results.md'), 'w') as f:
        f.write(text + '\n')
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    figure = ''
    if rows:
        plot = load_tool('plot_results', 'analysis_tools')
        png = plot.plot_results(rows, osp.join(args.work_dir, 'results.png'))
        figure = f'\nResults figure: {png}'
    print(f'\nWork dirs, logs and checkpoints: {args.work_dir}\n'
          f'Results table: {osp.join(args.work_dir, "results.md")}{figure}')


if __name__ == '__main__':
    main()
