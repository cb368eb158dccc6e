"""Classic scenes of the standard texts, one click away in the explorer's sidebar.

Each is a :class:`ui.scene.Scene` with its source. d2l (Zhang et al., *Dive into Deep
Learning*): section 12.3 (gradient descent) uses f = x² + 2y² from (-5, -2) with lr
0.1; section 12.6 (momentum) uses f = 0.1x² + 2y² from (-5, -2): GD with lr 0.4 crawls,
lr 0.6 diverges in y, momentum β = 0.5 at lr 0.6 converges. Beale from (3, 4): the start
of the widely reproduced animated comparison (Louis Tiao, "Visualizing and Animating
Optimization Algorithms with Matplotlib", after Alec Radford's animations): "challenging
for algorithms with a little too much momentum", with Radford's set of optimizers.
"""

from ui import scene as sc

RADFORD = (
    sc.Run("gd", (("lr", 0.001),), "#d62728"),
    sc.Run("momentum", (("lr", 0.001), ("momentum", 0.9)), "#2ca02c"),
    sc.Run("nesterov", (("lr", 0.001), ("momentum", 0.9)), "#ff7f0e"),
    sc.Run("adagrad", (("lr", 0.5),), "#9467bd"),
    sc.Run("adadelta", (("lr", 1.0),), "#1f77b4"),
    sc.Run("rmsprop", (("lr", 0.01),), "#000000"),
)

CLASSICS = {
    "d2l 12.3: GD on x² + 2y², lr 0.1": sc.Scene(
        surface="d2l_bowl", start=(-5.0, -2.0), steps=20,
        runs=(sc.Run("gd", (("lr", 0.1),), "#1f77b4"),),
    ),
    "d2l 12.6: GD on 0.1x² + 2y², lr 0.4 and 0.6": sc.Scene(
        surface="d2l_elongated", start=(-5.0, -2.0), steps=20,
        runs=(sc.Run("gd", (("lr", 0.4),), "#1f77b4"), sc.Run("gd", (("lr", 0.6),), "#d62728")),
    ),
    "d2l 12.6: momentum β 0.5 and 0.25 at lr 0.6": sc.Scene(
        surface="d2l_elongated", start=(-5.0, -2.0), steps=20,
        runs=(
            sc.Run("momentum", (("lr", 0.6), ("momentum", 0.5)), "#2ca02c"),
            sc.Run("momentum", (("lr", 0.6), ("momentum", 0.25)), "#ff7f0e"),
        ),
    ),
    "Beale from (3, 4): the animated comparison": sc.Scene(
        surface="beale", start=(3.0, 4.0), steps=500, runs=RADFORD
    ),
}  # fmt: skip
"""Title -> scene, in the order the sidebar lists them."""
