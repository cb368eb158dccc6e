"""The app's favicon, drawn with NumPy so no icon is fetched from the network."""

import numpy as np
from PIL import Image


def app_icon(size: int = 64) -> Image.Image:
    """Return a small picture of a contour map with a path descending into its valley.

    Streamlit's ``:material/...:`` page icons are loaded from a font CDN, which fails
    offline (a classroom without internet); an image is served by the app itself.
    """
    t = np.linspace(-1.0, 1.0, size)
    x, y = np.meshgrid(t, -t)
    f = 0.6 * (x - 0.25) ** 2 + 2.2 * (y + 0.35 - 0.8 * x**2) ** 2
    bands = (np.floor(np.sqrt(f) * 6) % 2).astype(bool)
    rgba = np.zeros((size, size, 4), dtype=np.uint8)
    rgba[...] = (45, 95, 140, 255)
    rgba[bands] = (80, 160, 170, 255)
    path = np.linspace(0, 1, 4 * size)
    px, py = -0.8 + 1.05 * path, 0.75 - 1.6 * path + 0.8 * path**2
    i = np.clip(((1 - py) / 2 * (size - 1)).round().astype(int), 0, size - 1)
    j = np.clip(((px + 1) / 2 * (size - 1)).round().astype(int), 0, size - 1)
    for di in (-1, 0, 1):
        rgba[np.clip(i + di, 0, size - 1), j] = (230, 60, 50, 255)
    return Image.fromarray(rgba, "RGBA")
