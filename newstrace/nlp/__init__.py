"""Language tools shared by the stages: text folding, transliteration, gazetteers, models."""
