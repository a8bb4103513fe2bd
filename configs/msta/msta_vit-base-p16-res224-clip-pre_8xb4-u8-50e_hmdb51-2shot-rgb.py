# MSTA few-shot: 2 shots per class on HMDB-51 (ViFi-CLIP protocol, 50 epochs), test on split-1 val.
# Protocol (model, schedule, last epoch tested):
# ../_base_/protocols/msta_few-shot.py; data:
# ../_base_/datasets/hmdb51_recognition.py.
_base_ = [
    '../_base_/protocols/msta_few-shot.py',
    '../_base_/datasets/hmdb51_recognition.py'
]
# 2-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/hmdb51/annotations/hmdb51_train_split_1.txt --k 2 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/hmdb_splits/train1_few_shot_2.txt ViFi-CLIP/labels/hmdb_51_labels.csv \
#     --videos data/hmdb51/annotations/hmdb51_train_split_1.txt --class-names data/hmdb51/annotations/class_names.txt \
#     --out data/hmdb51/annotations/hmdb51_train_split_1_2shot.txt
shots = 2
