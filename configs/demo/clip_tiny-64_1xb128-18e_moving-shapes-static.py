# The demo's pretrain stage (--pretrain; its result ships in weights/):
# pretrain the tiny CLIP from scratch on MovingShapes'
# static image-caption set (version 2: every image captioned with its size,
# colour, shape, position and marker direction; no motion words), the
# stand-in for CLIP's image-text pretraining. What the frozen features then
# carry: tools/analysis_tools/probe_features.py THIS_CONFIG CHECKPOINT.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/tiny-clip-64.py',
    '../_base_/datasets/moving-shapes_static.py'
]

max_epochs = 18
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')
# Held-out static images are for the probe and the zero-shot check; the
# pretraining itself runs without validation and keeps its last epoch.
val_dataloader = None
val_evaluator = None
val_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.98), eps=1e-6,
                   weight_decay=0.1),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=0.25, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 0.25, eta_min=2e-5,
         by_epoch=True, begin=0.25, end=max_epochs,
         convert_to_iter_based=True)
]
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1),
    logger=dict(interval=20))
randomness = dict(seed=0)
