"""Every shipped config parses, names only registered components, and is
listed in its metafile; every metafile entry names an existing config.

Building the paper configs' models needs the OpenAI weights, so this checks
what can break without them: a renamed base file, a typo in a ``type``, a
config missing from the metafile."""
import glob
import importlib
import os.path as osp
import re
import shutil

import pytest
import yaml
from mmengine.config import Config

import mmengine.runner  # noqa: F401  (registers the loops and hooks)
import mvadapt  # noqa: F401  (registers mvadapt's modules)
from mvadapt import registry
from mvadapt.utils import load_config

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if '_base_' not in p) + sorted(
        glob.glob(osp.join(ROOT, 'projects', '*', 'configs', '*.py')))


def _types(node, key_path=()):
    """Yield (key path, type name) for every ``type=`` in a config tree."""
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            yield key_path, node['type']
        for k, v in node.items():
            yield from _types(v, key_path + (k, ))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _types(v, key_path + (i, ))


def _registry_for(key_path):
    top = key_path[0]
    if 'pipeline' in key_path:
        return registry.TRANSFORMS
    if top in ('model', ):
        return registry.MODELS
    if top.endswith('_dataloader'):
        return {'dataset': registry.DATASETS,
                'sampler': registry.DATA_SAMPLERS}.get(key_path[1])
    if top.endswith('_evaluator'):
        return registry.METRICS
    if top == 'optim_wrapper':
        return registry.OPTIMIZERS if 'optimizer' in key_path else \
            registry.OPTIM_WRAPPERS
    if top == 'param_scheduler':
        return registry.PARAM_SCHEDULERS
    if top in ('custom_hooks', 'default_hooks'):
        return registry.HOOKS
    if top.endswith('_cfg') and len(key_path) == 1:
        return registry.LOOPS
    return None


def test_configs_were_found():
    names = [osp.basename(p) for p in CONFIGS]
    assert len(CONFIGS) > 50
    assert any(n.startswith('vificlip_') for n in names)
    assert any(n.startswith('adaptformer-par') for n in names)


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_config_parses_and_types_are_registered(path):
    cfg = Config.fromfile(path)
    assert cfg.get('default_scope') == 'mvadapt', path
    for module in cfg.get('custom_imports', {}).get('imports', []):
        importlib.import_module(module)
    checked = 0
    for key_path, name in _types(cfg.to_dict()):
        reg = _registry_for(key_path)
        if reg is None:
            continue
        assert reg.get(name) is not None, \
            f'{osp.relpath(path, ROOT)}: {".".join(map(str, key_path))} ' \
            f'type {name!r} is not registered in {reg.name!r}'
        checked += 1
    assert checked >= 3  # at least the model and its test pipeline


