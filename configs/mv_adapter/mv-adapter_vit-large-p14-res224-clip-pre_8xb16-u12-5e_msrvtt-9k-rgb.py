# MV-Adapter, ViT-L/14, MSR-VTT 9k / 1k-A: the ViT-B/16 recipe with the
# paper's d' = 128 for ViT-L/14 (Sec. 4.4: full fine-tune 49.2 vs MV-Adapter
# 49.3 T2V R@1). The towers differ in depth (24 vision, 12 text layers):
# adapters in every layer of each, CMT ties the last two layers of each
# tower (vision 22-23 with text 10-11, Down-Out as in the MSR-VTT config).
_base_ = ['./mv-adapter_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py']
model = dict(
    clip=dict(arch='ViT-L-14'),
    adapter=dict(bottleneck=128, cmt_layers=(-2, -1)))
