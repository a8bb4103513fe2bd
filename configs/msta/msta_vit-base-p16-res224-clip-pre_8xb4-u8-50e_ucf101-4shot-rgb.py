# MSTA few-shot: 4 shots per class on UCF-101 (ViFi-CLIP protocol, 50 epochs), test on split-1 val.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_ucf101-2shot-rgb.py']
# 4-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/ucf101/annotations/ucf101_train_split_1.txt --k 4 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ucf_splits/train1_few_shot_4.txt ViFi-CLIP/labels/ucf_101_labels.csv \
#     --videos data/ucf101/annotations/ucf101_train_split_1.txt --class-names data/ucf101/annotations/class_names.txt \
#     --out data/ucf101/annotations/ucf101_train_split_1_4shot.txt
shots = 4
