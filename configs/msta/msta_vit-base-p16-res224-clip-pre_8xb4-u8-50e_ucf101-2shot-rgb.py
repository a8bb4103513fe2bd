# MSTA few-shot: 2 shots per class on UCF-101 (ViFi-CLIP protocol, 50 epochs), test on split-1 val.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/ucf101_recognition.py',
    '../_base_/schedules/msta_adamw_50e.py'
]

model = dict(class_names=_base_.class_names,
             consistency=dict(descriptions=_base_.descriptions,
                              loss_weight=1.0, num_per_class=8))  # DES_N 8 in the logs
train_cfg = dict(val_begin=_base_.max_epochs)  # test the last epoch
# 2-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/ucf101/annotations/ucf101_train_split_1.txt --k 2 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ucf_splits/train1_few_shot_2.txt ViFi-CLIP/labels/ucf_101_labels.csv \
#     --videos data/ucf101/annotations/ucf101_train_split_1.txt --class-names data/ucf101/annotations/class_names.txt \
#     --out data/ucf101/annotations/ucf101_train_split_1_2shot.txt
train_dataloader = dict(dataset=dict(
    ann_file=_base_.data_root + '/annotations/ucf101_train_split_1_2shot.txt'))
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
