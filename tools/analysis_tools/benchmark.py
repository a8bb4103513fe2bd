"""Training and inference cost of configs' models, side by side.

    python tools/analysis_tools/benchmark.py CONFIG [KEY=VALUE ...]
        [CONFIG [KEY=VALUE ...] ...] [--batch B] [--frames T]
        [--amp fp16|bf16|none] [--steps N] [--warmup W] [--device cpu|cuda]
        [--peak-tflops X] [--reference ROW] [--compile] [--grad-ckpt]
        [--no-fused] [--threads N] [--num-classes C] [--infer]
        [--out FILE.json]

Each CONFIG's model is built with random weights (``clip.pretrained=None``;
nothing is downloaded, no dataset is read) in a process of its own, and runs
``W`` warm-up steps, one step under ``torch.utils.flop_counter`` and ``N``
timed training steps on synthetic inputs of the config's shapes (uint8 frames
``[T, 3, H, W]`` and caption tokens or class labels, ``--batch`` per step).
A step is ``model.train_step``, as MMEngine's loop runs it: data
preprocessing, forward, loss, backward and the optimiser step of the
config's optimiser wrapper with its parameter groups and gradient clipping.
One table compares the rows: trainable parameters, median step time,
clips/s, peak memory (CUDA: peak allocated over the timed steps; CPU: peak
resident set size of the row's process), FLOPs per step, achieved TFLOP/s,
MFU (GPUs of a known peak, or ``--peak-tflops``) and each row's step time and
memory relative to the reference row (full fine-tuning: the first
CLIP4Clip-style row without adapter and with CLIP trainable, or
``--reference``).

``KEY=VALUE`` tokens after a CONFIG override that config (as
``--cfg-options`` does), so ablations are rows of their own;
``label=NAME`` names the row. ``mmaction::PATH`` is a config of the installed
MMAction2; ``mmaction::retrieval/clip4clip/`` followed by
``clip4clip_vit-base-p32-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py`` is
MMAction2's CLIP4Clip, built from random weights that are written to a
temporary file in OpenAI's checkpoint format (``model.clip_arch=ViT-B/16``
for the ViT-B/16 backbone).

Precision: the config's optimiser wrapper unless ``--amp`` says otherwise
(``fp16``: MMEngine's ``AmpOptimWrapper``, CUDA only; ``bf16``:
``AutocastOptimWrapper``; ``none``: fp32). On CPU a config's fp16
``AmpOptimWrapper`` falls back to fp32; the table says what each row used.
On CUDA, AdamW runs fused (``fused=True``) unless ``--no-fused`` or the config
sets ``fused``/``foreach`` itself.

Recognition configs (``CLIPRecognizer``) need class-name (and description)
files; where the config's files do not exist, synthetic ones of the
dataset's class count are written to a temporary directory. Their rows also
time the class prompts' text encoding (forward + backward) at the config's
``max_words`` and at the prompts' real length.

``--infer`` measures encoding instead of training: videos/s and texts/s, with
the adapters on and off (``adapter.disabled()``, i.e. frozen CLIP).

On CPU the times are also given in CPU seconds of the row's process; on a
machine shared with other jobs ``--threads 1`` keeps them steady.

Examples::

    # CPU, fp32, ViT-B/16, 2 videos x 4 frames (docs/benchmarks.md)
    python tools/analysis_tools/benchmark.py \\
        configs/clip4clip/clip4clip_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py \\
        configs/mv_adapter/mv-adapter_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py \\
        configs/mv_adapter/mv-adapter_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py \\
            model.adapter.cmt=False "label=MV-Adapter w/o CMT" \\
        --batch 2 --frames 4 --amp none --steps 3 --warmup 1 --threads 1 \\
        --out bench.json
"""
import argparse
import json
import math
import os
import os.path as osp
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from typing import Dict, List, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# The repository root, so configs can load plugins from projects/ with
# custom_imports (as tools/train.py does).
sys.path.insert(0, ROOT)

# Dense (no sparsity) peak tensor-core TFLOP/s by precision, from the
# vendors' data sheets; fp32 is the non-tensor-core peak (PyTorch does not
# use TF32 for fp32 matmuls unless told to). First match of the pattern in
# torch.cuda.get_device_name() wins.
PEAK_TFLOPS: Tuple[Tuple[str, Dict[str, float]], ...] = (
    (r'H[12]00 NVL', dict(bf16=835.5, fp16=835.5, fp32=60.0)),
    (r'H100 PCIe', dict(bf16=756.5, fp16=756.5, fp32=51.2)),
    (r'H100|H200', dict(bf16=989.5, fp16=989.5, fp32=66.9)),  # SXM
    (r'A100', dict(bf16=312.0, fp16=312.0, fp32=19.5)),
    (r'L40S', dict(bf16=362.1, fp16=362.1, fp32=91.6)),
    (r'\bL4\b', dict(bf16=121.0, fp16=121.0, fp32=30.3)),
    (r'\bA10\b', dict(bf16=125.0, fp16=125.0, fp32=31.2)),
    (r'V100-PCIE', dict(fp16=112.0, fp32=14.0)),
    (r'V100', dict(fp16=125.0, fp32=15.7)),
    (r'\bT4\b', dict(fp16=65.0, fp32=8.1)),
)

# Classes per dataset (the data/<name>/ folder of the configs), for
# synthetic class-name files; base-to-novel splits put the first half (the
# odd class included) in base, as tools/data/make_splits.py does.
DATASET_CLASSES = dict(kinetics400=400, kinetics600=600, hmdb51=51,
                       ucf101=101, sthv2=174, moving_shapes=30)

MODEL_KINDS = dict(VideoTextRetriever='retriever', CLIPRecognizer='recognizer',
                   CLIPSimilarity='mmaction')

GIB = 1024 ** 3


# ------------------------------------------------------------ arithmetic
def peak_tflops(device_name: str, precision: str,
                table=PEAK_TFLOPS) -> Optional[float]:
    """Dense peak TFLOP/s of a GPU at ``precision`` (``'bf16'``, ``'fp16'``
    or ``'fp32'``), or None when the GPU or the precision is not listed."""
    for pattern, peaks in table:
        if re.search(pattern, device_name):
            return peaks.get(precision)
    return None


