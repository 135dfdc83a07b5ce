"""The per-article layer: `base` (what a stage is) and one module per stage.

`newstrace.pipeline` composes the stages into `analyze`; nothing here imports it.
"""
