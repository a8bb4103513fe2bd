# MSTA few-shot: 8 shots per class on Something-Something v2 (ViFi-CLIP protocol, 50 epochs), test on the full val set.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/models/msta_vit-base-p16.py',
    '../_base_/datasets/recognition_u8_sthv2.py',
    '../_base_/schedules/msta_adamw_50e.py'
]

data_root = 'data/sthv2'
class_names = data_root + '/annotations/class_names.txt'
model = dict(class_names=class_names,
             consistency=dict(
                 descriptions=data_root + '/descriptions/descriptions.json',
                 loss_weight=1.0, num_per_class=8))  # DES_N 8 in the logs
train_cfg = dict(val_begin={{_base_.max_epochs}})  # test the last epoch
# 8-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/sthv2/annotations/sthv2_train_list.txt --k 8 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ssv2_splits/train1_few_shot_8.txt ViFi-CLIP/labels/ssv2_labels.csv \
#     --videos data/sthv2/annotations/sthv2_train_list.txt --class-names data/sthv2/annotations/class_names.txt \
#     --out data/sthv2/annotations/sthv2_train_list_8shot.txt
train_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_train_list_8shot.txt',
    data_prefix=dict(video=data_root + '/videos')))
val_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_val_list.txt',
    data_prefix=dict(video=data_root + '/videos')))
test_dataloader = dict(dataset=dict(
    ann_file=data_root + '/annotations/sthv2_val_list.txt',
    data_prefix=dict(video=data_root + '/videos')))
default_hooks = dict(checkpoint=dict(save_best=None, max_keep_ckpts=1))
