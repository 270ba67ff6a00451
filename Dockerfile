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
RUN pip install --no-cache-dir .
RUN useradd --system --no-create-home twomaps
USER twomaps
ENV TWOMAPS_HOST=0.0.0.0 TWOMAPS_PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "twomaps db migrate && twomaps demo load --if-missing && twomaps serve"]
