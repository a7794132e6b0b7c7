"""Bulk-import rows (SPEC §2 批量导入): which columns a file may have, under Chinese or English names, and how one
row of raw cells becomes a record or the first reason it cannot be stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import masterdata as md
from domain.identifiers import id_card_error, normalize_id_card, normalize_uscc, uscc_error
from domain.masterdata import FieldError


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of import: field -> accepted header names, the required fields, the key."""

    kind: str
    key: str
    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...]


OBJECTS = Layout("objects", "uscc", {
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "uscc"),
    "name": ("名称", "对象名称", "企业名称", "主体名称", "name"),
    "address": ("地址", "住所", "经营场所", "address"),
    "legal_representative": ("法定代表人", "负责人", "法定代表人/负责人", "法定代表人（负责人）", "legal_representative"),
    "region_code": ("区划代码", "行政区划代码", "所属区划", "region_code"),
    "industry_code": ("行业代码", "国民经济行业代码", "industry_code"),
    "kind": ("对象类型", "主体类型", "类型", "kind"),
    "credit_risk_class": ("信用风险分类", "信用风险等级", "信用风险类别", "credit_risk_class"),
    "tags": ("标签", "tags"),
    "status": ("状态", "登记状态", "经营状态", "status"),
    "phone": ("联系电话", "电话", "phone"),
}, required=("uscc", "name", "region_code", "kind", "credit_risk_class"))

INSPECTORS = Layout("inspectors", "id_card_number", {
    "id_card_number": ("身份证号", "身份证号码", "公民身份号码", "id_card_number"),
    "name": ("姓名", "name"),
    "region_codes": ("执法区域", "执法区域代码", "区划代码", "region_codes"),
    "certificate_number": ("执法证号", "执法证件号", "certificate_number"),
    "phone": ("联系电话", "电话", "手机", "phone"),
    "kind": ("人员类别", "人员类型", "kind"),
    "tags": ("专业标签", "资格标签", "标签", "tags"),
    "method_tags": ("检查方式", "method_tags"),
    "conflict_usccs": ("回避对象", "回避对象统一社会信用代码", "conflict_usccs"),
    "active": ("在岗", "是否在岗", "active"),
}, required=("id_card_number", "name", "kind"))

LAYOUTS = {"objects": OBJECTS, "inspectors": INSPECTORS}


def _header_key(name: str) -> str:
    return "".join(name.split()).lower().replace("-", "_").lstrip("\ufeff")


def map_header(layout: Layout, header: list[str]) -> dict[str, int]:
    """Field -> column index; FieldError names a missing required column or a column given twice."""
    lookup = {_header_key(alias): field for field, names in layout.aliases.items() for alias in names}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = lookup.get(_header_key(cell or ""))
        if field is None:
            continue  # extra columns (序号, 备注 …) are common in office spreadsheets and carry nothing we store
        if field in positions:
            raise FieldError(field, f"column given twice (columns {positions[field] + 1} and {index + 1})")
        positions[field] = index
    for field in layout.required:
        if field not in positions:
            names = " / ".join(layout.aliases[field][:1] + (field,))
            raise FieldError(field, f"required column '{names}' is missing from the header row")
    return positions


class _Memo:
    """Cleans each distinct value of a repetitive column (kind, region, tags …) once, not once per row."""

    def __init__(self, clean, limit: int = 4096) -> None:
        self.clean, self.cache, self.limit = clean, {}, limit

    def __call__(self, value: str):
        try:
            return self.cache[value]
        except KeyError:
            result = self.clean(value)  # a FieldError propagates and is not cached
            if len(self.cache) < self.limit:
                self.cache[value] = result
            return result


def _uscc(field: str, value: str) -> str:
    code = normalize_uscc(value)
    reason = uscc_error(code)
    if reason:
        raise FieldError(field, reason)
    return code


_OBJECT_KIND = _Memo(lambda v: md.choice("kind", v, md.OBJECT_KINDS, md.OBJECT_KIND_LABELS))
_CREDIT_CLASS = _Memo(lambda v: md.choice("credit_risk_class", v, md.CREDIT_RISK_CLASSES, md.CREDIT_CLASS_LABELS))
_STATUS = _Memo(lambda v: md.choice("status", v, md.OBJECT_STATUSES, md.OBJECT_STATUS_LABELS) if v.strip()
                else "active")
_REGION = _Memo(lambda v: md.region_code("region_code", v))
_INDUSTRY = _Memo(md.industry_code)
_TAGS = _Memo(lambda v: tuple(md.split_tags("tags", v)))
_INSPECTOR_KIND = _Memo(lambda v: md.choice("kind", v, md.INSPECTOR_KINDS, md.INSPECTOR_KIND_LABELS))
_REGIONS = _Memo(lambda v: tuple(md.region_code("region_codes", c) for c in md.split_codes(v)))
_METHODS = _Memo(lambda v: tuple(dict.fromkeys(md.choice("method_tags", m, md.ITEM_METHODS, md.METHOD_LABELS)
                                               for m in md.split_tags("method_tags", v))))


def clean_object(raw: dict[str, str]) -> dict:
    """A storable object from the cells present in the file; FieldError for the first bad cell."""
    record: dict = {"uscc": _uscc("uscc", raw["uscc"]),
                    "name": md.text("name", raw["name"], required=True),
                    "region_code": _REGION(raw["region_code"]),
                    "kind": _OBJECT_KIND(raw["kind"]),
                    "credit_risk_class": _CREDIT_CLASS(raw["credit_risk_class"])}
    for field in ("address", "legal_representative"):
        if field in raw:
            record[field] = md.text(field, raw[field])
    if "industry_code" in raw:
        record["industry_code"] = _INDUSTRY(raw["industry_code"])
    if "tags" in raw:
        record["tags"] = list(_TAGS(raw["tags"]))
    if "status" in raw:
        record["status"] = _STATUS(raw["status"])
    if "phone" in raw:
        record["phone"] = md.phone(raw["phone"])
    return record


def clean_inspector(raw: dict[str, str], *, today: date) -> dict:
    """A storable inspector from the cells present in the file; FieldError for the first bad cell."""
    number = normalize_id_card(raw["id_card_number"])
    reason = id_card_error(number, today=today)
    if reason:
        raise FieldError("id_card_number", reason)
    record: dict = {"id_card_number": number,
                    "name": md.text("name", raw["name"], limit_key="inspector_name", required=True),
                    "kind": _INSPECTOR_KIND(raw["kind"])}
    if "region_codes" in raw:
        record["region_codes"] = list(_REGIONS(raw["region_codes"]))
    if "certificate_number" in raw:
        record["certificate_number"] = md.text("certificate_number", raw["certificate_number"])
    if "phone" in raw:
        record["phone"] = md.phone(raw["phone"])
    if "tags" in raw:
        record["tags"] = list(_TAGS(raw["tags"]))
    if "method_tags" in raw:
        record["method_tags"] = list(_METHODS(raw["method_tags"]))
    if "conflict_usccs" in raw:
        record["conflict_usccs"] = [_uscc("conflict_usccs", c) for c in md.split_codes(raw["conflict_usccs"])]
    if "active" in raw:
        record["active"] = md.flag("active", raw["active"])
    return record
