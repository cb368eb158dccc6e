"""The floor for benchmarks/bench_load.py: a Streamlit script that draws one line."""

import streamlit as st

st.text("ok")
