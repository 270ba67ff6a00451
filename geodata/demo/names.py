"""Vectorised fake names, phones and codes that read like Dongguan's but announce themselves as 演示 (demo).

Phones are `0769-00xxxxxx`: Dongguan's area code with a local number starting 00, which no exchange assigns,
so nobody can ring a real person from the demo. Credit codes carry the real GB 32100-2015 check digit.
"""

from __future__ import annotations

import numpy as np

DEMO = "（演示）"
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡叶钟卢莫麦何")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍红鹏辉志斌波宁浩宇婷雪琳晨欣怡峰海燕健晓")
# 字号 syllables: two of them make a plausible trade name (华信, 宏泰, 鑫源 …).
BRAND = list(
    "华信达利宏盛泰鑫源丰昌瑞新和兴恒嘉俊骏威科联通佳誉富明德顺宝金永安康捷优精创汇晟鸿锦耀彩美立腾凯越博卓益晶睿诚铭"
)
ROADS = [
    "工业大道", "振兴路", "环城路", "建设路", "创业路", "富民路", "兴业路", "科技路", "沿河路", "新安路",
    "东兴路", "健康路", "宏图路", "金龙路", "育才路", "银湖路", "松柏路", "和平路", "东风路", "人民路",
    "迎宾路", "文化路", "中心路", "商业街", "沿江路", "花园路", "工业东路", "工业西路", "站前路", "长青路",
]  # fmt: skip
PLACES = ["花园", "新村", "名苑", "雅居", "南苑", "东区", "怡景", "翠苑", "锦城", "御景", "华庭", "水岸"]

# GB 32100-2015: 31 characters (no I, O, Z, S, V); weight of position i is 3^i mod 31.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)])
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])  # GB 11714-1997, the 9-character organisation code


def pick(rng: np.random.Generator, pool: list[str], n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]


def people(rng: np.random.Generator, n: int) -> list[str]:
    """`陈伟（演示）`: a surname and one or two given characters, marked as demo."""
    surname, first, second = pick(rng, SURNAMES, n), pick(rng, GIVEN, n), pick(rng, GIVEN, n)
    second[rng.random(n) < 0.4] = ""
    return [f"{s}{a}{b}{DEMO}" for s, a, b in zip(surname, first, second, strict=True)]


def phones(rng: np.random.Generator, n: int) -> list[str]:
    return [f"0769-00{v:06d}" for v in rng.integers(0, 1_000_000, n).tolist()]


def brands(rng: np.random.Generator, n: int) -> np.ndarray:
    return pick(rng, BRAND, n) + pick(rng, BRAND, n)


def credit_check_digit(body: str) -> str:
    """The 18th character of a unified social credit code from its first 17 (GB 32100-2015 §5)."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def credit_codes(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct codes `91441900` + organisation code + check: 9 = registered by 市场监管, 1 = enterprise.

    The 8-digit organisation bodies are an affine bijection of 0..n-1 modulo 10^8, hence distinct.
    """
    step = int(rng.integers(10**6, 10**7)) * 10 + int(rng.choice([1, 3, 7, 9]))  # coprime with 10^8
    body = (step * np.arange(n, dtype=np.int64) + int(rng.integers(0, 10**8))) % 10**8
    digits = (body[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    org_check = (11 - (digits @ ORG_WEIGHTS) % 11) % 11  # 10 is written X
    prefix = np.array([9, 1, 4, 4, 1, 9, 0, 0])
    values = np.column_stack([np.broadcast_to(prefix, (n, 8)), digits, np.where(org_check == 10, 29, org_check)])
    check = (31 - (values @ CREDIT_WEIGHTS) % 31) % 31
    alphabet = np.array(list(CREDIT_CHARSET))
    chars = alphabet[np.column_stack([values, check])]
    return chars.view(f"<U{18}").ravel().tolist()
