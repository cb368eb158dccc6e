"""One offline HTML file with the player: plotly.js, the player code and the payload inline.

Pure Python (no Streamlit). The player's JavaScript and CSS are read from ``assets/player/``
so the component and the standalone page run the very same code: the component calls
``LLPlayer.connectStreamlit()``, this page calls ``LLPlayer.render(payload)``.
"""

import html
import json
from pathlib import Path

PLAYER_DIR = Path(__file__).resolve().parent.parent / "assets" / "player"
PLAYER_SCRIPTS = ("model.js", "figures.js", "player.js")  # in load order, as index.html has them


def plotly_js_source():
    """Return the minified plotly.js bundled with the installed plotly package.

    Returns
    -------
    str
    """
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


def _inline_script(text):
    # A literal "</script" would end the element early; "<\/" means the same in JS strings
    # and JSON, and plotly.min.js has no such text outside strings.
    return text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def standalone_html(payload, *, autoplay=True, title=None):
    """Render the player as a single self-contained HTML page that works offline.

    Parameters
    ----------
    payload : dict
        From :func:`figures.player_payload`.
    autoplay : bool
        Start playing when the page opens.
    title : str, optional
        The page title; defaults to the payload's title or "Loss Landscape Lab".

    Returns
    -------
    str
        The HTML document (about 5 MB: plotly.js is inlined, nothing is fetched).
    """
    css = (PLAYER_DIR / "player.css").read_text(encoding="utf-8")
    js = "\n".join((PLAYER_DIR / f).read_text(encoding="utf-8") for f in PLAYER_SCRIPTS)
    # "<" as \u003c: labels are user text, and no "</script" or "<!--" may end the element.
    data = json.dumps(payload, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    options = json.dumps({"autoplay": bool(autoplay)})
    page_title = html.escape(title or payload.get("title") or "Loss Landscape Lab")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{page_title}</title>
<style>
{css}
</style>
<script>
{_inline_script(plotly_js_source())}
</script>
<script>
{_inline_script(js)}
</script>
</head>
<body>
<div id="llp-root"></div>
<script type="application/json" id="llp-payload">{data}</script>
<script>
LLPlayer.render(JSON.parse(document.getElementById("llp-payload").textContent), {options});
</script>
</body>
</html>
"""
