# The MovingShapes demo's pretrained tiny CLIP: tiny-clip-64.py with the
# weights shipped in weights/ (weights/README.md: how they were made, their
# SHA-256 and probes). `tools/demo.py --pretrain` makes new ones and passes
# them with --cfg-options model.clip.pretrained=...
_base_ = ['./tiny-clip-64.py']
tiny_clip_weights = 'weights/tiny-clip-64_moving-shapes-static_seed0.safetensors'
model = dict(clip=dict(pretrained=tiny_clip_weights))
