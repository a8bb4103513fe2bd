# Something-Something v2 in the ViFi-CLIP / MSTA protocol: as
# recognition_u8.py but without horizontal flips in training, because a flip
# turns "Pushing something from left to right" into its mirrored class (and
# in base-to-novel a base class into a novel one; ViFi-CLIP flips SSv2 too,
# a deviation listed in configs/msta/README.md); test views 2 clips x 3
# crops, softmax averaged over views.
_base_ = ['./recognition_u8.py']

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips={{_base_.num_frames}}),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=224,
         scales=(1, 0.875, 0.75, 0.66), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='RandomApply', transforms=[{{_base_.color_jitter}}], prob=0.8),
    dict(type='ClipRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len={{_base_.num_frames}}, num_clips=2,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
