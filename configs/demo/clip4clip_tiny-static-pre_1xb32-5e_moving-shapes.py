# The demo's clip4clip stage: CLIP4Clip (mean pooling, full fine-tune of both
# encoders) on MovingShapes' motion captions, from the demo's pretrained tiny
# CLIP (weights/README.md).
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/tiny-clip-64_moving-shapes.py',
    '../_base_/datasets/moving-shapes_retrieval.py'
]
model = dict(clip=dict(frozen=False))

max_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=1, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-4, betas=(0.9, 0.98), eps=1e-6,
                   weight_decay=0.2),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=0,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(
    checkpoint=dict(interval=2, save_best='retrieval/t2v/R1', rule='greater',
                    max_keep_ckpts=1),
    logger=dict(interval=10))
randomness = dict(seed=0)
