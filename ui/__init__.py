"""Streamlit widgets and state shared by the pages, and the animation player component.

Import submodules directly (``from ui.player import player``); this package imports
nothing itself, so importing one part never drags in the others.
"""
