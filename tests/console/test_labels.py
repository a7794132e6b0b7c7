"""Every code of the lifecycle vocabulary has its Chinese words in the console (people read names, not codes)."""

from typing import get_args

import pytest

from api.console import labels
from domain import lifecycle as lc
from domain.masterdata import CREDIT_RISK_CLASSES


@pytest.mark.parametrize("codes, words", [
    (lc.STAGES, labels.STAGES), (get_args(lc.ResponseState), labels.RESPONSES), (lc.RESULT_CODES, labels.RESULT_CODES),
    (lc.FORM_STATES, labels.FORM_STATES), (lc.FOLLOWUP_KINDS, labels.FOLLOWUP_KINDS),
    (get_args(lc.FollowupState), labels.FOLLOWUP_STATES), (lc.OVERDUE_STEPS, labels.OVERDUE_STEPS),
    (CREDIT_RISK_CLASSES, labels.CREDIT_CLASSES),
], ids=["stages", "responses", "result codes", "form states", "follow-up kinds", "follow-up states",
        "overdue steps", "credit-risk classes"])
def test_every_code_has_its_words(codes, words):
    assert set(codes) - set(words) == set()


def test_every_follow_up_action_and_overdue_step_reads_in_the_timeline():
    kinds = [f"followup_{action}" for action in get_args(lc.FollowupAction)]
    kinds += [f"{step}_overdue" for step in lc.OVERDUE_STEPS if step != "acknowledgement"]
    kinds += [f"stage_{stage}" for stage in lc.OBJECT_STAGES]
    assert [k for k in kinds if labels.event_label(k) == k] == []