@pytest.mark.parametrize('folder', ['mv_adapter', 'msta'])
def test_metafile_lists_every_config(folder):
    with open(osp.join(ROOT, 'configs', folder, 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    listed = {m['Config'] for m in meta['Models']}
    for path in listed:
        assert osp.isfile(osp.join(ROOT, path)), path
    on_disk = {osp.relpath(p, ROOT) for p in
               glob.glob(osp.join(ROOT, 'configs', folder, '*.py'))}
    assert on_disk == listed
    assert len({m['Name'] for m in meta['Models']}) == len(meta['Models'])


@pytest.mark.parametrize(
    'path', [p for p in CONFIGS if 'sthv2' in osp.basename(p)],
    ids=lambda p: osp.basename(p))
def test_sthv2_trains_without_flips(path):
    """A horizontal flip mirrors SSv2's left/right classes."""
    cfg = Config.fromfile(path)
    steps = [s['type'] for s in cfg.train_dataloader.dataset.pipeline]
    assert 'Flip' not in steps and 'MultiScaleCrop' in steps


@pytest.mark.parametrize('path', [
    p for p in CONFIGS if osp.basename(p).startswith('msta_vit') and
    ('-b2n-' in p or 'shot-rgb' in p)], ids=lambda p: osp.basename(p))
def test_msta_schedules_follow_the_logs(path):
    """ETL4Video logs/MSTA/base2novel/*/s*_log.txt and few-shot/*/*.txt:
    50 epochs, 5 warm-up (zero-shot K400: ViFi-CLIP's 10 with 5 warm-up);
    few-shot descriptions N = 8 on UCF-101 and SSv2 (DES_N 8), 2 on
    HMDB-51 (few-shot/hmdb/4.txt: DES_N 2)."""
    cfg = Config.fromfile(path)
    epochs = 10 if 'zero-shot-rgb' in path else 50
    assert '-%de_' % epochs in osp.basename(path)
    assert cfg.train_cfg.max_epochs == epochs
    assert cfg.param_scheduler == [dict(
        type='WarmupCosineLR', warmup=5, eta_min_ratio=0.01, by_epoch=True,
        begin=0, end=epochs, convert_to_iter_based=True)]
    if 'shot-rgb' in path and 'zero-shot' not in path:
        n = 2 if 'hmdb51' in path else 8
        assert cfg.model.consistency.num_per_class == n


MSTA_TRAINING = [p for p in CONFIGS if osp.basename(p).startswith(
    ('msta_vit', 'vificlip_vit')) and 'zero-shot-pre_' not in p]


@pytest.mark.parametrize('path', MSTA_TRAINING,
                         ids=lambda p: osp.basename(p))
def test_msta_augmentation_is_vificlips(path):
    """ViFi-CLIP's training crop (short side 256, MultiScaleCrop of
    1/.875/.75/.66 of it, resized to 224), its colour jitter and grayscale,
    and its single-view test (short side 256, centre crop 224)."""
    cfg = Config.fromfile(path)
    steps = cfg.train_dataloader.dataset.pipeline
    i = [s['type'] for s in steps].index('MultiScaleCrop')
    assert steps[i - 1] == dict(type='Resize', scale=(-1, 256))
    assert steps[i] == dict(type='MultiScaleCrop', input_size=224,
                            scales=(1, 0.875, 0.75, 0.66), random_crop=False,
                            max_wh_scale_gap=1)
    assert steps[i + 1] == dict(type='Resize', scale=(224, 224),
                                keep_ratio=False)
    rest = steps[i + 2:]
    if 'sthv2' not in path:
        assert rest.pop(0) == dict(type='Flip', flip_ratio=0.5)
    assert rest[:2] == [
        dict(type='RandomApply', prob=0.8, transforms=[dict(
            type='TorchVisionWrapper', op='ColorJitter', brightness=0.4,
            contrast=0.4, saturation=0.2, hue=0.1)]),
        dict(type='ClipRandomGrayscale', prob=0.2)]
    val = [s for s in cfg.val_dataloader.dataset.pipeline
           if s['type'] in ('Resize', 'CenterCrop', 'ThreeCrop')]
    assert val == [dict(type='Resize', scale=(-1, 256)),
                   dict(type='CenterCrop', crop_size=224)], path


def test_msta_training_augmentation_runs():
    """The training steps after decoding, on a 320x240 clip: 224 x 224
    frames cut from one of MultiScaleCrop's fixed regions, colour-jittered
    alike (one draw per clip)."""
    import numpy as np
    from mmcv.transforms import Compose
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(MSTA_TRAINING[0])
    steps = cfg.train_dataloader.dataset.pipeline
    start = [s['type'] for s in steps].index('DecordDecode') + 1
    with DefaultScope.overwrite_default_scope('mvadapt'):
        pipeline = Compose([registry.TRANSFORMS.build(s)
                            for s in steps[start:-2]])  # up to FormatShape
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 255, (240, 320, 3), dtype=np.uint8)
    crops = set()
    for _ in range(10):
        out = pipeline(dict(imgs=[frame.copy() for _ in range(4)],
                            img_shape=(240, 320), original_shape=(240, 320),
                            modality='RGB'))
        assert len(out['imgs']) == 4
        assert all(img.shape == (224, 224, 3) for img in out['imgs'])
        # copies of a frame stay copies of one frame
        assert all((img == out['imgs'][0]).all() for img in out['imgs'])
        crops.add(tuple(int(v) for v in out['crop_bbox']))
    # short side 256: the crop side is 256, 224, 192 or 168 (x .66), never
    # a small random area as with RandomResizedCrop(0.08-1)
    sides = {c[2] - c[0] for c in crops} | {c[3] - c[1] for c in crops}
    assert sides <= {256, 224, 192, 168} and len(crops) > 1
    jitter = [s for s in steps if s['type'] == 'RandomApply'][0]
    with DefaultScope.overwrite_default_scope('mvadapt'):
        jitter = registry.TRANSFORMS.build(jitter['transforms'][0])
    clip = [frame[:224, :224].copy() for _ in range(4)]
    out = jitter(dict(imgs=[f.copy() for f in clip]))['imgs']
    assert not np.array_equal(out[0], clip[0])  # it jitters (numpy 2 too)
    assert all((img == out[0]).all() for img in out)  # one draw per clip


def test_retrieval_benchmarks_sample_at_1fps_with_a_mask():
    paths = [p for p in CONFIGS if osp.basename(p).startswith(
        ('mv-adapter_vit', 'clip4clip_vit', 'adaptformer-par_vit',
         'adaptformer-seq_vit'))]
    assert len(paths) >= 7
    for path in paths:
        cfg = Config.fromfile(path)
        for split in ('train', 'test'):
            steps = cfg[f'{split}_dataloader'].dataset.pipeline
            sample = [s for s in steps if s['type'] == 'FpsSample']
            assert len(sample) == 1 and sample[0]['fps'] == 1, path
            pack = [s for s in steps if s['type'] == 'PackActionInputs']
            assert 'video_mask' in pack[0]['collect_keys'], path


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, (list, tuple)):
        for v in node:
            yield from _strings(v)


