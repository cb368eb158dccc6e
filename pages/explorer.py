import streamlit as st

st.title("Loss Landscape Lab")
st.info("The explorer is being built (issue 4).")
