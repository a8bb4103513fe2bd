# MSTA base-to-novel (50 epochs, 5 warm-up) on Kinetics-400, split 2: train on 16 shots of each base class, test base and novel accuracy and their harmonic mean; the epoch is selected by base accuracy only.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_kinetics400-b2n-split1-rgb.py']
# Split files: ViFi-CLIP's fixed base/novel classes (the same in splits
# 1-3, recognised from class_names.txt) and its 16 shots per base class
# of this split, from a ViFi-CLIP checkout (or --seed 1 instead of
# --shots-from to draw them): python tools/data/make_splits.py b2n \
#     data/kinetics400/annotations/kinetics400_train_list.txt data/kinetics400/annotations/kinetics400_val_list.txt \
#     data/kinetics400/annotations/class_names.txt \
#     --shots-from ViFi-CLIP/datasets_splits/base2novel_splits/k400_splits/fs_base_s2_train.txt \
#     --out-dir data/kinetics400/annotations/b2n_split2
b2n_split = 2
