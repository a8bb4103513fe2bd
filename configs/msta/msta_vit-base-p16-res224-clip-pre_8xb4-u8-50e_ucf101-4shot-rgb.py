# MSTA few-shot: 4 shots per class on UCF-101 (ViFi-CLIP protocol, 50 epochs), test on split-1 val.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/recognition_u8.py',
    '../_base_/schedules/msta_adamw_50e.py'
]

data_root = 'data/ucf101'
class_names = data_root + '/annotations/class_names.txt'
model = dict(class_names=class_names,
             consistency=dict(
                 descriptions=data_root + '/descriptions/descriptions.json',
                 loss_weight=1.0, num_per_class=8))  # DES_N 8 in the logs
train_cfg = dict(val_begin={{_base_.max_epochs}})  # test the last epoch
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=5, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', )),
]  # 5 clips x 3 crops, softmax averaged over views

# 4-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/ucf101/annotations/ucf101_train_split_1.txt --k 4 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ucf_splits/train1_few_shot_4.txt ViFi-CLIP/labels/ucf_101_labels.csv \
#     --videos data/ucf101/annotations/ucf101_train_split_1.txt --class-names data/ucf101/annotations/class_names.txt \
#     --out data/ucf101/annotations/ucf101_train_split_1_4shot.txt
train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/ucf101_train_split_1_4shot.txt',
    data_prefix=dict(video=data_root + '/videos')))
val_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/ucf101_val_split_1.txt',
    data_prefix=dict(video=data_root + '/videos')))
test_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/ucf101_val_split_1.txt',
    data_prefix=dict(video=data_root + '/videos'),
    pipeline=test_pipeline))
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
