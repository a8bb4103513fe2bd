# MSTA base-to-novel (50 epochs, 5 warm-up) on UCF-101, split 3: train on 16 shots of each base class, test base and novel accuracy and their harmonic mean; the epoch is selected by base accuracy only.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/recognition_u8.py',
    '../_base_/schedules/msta_adamw_50e.py'
]

# Split files: ViFi-CLIP's fixed base/novel classes (the same in splits
# 1-3, recognised from class_names.txt) and its 16 shots per base class
# of this split, from a ViFi-CLIP checkout (or --seed 2 instead of
# --shots-from to draw them): python tools/data/make_splits.py b2n \
#     data/ucf101/annotations/ucf101_train_split_1.txt data/ucf101/annotations/ucf101_val_split_1.txt \
#     data/ucf101/annotations/class_names.txt \
#     --shots-from ViFi-CLIP/datasets_splits/base2novel_splits/ucf_splits/fs_base_s3_train.txt \
#     --out-dir data/ucf101/annotations/b2n_split3
data_root = 'data/ucf101'
split = data_root + '/annotations/b2n_split3'
all_classes = data_root + '/annotations/class_names.txt'
model = dict(class_names=split + '/base_class_names.txt',
             test_class_names=all_classes,
             consistency=dict(
                 descriptions=data_root + '/descriptions/descriptions.json',
                 loss_weight=1.0, num_per_class=2))
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=5, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]  # 5 clips x 3 crops, softmax averaged over views

train_dataloader = dict(dataset=dict(
    ann_file=split + '/train_base.txt',
    data_prefix=dict(video=data_root + '/videos')))
# val and test: the full val list in the joint label space; the metric
# scores base and novel videos each in their own label space.
val_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/ucf101_val_split_1.txt',
    data_prefix=dict(video=data_root + '/videos')))
test_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/ucf101_val_split_1.txt',
    data_prefix=dict(video=data_root + '/videos'),
    pipeline=test_pipeline))
val_evaluator = dict(type='BaseNovelMetric',
                     base_classes=split + '/base_class_names.txt',
                     novel_classes=split + '/novel_class_names.txt',
                     class_names=all_classes)
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='b2n/base', rule='greater',
                                     max_keep_ckpts=1))
