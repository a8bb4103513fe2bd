# The MovingShapes demo's tiny CLIP (about 3.6 M parameters, 3.2 M of them
# the token embedding): 64 px frames cut into 16 px patches (16 tokens + CLS,
# the cost of 32 px frames in 8 px patches, but each patch sees the shape's
# marker dot at full resolution), 4 + 4 layers of width 64, 20-token text
# (the longest MovingShapes caption has 17 tokens). Width 64 rather than 128:
# at the same wall time it takes 2.7x the pretraining steps, which is what
# the probes need (configs/mv_adapter/README.md, "MovingShapes").
_base_ = ['./tiny-clip.py']

# tiny-clip.py's CLIP with these changes (the rest: quick GELU, 4 + 4
# layers, 32-wide heads, MLP ratio 4, 77-token vocabulary context)
tiny_clip_arch = dict(
    embed_dim=64,
    vision_cfg=dict(image_size=64, patch_size=16, width=64),
    text_cfg=dict(width=64, heads=2))

model = dict(clip=dict(arch=tiny_clip_arch, max_words=20))