def model_flops_utilisation(flops_per_step: float, step_s: float,
                            peak: Optional[float]) -> Optional[float]:
    """Achieved FLOP/s over the peak (``peak`` in TFLOP/s)."""
    if not peak or not step_s or not flops_per_step:
        return None
    return flops_per_step / step_s / (peak * 1e12)


def _sdpa_flops(query_shape, key_shape, value_shape, *args,
                out_shape=None, **kwargs) -> int:
    from torch.utils.flop_counter import sdpa_flop_count
    return sdpa_flop_count(query_shape, key_shape, value_shape)


def _sdpa_backward_flops(grad_out_shape, query_shape, key_shape, value_shape,
                         *args, out_shape=None, **kwargs) -> int:
    from torch.utils.flop_counter import sdpa_backward_flop_count
    return sdpa_backward_flop_count(grad_out_shape, query_shape, key_shape,
                                    value_shape)


def flop_counter():
    """``FlopCounterMode`` that also counts PyTorch's CPU flash attention
    (``torch.utils.flop_counter`` only lists the CUDA SDPA kernels), with
    the formulas it uses for those."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    aten = torch.ops.aten
    mapping = {}
    if hasattr(aten, '_scaled_dot_product_flash_attention_for_cpu'):
        mapping[aten._scaled_dot_product_flash_attention_for_cpu] = \
            _sdpa_flops
        mapping[aten._scaled_dot_product_flash_attention_for_cpu_backward] \
            = _sdpa_backward_flops
    return FlopCounterMode(display=False, custom_mapping=mapping)


def median(values: List[float]) -> float:
    return statistics.median(values) if values else float('nan')


# ---------------------------------------------------------- command line
def split_specs(tokens: List[str]) -> List[dict]:
    """``CONFIG [KEY=VALUE ...] ...`` -> ``[dict(config, options, label)]``.

    A token is a config if it names a ``.py`` file or an ``mmaction::``
    config; ``KEY=VALUE`` tokens override the config before them and
    ``label=NAME`` names its row.
    """
    specs: List[dict] = []
    for tok in tokens:
        if tok.startswith('mmaction::') or (tok.endswith('.py')
                                            and '=' not in tok):
            specs.append(dict(config=tok, options=[], label=None))
        elif '=' in tok:
            if not specs:
                raise ValueError(f'{tok!r}: KEY=VALUE options follow the '
                                 'CONFIG they override')
            key, value = tok.split('=', 1)
            if key == 'label':
                specs[-1]['label'] = value
            else:
                specs[-1]['options'].append(tok)
        else:
            raise ValueError(f'{tok!r} is neither a config (.py, '
                             'mmaction::...) nor a KEY=VALUE option')
    if not specs:
        raise ValueError('no CONFIG given')
    for spec in specs:
        config = spec['config']
        if not config.startswith('mmaction::'):
            if not osp.isfile(config):
                raise FileNotFoundError(f'no such config: {config}')
            spec['config'] = osp.abspath(config)
    labels = [s['label'] or default_label(s['config'], s['options'])
              for s in specs]
    for spec, label in zip(specs, labels):
        if spec['label'] is None and labels.count(label) > 1:
            stem = osp.basename(spec['config'])[:-3]
            label = label.replace(stem.split('_')[0], '_'.join(
                stem.split('_')[:2]), 1)
        spec['label'] = spec['label'] or label
    return specs


def default_label(config: str, options: List[str]) -> str:
    """``mv-adapter [cmt=False]`` from the config's algorithm part and its
    overrides; MMAction2's configs are prefixed with ``MMAction2``."""
    stem = osp.basename(config)[:-3]
    label = stem.split('_')[0]
    if config.startswith('mmaction::'):
        label = 'MMAction2 ' + label
    if options:
        label += ' [' + ', '.join(
            o.split('=', 1)[0].split('.')[-1] + '=' + o.split('=', 1)[1]
            for o in options) + ']'
    return label


def resolve_config_path(config: str) -> str:
    if not config.startswith('mmaction::'):
        return config
    import mmaction
    path = osp.join(osp.dirname(mmaction.__file__), '.mim', 'configs',
                    config[len('mmaction::'):])
    if not osp.isfile(path):
        raise FileNotFoundError(f'{config}: no such config in the installed '
                                f'MMAction2 ({path})')
    return path


def load_config(spec: dict):
    from mmengine.config import DictAction

    from mvadapt.utils import load_config as load
    options = {}
    for opt in spec['options']:
        key, value = opt.split('=', 1)
        options[key] = DictAction._parse_iterable(value)
    return load(resolve_config_path(spec['config']), options)


def model_kind(cfg) -> str:
    kind = MODEL_KINDS.get(cfg.model.get('type'))
    if kind is None:
        raise ValueError(f"model type {cfg.model.get('type')!r} is not "
                         f'supported (one of {sorted(MODEL_KINDS)})')
    return kind


# ------------------------------------------- inputs the configs point at
def synthetic_class_count(path: str, num_classes: Optional[int]) -> int:
    """Classes of a missing class-names file, from the dataset folder in its
    path (``data/<dataset>/...``) and its name (``base_``/``novel_``), or
    ``num_classes`` when given."""
    if num_classes:
        return num_classes
    parts = path.replace('\\', '/').split('/')
    for name, total in DATASET_CLASSES.items():
        if name in parts:
            base = osp.basename(path)
            if base.startswith('base_'):
                return math.ceil(total / 2)
            if base.startswith('novel_'):
                return total // 2
            return total
    raise ValueError(f'{path}: no such class-names file and no known '
                     f'dataset ({sorted(DATASET_CLASSES)}) in its path; '
                     'pass --num-classes')


def synthetic_class_names(count: int) -> List[str]:
    """Names of the token length of typical action classes ("action 17"
    gives an 11-token prompt with 'a photo of a {}.')."""
    return [f'action {i}' for i in range(count)]


