"""Output only: map layers, HTML panels, charts and the standalone map (never
Streamlit nor the store)."""
