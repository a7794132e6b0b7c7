"""API refusals in Simplified Chinese: the status code and the field say what went wrong; the English detail is
kept as a small secondary line for support staff."""

import json
import re
from dataclasses import dataclass

from domain import passwords

FIELDS = {
    "name": "任务名称", "lead_department_code": "牵头部门", "lead_item_codes": "牵头部门检查事项",
    "responders": "响应部门", "scope": "检查对象范围", "sample_size": "抽取数量", "ratio": "抽查比例",
    "credit_risk_ratios": "信用风险分类抽查比例", "method": "检查方式", "window_start": "计划开始日期",
    "window_end": "计划结束日期", "planned": "任务类型", "plan_id": "年度计划", "unplanned_reason": "非计划任务理由",
    "accept": "是否接受", "reason": "理由", "exclude": "排除对象", "inspection_date": "检查日期",
    "object_ids": "检查对象", "result_code": "检查结果", "findings": "检查情况", "item_codes": "检查事项",
    "inspector_ids": "检查人员", "enterprise_demands": "企业诉求", "rectification_due": "整改期限",
    "confidential_reason": "不予公示理由", "kind": "后续处置类型", "receiving_department_code": "接收部门",
    "outcome": "处置结果", "passed": "复查结论", "department_code": "部门", "working_days": "延长工作日数",
    "text": "通报内容", "task_id": "任务编号", "holidays": "节假日", "makeup_workdays": "调休上班日",
    "username": "用户名", "password": "密码", "q": "查询条件", "year": "年度",
    "current_password": "当前密码", "totp_code": "动态口令", "code": "动态口令", "display_name": "姓名",
    "role": "角色", "public_entropy_value": "公共随机数", "public_entropy_source": "公共随机数来源",
    "experts_per_object": "每个对象的外部专家人数", "annual_inspection_cap": "年度联合检查次数上限",
}

# Pydantic error types and the reasons the workflows give, in Chinese.
REASON_TYPES = {
    "missing": "必须填写", "string_too_short": "内容太短", "string_too_long": "内容太长",
    "too_short": "至少选择一项", "int_parsing": "应为整数", "float_parsing": "应为数字",
    "date_parsing": "日期格式不正确", "date_from_datetime_parsing": "日期格式不正确", "greater_than": "数值太小",
    "greater_than_equal": "数值太小", "less_than": "数值太大", "less_than_equal": "数值太大",
    "literal_error": "取值不在允许范围内", "enum": "取值不在允许范围内", "bool_parsing": "应为是或否",
    "list_type": "格式不正确", "dict_type": "格式不正确", "json_invalid": "格式不正确",
}
REASON_PHRASES = [
    ("has no fusion warning and has not left", "该对象没有任务融合提示，也未离开抽查范围，不能排除（否则等于重新抽取）"),
    ("so it cannot be excluded", "该对象没有与所选理由相符的提示，不能以此理由排除"),
    ("give it as {object_id, reason}", "该对象有多个可排除理由，请选择其一"),
    ("an object is named twice", "同一对象重复排除"),
    ("cannot change", "公共随机数已在首次抽取时填写，不能更改"),
    ("draws with the public random value", "本任务发起时指定了公共随机数，请填写公布的数值"),
    ("named no public random value", "本任务发起时未指定公共随机数"),
    ("neither a digit nor a separator", "只能填写数字，数字之间用空格或逗号分隔"),
    ("no digits", "须包含数字"),
    ("too few eligible inspectors", "有部门符合条件的执法人员不足（每个对象须有两名执法人员，外部专家不计入），补充后方可确认"),
    ("were not matched to this object", "只能填写本部门匹配到该对象的检查人员"),
    ("exactly one of sample_size, ratio, credit_risk_ratios", "抽取数量、抽查比例、分类抽查比例三者须填写且只填写一项"),
    ("exceeds the", "超过一般检查事项的年度抽查比例上限"),
    ("no active object matches", "没有符合条件的在营检查对象"),
    ("must not be in the past", "不能早于今天"),
    ("must not be in the future", "不能晚于今天"),
    ("must not be before", "结束日期不能早于开始日期"),
    ("required", "必须填写"),
    ("not in the selection", "不在本次抽取结果中"),
    ("not drawn objects", "不是本任务抽中的对象"),
    ("are not items of", "不是本部门在本任务中的检查事项"),
    ("are not current items", "不是该部门现行的检查事项"),
    ("listed twice", "同一部门重复选择"),
    ("cannot respond", "牵头部门不能同时作为响应部门"),
    ("not found", "不存在"),
    ("unknown credit-risk class", "信用风险分类只能是 A、B、C、D"),
    ("between 0 and 1", "比例应在 0 到 1 之间"),
    ("cannot be opened by hand", "此类后续处置不能手工发起"),
    ("say whether", "请选择复查是否通过"),
    ("transfer to is required", "请选择接收移送的主管部门"),
    ("not allowed in any text", "含有不允许的字符"),
    ("must be a finite number", "应为有效数字"),
    ("must be between 1900-01-01 and 2999-12-31", "日期超出允许范围（1900年至2999年）"),
]
STATUS_HEADLINES = {
    400: "请求有误", 401: "登录已失效，请重新登录", 403: "无权操作", 404: "未找到相关记录",
    409: "当前阶段不能进行此操作", 413: "提交的内容过大", 422: "填写的内容有误", 423: "账号已锁定", 429: "尝试过于频繁，请稍后再试",
    500: "系统内部错误，请稍后再试", 503: "工作流服务暂不可用，请稍后再试",
}
# Refusals that carry a stable code (api.refusals), in Chinese; the field, when there is one, is named before.
PASSWORD_RULE = f"至少 {passwords.MIN_LENGTH} 个字符，且包含大写字母、小写字母、数字、符号中的至少 {passwords.MIN_KINDS} 类"
CODE_TEXTS = {
    passwords.TOO_SHORT: f"至少需要 {passwords.MIN_LENGTH} 个字符（{PASSWORD_RULE}）",
    passwords.TOO_LONG: f"不能超过 {passwords.MAX_LENGTH} 个字符",
    passwords.TOO_FEW_KINDS: f"字符种类不足（{PASSWORD_RULE}）",
    "bad_credentials": "用户名或密码错误，或账号已停用",
    "account_locked": "连续登录失败次数过多，账号已被临时锁定",
    "address_throttled": "本机登录失败次数过多，请稍后再试",
    "totp_required": "请输入动态口令",
    "totp_wrong": "动态口令错误、已过期或已使用过",
    "totp_unreadable": "已保存的动态口令无法读取，请联系平台管理员重置",
    "challenge_invalid": "登录步骤已超时，请重新输入用户名和密码",
    "session_revoked": "登录已失效（密码或动态口令已变更，或账号已停用），请重新登录",
    "totp_enrollment_required": "您的角色须启用双因素认证：请先在“我的账户”绑定动态口令",
    "totp_already_enabled": "已启用动态口令；如需更换，请联系平台管理员重置",
    "totp_not_started": "尚未开始绑定动态口令，请先生成二维码",
    "current_password_wrong": "当前密码错误",
    "not_on_yourself": "不能对自己的账号执行此操作，请由其他管理员办理或使用命令行",
}
FORBIDDEN_PHRASES = [
    ("own department", "只能为本部门办理"), ("not a responder", "本部门不是该任务的响应部门"),
    ("does not take part", "本部门未参加该任务"), ("only the lead", "只有牵头部门可以办理"),
    ("only a dept_approver", "只有本部门审批人可以审核"), ("only a dept_operator", "只有部门操作员可以办理"),
    ("only a department operator", "只有部门操作员可以办理"), ("office", "只有联席会议办公室可以办理"),
    ("may not do this", "您的角色不能办理此事项"), ("receiving department", "只有接收部门可以确认"),
    ("only department", "只有负责部门可以办理"), ("does not inspect", "本部门不检查该对象"),
]