def prepare_recognizer_files(cfg, out_dir: str, index: int,
                             num_classes: Optional[int]) -> List[str]:
    """Write synthetic class-name and description files where the config's
    do not exist; returns the ``KEY=VALUE`` overrides pointing at them."""
    model = cfg.model
    options, names = [], {}
    for key in ('class_names', 'test_class_names'):
        src = model.get(key)
        if isinstance(src, str) and not osp.isfile(src):
            count = synthetic_class_count(src, num_classes)
            path = osp.join(out_dir, f'row{index}_{key}.txt')
            with open(path, 'w') as f:
                f.write('\n'.join(synthetic_class_names(count)) + '\n')
            options.append(f'model.{key}={path}')
            names[key] = path
    consistency = model.get('consistency')
    if consistency:
        from mvadapt.utils.descriptions import read_class_names
        desc = consistency.get('descriptions')
        files = [desc] if isinstance(desc, str) else list(
            (desc or {}).values())
        if any(not osp.isfile(f) for f in files):
            train = read_class_names(names.get('class_names',
                                               model.class_names))
            n = consistency.get('num_per_class') or 2
            data = {c: {kind: [f'{kind} description {j} of {c}, a person '
                               'doing something in a room'
                               for j in range(n)]
                        for kind in ('spatial', 'temporal')}
                    for c in train}
            path = osp.join(out_dir, f'row{index}_descriptions.json')
            with open(path, 'w') as f:
                json.dump(data, f)
            options.append(f'model.consistency.descriptions={path}')
    return options


def openai_clip_dims(arch: str) -> dict:
    """Constructor arguments of OpenAI's ``clip.model.CLIP`` for a ViT name
    of ``clip.available_models()`` (``'ViT-B/16'``), from OpenCLIP's model
    config of the same architecture."""
    import open_clip
    name = arch.replace('/', '-').replace('@336px', '-336')
    oc = open_clip.get_model_config(name)
    if oc is None or not isinstance(oc['vision_cfg']['layers'], int):
        raise ValueError(f'clip_arch {arch!r}: only OpenAI ViT '
                         'architectures are supported')
    v, t = oc['vision_cfg'], oc['text_cfg']
    return dict(embed_dim=oc['embed_dim'], image_resolution=v['image_size'],
                vision_layers=v['layers'], vision_width=v['width'],
                vision_patch_size=v['patch_size'],
                context_length=t['context_length'],
                vocab_size=t['vocab_size'], transformer_width=t['width'],
                transformer_heads=t['width'] // 64,
                transformer_layers=t['layers'])


def write_random_openai_clip(dims: dict, path: str) -> str:
    """Save a randomly initialised OpenAI CLIP that ``clip.load(path)``
    builds offline: a TorchScript archive of its fp16 weights only, the
    format of OpenAI's checkpoints. (``clip.load`` of a plain state-dict file
    fails with current PyTorch: after its ``torch.jit.load`` attempt it reads
    on from the end of the file.)"""
    import warnings

    import torch
    from torch import nn

    from mvadapt.compat import import_openai_clip
    clip = import_openai_clip()
    torch.manual_seed(0)
    weights = nn.Module()
    for name, tensor in clip.model.CLIP(**dims).state_dict().items():
        *parents, leaf = name.split('.')
        module = weights
        for part in parents:
            if not hasattr(module, part):
                module.add_module(part, nn.Module())
            module = getattr(module, part)
        module.register_parameter(leaf, nn.Parameter(
            tensor.half() if tensor.is_floating_point() else tensor,
            requires_grad=False))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)  # torch.jit
        torch.jit.save(torch.jit.script(weights), path)
    return path


def prepare(spec: dict, out_dir: str, index: int, args) -> dict:
    """Per-row files the model needs (in the parent, so that their memory
    does not count in the row's process)."""
    cfg = load_config(spec)
    kind = model_kind(cfg)
    extra: List[str] = []
    if kind == 'recognizer':
        extra = prepare_recognizer_files(cfg, out_dir, index,
                                         args.num_classes)
    elif kind == 'mmaction' and not osp.isfile(cfg.model.clip_arch):
        path = osp.join(out_dir, f'row{index}_openai_clip.pt')
        write_random_openai_clip(openai_clip_dims(cfg.model.clip_arch), path)
        extra = [f'model.clip_arch={path}']
    return dict(spec, options=spec['options'] + extra,
                synthetic=extra, kind=kind)


# -------------------------------------------------- precision, optimiser
_WRAPPER_KEYS = ('optimizer', 'paramwise_cfg', 'clip_grad',
                 'accumulative_counts', 'constructor')


def resolve_precision(wrapper_cfg: dict, amp: Optional[str],
                      device: str) -> Tuple[dict, str, str]:
    """The optimiser wrapper config to run, its precision (``fp32``,
    ``bf16`` or ``fp16``) and a note on any change to the config's.

    ``amp=None`` keeps the config's wrapper, except that an fp16
    ``AmpOptimWrapper`` (CUDA only) falls back to fp32 on CPU.
    """
    wrapper_cfg = dict(wrapper_cfg)
    kept = {k: v for k, v in wrapper_cfg.items() if k in _WRAPPER_KEYS}
    cfg_type = wrapper_cfg.get('type', 'OptimWrapper')
    if amp is None:
        if cfg_type == 'OptimWrapper':
            return wrapper_cfg, 'fp32', ''
        if cfg_type == 'AutocastOptimWrapper':
            dtype = wrapper_cfg.get('dtype', 'bfloat16')
            return (dict(wrapper_cfg, device_type=device),
                    _short_dtype(dtype), '')
        if cfg_type == 'AmpOptimWrapper':
            dtype = wrapper_cfg.get('dtype') or 'float16'
            if device == 'cuda':
                return wrapper_cfg, _short_dtype(dtype), ''
            return (dict(kept, type='OptimWrapper'), 'fp32',
                    f'config: {_short_dtype(dtype)} AmpOptimWrapper, '
                    'CUDA only')
        raise ValueError(f'optimiser wrapper {cfg_type!r}: pass --amp')
    if amp == 'none':
        return dict(kept, type='OptimWrapper'), 'fp32', ''
    if amp == 'bf16':
        return (dict(kept, type='AutocastOptimWrapper', dtype='bfloat16',
                     device_type=device), 'bf16', '')
    if amp == 'fp16':
        if device != 'cuda':
            raise ValueError("--amp fp16 uses MMEngine's AmpOptimWrapper, "
                             'which needs CUDA; use --amp bf16 or none on '
                             'CPU')
        return (dict(kept, type='AmpOptimWrapper', dtype='float16'), 'fp16',
                '')
    raise ValueError(f'--amp {amp!r}: choose fp16, bf16 or none')


