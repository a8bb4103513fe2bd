"""Mixed precision: why the MV-Adapter configs use float16 with loss scaling,
and the wrapper that does it on any device."""
import pytest
import torch
from mmengine.config import Config

from mvadapt.apis import enable_amp
from mvadapt.engine import AutocastOptimWrapper
from mvadapt.registry import MODELS
from mvadapt.utils import register_all_modules

register_all_modules()

# ViT-B/16's vision tower (width 768, 12 layers, 12 heads) on 32 px frames,
# so that it runs in seconds on a CPU; a one-layer text tower (unused).
VIT_B16_WIDTHS = dict(
    embed_dim=512,
    vision_cfg=dict(image_size=32, patch_size=16, width=768, layers=12),
    text_cfg=dict(context_length=77, vocab_size=1000, width=64, heads=1,
                  layers=1))


def adapter_delta(model, imgs, dtype):
    """Video features with the adapters minus without, under ``dtype``."""
    with torch.no_grad(), torch.autocast('cpu', dtype=dtype or torch.float16,
                                         enabled=dtype is not None):
        on = model.encode_video(imgs).float()
        with model.adapter.disabled():
            off = model.encode_video(imgs).float()
    return on - off


def test_bf16_hides_an_early_adapter_and_fp16_does_not():
    """The measurement behind the MV-Adapter configs' float16 default.

    With up-projections ~ 1e-3 (the first few hundred steps at lr 5e-6) the
    adapters' change of the output is below bfloat16's rounding: the bf16
    delta differs from the fp32 one by several times its size (measured 4.0x
    here; 4.8x with the full ViT-B/16 at 224 px and 2 frames), float16 by
    about half (0.53x; 0.72x). With up ~ 1e-2: bf16 0.46x, fp16 0.06x.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small matrices: faster and deterministic
    try:
        torch.manual_seed(0)
        model = MODELS.build(dict(
            type='VideoTextRetriever',
            clip=dict(arch=VIT_B16_WIDTHS, max_words=32, frozen=True,
                      trainable=('bias', )),
            adapter=dict(type='MVAdapter', text=False, cmt=False))).eval()
        imgs = torch.randn(1, 4, 3, 32, 32,
                           generator=torch.Generator().manual_seed(0))
        errors = {}
        for std in (1e-3, 1e-2):
            g = torch.Generator().manual_seed(1)
            with torch.no_grad():
                for name, p in model.adapter.named_parameters():
                    if name.endswith('.up.weight'):
                        p.copy_(std * torch.randn(p.shape, generator=g))
            ref = adapter_delta(model, imgs, None)
            for dtype in (torch.bfloat16, torch.float16):
                d = adapter_delta(model, imgs, dtype)
                errors[std, dtype] = float((d - ref).norm() / ref.norm())
    finally:
        torch.set_num_threads(threads)
    assert errors[1e-3, torch.bfloat16] > 2.0  # the delta is lost
    assert errors[1e-3, torch.float16] < 0.8
    assert errors[1e-2, torch.bfloat16] < 0.8
    assert errors[1e-2, torch.float16] < 0.15


def wrapper(**kwargs):
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, AutocastOptimWrapper(optimizer=optimizer,
                                       device_type='cpu', **kwargs)


def test_float16_uses_dynamic_loss_scaling():
    model, wrap = wrapper(dtype='float16', loss_scale='dynamic',
                          clip_grad=dict(max_norm=1.0))
    assert isinstance(wrap.loss_scaler, torch.amp.GradScaler)
    assert wrap.cast_dtype == torch.float16
    before = model.weight.detach().clone()
    with wrap.optim_context(model):
        out = model(torch.randn(3, 4))
        assert out.dtype == torch.float16
    wrap.update_params(out.float().pow(2).mean())
    assert not torch.equal(model.weight, before)
    state = wrap.state_dict()
    assert state['loss_scaler']['scale'] == 65536.0
    _, other = wrapper(dtype='float16', loss_scale='dynamic')
    state['loss_scaler']['scale'] = 1024.0
    other.load_state_dict(state)
    assert other.loss_scaler.get_scale() == 1024.0


def test_bfloat16_and_cpu_fallback_need_no_scaler():
    _, bf16 = wrapper(dtype='bfloat16', loss_scale='dynamic')
    assert bf16.loss_scaler is None and bf16.cast_dtype == torch.bfloat16
    model, cpu = wrapper(dtype='float16', loss_scale='dynamic',
                         cpu_dtype='float32')
    assert cpu.loss_scaler is None and cpu.cast_dtype == torch.float32
    with cpu.optim_context(model):
        assert model(torch.randn(1, 4)).dtype == torch.float32
    with pytest.raises(ValueError, match='cpu_dtype must be one of'):
        wrapper(dtype='float16', cpu_dtype='half')
    with pytest.raises(TypeError, match='loss_scale'):
        wrapper(dtype='float16', loss_scale='static')


def test_mv_adapter_configs_default_to_fp16_with_loss_scaling():
    cfg = Config.fromfile(
        'configs/mv_adapter/'
        'mv-adapter_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py')
    wrap = cfg.optim_wrapper
    assert wrap.type == 'AutocastOptimWrapper'
    assert wrap.dtype == 'float16' and wrap.loss_scale == 'dynamic'
    assert wrap.cpu_dtype == 'float32'


def test_enable_amp_keeps_an_autocast_config():
    cfg = Config(dict(optim_wrapper=dict(
        type='AutocastOptimWrapper', dtype='float16', loss_scale='dynamic',
        optimizer=dict(type='AdamW'))))
    enable_amp(cfg)
    assert cfg.optim_wrapper.dtype == 'float16'
    plain = Config(dict(optim_wrapper=dict(optimizer=dict(type='AdamW'))))
    enable_amp(plain)
    assert plain.optim_wrapper.type == 'AutocastOptimWrapper'
    expected = 'float16' if torch.cuda.is_available() else 'bfloat16'
    assert plain.optim_wrapper.dtype == expected
