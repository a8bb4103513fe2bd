# Video-text retrieval data, the MV-Adapter / CLIP4Clip short-video setting:
# frames at 1 fps, uniformly subsampled to at most 12 (shorter videos padded
# and masked: FpsSample + video_mask), 224 px (bicubic resize + centre crop),
# 32 words. Defaults point at MSR-VTT; benchmark configs override data_root and
# the annotation files.
dataset_type = 'RetrievalDataset'
data_root = 'data/msrvtt'
clip_len = 12
max_words = 32

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='FpsSample', max_frames=clip_len, fps=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224), interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=max_words),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text', 'video_mask'),
         meta_keys=('video_key', 'filename')),
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='FpsSample', max_frames=clip_len, fps=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224), interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=max_words),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text', 'video_mask'),
         meta_keys=('video_key', 'filename')),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train_9k.json',
        data_prefix=dict(video='videos'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/test_1k.json',
        data_prefix=dict(video='videos'),
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='RetrievalMetric')
test_evaluator = val_evaluator