def _short_dtype(dtype) -> str:
    name = str(dtype).replace('torch.', '')
    return dict(bfloat16='bf16', float16='fp16', half='fp16',
                float32='fp32').get(name, name)


def resolve_optimizer(optim_cfg: dict, device: str,
                      fused: bool = True) -> Tuple[dict, str]:
    """The optimiser config and its implementation: on CUDA, Adam(W) runs
    fused unless ``fused=False`` or the config chooses itself; elsewhere
    PyTorch's default (single-tensor on CPU)."""
    optim_cfg = dict(optim_cfg)
    if device == 'cuda' and fused and optim_cfg.get('type') in (
            'AdamW', 'Adam') and 'fused' not in optim_cfg and \
            'foreach' not in optim_cfg:
        optim_cfg['fused'] = True
    if optim_cfg.get('fused'):
        impl = 'fused'
    elif optim_cfg.get('foreach'):
        impl = 'foreach'
    else:
        impl = 'foreach' if device == 'cuda' else 'single-tensor'
    return optim_cfg, f"{optim_cfg.get('type')} ({impl})"


# ------------------------------------------------------------ the worker
def config_frames(cfg, kind: str) -> int:
    """Frames per clip the config trains on."""
    if kind == 'recognizer':
        return int(cfg.model.num_frames)
    for loader in ('train_dataloader', 'test_dataloader'):
        pipeline = (cfg.get(loader) or {}).get('dataset', {}).get(
            'pipeline', [])
        for t in pipeline:
            if t['type'] == 'FpsSample':
                return int(t['max_frames'])
            if t['type'] in ('UniformSample', 'SampleFrames'):
                return int(t['clip_len']) * int(t.get('num_clips', 1))
    raise ValueError('cannot tell the frames per clip from the config; '
                     'pass --frames')


def config_batch(cfg) -> int:
    for loader in ('train_dataloader', 'test_dataloader'):
        if cfg.get(loader):
            return int(cfg[loader]['batch_size'])
    raise ValueError('the config has no data loader; pass --batch')


def collects_video_mask(cfg) -> bool:
    pipeline = (cfg.get('train_dataloader') or {}).get('dataset', {}).get(
        'pipeline', [])
    return any('video_mask' in t.get('collect_keys', ()) for t in pipeline)


def build(cfg, kind: str, task: dict):
    import torch
    from mvadapt.registry import MODELS
    if kind == 'mmaction':
        from mvadapt.compat import import_openai_clip
        import_openai_clip()  # before CLIPSimilarity imports it
        if task['grad_ckpt']:
            raise ValueError("--grad-ckpt: OpenAI's CLIP (MMAction2's "
                             'CLIP4Clip) has no activation checkpointing')
    else:
        cfg.model.clip.pretrained = None
        if task['grad_ckpt']:
            cfg.model.clip.grad_checkpointing = True
        if kind == 'recognizer' and task['frames']:
            cfg.model.num_frames = task['frames']
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


def shapes(model, kind: str) -> Tuple[int, int, int]:
    """(image size, text length, vocabulary size) of a built model."""
    if kind == 'mmaction':
        clip = model.clip
        return (clip.visual.input_resolution, clip.context_length,
                clip.vocab_size)
    clip = model.backbone.clip
    size = clip.visual.image_size
    size = size[0] if isinstance(size, (tuple, list)) else size
    return size, model.backbone.max_words, clip.vocab_size


def synthetic_batch(kind: str, batch: int, frames: int, image_size: int,
                    text_len: int, vocab: int, num_classes: int,
                    video_mask: bool) -> dict:
    """A data batch as the config's pipeline and collate function give it:
    uint8 frames ``[T, 3, H, W]`` and token ids (SOT ... EOT) or labels."""
    import torch
    from mmaction.structures import ActionDataSample
    g = torch.Generator().manual_seed(0)
    imgs = [torch.randint(0, 256, (frames, 3, image_size, image_size),
                          dtype=torch.uint8, generator=g)
            for _ in range(batch)]
    samples = [ActionDataSample() for _ in range(batch)]
    inputs = dict(imgs=imgs)
    if kind == 'recognizer':
        for i, sample in enumerate(samples):
            sample.set_gt_label(i % num_classes)
        return dict(inputs=inputs, data_samples=samples)
    tokens = torch.randint(1, vocab - 2, (batch, text_len), generator=g)
    tokens[:, 0] = vocab - 2  # start of text
    tokens[:, -1] = vocab - 1  # end of text, pooled (largest id)
    inputs['text'] = [t.unsqueeze(0) if kind == 'retriever' else t
                      for t in tokens]
    if video_mask:
        inputs['video_mask'] = [torch.ones(frames) for _ in range(batch)]
    return dict(inputs=inputs, data_samples=samples)


def adapters_of(model):
    """The model's adapter injector (MV-Adapter, MSTA, AdaptFormer), or
    None (MMAction2's ``adapter`` is its temporal pooling)."""
    from mvadapt.models.adapters import AdapterInjector
    adapter = getattr(model, 'adapter', None)
    return adapter if isinstance(adapter, AdapterInjector) else None


def clip_module(model, kind: str):
    return model.clip if kind == 'mmaction' else model.backbone.clip


def sync(device: str) -> None:
    if device == 'cuda':
        import torch
        torch.cuda.synchronize()


