r"""Inert text: anything that came from a link, shown without being interpreted.

Streamlit renders the text of ``st.warning``, ``st.info`` and friends as Markdown (with
GitHub's extensions, Streamlit's ``:color[...]`` and ``:material/...:`` directives and
``$...$`` maths). A link is untrusted, so text taken from it must not become a clickable
link, an image the browser fetches, HTML, or formatting: every character that means
something to any of those syntaxes is backslash-escaped (CommonMark lets any ASCII
punctuation be escaped), control characters are dropped and long text is shortened.

Escaping is not enough for GitHub's autolink literals: Streamlit's renderer finds
``http://…``, ``www.…`` and ``name@host.tld`` in the text *after* the escapes are resolved
and links them anyway (measured in Chromium: ``http\:\/\/e\.vil`` became a live link).
So an invisible word joiner (U+2060) is also put after every ``http``, ``www`` and ``@``:
the text reads and copies the same to the eye, but no autolink pattern matches it.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character CommonMark allows to be escaped.
_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
# Where a GFM autolink literal starts: a scheme (http, https), "www" and an e-mail's "@".
_AUTOLINK = re.compile(r"(https?|www|@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


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
        Markdown that renders as the literal text: no link (also no autolink literal such
        as ``www.x.y``), image, HTML or formatting.
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(text))
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    text = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return _SPECIAL.sub(r"\\\1", text)
