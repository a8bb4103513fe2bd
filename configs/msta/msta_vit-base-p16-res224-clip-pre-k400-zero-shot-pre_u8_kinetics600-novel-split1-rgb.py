# MSTA zero-shot on Kinetics-600's novel classes, split 1: ViFi-CLIP's
# ZS_split1_K600 (160 of the 220 classes absent from Kinetics-400), written
# with its validation videos by tools/data/kinetics/convert_splits.py
# --novel-from (see its README). ViFi-CLIP's own test videos of the split
# (from K600's train, val and test sets): python tools/data/make_splits.py map \
#     ViFi-CLIP/datasets_splits/k600_splits/ZS_split1_K600_eval.txt \
#     data/kinetics600/annotations/k600_novel_split_1_class_names.txt \
#     --videos YOUR_K600_LISTS --class-names data/kinetics600/annotations/class_names.txt \
#     --out data/kinetics600/annotations/k600_novel_split_1_val_list.txt
_base_ = ['./msta_vit-base-p16-res224-clip-pre_8xb4-u8-10e_kinetics400-zero-shot-rgb.py']
# the test data: {test_data_root} (--cfg-options test_data_root=... moves
# it), split {test_split}; {data_root} stays Kinetics-400's (training).
# Kinetics-400's test views (4 clips x 3 crops, softmax averaged over views)
test_data_root = _base_.data_roots.kinetics600
test_split = 1
model = dict(test_class_names='{test_data_root}/annotations/'
             'k600_novel_split_{test_split}_class_names.txt')
test_dataloader = dict(dataset=dict(
    ann_file='{test_data_root}/annotations/'
    'k600_novel_split_{test_split}_val_list.txt',
    data_prefix=dict(video='{test_data_root}/videos_val')))
