# Paragraph-to-video retrieval (DiDeMo, ActivityNet Captions): all captions
# of a video joined into one paragraph, 32 frames, 64 words; otherwise the
# pipelines of retrieval_u12-w32.py. The data: didemo_retrieval.py,
# activitynet_retrieval.py.
_base_ = ['./retrieval_u12-w32.py']
clip_len = 32
max_words = 64

__sizes = dict(FpsSample=dict(max_frames=clip_len),
               OpenCLIPTokenize=dict(max_words=max_words))
train_pipeline = [dict(step, **__sizes.get(step['type'], {}))
                  for step in _base_.train_pipeline]
test_pipeline = [dict(step, **__sizes.get(step['type'], {}))
                 for step in _base_.test_pipeline]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(join_captions=True, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    dataset=dict(join_captions=True, pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=8,
    dataset=dict(join_captions=True, pipeline=test_pipeline))
