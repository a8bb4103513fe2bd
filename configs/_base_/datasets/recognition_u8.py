# Action recognition in the ViFi-CLIP / MSTA protocol: 8 segments (TSN-style
# sampling), 224 px. Training as ViFi-CLIP's datasets/build.py: short side
# 256, MultiScaleCrop (scales 1, .875, .75, .66 of the short side, fixed
# corner/centre positions) resized to 224, horizontal flip, colour jitter
# (brightness .4, contrast .4, saturation .2, hue .1; p 0.8) and grayscale
# (p 0.2), one draw per clip. Single-view test: short side 256, centre crop
# 224; multi-view test configs: short side 224, three 224 crops (as
# ViFi-CLIP's 3-crop test). See configs/msta/README.md, "Deviations".
dataset_type = 'VideoDataset'
num_frames = 8
test_clips = 1
# torchvision's ColorJitter (as ViFi-CLIP), one draw for the whole clip;
# MMAction2's own ColorJitter fails on numpy >= 2 (negative hue offsets)
color_jitter = dict(type='TorchVisionWrapper', op='ColorJitter',
                    brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1)

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_frames),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=224,
         scales=(1, 0.875, 0.75, 0.66), random_crop=False,
         max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='RandomApply', transforms=[color_jitter], prob=0.8),
    dict(type='ClipRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_frames, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
# The multi-view test's steps after sampling (ViFi-CLIP's 3-crop test):
# short side 224, three 224 crops of each clip; the softmax is averaged over
# the views. A dataset base puts DecordInit and UniformSample(num_clips=...)
# before them.
three_crop_test_steps = [
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]
# The files: a benchmark's dataset base (<benchmark>_recognition.py) sets
# data_root, val_list and train_list_stem (and video folders other than
# videos/); the protocol base (../protocols/msta_*.py) chooses train_list
# and the metric.
# Paths in braces are resolved when the config is loaded, after
# --cfg-options (mvadapt/utils/config.py), so data_root=... moves them all.
class_names = '{data_root}/annotations/class_names.txt'
descriptions = '{data_root}/descriptions/descriptions.json'
train_videos = '{data_root}/videos'
val_videos = '{data_root}/videos'  # also the test videos
__loader = dict(batch_size=4, num_workers=8, persistent_workers=True)
train_dataloader = dict(
    **__loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file='{train_list}',
                 data_prefix=dict(video='{train_videos}'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    **__loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file='{val_list}',
                 data_prefix=dict(video='{val_videos}'),
                 pipeline=test_pipeline, test_mode=True))
test_dataloader = dict(val_dataloader, batch_size=1)  # on the val list
