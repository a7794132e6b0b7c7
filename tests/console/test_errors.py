"""API refusals told in Simplified Chinese, with the original English detail kept."""

from api.console.errors import describe


def test_forbidden_says_who_may_act():
    problem = describe(403, "you may act only for your own department, not for 'ENV'")
    assert problem.headline == "无权操作：只能为本部门办理"
    assert problem.original.startswith("you may act only")


def test_wrong_stage_is_a_stage_message():
    assert describe(409, "the draw is not open (stage awaiting_responses)").headline == "当前阶段不能进行此操作"


def test_validation_list_names_the_field_in_chinese():
    detail = [{"loc": ["body", "inspection_date"], "msg": "Input should be a valid date", "type": "date_parsing"},
              {"loc": ["body", "ratio"], "msg": "sampling ratio 12.00% exceeds the 5.00% cap of general item X",
               "type": "value_error"}]
    problem = describe(422, detail)
    assert problem.headline == "填写的内容有误"
    assert problem.lines == ["检查日期：日期格式不正确", "抽查比例：超过一般检查事项的年度抽查比例上限"]


def test_model_level_and_workflow_messages_name_their_field():
    model = [{"loc": ["body"], "msg": "Value error, unplanned_reason: required for an unplanned (非计划型) task",
              "type": "value_error"}]
    assert describe(422, model).lines == ["非计划任务理由：必须填写"]
    assert describe(422, "reason: required when declining").lines == ["理由：必须填写"]
    assert describe(422, "inspection_date: must not be in the past").lines == ["检查日期：不能早于今天"]


def test_unknown_status_still_reads_chinese():
    assert describe(503, "the workflow service (Temporal) is not reachable").headline == "工作流服务暂不可用，请稍后再试"
    assert "操作未成功" in describe(418, "teapot").headline
