# The dashboard, installed as `make run` installs it (pinned packages from PyPI).
FROM python:3.11-slim-bookworm
WORKDIR /srv/sahel-atlas
COPY requirements.txt requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.txt -c requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps -e .
EXPOSE 8501
CMD ["python", "-m", "streamlit", "run", "dashboard.py"]
