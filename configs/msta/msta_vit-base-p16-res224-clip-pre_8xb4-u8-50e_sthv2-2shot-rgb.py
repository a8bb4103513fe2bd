# MSTA few-shot: 2 shots per class on Something-Something v2 (ViFi-CLIP protocol, 50 epochs), test on the full val set.
# Protocol (model, schedule, last epoch tested):
# ../_base_/protocols/msta_few-shot.py; data:
# ../_base_/datasets/sthv2_recognition.py.
_base_ = [
    '../_base_/protocols/msta_few-shot.py',
    '../_base_/datasets/sthv2_recognition.py'
]
model = dict(consistency=dict(num_per_class=8))  # DES_N 8 in the logs
# 2-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/sthv2/annotations/sthv2_train_list.txt --k 2 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ssv2_splits/train1_few_shot_2.txt ViFi-CLIP/labels/ssv2_labels.csv \
#     --videos data/sthv2/annotations/sthv2_train_list.txt --class-names data/sthv2/annotations/class_names.txt \
#     --out data/sthv2/annotations/sthv2_train_list_2shot.txt
shots = 2