def test_a_data_root_is_set_once(tmp_path):
    """Every benchmark's root is one line of
    configs/_base_/datasets/data_roots.py: moving the roots there moves every
    annotation list, video folder, class-name and description file of every
    benchmark config (MovingShapes keeps its own data_root)."""
    shutil.copytree(osp.join(ROOT, 'configs'), tmp_path / 'configs')
    shutil.copytree(osp.join(ROOT, 'projects', 'adaptformer', 'configs'),
                    tmp_path / 'projects' / 'adaptformer' / 'configs')
    roots_file = tmp_path / 'configs' / '_base_' / 'datasets' / 'data_roots.py'
    text = roots_file.read_text()
    moved = re.sub(r"'data/(\w+)'", r"'/elsewhere/\1'", text)
    assert moved.count('/elsewhere/') == 10
    roots_file.write_text(moved)
    benchmark_configs = 0
    for path in CONFIGS:
        rel = osp.relpath(path, ROOT)
        cfg = load_config(str(tmp_path / rel)).to_dict()
        stale = [s for s in _strings(cfg) if 'data/' in s and
                 not s.startswith('data/moving_shapes')]
        assert not stale, f'{rel} still names {stale}'
        if 'moving-shapes' in rel:
            continue
        benchmark_configs += 1
        test_paths = list(_strings(cfg['test_dataloader']))
        assert any(s.startswith('/elsewhere/') for s in test_paths), rel
        if cfg['model']['type'] == 'CLIPRecognizer':
            names = cfg['model'].get('test_class_names') or \
                cfg['model']['class_names']
            assert names.startswith('/elsewhere/'), rel
    assert benchmark_configs >= 48


BENCHMARK_CONFIGS = [p for p in CONFIGS if 'moving-shapes' not in p]


@pytest.mark.parametrize('path', BENCHMARK_CONFIGS,
                         ids=lambda p: osp.basename(p))
def test_a_data_root_override_moves_every_path(path):
    """--cfg-options data_root=... (and test_data_root=... for the zero-shot
    transfer tests) moves every file the config reads: annotation lists,
    video folders, class names, descriptions, split files."""
    plain = load_config(path)
    options = {'data_root': '/moved/train'}
    if 'test_data_root' in plain:
        options['test_data_root'] = '/moved/test'
    cfg = load_config(path, options)
    assert cfg.data_root == '/moved/train'
    read = {k: v for k, v in cfg.to_dict().items() if k != 'data_roots'}
    stale = [s for s in _strings(read) if 'data/' in s]
    assert not stale, f'{osp.basename(path)} still names {stale}'
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        root = '/moved/test' if split == 'test' and \
            'test_data_root' in options else '/moved/train'
        dataset = loader.dataset
        files = [dataset.get('data_root') or dataset.ann_file]
        if not dataset.get('data_root'):  # recognition: absolute paths
            files.append(dataset.data_prefix.video)
        assert all(f.startswith(root) for f in files), (split, files)
    model = cfg.model
    if model.type == 'CLIPRecognizer':
        names = model.get('test_class_names') or model.class_names
        assert names.startswith(options.get('test_data_root', '/moved/train'))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.basename(p))
