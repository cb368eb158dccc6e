"""A one-purpose Streamlit script for benchmarks/fuzz_parser.py: parse ?f= and say how."""

import streamlit as st

import surfaces

try:
    surfaces.parse(st.query_params.get("f", ""))
    st.text("accepted")
except surfaces.FormulaError as err:
    st.text(f"rejected: {err}")
