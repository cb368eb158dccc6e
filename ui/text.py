"""Inert text: anything that came from a link, shown without being interpreted.

Streamlit renders the text of ``st.warning``, ``st.info`` and friends as Markdown (with
GitHub's extensions, Streamlit's ``:color[...]`` and ``:material/...:`` directives and
``$...$`` maths). A link is untrusted, so text taken from it must not become a clickable
link, an image the browser fetches, HTML, or formatting: every character that means
something to any of those syntaxes is backslash-escaped (CommonMark lets any ASCII
punctuation be escaped), control characters are dropped and long text is shortened.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character CommonMark allows to be escaped.
_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def inert(text, limit=200):
    """Return ``text`` escaped for Streamlit Markdown, on one line, at most ``limit`` long.

    Parameters
    ----------
    text : object
        Converted with ``str``.
    limit : int or None
        Characters kept before escaping (an ellipsis marks a cut); None keeps all.

    Returns
    -------
    str
        Markdown that renders as the literal text: no link, image, HTML or formatting.
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return _SPECIAL.sub(r"\\\1", text)
