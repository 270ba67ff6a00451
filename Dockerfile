# TwoMaps service image for servers that run Docker; the database is a separate PostGIS container (compose.yaml).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm gdal-bin chromium fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/twomaps
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY pyproject.toml ./
COPY app ./app
COPY geodata ./geodata
COPY layers ./layers
# Editable, so that the service finds node_modules (the page's assets) beside the code.
RUN pip install --no-cache-dir -e .
RUN useradd --system --no-create-home twomaps && install -d -o twomaps /var/lib/twomaps
USER twomaps
ENV TWOMAPS_HOST=0.0.0.0 TWOMAPS_PORT=8000 TWOMAPS_DATA_DIR=/var/lib/twomaps
EXPOSE 8000
CMD ["sh", "-c", "twomaps db migrate && twomaps demo load --if-missing && twomaps serve"]
