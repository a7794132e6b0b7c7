"""The lifecycle vocabulary: the final sets, what follows each result code, and the rules built on them."""

import pytest

from domain import lifecycle as lc


def test_the_sets_are_made_of_the_vocabulary():
    assert set(lc.FINAL_STAGES) | set(lc.ACTIVE_STAGES) == set(lc.STAGES)
    assert not set(lc.FINAL_STAGES) & set(lc.ACTIVE_STAGES)
    assert set(lc.OBJECT_STAGES) <= set(lc.ACTIVE_STAGES)
    assert set(lc.FINAL_FORM_STATES) <= set(lc.ENTERED_FORM_STATES) <= set(lc.FORM_STATES)
    assert set(lc.ENTERABLE_FORM_STATES) <= set(lc.FORM_STATES)
    assert set(lc.PROBLEM_CODES) <= set(lc.RESULT_CODES)
    assert set(lc.FOLLOWUP_OF_RESULT) <= set(lc.PROBLEM_CODES)
    assert set(lc.FOLLOWUP_OF_RESULT.values()) | set(lc.FOLLOWUPS_OPENED_BY_HAND) <= set(lc.FOLLOWUP_KINDS)


@pytest.mark.parametrize("states, stage", [
    ([], "inspecting"), (["published", "not_entered"], "inspecting"), (["published", "returned"], "publishing"),
    (["awaiting_approval", "confidential"], "publishing"), (["published", "confidential"], "following_up"),
])
def test_a_task_under_inspection_takes_its_stage_from_its_objects_forms(states, stage):
    assert lc.task_stage_of_forms(states) == stage


def test_an_open_follow_up_is_owed_by_its_department_a_sent_transfer_by_the_receiver():
    assert lc.followup_step("transfer", "open", "D1", None) == ("transfer", "D1")
    assert lc.followup_step("transfer", "awaiting_acknowledgement", "D1", "D2") == ("transfer_acknowledgement", "D2")
    assert lc.followup_step("enterprise_demand", "open", "D1", None) == ("enterprise_demand", "D1")
