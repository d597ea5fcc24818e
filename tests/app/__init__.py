"""Page logic through Streamlit's AppTest (pages/, dashboard.py)."""
