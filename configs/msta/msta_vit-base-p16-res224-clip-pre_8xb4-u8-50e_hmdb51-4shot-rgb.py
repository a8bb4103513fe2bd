# MSTA few-shot: 4 shots per class on HMDB-51 (ViFi-CLIP protocol, 50 epochs), test on split-1 val.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_hmdb51-2shot-rgb.py']
# 4-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/hmdb51/annotations/hmdb51_train_split_1.txt --k 4 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/hmdb_splits/train1_few_shot_4.txt ViFi-CLIP/labels/hmdb_51_labels.csv \
#     --videos data/hmdb51/annotations/hmdb51_train_split_1.txt --class-names data/hmdb51/annotations/class_names.txt \
#     --out data/hmdb51/annotations/hmdb51_train_split_1_4shot.txt
shots = 4
