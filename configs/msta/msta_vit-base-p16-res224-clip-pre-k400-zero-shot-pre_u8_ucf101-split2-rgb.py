# MSTA zero-shot on UCF-101 split 2: the Kinetics-400-trained adapter,
# evaluated on UCF-101's own class names (5 clips x 3 crops).
#   python tools/test.py THIS_CONFIG work_dirs/msta_vit-base-p16-res224-clip-pre_8xb4-u8-10e_kinetics400-zero-shot-rgb/adapter.safetensors
_base_ = ['./msta_vit-base-p16-res224-clip-pre-k400-zero-shot-pre_u8_ucf101-split1-rgb.py']
test_split = 2
