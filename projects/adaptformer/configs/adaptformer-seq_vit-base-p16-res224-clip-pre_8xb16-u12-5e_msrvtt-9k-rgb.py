# AdaptFormer-seq with CLIP ViT-B/16 on MSR-VTT 9k / 1k-A: the AdaptMLP is
# applied to the FFN output (out = h + F + s * A(F)); everything else as the
# -par config (2.75 % trainable; paper: 2.78 %).
_base_ = [
    './adaptformer-par_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py'
]
model = dict(adapter=dict(variant='sequential'))
