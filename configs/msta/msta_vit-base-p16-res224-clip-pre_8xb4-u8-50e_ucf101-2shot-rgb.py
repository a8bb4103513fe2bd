# MSTA few-shot: 2 shots per class on UCF-101 (ViFi-CLIP protocol, 50 epochs), test on split-1 val.
# Protocol (model, schedule, last epoch tested):
# ../_base_/protocols/msta_few-shot.py; data:
# ../_base_/datasets/ucf101_recognition.py.
_base_ = [
    '../_base_/protocols/msta_few-shot.py',
    '../_base_/datasets/ucf101_recognition.py'
]
model = dict(consistency=dict(num_per_class=8))  # DES_N 8 in the logs
# 2-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/ucf101/annotations/ucf101_train_split_1.txt --k 2 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ucf_splits/train1_few_shot_2.txt ViFi-CLIP/labels/ucf_101_labels.csv \
#     --videos data/ucf101/annotations/ucf101_train_split_1.txt --class-names data/ucf101/annotations/class_names.txt \
#     --out data/ucf101/annotations/ucf101_train_split_1_2shot.txt
shots = 2
