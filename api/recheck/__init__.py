"""The product's own 核查: after the case system reports 处置, the camera looks at the place again."""
