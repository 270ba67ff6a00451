"""UI strings in zh-CN (the default) and English; the page reads them from `/config.json`."""

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "应急管理“两张图”",
        "layers": "图层",
        "legend": "图例",
        "demo_banner": "演示数据：企业、风险点与设施为按真实镇街生成的模拟数据，镇街边界与人口为真实公开数据",
        "loading": "正在加载…",
        "error": "数据加载失败",
        "empty": "没有符合条件的数据",
        "language": "English",
        "features": "个要素",
    },
    "en": {
        "title": "TwoMaps — emergency management",
        "layers": "Layers",
        "legend": "Legend",
        "demo_banner": "Demo data: enterprises, hazards and facilities are synthetic, generated over the real "
        "town boundaries and census population",
        "loading": "Loading…",
        "error": "Could not load data",
        "empty": "Nothing matches",
        "language": "中文",
        "features": "features",
    },
}