def timed(fn, n: int, device: str) -> Tuple[List[float], List[float]]:
    """Wall-clock and CPU seconds (this process, all threads) of ``n`` calls
    of ``fn``. On a CPU shared with other jobs the CPU seconds are the
    steadier measure: waiting for a core does not count."""
    wall, cpu = [], []
    for _ in range(n):
        sync(device)
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        sync(device)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def peak_rss() -> int:
    """Peak resident set size of this process in bytes: ``VmHWM`` of
    ``/proc/self/status`` (it starts afresh at ``exec``, unlike
    ``ru_maxrss``, which keeps the high-water mark of the forking parent),
    else ``ru_maxrss``."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == 'darwin' else rss * 1024


def peak_memory(device: str) -> Tuple[int, str]:
    if device == 'cuda':
        import torch
        return torch.cuda.max_memory_allocated(), 'CUDA peak allocated'
    return peak_rss(), 'peak RSS of the process'


def device_name(device: str) -> str:
    if device == 'cuda':
        import torch
        return torch.cuda.get_device_name()
    name = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    name = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return f'{name}, {os.cpu_count()} logical CPUs'


def measure_class_prompts(model, optim_wrapper, steps: int,
                          device: str) -> dict:
    """Text-side cost of a recognizer's class prompts per training step:
    forward + backward of every class prompt padded to ``max_words`` (77 for
    MSTA's configs; what CLIPRecognizer ran before it cut prompts to their
    length) and cut to the longest prompt's real length (what it runs now),
    and the largest difference of the embeddings (fp32). With CLIP's causal
    mask the end-of-text feature does not see the padding, so the
    embeddings agree up to floating-point rounding."""
    import open_clip
    import torch
    prompts = [model.template.format(n) for n in model.class_names]
    full = open_clip.tokenize(prompts, context_length=model.backbone.max_words)
    full = full.to(model.backbone.logit_scale.device)
    real = int((full != 0).sum(1).max())
    cut = full[:, :real].contiguous()

    def fwd_bwd(tokens):
        def run():
            with optim_wrapper.optim_context(model):
                emb = model.backbone.encode_text(tokens)
            emb.float().sum().backward()
            model.zero_grad(set_to_none=True)
        return run

    out = dict(classes=len(prompts), tokens=full.shape[1], real_tokens=real,
               model_tokens=model.tokenize(prompts).shape[1])
    for key, tokens in (('full', full), ('real', cut)):
        fwd_bwd(tokens)()  # warm-up at this shape
        wall, cpu = timed(fwd_bwd(tokens), steps, device)
        out[f'{key}_s'], out[f'{key}_cpu_s'] = median(wall), median(cpu)
    with torch.no_grad():
        diff = (model.backbone.encode_text(full).float() -
                model.backbone.encode_text(cut).float()).abs().max()
    out['max_abs_diff'] = float(diff)
    return out


def run_task(task: dict) -> dict:
    """Build one row's model and measure it (in its own process)."""
    import torch
    import mvadapt  # noqa: F401  (compat)
    from mmengine.logging import MMLogger
    from mvadapt.utils import register_all_modules
    register_all_modules()
    # the 'current' logger: warnings only (no parameter-group listing)
    MMLogger.get_instance('benchmark', log_level='WARNING')
    if task['threads']:
        torch.set_num_threads(task['threads'])
    device = task['device']
    rss_before = peak_rss()
    cfg = load_config(task)
    kind = task['kind']
    frames = task['frames'] or config_frames(cfg, kind)
    batch = task['batch'] or config_batch(cfg)
    model = build(cfg, kind, task).to(device)
    image_size, text_len, vocab = shapes(model, kind)
    num_classes = len(model.class_names) if kind == 'recognizer' else 0
    data = synthetic_batch(kind, batch, frames, image_size, text_len, vocab,
                           num_classes, kind == 'retriever'
                           and collects_video_mask(cfg))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    row = dict(label=task['label'], config=task['config'],
               options=task['options'], synthetic=task['synthetic'],
               kind=kind, device=device_name(device), batch=batch,
               frames=frames, image_size=image_size, text_len=text_len,
               trainable=trainable,
               total=sum(p.numel() for p in model.parameters()),
               clip_total=sum(p.numel() for p in
                              clip_module(model, kind).parameters()),
               adapter=adapters_of(model) is not None,
               grad_ckpt=task['grad_ckpt'], compiled=task['compile'],
               threads=torch.get_num_threads(), rss_before_model=rss_before,
               load_before=os.getloadavg()[0])
    row['full_finetune'] = not row['adapter'] and kind != 'mmaction' and \
        not cfg.model.clip.get('frozen', False)
    if task['infer']:
        row.update(measure_inference(model, cfg, kind, data, task))
    else:
        row.update(measure_training(model, cfg, kind, data, task))
    row['load_after'] = os.getloadavg()[0]
    return row


def measure_training(model, cfg, kind: str, data: dict, task: dict) -> dict:
    from mmengine.optim import build_optim_wrapper
    device = task['device']
    if not cfg.get('optim_wrapper'):
        raise ValueError('the config has no optim_wrapper (an evaluation-'
                         'only config?); use --infer')
    wrapper_cfg, precision, note = resolve_precision(
        cfg.optim_wrapper.to_dict() if hasattr(cfg.optim_wrapper, 'to_dict')
        else cfg.optim_wrapper, task['amp'], device)
    wrapper_cfg['optimizer'], optimizer = resolve_optimizer(
        wrapper_cfg['optimizer'], device, task['fused'])
    optim_wrapper = build_optim_wrapper(model, wrapper_cfg)
    model.train()

    def step():
        model.train_step(data, optim_wrapper)

    warmup = timed(step, task['warmup'], device)[0]
    with flop_counter() as counter:
        step()
    flops = counter.get_total_flops()
    compile_s = None
    if task['compile']:
        model.compile()
        compile_s = timed(step, max(1, task['warmup']), device)[0][0]
    if device == 'cuda':
        import torch
        torch.cuda.reset_peak_memory_stats()
    times, cpu_times = timed(step, task['steps'], device)
    mem, mem_kind = peak_memory(device)
    step_s = median(times)
    peak = task['peak_tflops'] or (peak_tflops(device_name(device),
                                               precision)
                                   if device == 'cuda' else None)
    out = dict(mode='train', precision=precision, precision_note=note,
               optimizer=optimizer, warmup_s=warmup, compile_s=compile_s,
               step_s=times, median_step_s=step_s, cpu_step_s=cpu_times,
               median_cpu_step_s=median(cpu_times),
               clips_per_s=len(data['data_samples']) / step_s,
               peak_mem_bytes=mem, mem_kind=mem_kind, flops_per_step=flops,
               tflops_per_s=flops / step_s / 1e12, peak_tflops=peak,
               mfu=model_flops_utilisation(flops, step_s, peak))
    if kind == 'recognizer':
        out['class_prompts'] = measure_class_prompts(
            model, optim_wrapper, task['steps'], device)
    return out


