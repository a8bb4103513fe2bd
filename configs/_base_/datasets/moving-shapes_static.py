# MovingShapes' static image-caption set (tools/data/moving_shapes.py,
# version 2): 64 px PNG frames of the motion videos, each captioned with
# what it shows (size, colour, shape, 3x3 position, marker direction), the
# stand-in for CLIP's image-text pretraining. Images are one-frame clips.
data_root = 'data/moving_shapes'
max_words = 20
static_pipeline = [
    dict(type='LoadImageClip', cache=True),  # 133 MB, decoded once a run (no workers)
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='OpenCLIPTokenize', max_words=max_words),
    dict(type='PackActionInputs', collect_keys=('imgs', 'text'),
         meta_keys=('video_key', 'filename')),
]
_static = dict(type='ImageTextDataset', data_root=data_root,
               data_prefix=dict(img='static'), pipeline=static_pipeline)
train_dataloader = dict(
    batch_size=128,
    num_workers=0,  # see moving-shapes_retrieval.py
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**_static, ann_file='static_train.json'))
test_dataloader = dict(
    batch_size=128,
    num_workers=0,  # see moving-shapes_retrieval.py
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**_static, ann_file='static_val.json', test_mode=True))
# Held-out image-to-caption retrieval (its V2T is image to caption; images
# with the same attributes share a caption, which counts against the model)
test_evaluator = dict(type='RetrievalMetric')

# What the frozen frame features carry (tools/analysis_tools/probe_features.py
# CONFIG CHECKPOINT): linear probes fitted on the training images, tested on
# the held-out ones, per attribute of static_index.json.
probe = dict(
    train=dict(**_static, ann_file='static_train.json', test_mode=True),
    val=dict(**_static, ann_file='static_val.json', test_mode=True),
    labels='static_index.json',  # relative to the sets' data_root
    attributes=('colour', 'shape', 'size', 'position', 'orientation'),
    max_items=3000,
    batch_size=256)
