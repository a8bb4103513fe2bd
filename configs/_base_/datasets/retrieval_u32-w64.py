# Paragraph-to-video retrieval (DiDeMo, ActivityNet Captions): all captions
# of a video joined into one paragraph, 32 frames, 64 words.
_base_ = ['./retrieval_u12-w32.py']
clip_len = 32
max_words = 64

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
    batch_size=8,
    dataset=dict(join_captions=True, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    dataset=dict(join_captions=True, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=8,
    dataset=dict(join_captions=True, pipeline=test_pipeline))
