# MSTA few-shot: 4 shots per class on Something-Something v2 (ViFi-CLIP protocol, 50 epochs), test on the full val set.
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-50e_sthv2-2shot-rgb.py']
# 4-shot list: ViFi-CLIP's, from a ViFi-CLIP checkout (or `make_splits.py
# kshot data/sthv2/annotations/sthv2_train_list.txt --k 4 --seed 0 --out ...` to draw one):
#   python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/ssv2_splits/train1_few_shot_4.txt ViFi-CLIP/labels/ssv2_labels.csv \
#     --videos data/sthv2/annotations/sthv2_train_list.txt --class-names data/sthv2/annotations/class_names.txt \
#     --out data/sthv2/annotations/sthv2_train_list_4shot.txt
shots = 4
