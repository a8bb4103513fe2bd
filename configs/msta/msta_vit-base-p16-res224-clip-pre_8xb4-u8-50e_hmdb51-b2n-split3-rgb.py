# MSTA base-to-novel (50 epochs, 5 warm-up) on HMDB-51, split 3: train on 16 shots of each base class, test base and novel accuracy and their harmonic mean; the epoch is selected by base accuracy only.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_hmdb51-b2n-split1-rgb.py']
# Split files: ViFi-CLIP's fixed base/novel classes (the same in splits
# 1-3, recognised from class_names.txt) and its 16 shots per base class
# of this split, from a ViFi-CLIP checkout (or --seed 2 instead of
# --shots-from to draw them): python tools/data/make_splits.py b2n \
#     data/hmdb51/annotations/hmdb51_train_split_1.txt data/hmdb51/annotations/hmdb51_val_split_1.txt \
#     data/hmdb51/annotations/class_names.txt \
#     --shots-from ViFi-CLIP/datasets_splits/base2novel_splits/hmdb_splits/fs_base_s3_train.txt \
#     --out-dir data/hmdb51/annotations/b2n_split3
b2n_split = 3
