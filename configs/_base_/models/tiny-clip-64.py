# The MovingShapes demo's tiny CLIP (about 3.6 M parameters, 3.2 M of them
# the token embedding): 64 px frames cut into 16 px patches (16 tokens + CLS,
# the cost of 32 px frames in 8 px patches, but each patch sees the shape's
# marker dot at full resolution), 4 + 4 layers of width 64, 20-token text
# (the longest MovingShapes caption has 17 tokens). Width 64 rather than 128:
# at the same wall time it takes 2.7x the pretraining steps, which is what
# the probes need (configs/mv_adapter/README.md, "MovingShapes").
tiny_clip_arch = dict(
    embed_dim=64,
    quick_gelu=True,
    vision_cfg=dict(
        image_size=64, patch_size=16, width=64, layers=4, head_width=32,
        mlp_ratio=4.0),
    text_cfg=dict(
        context_length=77, vocab_size=49408, width=64, heads=2, layers=4))

model = dict(
    type='VideoTextRetriever',
    clip=dict(arch=tiny_clip_arch, pretrained=None, max_words=20),
    data_preprocessor=dict(type='VideoTextDataPreprocessor'),
    loss=dict(type='SymmetricInfoNCELoss'))
