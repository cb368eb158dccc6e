"""Tables the pages show, as lists of plain dicts (no Streamlit)."""


def critical_point_rows(points):
    """Return one row per critical point: kind, position, value and Hessian eigenvalues.

    Parameters
    ----------
    points : list of surfaces.CriticalPoint

    Returns
    -------
    list of dict
    """
    return [
        {
            "kind": p.kind,
            "x": p.x,
            "y": p.y,
            "f(x, y)": p.value,
            "λ₁ (smaller)": p.eigvals[0],
            "λ₂ (larger)": p.eigvals[1],
        }
        for p in points
    ]


def critical_point_counts(points) -> str:
    """Return how many minima, maxima and saddles there are, in words ("1 minimum, ...")."""
    kinds = (("minimum", "minima"), ("maximum", "maxima"), ("saddle", "saddles"))
    return ", ".join(
        f"{n} {one if n == 1 else many}"
        for one, many in kinds
        for n in [sum(p.kind == one for p in points)]
    )
