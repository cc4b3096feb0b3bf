"""Synthetic scene generators: training data, scenario footage with ground truth, demo clips.

`common/` holds what every generator shares (seeded RNG, degradations, YOLO writer, MP4 writer);
`street/` renders pole-mounted street-camera scenes; `aerial/` renders drone scenes.
"""