@dataclass
class Problem:
    """What the console shows for a refused request: a Chinese headline, lines in Chinese, the original detail."""

    status: int
    headline: str
    lines: list[str]
    original: str

    @property
    def text(self) -> str:
        return "；".join([self.headline, *self.lines]) if self.lines else self.headline


def _reason(message: str, error_type: str | None = None) -> str:
    if error_type in REASON_TYPES:
        return REASON_TYPES[error_type]
    lowered = message.lower()
    for phrase, chinese in REASON_PHRASES:
        if phrase in lowered:
            return chinese
    return "不符合要求"


def _field_of(loc: list) -> str:
    names = [str(x) for x in loc if x not in ("body", "query", "path", "form") and not isinstance(x, int)]
    for name in reversed(names):
        if name in FIELDS:
            return FIELDS[name]
    return names[-1] if names else "提交内容"


def _validation_lines(detail) -> list[str]:
    if isinstance(detail, list):
        lines = []
        for err in detail:
            if isinstance(err, dict):
                loc = list(err.get("loc") or [])
                msg = str(err.get("msg", ""))
                field = _field_of(loc)
                if field == "提交内容" and ":" in msg:  # model-level checks name the field in the message
                    name = msg.split("Value error, ")[-1].split(":", 1)[0].strip()
                    field = FIELDS.get(name, field)
                lines.append(f"{field}：{_reason(msg, err.get('type') if err.get('type') != 'value_error' else None)}")
        return lines
    text = str(detail)
    match = re.match(r"^\s*([a-z_]+)(\[\d+\])?:\s*(.*)$", text, re.S)
    if match and match.group(1) in FIELDS:
        return [f"{FIELDS[match.group(1)]}：{_reason(match.group(3))}"]
    return [_reason(text)]


def _forbidden_line(detail: str) -> str:
    lowered = detail.lower()
    for phrase, chinese in FORBIDDEN_PHRASES:
        if phrase in lowered:
            return chinese
    return "该操作不属于您的角色或部门"


def describe(status: int, detail, *, code: str | None = None, field: str | None = None) -> Problem:
    """The Chinese account of an API error; `detail` is the API's `detail` (a string or FastAPI's list), `code`
    and `field` what a refusal with a stable code names."""
    original = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    if code in CODE_TEXTS:
        if field in FIELDS and status == 422:
            return Problem(status, STATUS_HEADLINES[422], [f"{FIELDS[field]}：{CODE_TEXTS[code]}"], original)
        return Problem(status, CODE_TEXTS[code], [], original)
    headline = STATUS_HEADLINES.get(status, f"操作未成功（{status}）")
    if status == 403:
        return Problem(status, f"无权操作：{_forbidden_line(original)}", [], original)
    if status == 422 or status == 400:
        return Problem(status, headline, _validation_lines(detail), original)
    if status == 404:
        return Problem(status, headline, [], original)
    return Problem(status, headline, [], original)
