# MSTA base-to-novel on MovingShapes, from the demo's tiny CLIP: classes are
# "<shape> <motion>"; train on the 15 base classes, test base and novel
# accuracy (each in its own label space) and their harmonic mean on the joint
# test list; the epoch is selected by base accuracy on val_base only.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/tiny-clip-64_moving-shapes.py',
    '../_base_/schedules/msta_adamw.py'
]
data_root = 'data/moving_shapes'
model = dict(
    _delete_=True,
    type='CLIPRecognizer',
    clip=dict(
        arch={{_base_.tiny_clip_arch}},
        pretrained={{_base_.tiny_clip_weights}},
        max_words=20, frozen=True),
    adapter=dict(type='MSTA', m=32, scale=0.005),
    num_frames=8,
    template='a video of a {}.',
    class_names=data_root + '/b2n/base_class_names.txt',
    test_class_names=data_root + '/class_names.txt',
    consistency=dict(descriptions=data_root +
                     '/descriptions/descriptions.json',
                     loss_weight=1.0, num_per_class=2),
    data_preprocessor=dict(type='VideoTextDataPreprocessor'))

pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
# no loader workers on the demo's 2-core CPU (see moving-shapes_retrieval.py)
_loader = dict(batch_size=16, num_workers=0, persistent_workers=False)
train_dataloader = dict(
    **_loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='VideoDataset', ann_file=data_root +
                 '/b2n/train_base.txt',
                 data_prefix=dict(video=data_root + '/videos'),
                 pipeline=pipeline))
val_dataloader = dict(
    **_loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VideoDataset', ann_file=data_root +
                 '/recognition_val.txt',
                 data_prefix=dict(video=data_root + '/videos'),
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'],
                 ann_file=data_root + '/recognition_test.txt'))
val_evaluator = dict(type='BaseNovelMetric',
                     base_classes=data_root + '/b2n/base_class_names.txt',
                     novel_classes=data_root + '/b2n/novel_class_names.txt',
                     class_names=data_root + '/class_names.txt')
test_evaluator = val_evaluator

optim_wrapper = dict(type='OptimWrapper', _delete_=True,
                     # lr chosen on val base accuracy (tools/demo.py
                     # --sweep: 1e-3 8.9, 3e-3 13.3, 1e-2 15.6, 3e-2 16.7)
                     optimizer=dict(type='AdamW', lr=3e-2, betas=(0.9, 0.98),
                                    eps=5e-11,  # 1e-8 x lambda
                                    weight_decay=1e-3))
max_epochs = 3
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs, val_begin=1, val_interval=2)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=1e-5, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True)
]
default_hooks = dict(
    checkpoint=dict(interval=2, save_best='b2n/base', rule='greater',
                    max_keep_ckpts=1),
    logger=dict(interval=10))
