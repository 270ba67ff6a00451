"""Read whatever a bureau hands us (GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ, CSV, XLSX) into EPSG:4326.

Everything that can go wrong with a file becomes a `ReadError` with a stable code and a zh-CN/en message:
GDAL tracebacks mean nothing to the person uploading. The returned frame's index is the row number that
person sees in the source (1-based feature number; spreadsheet line for CSV/XLSX), so problems point at it.
"""

from __future__ import annotations

import io
import re
import shutil
import stat
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from geodata.crs import crs_label, to_wgs84
from geodata.errors import GeodataError

_VECTOR_DRIVERS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "ESRI Shapefile",
    ".gpkg": "GPKG",
    ".kml": "KML",
}
_TABLE_SUFFIXES = {".csv", ".xlsx"}
_ARCHIVE_SUFFIXES = {".zip", ".kmz"}
_SHAPEFILE_SIDECARS = {".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml"}
# Members an archive may carry that we never extract: metadata, readmes and KMZ icons.
_IGNORED_MEMBER_SUFFIXES = {".txt", ".md", ".pdf", ".html", ".htm", ".png", ".jpg", ".jpeg", ".gif"}
# Shapefile text without a .cpg: UTF-8 first, because GBK also "decodes" UTF-8 bytes (into mojibake).
_FALLBACK_ENCODINGS = ("utf-8", "gbk")
_LON_HEADERS = {"lon", "lng", "long", "longitude", "经度", "东经"}
_LAT_HEADERS = {"lat", "latitude", "纬度", "北纬"}
_HEADER_NOISE = re.compile(r"[(\[（【].*?[)\]）】]|[°\s]")
_DMS = re.compile(r"(\d+(?:\.\d+)?)[°度](?:(\d+(?:\.\d+)?)['′分])?(?:(\d+(?:\.\d+)?)(?:\"|″|''|秒)?)?")
_HEMISPHERE = re.compile(r"^(?:东经|北纬|[EN])|[EN]$")


class ReadError(GeodataError):
    code = "read_error"


class UnsupportedFormat(ReadError):
    code = "unsupported_format"


class MalformedFile(ReadError):
    code = "malformed_file"


class MissingCRS(ReadError):
    code = "missing_crs"


class UnsafeArchive(ReadError):
    code = "unsafe_archive"


class UndecodableText(ReadError):
    code = "undecodable_text"


class SelectionError(ReadError):
    """The file is fine, but the caller must name the layer, sheet or columns to use."""

    code = "selection_required"


@dataclass(frozen=True)
class Notice:
    """Something the uploader should know that does not stop the import."""

    code: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class ZipLimits:
    """How far an archive may expand. Small members may compress arbitrarily well, so the ratio skips them."""

    max_total_bytes: int = 512 * 2**20
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 2**20
    max_members: int = 500


@dataclass
class ReadMeta:
    source_format: str
    source_crs: str
    layer: str | None = None
    encoding: str | None = None
    coordinate_columns: tuple[str, str] | None = None
    warnings: list[Notice] = field(default_factory=list)


