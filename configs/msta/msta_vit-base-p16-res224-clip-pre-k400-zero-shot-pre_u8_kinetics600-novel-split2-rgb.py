# MSTA zero-shot on Kinetics-600's novel classes, split 2: ViFi-CLIP's
# ZS_split2_K600 (160 of the 220 classes absent from Kinetics-400), written
# with its validation videos by tools/data/kinetics/convert_splits.py
# --novel-from (see its README). ViFi-CLIP's own test videos of the split
# (from K600's train, val and test sets): python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/k600_splits/ZS_split2_K600_eval.txt \
#     data/kinetics600/annotations/k600_novel_split_2_class_names.txt \
#     --videos YOUR_K600_LISTS --class-names data/kinetics600/annotations/class_names.txt \
#     --out data/kinetics600/annotations/k600_novel_split_2_val_list.txt
_base_ = ['./msta_vit-base-p16-res224-clip-pre-k400-zero-shot-pre_u8_kinetics600-novel-split1-rgb.py']
test_split = 2
