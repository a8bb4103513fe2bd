# AdaptFormer plugin of mvadapt: see README.md.