def read_any(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    crs: object = None,
    lon_col: str | None = None,
    lat_col: str | None = None,
    zip_limits: ZipLimits = ZipLimits(),
) -> tuple[gpd.GeoDataFrame, ReadMeta]:
    """Read one dataset into a 2D GeoDataFrame in EPSG:4326.

    `crs` states the source coordinates when the file does not, or lies (GCJ-02 GeoJSON claims WGS-84): an
    EPSG code, pyproj CRS, or 'gcj02'/'bd09'. `layer` picks a layer, a worksheet or a dataset in an archive.
    Raises a `ReadError` subclass for a bad file, `UnsupportedCRS` for coordinates we cannot place.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"找不到文件：{path.name}", f"file not found: {path.name}", code="file_not_found")
    suffix = path.suffix.lower()
    if suffix in _ARCHIVE_SUFFIXES:
        return _read_archive(path, layer, encoding, crs, lon_col, lat_col, zip_limits)
    if suffix in _VECTOR_DRIVERS:
        frame, meta = _read_vector(path, _VECTOR_DRIVERS[suffix], layer, encoding)
        first_row = 1
    elif suffix in _TABLE_SUFFIXES:
        frame, meta = _read_table(path, layer, encoding, lon_col, lat_col)
        first_row = 2  # line 1 is the header
    else:
        raise UnsupportedFormat(
            f"不支持的文件类型“{suffix or path.name}”；支持 GeoJSON、Shapefile(zip)、GeoPackage、KML/KMZ、CSV、XLSX",
            f"unsupported file type “{suffix or path.name}”; use GeoJSON, zipped Shapefile, GeoPackage, "
            "KML/KMZ, CSV or XLSX",
        )
    frame = _to_wgs84(frame, crs, meta)
    frame.index = pd.RangeIndex(first_row, first_row + len(frame), name="row")
    meta.warnings.extend(_mojibake_notices(frame))
    return frame, meta


def parse_degrees(value: object) -> float:
    """Decimal degrees from a spreadsheet cell: 113.75, '113.75°', '东经113°45′30″'; NaN when unreadable."""
    if isinstance(value, int | float):
        return float(value)
    text = _HEMISPHERE.sub("", re.sub(r"\s", "", str(value or "")))
    try:
        return float(text.removesuffix("°"))
    except ValueError:
        pass
    match = _DMS.fullmatch(text)
    if match is None:
        return float("nan")
    degrees, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    return degrees + minutes / 60.0 + seconds / 3600.0


def _malformed(path: Path, kind: str, detail: object = "") -> MalformedFile:
    return MalformedFile(
        f"文件“{path.name}”不是有效的 {kind} 文件{f'（{detail}）' if detail else ''}",
        f"“{path.name}” is not a valid {kind} file{f' ({detail})' if detail else ''}",
    )


def _looks_like(path: Path, driver: str) -> bool:
    """Check the first bytes, so a renamed .txt fails with a clear message instead of a GDAL one."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if driver == "GeoJSON":
        return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"
    if driver == "ESRI Shapefile":
        return head[:4] == b"\x00\x00\x27\x0a"
    if driver == "GPKG":
        return head.startswith(b"SQLite format 3\x00")
    return b"<kml" in head.lower()


def _choose_layer(path: Path, layer: str | None) -> str:
    names = [str(name) for name, _ in pyogrio.list_layers(path)]
    if layer is not None and layer not in names:
        raise SelectionError(
            f"“{path.name}”中没有图层“{layer}”；可选：{'、'.join(names)}",
            f"“{path.name}” has no layer “{layer}”; choose one of: {', '.join(names)}",
            code="layer_not_found",
        )
    if layer is None and len(names) > 1:
        raise SelectionError(
            f"“{path.name}”包含多个图层，请指定一个：{'、'.join(names)}",
            f"“{path.name}” holds several layers; choose one of: {', '.join(names)}",
            code="layer_required",
        )
    return layer or names[0]


def _read_vector(path: Path, driver: str, layer: str | None, encoding: str | None) -> tuple[gpd.GeoDataFrame, ReadMeta]:
    if not _looks_like(path, driver):
        raise _malformed(path, driver)
    meta = ReadMeta(source_format=driver, source_crs="")
    if driver == "ESRI Shapefile" and encoding is None:
        encoding = _shapefile_encoding(path, meta)
    try:
        meta.layer = layer = _choose_layer(path, layer)
        with warnings.catch_warnings(record=True) as gdal_warnings:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, force_2d=True, on_invalid="ignore")
    except UnicodeDecodeError as exc:
        raise UndecodableText(
            f"“{path.name}”中的文字不是 {encoding or 'UTF-8'} 编码，请指定正确的编码",
            f"text in “{path.name}” is not {encoding or 'UTF-8'}; pass the right encoding",
        ) from exc
    except (DataSourceError, DataLayerError) as exc:
        raise _malformed(path, driver, _first_line(exc)) from exc
    meta.encoding = encoding
    meta.warnings.extend(
        Notice("gdal_warning", f"GDAL 提示：{warning.message}", f"GDAL: {warning.message}") for warning in gdal_warnings
    )
    return frame, meta


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _shapefile_encoding(path: Path, meta: ReadMeta) -> str:
    """The .dbf text encoding: the .cpg when it is right, else whichever of UTF-8/GBK decodes every byte."""
    dbf = next((p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == ".dbf"), None)
    cpg = next((p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() == ".cpg"), None)
    text = _dbf_text_bytes(dbf.read_bytes()) if dbf else b""
    declared = _codec_from_cpg(cpg.read_text("ascii", errors="ignore")) if cpg else None
    if declared and _decodes(text, declared):
        return declared
    found = next((codec for codec in _FALLBACK_ENCODINGS if _decodes(text, codec)), None)
    if found is None:
        raise UndecodableText(
            f"无法识别“{path.name}”属性表的编码（既非 UTF-8 也非 GBK），请提供 .cpg 或指定编码",
            f"text in “{path.name}” is neither UTF-8 nor GBK; add a .cpg or pass encoding",
        )
    if declared:
        meta.warnings.append(
            Notice(
                "cpg_mismatch",
                f".cpg 声明编码为 {declared}，但属性文字不是该编码，已按 {found} 读取",
                f"the .cpg says {declared} but the text is not; read as {found}",
            )
        )
    return found