def measure_inference(model, cfg, kind: str, data: dict, task: dict) -> dict:
    import torch
    device = task['device']
    wrapper = cfg.get('optim_wrapper') or dict(type='OptimWrapper')
    _, precision, note = resolve_precision(wrapper, task['amp'], device)
    dtype = dict(bf16=torch.bfloat16, fp16=torch.float16).get(precision)
    autocast = torch.autocast(device, dtype=dtype) if dtype else \
        nullcontext()
    model.eval()
    with torch.inference_mode():
        inputs = model.data_preprocessor(data, False)['inputs']
    imgs = inputs['imgs']
    if kind == 'recognizer':
        names = [model.class_names[i % len(model.class_names)]
                 for i in range(imgs.shape[0])]
        text = model.tokenize([model.template.format(n) for n in names])
    else:
        text = inputs['text']
    video_mask = inputs.get('video_mask')

    def encode_video():
        if kind == 'retriever':
            model.encode_video(imgs, video_mask)
        else:
            model.encode_video(imgs)

    def encode_text():
        if kind == 'recognizer':
            model.backbone.encode_text(text)
        else:
            model.encode_text(text)

    out = dict(mode='infer', precision=precision, precision_note=note)
    adapters = adapters_of(model)
    states = (('on', nullcontext), ('off', adapters.disabled)) \
        if adapters is not None else (('on', nullcontext), )
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    with torch.inference_mode(), autocast:
        for name, ctx in states:
            with ctx():
                for what, fn in (('videos', encode_video),
                                 ('texts', encode_text)):
                    timed(fn, task['warmup'], device)
                    wall, cpu = timed(fn, task['steps'], device)
                    key = f'{what}_per_s_adapters_{name}'
                    out[key] = imgs.shape[0] / median(wall)
                    out[key + '_cpu'] = imgs.shape[0] / median(cpu)
    out['peak_mem_bytes'], out['mem_kind'] = peak_memory(device)
    return out


def run_rows(specs: List[dict], args, out_dir: str) -> List[dict]:
    """Run every row in a fresh process; a failed row is reported with its
    error and does not stop the others."""
    rows = []
    for i, spec in enumerate(specs):
        task = dict(spec, batch=args.batch, frames=args.frames, amp=args.amp,
                    steps=args.steps, warmup=args.warmup, device=args.device,
                    peak_tflops=args.peak_tflops, compile=args.compile,
                    grad_ckpt=args.grad_ckpt, fused=not args.no_fused,
                    infer=args.infer, threads=args.threads)
        task_file = osp.join(out_dir, f'task{i}.json')
        result_file = osp.join(out_dir, f'result{i}.json')
        with open(task_file, 'w') as f:
            json.dump(dict(task, result=result_file), f)
        print(f'[{i + 1}/{len(specs)}] {spec["label"]}: '
              f'{spec["config"]} {" ".join(spec["options"])}', flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, osp.abspath(__file__),
                               '--worker', task_file])
        if proc.returncode == 0 and osp.isfile(result_file):
            with open(result_file) as f:
                row = json.load(f)
        else:
            error = None
            if osp.isfile(result_file):
                with open(result_file) as f:
                    error = json.load(f).get('error')
            if error is None:
                error = f'exit status {proc.returncode}' + (
                    ' (killed: out of memory?)' if proc.returncode in (
                        -9, 137) else '')
            row = dict(label=spec['label'], config=spec['config'],
                       options=spec['options'], error=error)
        row['wall_s'] = time.perf_counter() - start
        print('    ' + summary_line(row), flush=True)
        rows.append(row)
    return rows


def worker_main(task_file: str) -> int:
    with open(task_file) as f:
        task = json.load(f)
    try:
        row = run_task(task)
    except Exception as e:  # reported in the row, the other rows go on
        import traceback
        traceback.print_exc()
        with open(task['result'], 'w') as f:
            json.dump(dict(error=f'{type(e).__name__}: {e}'), f)
        return 1
    with open(task['result'], 'w') as f:
        json.dump(row, f)
    return 0


# ------------------------------------------------------------- the table
def choose_reference(rows: List[dict], reference: Optional[str]) -> int:
    """Index of the reference row: ``reference`` (a 1-based row number or
    a label), else the first full fine-tune of a retriever (CLIP4Clip),
    else of any model, else the first row."""
    ok = [i for i, r in enumerate(rows) if 'error' not in r]
    if reference is not None:
        if reference.isdigit() and 1 <= int(reference) <= len(rows):
            index = int(reference) - 1
        else:
            matches = [i for i, r in enumerate(rows)
                       if r['label'] == reference]
            if not matches:
                raise ValueError(f'--reference {reference!r}: no such row '
                                 f"(labels: {[r['label'] for r in rows]})")
            index = matches[0]
        return index
    for test in (lambda r: r.get('full_finetune') and
                 r.get('kind') == 'retriever',
                 lambda r: r.get('full_finetune')):
        for i in ok:
            if test(rows[i]):
                return i
    return ok[0] if ok else 0


