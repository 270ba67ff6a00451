/* Enterprises from our vector tiles, drawn straight onto one canvas per tile: grid counts per tier below the
   layer's aggregation zoom, single points above it. No Leaflet object per feature, so a million enterprises stay
   smooth; clicks are hit-tested against the decoded points of the tile under the cursor.
   Tiles are drawn 512 px wide from the server's tiles one zoom level up: a quarter of the requests for the same
   detail (a first render needs a dozen tiles, not forty), and 8 px grid cells that read well as circles. */
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { languageHeaders, problemError } from "./api.js";

const TILE_SIZE = 512;
export const ZOOM_OFFSET = -1; // a 512 px tile at map zoom z is the server's 256 px tile at z - 1
const HIT_SLOP_PX = 3;

function cellRadius(count) { return Math.min(10, 2.5 + Math.log2(count + 1)); }

function circle(context, x, y, radius) {
  context.beginPath();
  context.arc(x, y, radius, 0, 2 * Math.PI);
}

export const EnterpriseTiles = L.GridLayer.extend({
  options: { pane: "enterprises", tileSize: TILE_SIZE, radius: 4, ring: false, updateWhenZooming: false },

  /* layerId: the registry layer · query(): its current query string · tiers: the palette's tiers, most severe
     first · colorOf(tier) */
  initialize(layerId, query, tiers, colorOf, options) {
    L.GridLayer.prototype.initialize.call(this, options);
    Object.assign(this, { layerId, query, tiers, colorOf, items: new Map(), requests: new WeakMap() });
    this.on("tileunload", (event) => {
      this.requests.get(event.tile)?.abort(); // zoomed or panned past: the server need not finish it
      this.items.delete(this._tileCoordsToKey(event.coords));
    });
  },

  /* New filters: the tiles again. Not redraw(): in Leaflet 1.9 it takes a fractional map zoom as the tile zoom. */
  refresh() {
    const map = this._map;
    if (map) map.removeLayer(this).addLayer(this);
  },

  createTile(coords, done) {
    const canvas = L.DomUtil.create("canvas", "leaflet-tile");
    const ratio = window.devicePixelRatio || 1;
    canvas.width = canvas.height = TILE_SIZE * ratio;
    const url = `/tiles/${this.layerId}/${coords.z + ZOOM_OFFSET}/${coords.x}/${coords.y}.mvt?${this.query()}`;
    const request = new AbortController();
    this.requests.set(canvas, request);
    fetch(url, { headers: languageHeaders(), signal: request.signal })
      .then(async (response) => {
        if (response.status === 204) return [];
        if (!response.ok) throw await problemError(response);
        return this.decode(new VectorTile(new PbfReader(await response.arrayBuffer())));
      })
      .then((items) => {
        this.items.set(this._tileCoordsToKey(coords), items);
        this.draw(canvas.getContext("2d"), items, ratio);
        done(null, canvas);
      })
      .catch((error) => {
        if (error.name !== "AbortError") done(error, canvas);
      });
    return canvas;
  },

  decode(tile) {
    const items = [];
    for (const [name, layer] of Object.entries(tile.layers)) {
      const scale = TILE_SIZE / layer.extent;
      for (let i = 0; i < layer.length; i++) {
        const feature = layer.feature(i);
        const [point] = feature.loadGeometry()[0];
        items.push({ grid: name.endsWith("_grid"), id: feature.id, properties: feature.properties,
          x: point.x * scale, y: point.y * scale });
      }
    }
    return items.sort((a, b) => this.severity(a.properties.tier) - this.severity(b.properties.tier));
  },

  /* Higher is more severe; drawn last, so red is never hidden under blue. */
  severity(tier) {
    const index = this.tiers.findIndex((x) => x.id === tier);
    return index < 0 ? 0 : this.tiers.length - index;
  },

  radiusOf(item) { return item.grid ? cellRadius(item.properties.count) : this.options.radius; },

  draw(context, items, ratio) {
    context.scale(ratio, ratio);
    context.strokeStyle = this.options.ring ? "#1a202c" : "#ffffff";
    for (const item of items) {
      const radius = this.radiusOf(item);
      if (this.options.ring) {
        context.lineWidth = 2;
        circle(context, item.x, item.y, radius);
        context.stroke();
      } else if (item.grid) {
        this.drawPie(context, item, radius);
      } else {
        context.fillStyle = this.colorOf(item.properties.tier);
        circle(context, item.x, item.y, radius);
        context.fill();
        context.lineWidth = 0.8;
        context.stroke();
      }
    }
  },

  /* A grid cell: a pie of its tier counts, most severe from twelve o'clock, sized by the total. */
  drawPie(context, item, radius) {
    const total = item.properties.count;
    let start = -Math.PI / 2;
    for (const tier of this.tiers) {
      const share = (item.properties[tier.id] || 0) / total;
      if (!share) continue;
      context.beginPath();
      context.moveTo(item.x, item.y);
      context.arc(item.x, item.y, radius, start, start + share * 2 * Math.PI);
      context.closePath();
      context.fillStyle = tier.color;
      context.fill();
      start += share * 2 * Math.PI;
    }
    if (start < 1.5 * Math.PI - 1e-6) { // enterprises without a tier
      context.beginPath();
      context.moveTo(item.x, item.y);
      context.arc(item.x, item.y, radius, start, 1.5 * Math.PI);
      context.fillStyle = this.colorOf(null);
      context.fill();
    }
    context.lineWidth = 0.6;
    circle(context, item.x, item.y, radius);
    context.stroke();
  },

  /* The topmost feature under a map click, or null. */
  hit(latlng) {
    if (!this._map || this._tileZoom === undefined) return null;
    const point = this._map.project(latlng, this._tileZoom);
    const coords = point.divideBy(TILE_SIZE).floor();
    coords.z = this._tileZoom;
    const local = point.subtract(coords.multiplyBy(TILE_SIZE));
    const items = this.items.get(this._tileCoordsToKey(coords)) || [];
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (Math.hypot(item.x - local.x, item.y - local.y) <= this.radiusOf(item) + HIT_SLOP_PX) return item;
    }
    return null;
  },
});
