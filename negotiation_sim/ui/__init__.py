"""The shared Solara kit of the front ends: the palette (core's colour keys as
Okabe–Ito colours), CSS, HTML snippets (outcome banner, stage matrix, chips, notes,
swatches), components (banner, stage matrix, notes, error box, downloads) and the
server settings. Built on ``views``; used by ``app`` and ``teaching``."""
