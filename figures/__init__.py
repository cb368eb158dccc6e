"""Figures and the animation payload: arrays in, plain dicts (or HTML) out; no Streamlit.

- :func:`player_payload` — everything the animation player needs, sent once, linear in steps
- :func:`standalone_html` — the player as one offline HTML file
- :func:`loss_figure`, :func:`grad_norm_figure`, :func:`distance_figure` — small static
  figures as plain dicts
"""

from figures._arrays import decode_array, encode_array
from figures.payload import (
    MAX_FRAMES,
    Run,
    as_run,
    escaped,
    payload_bytes,
    player_payload,
    stop_text,
)
from figures.standalone import standalone_html
from figures.static import distance_figure, grad_norm_figure, loss_figure, lr_figure

__all__ = [
    "MAX_FRAMES",
    "Run",
    "as_run",
    "decode_array",
    "distance_figure",
    "encode_array",
    "escaped",
    "grad_norm_figure",
    "loss_figure",
    "lr_figure",
    "payload_bytes",
    "player_payload",
    "standalone_html",
    "stop_text",
]
