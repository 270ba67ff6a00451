"""Fixed vocabularies with zh-CN/en labels: the database CHECKs, the registry, the API and the UI read them here."""

from __future__ import annotations

from layers.styles import TIER_ORDER, TIER_STYLES

# code -> (zh-CN, en)
TIERS: dict[str, tuple[str, str]] = {t.value: (TIER_STYLES[t].label_zh, TIER_STYLES[t].label_en) for t in TIER_ORDER}
HAZARD_TAGS: dict[str, tuple[str, str]] = {
    "hazchem_production": ("危化品生产", "Hazardous chemicals: production"),
    "hazchem_storage": ("危化品储存", "Hazardous chemicals: storage"),
    "hazchem_use": ("危化品使用", "Hazardous chemicals: use"),
    "hazchem_trade": ("危化品经营", "Hazardous chemicals: trade"),
    "dust_explosion": ("粉尘涉爆", "Combustible dust"),
    "ammonia_refrigeration": ("涉氨制冷", "Ammonia refrigeration"),
    "confined_space": ("有限空间", "Confined spaces"),
    "lithium_battery": ("锂电池", "Lithium batteries"),
    "metal_smelting": ("金属冶炼", "Metal smelting"),
    "fireworks": ("烟花爆竹", "Fireworks"),
    "non_coal_mine": ("非煤矿山", "Non-coal mine"),
    "industry_other": ("工贸其他", "Industry & trade, other"),
}
HAZCHEM_TAGS = ("hazchem_production", "hazchem_storage", "hazchem_use", "hazchem_trade")

INDUSTRIES: dict[str, tuple[str, str]] = {
    "chemical": ("化工", "Chemicals"),
    "electronics": ("电子信息", "Electronics"),
    "machinery": ("机械制造", "Machinery"),
    "metal": ("金属制品", "Metal products"),
    "furniture": ("家具制造", "Furniture"),
    "textile": ("纺织服装", "Textiles & garments"),
    "paper": ("造纸印刷", "Paper & printing"),
    "food": ("食品加工", "Food processing"),
    "plastics": ("塑料橡胶", "Plastics & rubber"),
    "logistics": ("仓储物流", "Warehousing & logistics"),
    "energy": ("能源电力", "Energy & power"),
    "fuel_trade": ("成品油经营", "Fuel retail"),
    "building_materials": ("建材", "Building materials"),
}

HIDDEN_DANGER_LEVELS: dict[str, tuple[str, str]] = {
    "general": ("一般隐患", "General"),
    "major": ("重大隐患", "Major"),
}
HIDDEN_DANGER_STATUSES: dict[str, tuple[str, str]] = {
    "reported": ("已上报", "Reported"),
    "assigned": ("已交办", "Assigned"),
    "rectified": ("已整改", "Rectified"),
    "verified": ("已验收", "Verified (closed)"),
}
OPEN_HIDDEN_DANGER_STATUSES = ("reported", "assigned", "rectified")

GEOHAZARD_KINDS: dict[str, tuple[str, str]] = {
    "landslide": ("滑坡", "Landslide"),
    "collapse": ("崩塌", "Collapse / rockfall"),
    "debris_flow": ("泥石流", "Debris flow"),
    "subsidence": ("地面塌陷", "Ground subsidence"),
    "unstable_slope": ("不稳定斜坡", "Unstable slope"),
}

FLOOD_AFFECTS: dict[str, tuple[str, str]] = {
    "road": ("道路", "Road"),
    "underpass": ("下穿通道", "Underpass"),
    "community": ("居民小区", "Residential community"),
}

SHELTER_CLASSES: dict[str, tuple[str, str]] = {
    "emergency": ("紧急避难场所", "Emergency shelter"),
    "fixed": ("固定避难场所", "Fixed shelter"),
    "central": ("中心避难场所", "Central shelter"),
}
SHELTER_STATUSES: dict[str, tuple[str, str]] = {
    "open": ("开放", "Open"),
    "closed": ("关闭", "Closed"),
    "full": ("已满", "Full"),
}

DEPOT_LEVELS: dict[str, tuple[str, str]] = {
    "city": ("市级", "City"),
    "town": ("镇街级", "Town/street"),
    "village": ("村（社区）级", "Village/community"),
}
DEPOT_ITEMS: dict[str, tuple[str, str, str]] = {
    "tent": ("帐篷", "Tents", "顶"),
    "quilt": ("棉被", "Quilts", "床"),
    "folding_bed": ("折叠床", "Folding beds", "张"),
    "water": ("饮用水", "Drinking water", "箱"),
    "instant_food": ("方便食品", "Instant food", "箱"),
    "life_jacket": ("救生衣", "Life jackets", "件"),
    "sandbag": ("沙袋", "Sandbags", "个"),
    "pump": ("抽水泵", "Pumps", "台"),
    "generator": ("发电机", "Generators", "台"),
}

RESCUE_TEAM_TYPES: dict[str, tuple[str, str]] = {
    "fire": ("综合性消防救援", "Fire & rescue"),
    "flood": ("防汛抢险", "Flood rescue"),
    "hazchem": ("危化品救援", "Hazardous-chemical rescue"),
    "mountain": ("山地搜救", "Mountain search & rescue"),
    "medical": ("医疗救护", "Medical"),
    "volunteer": ("社会救援力量", "Volunteer rescue"),
}

VULNERABLE_KINDS: dict[str, tuple[str, str]] = {
    "school": ("学校", "School"),
    "kindergarten": ("幼儿园", "Kindergarten"),
    "hospital": ("医院", "Hospital"),
    "nursing_home": ("养老院", "Nursing home"),
}

FOREST_TYPES: dict[str, tuple[str, str]] = {
    "broadleaf": ("阔叶林", "Broadleaf"),
    "conifer": ("针叶林", "Conifer"),
    "mixed": ("针阔混交林", "Mixed"),
    "eucalyptus": ("桉树林", "Eucalyptus plantation"),
    "bamboo": ("竹林", "Bamboo"),
}
