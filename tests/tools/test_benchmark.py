"""tools/analysis_tools/benchmark.py: the training/inference table on the
tiny demo configs (random weights, CPU), and the arithmetic behind it."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis_tools', 'benchmark.py')
DEMO = osp.join(ROOT, 'configs', 'demo')
CLIP4CLIP = osp.join(DEMO,
                     'clip4clip_tiny-static-pre_1xb32-5e_moving-shapes.py')
MV_ADAPTER = osp.join(DEMO,
                      'mv-adapter_tiny-static-pre_1xb32-5e_moving-shapes.py')
MSTA = osp.join(DEMO, 'msta_tiny-static-pre_1xb16-3e_moving-shapes-b2n.py')
MMACTION = ('mmaction::retrieval/clip4clip/'
            'clip4clip_vit-base-p32-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-'
            'rgb.py')
PEAK = 0.5  # injected peak TFLOP/s


def load_tool(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_tool('benchmark', TOOL)


def run(args, cwd):
    """The tool in ``cwd`` (not the repository root, so that the configs'
    relative data files, which `make demo` generates, are not found)."""
    proc = subprocess.run([sys.executable, TOOL, *args], cwd=str(cwd),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope='module')
def train_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('bench')
    # MMAction2's CLIP4Clip, from a tiny random OpenAI-format checkpoint
    tiny_openai = bench.write_random_openai_clip(
        dict(embed_dim=64, image_resolution=32, vision_layers=2,
             vision_width=64, vision_patch_size=8, context_length=77,
             vocab_size=49408, transformer_width=64, transformer_heads=1,
             transformer_layers=2), str(tmp / 'tiny_openai.pt'))
    out = str(tmp / 'train.json')
    stdout = run([CLIP4CLIP, MV_ADAPTER, MSTA, MMACTION,
                  f'model.clip_arch={tiny_openai}', 'label=MMAction2 tiny',
                  '--batch', '2', '--frames', '2', '--steps', '1',
                  '--warmup', '1', '--device', 'cpu', '--amp', 'none',
                  '--peak-tflops', str(PEAK), '--out', out], tmp)
    with open(out) as f:
        return stdout, json.load(f)


def test_table_has_every_row_and_the_reference(train_run):
    stdout, result = train_run
    rows = result['rows']
    assert [r['label'] for r in rows] == [
        'clip4clip', 'mv-adapter', 'msta', 'MMAction2 tiny']
    assert '| # | method | precision | trainable params' in stdout
    for label in ('clip4clip (ref)', 'mv-adapter', 'msta', 'MMAction2 tiny'):
        assert f'| {label} |' in stdout
    assert result['reference'] == 0  # the CLIP4Clip full fine-tune
    ref = rows[0]
    assert ref['step_ratio'] == ref['cpu_ratio'] == ref['mem_ratio'] == 1.0
    for row in rows:
        assert 'error' not in row, row.get('error')
        assert row['precision'] == 'fp32'
        assert row['batch'] == 2 and row['frames'] == 2
        assert row['median_step_s'] > 0 and row['peak_mem_bytes'] > 0
        assert row['median_cpu_step_s'] > 0
        assert row['clips_per_s'] == pytest.approx(2 / row['median_step_s'])
        assert row['step_ratio'] == pytest.approx(
            row['median_step_s'] / ref['median_step_s'])
        assert row['optimizer'] == 'AdamW (single-tensor)'  # CPU: not fused


def test_flops_and_mfu_with_injected_peak(train_run):
    _, result = train_run
    for row in result['rows']:
        assert row['flops_per_step'] > 0
        assert row['peak_tflops'] == PEAK
        expected = row['flops_per_step'] / row['median_step_s'] / (PEAK * 1e12)
        assert row['mfu'] == pytest.approx(expected)


def test_trainable_counts_match_count_params(train_run):
    count_params = load_tool('count_params', osp.join(
        ROOT, 'tools', 'analysis_tools', 'count_params.py'))
    rows = {r['label']: r for r in train_run[1]['rows']}
    for label, config in (('clip4clip', CLIP4CLIP),
                          ('mv-adapter', MV_ADAPTER), ('msta', MSTA)):
        groups = count_params.count(
            count_params.build_without_weights(config))
        assert rows[label]['trainable'] == sum(g[0] for g in groups.values())


def test_recognizer_gets_synthetic_classes_and_prompt_lengths(train_run):
    msta = train_run[1]['rows'][2]
    assert any(s.startswith('model.class_names=') for s in msta['synthetic'])
    from mmengine.config import Config
    max_words = Config.fromfile(MSTA).model.clip.max_words
    prompts = msta['class_prompts']
    assert prompts['classes'] == 15  # MovingShapes' base classes
    assert prompts['tokens'] == max_words  # padded as the model once did
    assert prompts['real_tokens'] < max_words
    assert prompts['model_tokens'] == prompts['real_tokens']
    assert prompts['full_s'] > 0 and prompts['real_s'] > 0
    assert prompts['max_abs_diff'] < 1e-4  # same embeddings


def test_inference_with_and_without_adapters(tmp_path):
    out = str(tmp_path / 'infer.json')
    stdout = run([MV_ADAPTER, '--infer', '--batch', '2', '--frames', '2',
                  '--steps', '1', '--warmup', '1', '--device', 'cpu',
                  '--amp', 'bf16', '--out', out], tmp_path)
    assert '| videos/s (per CPU s), adapters |' in stdout
    with open(out) as f:
        row = json.load(f)['rows'][0]
    assert row['precision'] == 'bf16'
    for key in ('videos_per_s_adapters_on', 'videos_per_s_adapters_off',
                'texts_per_s_adapters_on', 'texts_per_s_adapters_off'):
        assert row[key] > 0 and row[key + '_cpu'] > 0


def test_peak_table_and_mfu_arithmetic():
    fake = ((r'Fake GPU X1', dict(bf16=100.0, fp32=10.0)), )
    assert bench.peak_tflops('Fake GPU X1 80GB', 'bf16', fake) == 100.0
    assert bench.peak_tflops('Fake GPU X1 80GB', 'fp16', fake) is None
    assert bench.peak_tflops('Other GPU', 'bf16', fake) is None
    assert bench.peak_tflops('NVIDIA H200', 'bf16') == 989.5
    assert bench.peak_tflops('NVIDIA A100-SXM4-80GB', 'fp32') == 19.5
    assert bench.peak_tflops('NVIDIA A10', 'bf16') == 125.0  # not A100
    # 2 TFLOP per step in 0.5 s = 4 TFLOP/s, half of an 8 TFLOP/s peak
    assert bench.model_flops_utilisation(2e12, 0.5, 8.0) == \
        pytest.approx(0.5)
    assert bench.model_flops_utilisation(2e12, 0.5, None) is None


def test_flop_counter_counts_cpu_attention():
    linear = torch.nn.Linear(8, 16)
    with bench.flop_counter() as counter:
        linear(torch.randn(4, 8))
    assert counter.get_total_flops() == 2 * 4 * 8 * 16
    q, k, v = (torch.randn(1, 2, 5, 8, requires_grad=True) for _ in range(3))
    with bench.flop_counter() as counter:
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v)
        forward = counter.get_total_flops()
        out.sum().backward()
    one_bmm = 2 * 2 * 5 * 8 * 5  # [2 heads, 5 x 8] @ [8 x 5]
    assert forward == 2 * one_bmm  # q k^T and (scores) v
    assert counter.get_total_flops() == 7 * one_bmm  # + 5 in backward


def test_fused_adamw_only_on_cuda():
    cfg = dict(type='AdamW', lr=1e-3)
    assert bench.resolve_optimizer(cfg, 'cuda') == (
        dict(cfg, fused=True), 'AdamW (fused)')
    assert bench.resolve_optimizer(cfg, 'cpu') == (
        cfg, 'AdamW (single-tensor)')
    assert bench.resolve_optimizer(cfg, 'cuda', fused=False) == (
        cfg, 'AdamW (foreach)')
    own = dict(cfg, foreach=True)  # the config's own choice is kept
    assert bench.resolve_optimizer(own, 'cuda')[0] == own
    sgd = dict(type='SGD', lr=0.1)
    assert 'fused' not in bench.resolve_optimizer(sgd, 'cuda')[0]


def test_precision_per_device():
    base = dict(optimizer=dict(type='AdamW', lr=1e-3), clip_grad=dict(
        max_norm=1.0), paramwise_cfg=dict(bias_decay_mult=0.))
    autocast = dict(base, type='AutocastOptimWrapper', dtype='bfloat16')
    cfg, precision, note = bench.resolve_precision(autocast, None, 'cpu')
    assert (cfg['device_type'], precision, note) == ('cpu', 'bf16', '')
    amp = dict(base, type='AmpOptimWrapper', dtype='float16')
    cfg, precision, note = bench.resolve_precision(amp, None, 'cpu')
    assert cfg == dict(base, type='OptimWrapper') and precision == 'fp32'
    assert 'CUDA only' in note
    assert bench.resolve_precision(amp, None, 'cuda')[:2] == (amp, 'fp16')
    cfg, precision, _ = bench.resolve_precision(autocast, 'none', 'cuda')
    assert cfg == dict(base, type='OptimWrapper') and precision == 'fp32'
    cfg, precision, _ = bench.resolve_precision(base, 'fp16', 'cuda')
    assert cfg['type'] == 'AmpOptimWrapper' and precision == 'fp16'
    with pytest.raises(ValueError, match='needs CUDA'):
        bench.resolve_precision(base, 'fp16', 'cpu')


def test_device_and_amp_checks():
    if not torch.cuda.is_available():
        with pytest.raises(SystemExit, match='no CUDA device'):
            bench.main([CLIP4CLIP, '--device', 'cuda'])
    with pytest.raises(SystemExit, match='needs CUDA'):
        bench.main([CLIP4CLIP, '--device', 'cpu', '--amp', 'fp16'])


def test_rows_and_overrides_from_the_command_line():
    specs = bench.split_specs([CLIP4CLIP, MV_ADAPTER,
                               'model.adapter.cmt=False', 'label=w/o CMT',
                               MV_ADAPTER])
    assert [s['label'] for s in specs] == ['clip4clip', 'w/o CMT',
                                           'mv-adapter']
    assert specs[1]['options'] == ['model.adapter.cmt=False']
    with pytest.raises(ValueError, match='follow the CONFIG'):
        bench.split_specs(['model.adapter.cmt=False'])
    with pytest.raises(FileNotFoundError):
        bench.split_specs(['no_such_config.py'])


def test_synthetic_class_counts():
    count = bench.synthetic_class_count
    assert count('data/kinetics400/annotations/class_names.txt', None) == 400
    assert count('data/kinetics400/annotations/b2n_split1/'
                 'base_class_names.txt', None) == 200
    assert count('data/hmdb51/annotations/b2n/base_class_names.txt',
                 None) == 26  # the odd class goes to base
    assert count('data/hmdb51/annotations/b2n/novel_class_names.txt',
                 None) == 25
    assert count('data/other/class_names.txt', 7) == 7
    with pytest.raises(ValueError, match='--num-classes'):
        count('data/other/class_names.txt', None)


def test_openai_clip_dims_of_vit_b16():
    dims = bench.openai_clip_dims('ViT-B/16')
    assert dims == dict(embed_dim=512, image_resolution=224, vision_layers=12,
                        vision_width=768, vision_patch_size=16,
                        context_length=77, vocab_size=49408,
                        transformer_width=512, transformer_heads=8,
                        transformer_layers=12)
    with pytest.raises(ValueError, match='ViT'):
        bench.openai_clip_dims('RN50')