def add_ratios(rows: List[dict], ref: int) -> None:
    base = rows[ref]
    for row in rows:
        if 'error' in row or 'error' in base:
            continue
        if row.get('mode') == 'train':
            row['step_ratio'] = row['median_step_s'] / base['median_step_s']
            row['cpu_ratio'] = row['median_cpu_step_s'] / \
                base['median_cpu_step_s']
        row['mem_ratio'] = row['peak_mem_bytes'] / base['peak_mem_bytes']


def fmt(value, spec: str = '.2f', none: str = '-') -> str:
    return none if value is None else format(value, spec)


def summary_line(row: dict) -> str:
    if 'error' in row:
        return f'failed: {row["error"]}'
    mem = f'{row["peak_mem_bytes"] / GIB:.2f} GiB'
    if row['mode'] == 'infer':
        return (f'{row["videos_per_s_adapters_on"]:.2f} videos/s, '
                f'{row["texts_per_s_adapters_on"]:.1f} texts/s, {mem} '
                f'({row["precision"]}, {row["wall_s"]:.0f} s)')
    return (f'{row["median_step_s"]:.3f} s/step '
            f'({row["median_cpu_step_s"]:.3f} CPU s), {mem}, '
            f'{row["flops_per_step"] / 1e12:.4g} TFLOP/step '
            f'({row["precision"]}, {row["wall_s"]:.0f} s)')


def markdown_table(head: List[str], rows: List[dict], ref: int,
                   cells) -> str:
    """One line per row: its number, label (``(ref)`` marks the reference),
    then ``cells(row)``, or the error of a failed row."""
    lines = ['| ' + ' | '.join(head) + ' |', '|' + '---|' * len(head)]
    for i, r in enumerate(rows):
        name = r['label'] + (' (ref)' if i == ref else '')
        rest = ['failed: ' + r['error']] + [''] * (len(head) - 3) \
            if 'error' in r else cells(r)
        lines.append('| ' + ' | '.join([str(i + 1), name] + rest) + ' |')
    return '\n'.join(lines)


def precision_cell(r: dict) -> str:
    return r['precision'] + (f" ({r['precision_note']})"
                             if r['precision_note'] else '')


def timing(wall: Optional[float], cpu: Optional[float], spec: str,
           with_cpu: bool, suffix: str = '') -> str:
    """``wall`` and, on CPU, ``(cpu)`` after it."""
    if wall is None:
        return '-'
    cell = format(wall, spec) + suffix
    return cell + (f' ({format(cpu, spec)}{suffix})'
                   if with_cpu and cpu is not None else '')


def train_table(rows: List[dict], ref: int, with_cpu: bool) -> str:
    def cells(r):
        share = 100 * r['trainable'] / r['clip_total']
        return [precision_cell(r), f"{r['trainable']:,} ({share:.2f} %)",
                timing(r['median_step_s'], r['median_cpu_step_s'], '.3f',
                       with_cpu),
                f"{r['clips_per_s']:.2f}",
                f"{r['peak_mem_bytes'] / GIB:.2f}",
                f"{r['flops_per_step'] / 1e12:.4g}",
                f"{r['tflops_per_s']:.4g}",
                fmt(r['mfu'] and 100 * r['mfu'], '.1f') +
                (' %' if r['mfu'] else ''),
                timing(r.get('step_ratio'), r.get('cpu_ratio'), '.2f',
                       with_cpu, 'x'),
                fmt(r.get('mem_ratio')) + 'x']

    cpu = ' (CPU s)' if with_cpu else ''
    return markdown_table(
        ['#', 'method', 'precision', 'trainable params (% of CLIP)',
         f'step s{cpu}, median', 'clips/s', 'peak mem (GiB)', 'TFLOP/step',
         'TFLOP/s', 'MFU', f'step vs ref{cpu}', 'mem vs ref'], rows, ref,
        cells)


def infer_table(rows: List[dict], ref: int, with_cpu: bool) -> str:
    def rate(r, what, state, spec):
        key = f'{what}_per_s_adapters_{state}'
        return timing(r.get(key), r.get(key + '_cpu'), spec, with_cpu)

    def cells(r):
        return [precision_cell(r), rate(r, 'videos', 'on', '.2f'),
                rate(r, 'videos', 'off', '.2f'),
                rate(r, 'texts', 'on', '.1f'), rate(r, 'texts', 'off', '.1f'),
                f"{r['peak_mem_bytes'] / GIB:.2f}",
                fmt(r.get('mem_ratio')) + 'x']

    cpu = ' (per CPU s)' if with_cpu else ''
    return markdown_table(
        ['#', 'method', 'precision', f'videos/s{cpu}, adapters',
         f'videos/s{cpu}, no adapters', f'texts/s{cpu}, adapters',
         f'texts/s{cpu}, no adapters', 'peak mem (GiB)', 'mem vs ref'], rows,
        ref, cells)


def prompt_table(rows: List[dict], with_cpu: bool) -> Optional[str]:
    rows = [r for r in rows if r.get('class_prompts')]
    if not rows:
        return None
    cpu = ' (CPU s)' if with_cpu else ''
    lines = [f'| method | classes | padded to | text fwd+bwd s{cpu} | '
             f'real length | text fwd+bwd s{cpu} | padding adds | '
             'max abs diff | the model runs |', '|' + '---|' * 9]
    for r in rows:
        p = r['class_prompts']
        extra = (p['full_s'] - p['real_s']) / r['median_step_s']
        lines.append(
            f"| {r['label']} | {p['classes']} | {p['tokens']} | "
            f"{timing(p['full_s'], p['full_cpu_s'], '.3f', with_cpu)} | "
            f"{p['real_tokens']} | "
            f"{timing(p['real_s'], p['real_cpu_s'], '.3f', with_cpu)} | "
            f"{100 * extra:.0f} % to the step | {p['max_abs_diff']:.1e} | "
            f"{p['model_tokens']} tokens |")
    return '\n'.join(lines)


