"""一单两库 vocabulary (SPEC §2): the kinds, classes and states of items, objects and inspectors, the Chinese
labels offices write in their spreadsheets, and the limits every write path (API and bulk import) applies."""

from __future__ import annotations

import re

ITEM_METHODS = ("on_site", "written", "online", "entrusted", "other")
ITEM_CATEGORIES = ("general", "key")
ITEM_CLASSES = ("A", "B", "C")
OBJECT_KINDS = ("enterprise", "individual", "product", "project", "behaviour")
OBJECT_STATUSES = ("active", "deregistered", "revoked")
CREDIT_RISK_CLASSES = ("A", "B", "C", "D")
INSPECTOR_KINDS = ("certified", "qualified", "routine", "expert")

# Class A items are general items whose annual ratio may not exceed 10 % (SPEC §2).
CLASS_A_RATIO_CAP = 0.10

METHOD_LABELS = {"实地核查": "on_site", "现场检查": "on_site", "书面检查": "written", "网络监测": "online",
                 "委托专业机构": "entrusted", "专业机构": "entrusted", "其他": "other"}
OBJECT_KIND_LABELS = {"企业": "enterprise", "市场主体": "enterprise", "个体工商户": "individual", "个体": "individual",
                      "产品": "product", "项目": "project", "行为": "behaviour", "behavior": "behaviour"}
OBJECT_STATUS_LABELS = {"存续": "active", "在营": "active", "正常": "active", "开业": "active",
                        "注销": "deregistered", "已注销": "deregistered", "吊销": "revoked", "已吊销": "revoked"}
CREDIT_CLASS_LABELS = {f"{c}类": c for c in CREDIT_RISK_CLASSES}
INSPECTOR_KIND_LABELS = {"持证执法人员": "certified", "具有执法资格人员": "qualified", "日常监管人员": "routine",
                         "外部专家": "expert", "专家": "expert"}
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是", "在岗", "有效"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "否", "不在岗", "离岗", "无效"})

MAX_LENGTHS = {"name": 256, "address": 512, "legal_representative": 64, "industry_code": 8, "phone": 32,
               "inspector_name": 64, "certificate_number": 64, "tag": 64, "frequency": 64, "subject": 256}
MAX_TAGS = 50

REGION_CODE = re.compile(r"[0-9]{6}")
INDUSTRY_CODE = re.compile(r"[A-T]([0-9]{2,4})?|[0-9]{2,4}")
PHONE = re.compile(r"[0-9+()\- ]{3,32}")
TAG_SEPARATORS = re.compile(r"[;；]")
CODE_SEPARATORS = re.compile(r"[;；,，、\s]+")


class FieldError(ValueError):
    """A value that may not be stored, with the field it belongs to."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def choice(field: str, value: str, allowed: tuple[str, ...], labels: dict[str, str] | None = None) -> str:
    """The enum value for an English value (any case) or a Chinese label; FieldError otherwise."""
    text = value.strip()
    if text in allowed:
        return text
    for candidate in (text.lower(), text.upper()):
        if candidate in allowed:
            return candidate
    mapped = (labels or {}).get(text) or (labels or {}).get(text.lower())
    if mapped:
        return mapped
    raise FieldError(field, f"'{text}' is not one of {', '.join(allowed)}")


def split_tags(field: str, value: str) -> list[str]:
    """Tags separated by ';' or '；', trimmed, without empties or repeats, in the order given."""
    tags = list(dict.fromkeys(t.strip() for t in TAG_SEPARATORS.split(value) if t.strip()))
    check_tags(field, tags)
    return tags


def check_tags(field: str, tags: list[str]) -> list[str]:
    """Tags within the count and length limits."""
    if len(tags) > MAX_TAGS:
        raise FieldError(field, f"at most {MAX_TAGS} tags")
    for tag in tags:
        if len(tag) > MAX_LENGTHS["tag"]:
            raise FieldError(field, f"tag '{tag[:20]}…' is longer than {MAX_LENGTHS['tag']} characters")
    return tags


def split_codes(value: str) -> list[str]:
    """Codes separated by ; ， 、 commas or spaces (codes never contain these)."""
    return list(dict.fromkeys(c for c in CODE_SEPARATORS.split(value.strip()) if c))


def region_code(field: str, value: str) -> str:
    """A GB/T 2260 six-digit region code."""
    text = value.strip()
    if not REGION_CODE.fullmatch(text):
        raise FieldError(field, f"must be a 6-digit region code (GB/T 2260), got '{text}'")
    return text


def industry_code(value: str) -> str:
    """A GB/T 4754 code: a section letter and/or 2-4 digits ('' when unknown)."""
    text = value.strip().upper()
    if text and not INDUSTRY_CODE.fullmatch(text):
        raise FieldError("industry_code", f"must be a GB/T 4754 code such as 'C1419' or '1419', got '{text}'")
    return text


def phone(value: str) -> str | None:
    """A contact number of digits, spaces, '+', '-' and brackets (None when empty)."""
    text = value.strip()
    if not text:
        return None
    if not PHONE.fullmatch(text):
        raise FieldError("phone", "may contain only digits, spaces, '+', '-' and brackets (3-32 characters)")
    return text


def text(field: str, value: str, *, limit_key: str | None = None, required: bool = False) -> str:
    """Trimmed text within its length limit; required text may not be empty."""
    result = value.strip()
    if required and not result:
        raise FieldError(field, "is required")
    limit = MAX_LENGTHS[limit_key or field]
    if len(result) > limit:
        raise FieldError(field, f"is longer than {limit} characters")
    return result


def flag(field: str, value: str, *, default: bool = True) -> bool:
    """A yes/no cell: 是/否, true/false, 1/0 (empty means the default)."""
    word = value.strip().lower()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError(field, f"'{value.strip()}' is not yes/no (是/否, true/false, 1/0)")


def item_rule_error(category: str, item_class: str, cap: float | None) -> tuple[str, str] | None:
    """(field, reason) when category, class and annual ratio cap contradict SPEC §2, else None."""
    if cap is not None and not 0 < cap <= 1:
        return "annual_ratio_cap", "must be greater than 0 and at most 1"
    if category == "general" and cap is None:
        return "annual_ratio_cap", "a general item needs an annual ratio cap"
    if category == "key" and cap is not None:
        return "annual_ratio_cap", "a key item has no annual ratio cap; leave it empty"
    if item_class == "A" and category != "general":
        return "item_class", "class A items are general items"
    if item_class == "B" and category != "key":
        return "item_class", "class B items are key items"
    if item_class == "A" and cap is not None and cap > CLASS_A_RATIO_CAP:
        return "annual_ratio_cap", f"class A items may not exceed {CLASS_A_RATIO_CAP:.0%} a year"
    return None
