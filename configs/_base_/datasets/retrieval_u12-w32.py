# Video-text retrieval data, the MV-Adapter / CLIP4Clip short-video setting:
# frames at 1 fps, uniformly subsampled to at most 12 (shorter videos padded
# and masked: FpsSample + video_mask), 224 px (bicubic resize + centre crop),
# 32 words. The benchmark's dataset base (msrvtt-9k_retrieval.py,
# msvd_retrieval.py, lsmdc_retrieval.py) sets data_root, which every split's
# dataset reads when the config is loaded ('{data_root}', resolved after
# --cfg-options: data_root=... moves them all); the annotation files default
# to annotations/{train,val,test}.json under it, the videos to videos/.
dataset_type = 'RetrievalDataset'
clip_len = 12
max_words = 32

__after_sampling = [
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224), interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=max_words),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text', 'video_mask'),
         meta_keys=('video_key', 'filename')),
]
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='FpsSample', max_frames=clip_len, fps=1),
    *__after_sampling,
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='FpsSample', max_frames=clip_len, fps=1, test_mode=True),
    *__after_sampling,
]

__loader = dict(batch_size=16, num_workers=8, persistent_workers=True)
__dataset = dict(type=dataset_type, data_root='{data_root}',
                 data_prefix=dict(video='videos'))
train_dataloader = dict(
    **__loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**__dataset, ann_file='annotations/train.json',
                 pipeline=train_pipeline))
val_dataloader = dict(
    **__loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**__dataset, ann_file='annotations/val.json',
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'], ann_file='annotations/test.json'))

val_evaluator = dict(type='RetrievalMetric')
test_evaluator = val_evaluator
