"""Every threshold and table TwoMaps tiers by, in one place, each citing its section of ../shared/standards.md.

Published values are module constants. Values standards.md marks UNVERIFIED, and the defaults TwoMaps chose where no
standard exists, live in the `*Defaults` dataclasses at the end: callers may pass their own (say, a province's table)
and every reason built on them carries the defaults' `source` and `verified` flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from layers.styles import Tier
from layers.vocab import HAZARD_TAGS

T = TypeVar("T")


def at_least(value: float, bands: tuple[tuple[float, T], ...], otherwise: T) -> T:
    """The result of the first band whose lower bound `value` reaches (以上 includes the bound), else `otherwise`.

    Bands are listed from the highest bound down.
    """
    return next((result for bound, result in bands if value >= bound), otherwise)


def at_most(value: float, bands: tuple[tuple[float, T], ...], otherwise: T) -> T:
    """Like `at_least` for scales where smaller is worse (humidity): bands listed from the lowest bound up."""
    return next((result for bound, result in bands if value <= bound), otherwise)


# ---------------------------------------------------------------------------------------------------------------
# §1 GB 18218-2018 《危险化学品重大危险源辨识》

GB18218 = "GB 18218-2018"


@dataclass(frozen=True)
class HazardCategory:
    """A hazard category of 表2 (critical quantity Q) and 表4 (correction β), which share their codes."""

    code: str
    description_zh: str
    critical_t: float
    beta: float


# §1.8 表2 (Q) and §1.4 表4 (β; J2 = 1, not 2 as one public seeder has it).
HAZARD_CATEGORIES: dict[str, HazardCategory] = {
    c.code: c
    for c in (
        HazardCategory("J1", "急性毒性 类别1 气体", 5, 4),
        HazardCategory("J2", "急性毒性 类别1 固体、液体", 50, 1),
        HazardCategory("J3", "急性毒性 类别2、3 气体", 50, 2),
        HazardCategory("J4", "急性毒性 类别2、3 吸入 液体(沸点≤35℃)", 50, 2),
        HazardCategory("J5", "急性毒性 类别2 液体(除J4外)、固体", 500, 1),
        HazardCategory("W1.1", "不稳定爆炸物、1.1项爆炸物", 1, 2),
        HazardCategory("W1.2", "1.2、1.3、1.5、1.6项爆炸物", 10, 2),
        HazardCategory("W1.3", "1.4项爆炸物", 50, 2),
        HazardCategory("W2", "易燃气体 类别1和类别2", 10, 1.5),
        HazardCategory("W3", "气溶胶 类别1和类别2(净重)", 150, 1),
        HazardCategory("W4", "氧化性气体", 50, 1),
        HazardCategory("W5.1", "易燃液体 类别1，或类别2、3工作温度高于沸点", 10, 1.5),
        HazardCategory("W5.2", "易燃液体 类别2、3 具有引发重大事故的特殊工艺条件", 50, 1),
        HazardCategory("W5.3", "不属于W5.1或W5.2的其他类别2易燃液体", 1000, 1),
        HazardCategory("W5.4", "不属于W5.1或W5.2的其他类别3易燃液体", 5000, 1),
        HazardCategory("W6.1", "A型和B型自反应物质和混合物", 10, 1.5),
        HazardCategory("W6.2", "C型、D型、E型自反应物质和混合物", 50, 1),
        HazardCategory("W7.1", "A型和B型有机过氧化物", 10, 1.5),
        HazardCategory("W7.2", "C型、D型、E型、F型有机过氧化物", 50, 1),
        HazardCategory("W8", "自燃液体和自燃固体", 50, 1),
        HazardCategory("W9.1", "氧化性固体和液体 类别1", 50, 1),
        HazardCategory("W9.2", "氧化性固体和液体 类别2、3", 200, 1),
        HazardCategory("W10", "易燃固体", 200, 1),
        HazardCategory("W11", "遇水放出易燃气体的物质和混合物", 200, 1),
    )
}


@dataclass(frozen=True)
class Chemical:
    """A row of 表1: critical quantity Q, the 表3 β if it is a listed toxic gas.

    `assumed_beta` is the β TwoMaps uses when the caller gives no 表4 category for a chemical outside 表3
    (UNVERIFIED: the standard takes β from the substance's hazard category, which 表1 does not state). It is set only
    where every 表4 category the substance can fall in shares one β; otherwise it is None and the caller must say.
    """

    row: int
    name_zh: str
    name_en: str
    critical_t: float
    cas: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    toxic_gas_beta: float | None = None
    assumed_beta: float | None = None


# §1.7 表1 rows listed in standards.md (Q), §1.3 表3 (toxic-gas β). Names, aliases and CAS numbers as in the
# official-PDF extraction standards.md cites; 煤气 carries the 表3 β of 一氧化碳, the gas that row covers.
# assumed_beta groups: flammable gases W2 → 1.5; explosives W1.x → 2; category-1 flammable liquids W5.1 → 1.5;
# category-2/3 flammable liquids below their boiling point, oxidisers, pyrophoric and water-reactive substances
# and toxic liquids/solids (J2/J5) → 1. None: 氟, 甲醛 (toxic and oxidising/flammable gas), 硝酸铵 ≤0.2% and
# fertiliser (explosive or oxidiser), 汽油 (category 1 or 2 by grade).
CHEMICALS: tuple[Chemical, ...] = (
    Chemical(1, "氨", "ammonia", 10, ("7664-41-7",), ("液氨", "氨气", "NH3"), toxic_gas_beta=2),
    Chemical(3, "二氧化氮", "nitrogen dioxide", 1, ("10102-44-0",), ("NO2",), toxic_gas_beta=10),
    Chemical(4, "二氧化硫", "sulfur dioxide", 20, ("7446-09-5",), ("亚硫酸酐", "SO2"), toxic_gas_beta=2),
    Chemical(5, "氟", "fluorine", 1, ("7782-41-4",), ("氟气", "F2")),
    Chemical(6, "碳酰氯", "phosgene", 0.3, ("75-44-5",), ("光气",), toxic_gas_beta=20),
    Chemical(7, "环氧乙烷", "ethylene oxide", 10, ("75-21-8",), ("氧化乙烯",), toxic_gas_beta=2),
    Chemical(8, "甲醛(含量>90%)", "formaldehyde (>90%)", 5, ("50-00-0",), ("蚁醛",)),
    Chemical(9, "磷化氢", "phosphine", 1, ("7803-51-2",), ("磷化三氢", "膦", "PH3"), toxic_gas_beta=20),
    Chemical(10, "硫化氢", "hydrogen sulfide", 5, ("7783-06-4",), ("H2S",), toxic_gas_beta=5),
    Chemical(11, "氯化氢(无水)", "hydrogen chloride (anhydrous)", 20, ("7647-01-0",), ("氯化氢",), toxic_gas_beta=3),
    Chemical(12, "氯", "chlorine", 5, ("7782-50-5",), ("液氯", "氯气", "Cl2"), toxic_gas_beta=4),
    Chemical(
        13,
        "煤气(CO,CO和H2、CH4的混合物等)",
        "coal gas (CO and its mixtures with H2, CH4)",
        20,
        aliases=("煤气", "一氧化碳", "CO", "carbon monoxide"),
        toxic_gas_beta=2,
    ),
    Chemical(17, "溴甲烷", "methyl bromide", 10, ("74-83-9",), ("甲基溴",), toxic_gas_beta=3),
    Chemical(20, "氟化氢", "hydrogen fluoride", 1, ("7664-39-3",), ("HF",), toxic_gas_beta=5),
    Chemical(23, "甲苯二异氰酸酯", "toluene diisocyanate", 100, ("26471-62-5",), ("TDI",), assumed_beta=1),
    Chemical(25, "氰化氢", "hydrogen cyanide", 1, ("74-90-8",), ("无水氢氰酸", "HCN"), toxic_gas_beta=10),
    Chemical(26, "三氧化硫", "sulfur trioxide", 75, ("7446-11-9",), ("硫酸酐", "SO3"), assumed_beta=1),
    Chemical(28, "溴", "bromine", 20, ("7726-95-6",), ("溴素", "Br2"), assumed_beta=1),
    Chemical(30, "异氰酸甲酯", "methyl isocyanate", 0.75, ("624-83-9",), ("甲基异氰酸酯", "MIC"), toxic_gas_beta=20),
    Chemical(33, "雷汞", "mercury fulminate", 0.5, ("628-86-4",), ("雷酸汞",), assumed_beta=2),
    Chemical(35, "2,4,6-三硝基甲苯", "2,4,6-trinitrotoluene", 5, ("118-96-7",), ("梯恩梯", "TNT"), assumed_beta=2),
    Chemical(36, "硝化甘油", "nitroglycerin", 1, ("55-63-0",), ("甘油三硝酸酯",), assumed_beta=2),
    Chemical(43, "硝酸铵(含可燃物>0.2%)", "ammonium nitrate (>0.2% combustibles)", 5, ("6484-52-2",), assumed_beta=2),
    Chemical(44, "硝酸铵(含可燃物≤0.2%)", "ammonium nitrate (≤0.2% combustibles)", 50, ("6484-52-2",)),
    Chemical(45, "硝酸铵肥料(含可燃物≤0.4%)", "ammonium nitrate fertiliser (≤0.4% combustibles)", 200),
    Chemical(47, "1,3-丁二烯", "1,3-butadiene", 5, ("106-99-0",), ("丁二烯",), assumed_beta=1.5),
    Chemical(48, "二甲醚", "dimethyl ether", 50, ("115-10-6",), ("甲醚",), assumed_beta=1.5),
    Chemical(49, "甲烷", "methane", 50, ("74-82-8", "8006-14-2"), ("天然气", "natural gas"), assumed_beta=1.5),
    Chemical(50, "氯乙烯", "vinyl chloride", 50, ("75-01-4",), ("乙烯基氯",), assumed_beta=1.5),
    Chemical(51, "氢", "hydrogen", 5, ("1333-74-0",), ("氢气", "H2"), assumed_beta=1.5),
    Chemical(
        52,
        "液化石油气",
        "liquefied petroleum gas",
        50,
        ("68476-85-7", "74-98-6", "106-97-8"),
        ("LPG", "丙烷", "丁烷"),
        assumed_beta=1.5,
    ),
    Chemical(53, "一甲胺", "methylamine", 5, ("74-89-5",), ("甲胺",), assumed_beta=1.5),
    Chemical(54, "乙炔", "acetylene", 1, ("74-86-2",), ("电石气",), assumed_beta=1.5),
    Chemical(55, "乙烯", "ethylene", 50, ("74-85-1",), assumed_beta=1.5),
    Chemical(56, "氧(压缩的或液化的)", "oxygen", 200, ("7782-44-7",), ("氧", "氧气", "液氧", "O2"), assumed_beta=1),
    Chemical(57, "苯", "benzene", 50, ("71-43-2",), ("纯苯",), assumed_beta=1),
    Chemical(58, "苯乙烯", "styrene", 500, ("100-42-5",), assumed_beta=1),
    Chemical(59, "丙酮", "acetone", 500, ("67-64-1",), assumed_beta=1),
    Chemical(60, "2-丙烯腈", "acrylonitrile", 50, ("107-13-1",), ("丙烯腈",), assumed_beta=1),
    Chemical(61, "二硫化碳", "carbon disulfide", 50, ("75-15-0",), assumed_beta=1),
    Chemical(62, "环己烷", "cyclohexane", 500, ("110-82-7",), assumed_beta=1),
    Chemical(63, "1,2-环氧丙烷", "propylene oxide", 10, ("75-56-9",), ("环氧丙烷", "氧化丙烯"), assumed_beta=1.5),
    Chemical(64, "甲苯", "toluene", 500, ("108-88-3",), assumed_beta=1),
    Chemical(65, "甲醇", "methanol", 500, ("67-56-1",), assumed_beta=1),
    Chemical(66, "汽油(乙醇汽油、甲醇汽油)", "gasoline", 200, ("86290-81-5",), ("汽油", "乙醇汽油", "甲醇汽油")),
    Chemical(67, "乙醇", "ethanol", 500, ("64-17-5",), ("酒精",), assumed_beta=1),
    Chemical(68, "乙醚", "diethyl ether", 10, ("60-29-7",), ("二乙基醚",), assumed_beta=1.5),
    Chemical(69, "乙酸乙酯", "ethyl acetate", 500, ("141-78-6",), ("醋酸乙酯",), assumed_beta=1),
    Chemical(70, "正己烷", "n-hexane", 500, ("110-54-3",), ("己烷",), assumed_beta=1),
    Chemical(73, "白磷", "white phosphorus", 50, ("12185-10-3",), ("黄磷",), assumed_beta=1),
    Chemical(78, "氯酸钾", "potassium chlorate", 100, ("3811-04-9",), assumed_beta=1),
    Chemical(79, "氯酸钠", "sodium chlorate", 100, ("7775-09-9",), assumed_beta=1),
    Chemical(
        81, "硝酸(发红烟的除外,含硝酸>70%)", "nitric acid (>70%, not red fuming)", 100, ("7697-37-2",), assumed_beta=1
    ),
    Chemical(83, "碳化钙", "calcium carbide", 100, ("75-20-7",), ("电石",), assumed_beta=1),
    Chemical(84, "钾", "potassium", 1, ("7440-09-7",), ("金属钾",), assumed_beta=1),
    Chemical(85, "钠", "sodium", 10, ("7440-23-5",), ("金属钠",), assumed_beta=1),
)

# §1.5 表5: α by permanent residents within 500 m of the plant boundary (100 人以上 includes 100).
ALPHA_BY_EXPOSED_PEOPLE: tuple[tuple[float, float], ...] = ((100, 2.0), (50, 1.5), (30, 1.2), (1, 1.0))
ALPHA_NOBODY_EXPOSED = 0.5

# §1.6 表6: grade by R; §1.10: R is rounded to this many decimals before banding (float sums can land 1 ulp low).
GRADE_BY_R: tuple[tuple[float, str], ...] = ((100, "一级"), (50, "二级"), (10, "三级"))
LOWEST_GRADE = "四级"
MAJOR_HAZARD_GRADES = ("一级", "二级", "三级", "四级")
R_DECIMALS = 6

# ---------------------------------------------------------------------------------------------------------------
# §2 应急〔2018〕19号 《危险化学品生产储存企业安全风险评估诊断分级指南（试行）》

GUIDE_2018_19 = "应急〔2018〕19号"

# §2.1: 90分以上(含90分) blue, 75(含)–90 yellow, 60(含)–75 orange, 60分以下 red.
SCORE_BANDS: tuple[tuple[float, Tier], ...] = ((90, Tier.BLUE), (75, Tier.YELLOW), (60, Tier.ORANGE))
SCORE_BELOW_ALL_BANDS = Tier.RED
SCORE_FULL_MARKS = 100.0

# §2.2: the four conditions that make an enterprise red whatever its score (zh, en).
DIRECT_RED_CONDITIONS: dict[str, tuple[str, str]] = {
    "new_process_without_pilot_trials": (
        "新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产",
        "new hazardous-chemical process put into production without lab, pilot and industrial trials",
    ),
    "undesigned_plant_without_safety_diagnosis": (
        "在役化工装置未经正规设计且未进行安全设计诊断",
        "in-service chemical plant neither formally designed nor given a safety design diagnosis",
    ),
    "special_operators_unqualified": (
        "危险化学品特种作业人员未持证上岗或未达到高中以上文化程度",
        "special-operation personnel uncertified or below high-school education",
    ),
    "accident_history": (
        "三年内发生过重大以上安全事故，或三年内发生2起较大安全事故，或近一年内发生2起以上亡人一般安全事故",
        "a 重大-or-worse accident in 3 years, 2 较大 accidents in 3 years, or ≥2 fatal 一般 accidents in a year",
    ),
}
# §2.2 condition 4 thresholds: (重大 or worse within 3 y, 较大 within 3 y, fatal 一般 within 1 y).
DIRECT_RED_MAJOR_ACCIDENTS_3Y = 1
DIRECT_RED_LARGER_ACCIDENTS_3Y = 2
DIRECT_RED_FATAL_GENERAL_ACCIDENTS_1Y = 2

# ---------------------------------------------------------------------------------------------------------------
# §3 Geohazard 险情 grades (《国家突发地质灾害应急预案》): (people threatened, potential loss in 万元, grade).
# 1亿元 = 10000万元. Either criterion is enough; exact bounds belong to the graver grade (以上, VERIFIED-MED).

GEOHAZARD_PLAN = "《国家突发地质灾害应急预案》"
GEOHAZARD_THREAT_GRADES: tuple[tuple[int, float, str], ...] = (
    (1000, 10000, "特大型"),
    (500, 5000, "大型"),
    (100, 500, "中型"),
)
GEOHAZARD_LOWEST_GRADE = "小型"
GEOHAZARD_GRADE_EN = {"特大型": "very large (I)", "大型": "large (II)", "中型": "medium (III)", "小型": "small (IV)"}
GEOHAZARD_GRADE_TIERS: dict[str, Tier] = {
    "特大型": Tier.RED,
    "大型": Tier.ORANGE,
    "中型": Tier.YELLOW,
    "小型": Tier.BLUE,
}

# ---------------------------------------------------------------------------------------------------------------
# §4.1 Rainstorm warning signal; pluggable because some provinces publish their own signal sets.


@dataclass(frozen=True)
class RainstormCriterion:
    """Signal `level` when rainfall within `window_h` hours reaches `threshold_mm` (observed or forecast)."""

    level: str
    window_h: int
    threshold_mm: float


@dataclass(frozen=True)
class RainstormSignal:
    """A set of criteria, most severe first; provinces with their own signal set pass another instance."""

    criteria: tuple[RainstormCriterion, ...]
    source: str
    verified: bool


NATIONAL_RAINSTORM_SIGNAL = RainstormSignal(
    criteria=(
        RainstormCriterion("red", 3, 100),
        RainstormCriterion("orange", 3, 50),
        RainstormCriterion("yellow", 6, 50),
        RainstormCriterion("blue", 12, 50),
    ),
    source="《气象灾害预警信号发布与传播办法》附件 暴雨预警信号 (standards.md §4.1)",
    verified=True,
)

# §4.3 GB/T 28592-2012 rainfall grades by window (h): (lower bound mm, grade). The 0.1 mm floor is UNVERIFIED.
RAINFALL_GRADES: dict[int, tuple[tuple[float, str], ...]] = {
    24: ((250, "特大暴雨"), (100, "大暴雨"), (50, "暴雨"), (25, "大雨"), (10, "中雨"), (0.1, "小雨")),
    12: ((140, "特大暴雨"), (70, "大暴雨"), (30, "暴雨"), (15, "大雨"), (5, "中雨"), (0.1, "小雨")),
}
NO_RAIN = "无降水"
RAINFALL_GRADE_EN = {
    "特大暴雨": "extraordinary rainstorm",
    "大暴雨": "heavy rainstorm",
    "暴雨": "rainstorm",
    "大雨": "heavy rain",
    "中雨": "moderate rain",
    "小雨": "light rain",
    NO_RAIN: "no rain",
}

# ---------------------------------------------------------------------------------------------------------------
# §4.4 Forest fire danger: QX/T 77-2007 levels 1–5; signals 黄/橙/红 for levels 3/4/5, levels 1–2 get none.

FIRE_LEVEL_NAMES: dict[int, tuple[str, str]] = {
    1: ("一级 低", "level 1, low"),
    2: ("二级 较低", "level 2, fairly low"),
    3: ("三级 较高", "level 3, fairly high"),
    4: ("四级 高", "level 4, high"),
    5: ("五级 极高", "level 5, extreme"),
}
FIRE_LEVEL_TIERS: dict[int, Tier] = {1: Tier.BLUE, 2: Tier.BLUE, 3: Tier.YELLOW, 4: Tier.ORANGE, 5: Tier.RED}

# Beaufort force lower bounds in m/s for forces 1–12 (GB/T 28591-2012 风力等级; not in standards.md).
BEAUFORT_LOWER_BOUNDS_MS = (0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7)

# ---------------------------------------------------------------------------------------------------------------
# Configurable defaults: UNVERIFIED in standards.md, or TwoMaps' own choice where no standard exists.
# Each is explained in docs/risk-method.md; reasons built on them carry `source` and `verified`.

# Unscored enterprises: hazard tags (layers.vocab.HAZARD_TAGS) that make one at least yellow; the rest are blue.
UNSCORED_YELLOW_TAGS = (
    "hazchem_production",
    "hazchem_storage",
    "hazchem_use",
    "dust_explosion",
    "ammonia_refrigeration",
    "metal_smelting",
    "fireworks",
    "non_coal_mine",
    "lithium_battery",
)


@dataclass(frozen=True)
class EnterpriseDefaults:
    """Where 应急〔2018〕19号 is silent: the score ceiling (§2.3, §8) and the tier of unscored enterprises."""

    max_score: float = 120.0  # bonuses (+2 … +15) may push past 100: UNVERIFIED, so accept up to 120
    unscored_tier: Tier = Tier.BLUE
    unscored_tag_tiers: Mapping[str, Tier] = field(
        default_factory=lambda: {tag: Tier.YELLOW if tag in UNSCORED_YELLOW_TAGS else Tier.BLUE for tag in HAZARD_TAGS}
    )
    source: str = "TwoMaps default (docs/risk-method.md §2)"
    verified: bool = False


@dataclass(frozen=True)
class FloodDefaults:
    """Flood black-spot tiers; no national table exists (docs/risk-method.md §5)."""

    depth_bands_m: tuple[tuple[float, Tier], ...] = ((0.5, Tier.RED), (0.3, Tier.ORANGE), (0.15, Tier.YELLOW))
    step_up_affects: frozenset[str] = frozenset({"underpass"})  # codes of layers.vocab.FLOOD_AFFECTS
    step_up_residents: int = 1000
    warning_steps: Mapping[str, int] = field(
        default_factory=lambda: {"none": 0, "blue": 0, "yellow": 1, "orange": 1, "red": 2}
    )
    source: str = "TwoMaps default (docs/risk-method.md §5)"
    verified: bool = False


@dataclass(frozen=True)
class ForestFireDefaults:
    """An additive fire-weather index in the spirit of the Chinese 森林火险气象指数 (GB/T 36743 ranges UNVERIFIED).

    Points for daily maximum temperature (°C, at least), minimum relative humidity (%, at most), wind (Beaufort
    force, at least) and days since the last rain (at least); the index is their sum (0–100).
    """

    temperature_points: tuple[tuple[float, int], ...] = ((25, 25), (20, 20), (15, 15), (10, 10), (5, 5))
    humidity_points: tuple[tuple[float, int], ...] = ((30, 30), (40, 22), (50, 15), (60, 8), (70, 4))
    wind_points: tuple[tuple[float, int], ...] = ((5, 20), (4, 15), (3, 10), (1, 5))
    dry_days_points: tuple[tuple[float, int], ...] = ((10, 25), (5, 20), (3, 15), (2, 10), (1, 5))
    # index ≤25 / 26–50 / 51–72 / 73–90 / ≥91 → levels 1–5: the single low-quality page in standards.md §4.4
    level_breaks: tuple[tuple[float, int], ...] = ((91, 5), (73, 4), (51, 3), (26, 2))
    source: str = "TwoMaps fire-weather index (docs/risk-method.md §6)"
    verified: bool = False


@dataclass(frozen=True)
class TownIndexDefaults:
    """Weights and breaks of the composite town index (docs/risk-method.md §7); all TwoMaps choices."""

    # each tier or grade weighs three times the next lower one, so severity outweighs sheer numbers
    tier_weights: Mapping[Tier, float] = field(
        default_factory=lambda: {Tier.RED: 27, Tier.ORANGE: 9, Tier.YELLOW: 3, Tier.BLUE: 1}
    )
    grade_weights: Mapping[str, float] = field(default_factory=lambda: {"一级": 27, "二级": 9, "三级": 3, "四级": 1})
    hazard_weights: Mapping[str, float] = field(
        default_factory=lambda: {"enterprises": 0.3, "major_hazards": 0.3, "geohazard": 0.2, "flood": 0.2}
    )
    exposure_share: float = 0.5  # exposure vs vulnerability inside the modifier
    modifier_span: float = 0.5  # how far exposure and vulnerability can scale the hazard score down (0–1)
    tier_breaks: tuple[tuple[float, Tier], ...] = ((60, Tier.RED), (40, Tier.ORANGE), (20, Tier.YELLOW))
    source: str = "TwoMaps town index (docs/risk-method.md §7)"
    verified: bool = False


ENTERPRISE_DEFAULTS = EnterpriseDefaults()
FLOOD_DEFAULTS = FloodDefaults()
FOREST_FIRE_DEFAULTS = ForestFireDefaults()
TOWN_INDEX_DEFAULTS = TownIndexDefaults()
