# Stage 1 of the demo: pretrain the tiny CLIP from scratch on MovingShapes'
# static image-caption set (colour + shape, no motion), the stand-in for
# CLIP's image-text pretraining.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/tiny-clip.py',
    '../_base_/datasets/moving-shapes_retrieval.py'
]

static_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=1, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=16),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text'),
         meta_keys=('video_key', 'filename')),
]
train_dataloader = dict(
    batch_size=64,
    dataset=dict(ann_file='static_train.json', data_prefix=dict(video='static'),
                 pipeline=static_pipeline))
# Each static caption names 12 videos of the val split, so retrieval metrics
# there say little (ties count against the model); pretraining runs without
# validation and the demo evaluates its product zero-shot on the motion set.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=64,
    dataset=dict(ann_file='static_val.json', data_prefix=dict(video='static'),
                 pipeline=static_pipeline))
test_evaluator = dict(type='RetrievalMetric')

max_epochs = 10
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.98), eps=1e-6,
                   weight_decay=0.1),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=1e-5,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(
    checkpoint=dict(interval=max_epochs, save_best=None, max_keep_ckpts=1),
    logger=dict(interval=10))
randomness = dict(seed=0)
