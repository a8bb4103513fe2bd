# CLIP4Clip (meanP) with ViT-B/16 on MSR-VTT 9k / 1k-A, the same recipe as the
# ViT-B/32 config (the full-fine-tune row of the MV-Adapter paper's table).
_base_ = ['./clip4clip_vit-base-p32-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py']
model = dict(clip=dict(arch='ViT-B-16'))