def test_every_placeholder_resolves(path):
    """No {name} is left after loading (load_config refuses an unknown
    name in a path; this also catches one elsewhere); '{}' prompt
    templates stay."""
    cfg = load_config(path).to_dict()
    left = [s for s in _strings(cfg) if re.search(r'\{[A-Za-z_]\w*\}', s)]
    assert not left, left
    template = cfg['model'].get('template')
    if template is not None:
        assert template.count('{}') == 1


B2N = 'configs/msta/msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_{}-rgb.py'


@pytest.mark.parametrize('split', [1, 2, 3])
def test_a_b2n_split_config_reads_its_split(split):
    """The split's files, from b2n_split alone; the joint label space and
    the descriptions from the dataset base."""
    cfg = load_config(osp.join(ROOT, B2N.format(f'hmdb51-b2n-split{split}')))
    folder = f'data/hmdb51/annotations/b2n_split{split}'
    assert cfg.b2n_split == split
    assert cfg.model.class_names == f'{folder}/base_class_names.txt'
    assert cfg.model.test_class_names == \
        'data/hmdb51/annotations/class_names.txt'
    assert cfg.model.consistency.descriptions == \
        'data/hmdb51/descriptions/descriptions.json'
    assert cfg.train_dataloader.dataset.ann_file == f'{folder}/train_base.txt'
    assert cfg.val_dataloader.dataset.ann_file == \
        cfg.test_dataloader.dataset.ann_file == \
        'data/hmdb51/annotations/hmdb51_val_split_1.txt'
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        assert evaluator == dict(
            type='BaseNovelMetric',
            class_names='data/hmdb51/annotations/class_names.txt',
            base_classes=f'{folder}/base_class_names.txt',
            novel_classes=f'{folder}/novel_class_names.txt')
    # the split number is one override; data_root moves the split's folder
    other = load_config(osp.join(ROOT, B2N.format('hmdb51-b2n-split1')),
                        {'b2n_split': split, 'data_root': '/d/hmdb'})
    assert other.test_evaluator.novel_classes == \
        f'/d/hmdb/annotations/b2n_split{split}/novel_class_names.txt'


def test_few_shot_and_zero_shot_configs_read_their_lists():
    cfg = load_config(osp.join(ROOT, B2N.format('ucf101-8shot')))
    assert cfg.train_dataloader.dataset.ann_file == \
        'data/ucf101/annotations/ucf101_train_split_1_8shot.txt'
    assert cfg.model.class_names == 'data/ucf101/annotations/class_names.txt'
    zero_shot = osp.join(ROOT, 'configs', 'msta', 'msta_vit-base-p16-res224-'
                         'clip-pre-k400-zero-shot-pre_u8_{}-rgb.py')
    cfg = load_config(zero_shot.format('kinetics600-novel-split3'))
    assert cfg.test_dataloader.dataset.ann_file == \
        'data/kinetics600/annotations/k600_novel_split_3_val_list.txt'
    assert cfg.model.test_class_names == \
        'data/kinetics600/annotations/k600_novel_split_3_class_names.txt'
    assert cfg.model.class_names == \
        'data/kinetics400/annotations/class_names.txt'  # trained on K400
    assert cfg.train_dataloader.dataset.ann_file == \
        'data/kinetics400/annotations/kinetics400_train_list.txt'
    cfg = load_config(zero_shot.format('hmdb51-split2'))
    assert cfg.test_dataloader.dataset.ann_file == \
        'data/hmdb51/annotations/hmdb51_val_split_2.txt'
    assert cfg.test_dataloader.dataset.data_prefix.video == \
        'data/hmdb51/videos'
