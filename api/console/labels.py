"""Chinese words for the API's codes: roles, stages, result codes, form states, follow-ups, timeline events.

The codes themselves are domain.lifecycle's; tests/console/test_labels.py checks every one has its words here."""

ROLES = {"admin": "平台管理员", "office": "联席会议办公室", "dept_operator": "部门操作员",
         "dept_approver": "部门审批人"}

STAGES = {"awaiting_responses": "待响应", "drawing": "随机抽取", "matching": "匹配检查人员",
          "scheduling": "确定联合检查日", "inspecting": "检查与结果录入", "publishing": "审核公示",
          "following_up": "后续处置", "closed": "已办结", "cancelled": "已取消"}

RESPONSES = {"pending": "待响应", "accepted": "已接受", "declined": "已拒绝", "removed": "已移除"}

RESULT_CODES = {"no_issue": "未发现问题", "not_operating": "未发现开展本次抽查涉及的经营活动",
                "corrected_on_site": "发现问题已责令改正", "pending_followup": "发现问题待后续处理",
                "unreachable": "通过登记的住所（经营场所）无法联系", "refused": "不配合检查情节严重",
                "closed": "已关闭停业或正在组织清算"}

FORM_STATES = {"not_entered": "未录入", "awaiting_approval": "待审核", "returned": "审核退回",
               "published": "已公示", "confidential": "涉密不予公示"}

FOLLOWUP_KINDS = {"rectification_recheck": "整改复查", "transfer": "移送主管部门", "judicial_transfer": "移送司法机关",
                  "case_filing": "立案查处", "abnormal_listing": "列入经营异常名录",
                  "refusal_followup": "不配合检查后续处置", "enterprise_demand": "企业诉求答复"}

FOLLOWUP_STATES = {"open": "待办理", "awaiting_acknowledgement": "待接收部门确认", "done": "已完成"}

OVERDUE_STEPS = {"acknowledgement": "响应", "publication": "结果公示", "enterprise_demand": "企业诉求答复",
                 "rectification_recheck": "整改复查", "transfer_acknowledgement": "移送接收确认"}
OVERDUE_STATUS = {"overdue": "已逾期", "due_soon": "即将到期", "resolved": "已处理"}

NOTIFICATION_KINDS = {"pushed": "任务推送", "ack_reminder": "响应提醒", "ack_overdue": "响应逾期",
                      "ack_extended": "响应期限延长", "schedule_proposed": "联合检查日", "publish_reminder": "公示提醒",
                      "followup_opened": "后续处置", "transfer_received": "收到移送"}

METHODS = {"on_site": "实地核查", "written": "书面检查", "online": "网络监测", "entrusted": "委托专业机构",
           "other": "其他"}
OBJECT_KINDS = {"enterprise": "企业", "individual": "个体工商户", "product": "产品", "project": "项目",
                "behaviour": "行为"}
CREDIT_CLASSES = {"A": "A类（低风险）", "B": "B类（一般风险）", "C": "C类（较高风险）", "D": "D类（高风险）"}
ITEM_CATEGORIES = {"general": "一般检查事项", "key": "重点检查事项"}
STRATA = {"all": "全部（不分层）", "A": "A类", "B": "B类", "C": "C类", "D": "D类"}
WARNING_KINDS = {"inspected_this_year": "本年度已检查", "open_task": "另有在办任务"}
# Why a drawn object may be excluded (a fusion warning, or a departure from the scope since the freeze).
EXCLUSION_REASONS = {"inspected_this_year": "本年度已接受过检查（任务融合）", "open_task": "已在其他在办联合任务中（任务融合）",
                     "deregistered": "冻结名单后已注销", "revoked": "冻结名单后已被吊销",
                     "out_of_scope": "冻结名单后已不在抽查范围内"}
REMOVAL_REASONS = {"deregistered": "已注销", "revoked": "已吊销", "out_of_scope": "不在抽查范围内",
                   "annual_cap": "已达年度联合检查次数上限（无事不扰）"}

EVENTS = {
    "launched": "发起任务并推送响应部门", "acknowledged": "响应", "ack_overdue": "响应逾期",
    "response_extended": "联席办延长响应期限", "responder_removed": "联席办移除响应部门",
    "responses_complete": "响应完毕，进入随机抽取", "draw_proposed": "执行随机抽取（待确认）",
    "draw_confirmed": "确认抽取结果，公开随机种子", "matched": "随机匹配检查人员",
    "matching_complete": "检查人员匹配完毕", "schedule_proposed": "提议联合检查日",
    "schedule_confirmed": "确认联合检查日", "object_inspection_started": "对象检查开始",
    "result_submitted": "录入检查结果", "result_approved": "审核通过", "result_returned": "审核退回",
    "followup_open": "发起后续处置", "followup_complete": "办结后续处置", "followup_acknowledge": "确认接收移送",
    "publication_overdue": "公示逾期", "enterprise_demand_overdue": "企业诉求答复逾期",
    "rectification_recheck_overdue": "整改复查逾期", "transfer_acknowledgement_overdue": "移送接收逾期",
    "closed": "任务办结", "cancelled": "任务取消",
}


def event_label(kind: str) -> str:
    """A timeline event in Chinese; stage changes read "进入阶段：…"."""
    if kind in EVENTS:
        return EVENTS[kind]
    if kind.startswith("stage_"):
        return "进入阶段：" + STAGES.get(kind[len("stage_"):], kind)
    return kind