def _dbf_text_bytes(dbf: bytes) -> bytes:
    """Field names and records of a .dbf, without the binary header bytes that no text codec accepts."""
    header_length = int.from_bytes(dbf[8:10], "little")
    names = b"".join(dbf[at : at + 11].split(b"\x00")[0] for at in range(32, header_length - 1, 32))
    return names + dbf[header_length:].rstrip(b"\x1a")


def _codec_from_cpg(declared: str) -> str | None:
    """Map .cpg spellings ('UTF-8', '936', 'GB2312', 'ANSI 936') to a codec name GDAL and Python share."""
    name = declared.strip().lower().removeprefix("ansi").strip()
    name = {"65001": "utf-8", "utf8": "utf-8", "936": "gbk", "gb2312": "gbk", "cp936": "gbk"}.get(name, name)
    return name or None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _read_table(
    path: Path, sheet: str | None, encoding: str | None, lon_col: str | None, lat_col: str | None
) -> tuple[gpd.GeoDataFrame, ReadMeta]:
    """CSV/XLSX with a longitude and a latitude column; every cell is kept as text, as typed."""
    if path.suffix.lower() == ".csv":
        meta = ReadMeta(source_format="CSV", source_crs="")
        table = _read_csv(path, encoding, meta)
    else:
        meta = ReadMeta(source_format="XLSX", source_crs="")
        table = _read_xlsx(path, sheet, meta)
    table.columns = [str(column) for column in table.columns]
    table = table.astype(object).where(table.notna() & table.ne(""), None)
    lon_name = _coordinate_column(table, lon_col, _LON_HEADERS, "x", "经度", "longitude")
    lat_name = _coordinate_column(table, lat_col, _LAT_HEADERS, "y", "纬度", "latitude")
    meta.coordinate_columns = (lon_name, lat_name)
    lon = np.array([parse_degrees(value) for value in table[lon_name]], dtype=float)
    lat = np.array([parse_degrees(value) for value in table[lat_name]], dtype=float)
    points = shapely.points(lon, lat)
    points[~(np.isfinite(lon) & np.isfinite(lat))] = None
    return gpd.GeoDataFrame(table, geometry=points), meta


