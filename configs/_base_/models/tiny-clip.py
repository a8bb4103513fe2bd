# A tiny CLIP (about 8.6 M parameters, 6.3 M of them the token embedding)
# for the MovingShapes demo and tests: 32 px frames, 4+4 layers of width 128.
tiny_clip_arch = dict(
    embed_dim=128,
    quick_gelu=True,
    vision_cfg=dict(
        image_size=32, patch_size=8, width=128, layers=4, head_width=32,
        mlp_ratio=4.0),
    text_cfg=dict(
        context_length=77, vocab_size=49408, width=128, heads=4, layers=4))

model = dict(
    type='VideoTextRetriever',
    clip=dict(arch=tiny_clip_arch, pretrained=None, max_words=16),
    data_preprocessor=dict(type='VideoTextDataPreprocessor'),
    loss=dict(type='SymmetricInfoNCELoss'))
