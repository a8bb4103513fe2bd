# MV-Adapter, ViT-B/32, MSR-VTT 9k / 1k-A (same recipe as ViT-B/16).
_base_ = ['./mv-adapter_vit-base-p16-res224-clip-pre_8xb16-u12-5e_msrvtt-9k-rgb.py']
model = dict(clip=dict(arch='ViT-B-32'))