def _read_csv(path: Path, encoding: str | None, meta: ReadMeta) -> pd.DataFrame:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise _malformed(path, "CSV", "binary content")
    candidates = (encoding,) if encoding else ("utf-8-sig", "gbk")
    codec = next((codec for codec in candidates if _decodes(data, codec)), None)
    if codec is None:
        raise UndecodableText(
            f"无法识别“{path.name}”的编码，请另存为 UTF-8 或指定编码",
            f"cannot decode “{path.name}”; save it as UTF-8 or pass encoding",
        )
    meta.encoding = codec
    try:
        return pd.read_csv(io.StringIO(data.decode(codec)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _malformed(path, "CSV", _first_line(exc)) from exc


def _read_xlsx(path: Path, sheet: str | None, meta: ReadMeta) -> pd.DataFrame:
    if not zipfile.is_zipfile(path):
        raise _malformed(path, "XLSX", "旧版 .xls 请另存为 .xlsx / save old .xls files as .xlsx")
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise _malformed(path, "XLSX", _first_line(exc)) from exc
    with book:
        if sheet is not None and sheet not in book.sheet_names:
            raise SelectionError(
                f"没有工作表“{sheet}”；可选：{'、'.join(book.sheet_names)}",
                f"no worksheet “{sheet}”; choose one of: {', '.join(book.sheet_names)}",
                code="layer_not_found",
            )
        meta.layer = sheet or book.sheet_names[0]
        return pd.read_excel(book, sheet_name=meta.layer, dtype=str)


def _coordinate_column(
    table: pd.DataFrame, given: str | None, names: set[str], axis_name: str, label_zh: str, label_en: str
) -> str:
    """Find the column by name, unit suffixes ignored; named headers win over a bare x/y."""
    columns = list(table.columns)
    if given is not None:
        if given in columns:
            return given
    else:
        for wanted in (names, {axis_name}):
            hits = [c for c in columns if _HEADER_NOISE.sub("", c).lower() in wanted]
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise SelectionError(
                    f"有多个{label_zh}列（{'、'.join(hits)}），请指定使用哪一列",
                    f"several {label_en} columns ({', '.join(hits)}); say which one to use",
                    code="coordinate_column_ambiguous",
                )
    raise SelectionError(
        f"找不到{label_zh}列（表头：{'、'.join(columns)}）",
        f"no {label_en} column found (headers: {', '.join(columns)})",
        code="coordinate_column_missing",
    )


def _to_wgs84(frame: gpd.GeoDataFrame, crs: object, meta: ReadMeta) -> gpd.GeoDataFrame:
    """Settle the source CRS (explicit beats declared; GeoJSON/KML declare WGS-84) and convert."""
    declared = frame.crs
    if crs is not None:
        source = crs
        if declared is not None and not declared.equals(4326) and crs_label(declared) != crs_label(crs):
            meta.warnings.append(
                Notice(
                    "crs_overridden",
                    f"文件声明的坐标系为 {crs_label(declared)}，已按指定的 {crs_label(crs)} 处理",
                    f"the file declares {crs_label(declared)}; treated as {crs_label(crs)} as requested",
                )
            )
    elif declared is not None:
        source = declared
    elif meta.source_format in ("CSV", "XLSX"):
        source = 4326
        meta.warnings.append(
            Notice(
                "assumed_wgs84",
                "未指定坐标系，按 WGS-84 经纬度处理；高德/腾讯坐标请指定 crs='gcj02'，百度请指定 crs='bd09'",
                "no CRS given, read as WGS-84; pass crs='gcj02' for Amap/Tencent or crs='bd09' for Baidu",
            )
        )
    else:
        raise MissingCRS(
            "文件未声明坐标系（Shapefile 缺少 .prj），请指定坐标系",
            "the file declares no coordinate system (a Shapefile without .prj); pass crs",
        )
    meta.source_crs = crs_label(source)
    return to_wgs84(frame, source)


def _looks_mojibake(text: str) -> bool:
    """Replacement characters, or UTF-8/GBK bytes that were decoded as Latin-1 (e.g. 'ä¸\x9c' for 东)."""
    if "\ufffd" in text:
        return True
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return any(_decodes(raw, codec) for codec in _FALLBACK_ENCODINGS)


def _mojibake_notices(frame: gpd.GeoDataFrame) -> list[Notice]:
    texts = [str(column) for column in frame.columns]
    for column in frame.columns.drop(frame.geometry.name):
        texts.extend(value for value in frame[column] if isinstance(value, str))
    suspects = [text for text in texts if not text.isascii() and _looks_mojibake(text)]
    if not suspects:
        return []
    return [
        Notice(
            "possible_mojibake",
            f"部分文字疑似乱码（如“{suspects[0]}”），请检查文件编码",
            f"some text looks garbled (e.g. “{suspects[0]}”); check the file encoding",
        )
    ]


def _read_archive(
    path: Path,
    layer: str | None,
    encoding: str | None,
    crs: object,
    lon_col: str | None,
    lat_col: str | None,
    limits: ZipLimits,
) -> tuple[gpd.GeoDataFrame, ReadMeta]:
    """Check every member before extracting anything, then extract into a private temp dir and read there."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _malformed(path, "ZIP", _first_line(exc)) from exc
    with archive:
        members = _checked_members(archive, limits)
        with tempfile.TemporaryDirectory(prefix="twomaps-read-") as temp_dir:
            root = Path(temp_dir).resolve()
            _extract(archive, members, root)
            datasets = sorted(
                _member_path(root, member)
                for member in members
                if PurePosixPath(member.filename).suffix.lower() in _VECTOR_DRIVERS.keys() | _TABLE_SUFFIXES
            )
            dataset = _choose_dataset(path, datasets, layer)
            inner_layer = None if len(datasets) > 1 else layer  # `layer` already picked the file
            return read_any(dataset, layer=inner_layer, encoding=encoding, crs=crs, lon_col=lon_col, lat_col=lat_col)


def _member_path(root: Path, info: zipfile.ZipInfo) -> Path:
    return root / info.filename.replace("\\", "/")


def _unsafe(code: str, zh: str, en: str) -> UnsafeArchive:
    return UnsafeArchive(f"压缩包不安全，已拒绝：{zh}", f"archive refused: {en}", code=code)


def _checked_members(archive: zipfile.ZipFile, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The members worth extracting; refuses traversal, links, encryption, odd types and zip bombs."""
    files = [info for info in archive.infolist() if not info.is_dir()]
    if len(files) > limits.max_members:
        raise _unsafe("zip_too_many_members", f"文件数超过 {limits.max_members}", "too many members")
    wanted, total = [], 0
    for info in files:
        name = info.filename.replace("\\", "/")
        member = PurePosixPath(name)
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in member.parts:
            raise _unsafe("zip_path_traversal", f"非法路径“{info.filename}”", f"unsafe path “{info.filename}”")
        if stat.S_ISLNK(info.external_attr >> 16) or info.flag_bits & 0x1:
            raise _unsafe(
                "zip_unexpected_member",
                f"“{info.filename}”是链接或加密文件",
                f"“{info.filename}” is a link or encrypted",
            )
        suffix = member.suffix.lower()
        if "__MACOSX" in member.parts or member.name.startswith(".") or suffix in _IGNORED_MEMBER_SUFFIXES:
            continue
        if suffix not in _VECTOR_DRIVERS.keys() | _TABLE_SUFFIXES | _SHAPEFILE_SIDECARS:
            raise _unsafe(
                "zip_unexpected_member",
                f"意外的文件“{info.filename}”",
                f"unexpected member “{info.filename}”",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise _unsafe("zip_bomb", f"“{info.filename}”压缩比异常", f"“{info.filename}” expands {ratio:.0f}×")
        total += info.file_size
        wanted.append(info)
    if total > limits.max_total_bytes:
        raise _unsafe("zip_bomb", "解压后体积过大", f"expands to {total} bytes")
    return wanted


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], root: Path) -> None:
    """Copy the checked members under `root`; zipfile itself stops a member at its declared size."""
    for info in members:
        target = _member_path(root, info)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise MalformedFile(f"压缩包损坏：{info.filename}", f"corrupt archive member: {info.filename}") from exc


def _choose_dataset(path: Path, datasets: list[Path], layer: str | None) -> Path:
    if len(datasets) == 1:
        return datasets[0]
    if not datasets:
        raise UnsupportedFormat(
            f"压缩包“{path.name}”中没有可读取的数据文件", f"“{path.name}” holds no readable dataset"
        )
    chosen = [dataset for dataset in datasets if dataset.stem == layer]
    if len(chosen) == 1:
        return chosen[0]
    names = [dataset.stem for dataset in datasets]
    raise SelectionError(
        f"压缩包包含多个数据文件，请指定一个：{'、'.join(names)}",
        f"the archive holds several datasets; choose one of: {', '.join(names)}",
        code="layer_required" if layer is None else "layer_not_found",
    )