def report(rows: List[dict], args, ref: int) -> str:
    ok = [r for r in rows if 'error' not in r]
    first = ok[0] if ok else {}
    mem_kind = first.get('mem_kind', '')
    if first.get('rss_before_model') and args.device == 'cpu':
        mem_kind += (f" ({first['rss_before_model'] / GIB:.2f} GiB of it "
                     'before the model is built: PyTorch and the libraries)')
    lines = [f"Device: {first.get('device', args.device)}; "
             f"{'inference' if args.infer else 'training'}, median of "
             f'{args.steps} steps after {args.warmup} warm-up'
             f"{'' if args.infer else ' and 1 FLOP-counted'}; memory: "
             f'{mem_kind}; random weights, synthetic inputs.']
    if args.device == 'cpu':
        lines[0] += f" {first.get('threads', '?')} CPU thread(s) per row."
    shapes_seen = {(r['batch'], r['frames']) for r in ok}
    lines.append('Batch x frames: ' + ', '.join(
        f'{b} x {t}' for b, t in sorted(shapes_seen)) + (
        ' (rows differ: ratios compare different shapes)'
        if len(shapes_seen) > 1 else ''))
    with_cpu = args.device == 'cpu'
    if with_cpu:
        lines.append('Times: wall clock, and in brackets CPU seconds of the '
                     "row's process (steadier when other jobs share the "
                     'cores).')
    lines.append('')
    lines.append(infer_table(rows, ref, with_cpu) if args.infer else
                 train_table(rows, ref, with_cpu))
    prompts = prompt_table(rows, with_cpu)
    if prompts:
        lines += ['', 'Class prompts of the recognition rows (text encoder '
                  'forward + backward per step):', '', prompts]
    lines += ['', 'Rows:']
    for i, r in enumerate(rows):
        extra = f" {' '.join(r['options'])}" if r.get('options') else ''
        detail = ''
        if 'error' not in r:
            detail = f"; {r['batch']} x {r['frames']} frames of " \
                f"{r['image_size']} px"
            if r.get('optimizer'):
                detail += f", {r['optimizer']}"
            if r.get('grad_ckpt'):
                detail += ', activation checkpointing'
            if r.get('compile_s') is not None:
                detail += ', torch.compile (first step ' \
                    f"{r['compile_s']:.1f} s)"
            if r.get('synthetic'):
                detail += '; synthetic inputs: ' + ', '.join(
                    s.split('=', 1)[0] for s in r['synthetic'])
        lines.append(f"{i + 1}. {r['label']}: {r['config']}{extra}{detail}")
    return '\n'.join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Training / inference cost of configs, side by side.',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 1)[1])
    parser.add_argument('rows', nargs='*', metavar='CONFIG [KEY=VALUE]',
                        help='configs, each followed by its overrides')
    parser.add_argument('--batch', type=int,
                        help="clips per step (default: the config's)")
    parser.add_argument('--frames', type=int,
                        help="frames per clip (default: the config's)")
    parser.add_argument('--amp', choices=('fp16', 'bf16', 'none'),
                        help="precision (default: the config's optimiser "
                        'wrapper; fp16 needs CUDA)')
    parser.add_argument('--steps', type=int, default=10,
                        help='timed steps (default 10)')
    parser.add_argument('--warmup', type=int, default=2,
                        help='warm-up steps before the FLOP-counted and the '
                        'timed ones (default 2, at least 1)')
    parser.add_argument('--device', choices=('cpu', 'cuda'),
                        help='default: cuda when available')
    parser.add_argument('--peak-tflops', type=float,
                        help='peak TFLOP/s for the MFU (default: the GPU '
                        "model's dense peak at the row's precision)")
    parser.add_argument('--reference',
                        help='reference row (1-based number or label); '
                        'default: the first full fine-tune')
    parser.add_argument('--compile', action='store_true',
                        help='torch.compile the model (after the FLOP count)')
    parser.add_argument('--grad-ckpt', action='store_true',
                        help='activation checkpointing in both CLIP towers')
    parser.add_argument('--no-fused', action='store_true',
                        help="PyTorch's default AdamW on CUDA instead of "
                        'the fused one')
    parser.add_argument('--threads', type=int,
                        help="CPU threads per row (torch.set_num_threads; "
                        "default: PyTorch's). 1 keeps timings steady when "
                        'other jobs share the cores')
    parser.add_argument('--num-classes', type=int,
                        help='classes of synthetic class-name files (default:'
                        " the dataset's)")
    parser.add_argument('--infer', action='store_true',
                        help='measure encoding (videos/s, texts/s) instead '
                        'of training')
    parser.add_argument('--out', help='write the rows as JSON here')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return args
    if args.warmup < 1 or args.steps < 1:
        parser.error('--warmup and --steps must be at least 1')
    if not args.rows:
        parser.error('give at least one CONFIG')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker_main(args.worker)
    import torch
    import mvadapt  # noqa: F401  (compat)
    if args.device is None:
        args.device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if args.device == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('--device cuda: no CUDA device available')
    if args.amp == 'fp16' and args.device != 'cuda':
        raise SystemExit("--amp fp16 uses MMEngine's AmpOptimWrapper, which "
                         'needs CUDA; use --amp bf16 or none on CPU')
    try:
        specs = split_specs(args.rows)
    except (ValueError, FileNotFoundError) as e:
        raise SystemExit(str(e))
    load = os.getloadavg()
    started = time.strftime('%Y-%m-%d %H:%M:%S')
    with tempfile.TemporaryDirectory(prefix='mvadapt-benchmark-') as tmp:
        specs = [prepare(s, tmp, i, args) for i, s in enumerate(specs)]
        rows = run_rows(specs, args, tmp)
    ref = choose_reference(rows, args.reference)
    add_ratios(rows, ref)
    text = report(rows, args, ref)
    print()
    print(text)
    print(f'\nStarted {started}, load average {load[0]:.2f} '
          f'{load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} logical CPUs; '
          f'torch {torch.__version__}.')
    if args.out:
        result = dict(mode='infer' if args.infer else 'train',
                      args={k: v for k, v in vars(args).items()
                            if k not in ('worker', )},
                      started=started, load_average=load,
                      torch=torch.__version__, reference=ref, rows=rows,
                      table=text)
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
        print(f'Rows written to {args.out}')
    return 1 if any('error' in r for r in rows) else 0


if __name__ == '__main__':
    sys.exit(main())
