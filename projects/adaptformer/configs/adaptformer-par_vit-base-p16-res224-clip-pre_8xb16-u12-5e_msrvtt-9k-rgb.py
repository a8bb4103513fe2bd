# AdaptFormer-par with CLIP ViT-B/16 on MSR-VTT 9k / 1k-A, the MV-Adapter
# paper's baseline and recipe (paper section 4.2): 12 frames, 32 words,
# 8 GPUs x 16 videos, 5 epochs, mean pooling, frozen CLIP with its biases
# tuned; one AdaptMLP (d' = 128, s = 0.1) parallel to the FFN in all 12 layers
# of both encoders: 2.75 % of CLIP's parameters train (paper: 2.78 %, see
# projects/adaptformer/README.md).
_base_ = [
    '../../../configs/clip4clip/'
    'clip4clip_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py'
]
custom_imports = dict(
    imports=['mvadapt.datasets', 'mvadapt.engine', 'mvadapt.evaluation',
             'mvadapt.models', 'projects.adaptformer.adaptformer'],
    allow_failed_imports=False)

model = dict(
    clip=dict(frozen=True, trainable=('bias', )),
    adapter=dict(type='AdaptFormer', variant='parallel', bottleneck=128,
                 scale=0.1, video=True, text=True))

# AdamW, betas (0.9, 0.98), eps 1e-6, weight decay 0.2 (none on biases and
# norms), adapter lr 5e-6 and CLIP biases 1e-7, gradient clipping at 1.0; the
# schedule (10 % linear warm-up, then cosine) comes from clip4clip_5e.py.
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=5e-6, betas=(0.9, 0.98), eps=1e-6,
                   weight_decay=0.2),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.,
                       custom_keys={
                           # CLIP biases: lr x 0.02, no weight decay (a custom
                           # key overrides bias_decay_mult in MMEngine)
                           'backbone.': dict(lr_mult=0.02, decay_mult=0.)}),
    clip_grad=dict(max_norm=1.0))
custom_hooks = [
    dict(type='TrainableParamsHook'),
    dict(type='AdapterCheckpointHook'),
]
