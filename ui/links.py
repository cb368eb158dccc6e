"""Reading a link: what every page does with its query parameters, in one place.

A page's link is untrusted input. Each page that reads one (the scene pages through
``ui.scene.from_query``, the lessons page, the network page) first passes the raw query
through `read`: one value per key, repeated, over-long and unknown keys named in a warning.
Its own parser then checks the values it knows and adds a sentence per value it refuses.
The sentences are plain text; `message` is the only way they are shown, as one Markdown
list made inert (``ui.text.inert``): a link's text never renders as a link, image or HTML.

Plain Python (no streamlit): ``ui.state.show_link_warnings`` draws the message.
"""

from __future__ import annotations

from ui.text import inert

MAX_VALUE = 2000  # characters: 8 runs with every setting fit; longer is not a setting
HEADING = "Some settings in the link could not be used:"


def read(query, known, page: str = "") -> tuple[dict[str, str], list[str]]:
    """Return the first value of every known key, and a warning per key not used as given.

    Parameters
    ----------
    query : mapping of str to str or list of str
        For example ``{k: st.query_params.get_all(k) for k in st.query_params}``.
    known : collection of str
        The keys the page reads.
    page : str
        The page's name for the "not a setting" sentence (e.g. ``"the lessons page"``);
        empty for the explorer's scene, which every scene page shares.

    Returns
    -------
    values : dict of str to str
        Known keys with their first value, each at most `MAX_VALUE` characters.
    warnings : list of str
        Plain sentences (repeated key, too long a value, a key that is not a setting).
    """
    values, warnings = {}, []
    of = f" of {page}" if page else ""
    for key, value in dict(query).items():
        key = str(key)
        if isinstance(value, list | tuple):
            if len(value) > 1:
                warnings.append(f"The link repeats '{key[:40]}'; the first value is used.")
            value = value[0] if value else ""
        value = str(value)
        if key not in known:
            warnings.append(f"The link's '{key[:40]}' is not a setting{of} and was ignored.")
        elif len(value) > MAX_VALUE:
            warnings.append(f"The link's '{key[:40]}' is too long and was ignored.")
        else:
            values[key] = value
    return values, warnings


def message(warnings) -> str:
    """Return the Markdown that shows ``warnings``: a heading and one inert item each.

    Parameters
    ----------
    warnings : list of str
        Plain sentences, possibly quoting the link.

    Returns
    -------
    str
        Empty when there is nothing to say.
    """
    if not warnings:
        return ""
    return HEADING + "\n\n" + "\n".join(f"- {inert(w, 400)}" for w in warnings)
