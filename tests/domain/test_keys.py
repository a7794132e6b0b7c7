"""Key formats: every builder's key parses back to what built it; keys of other shapes are told apart."""

import pytest

from domain import keys


def test_a_result_id_parses_back_to_its_task_object_and_department():
    rid = keys.result_id("20261201-ab12cd34", 42, "XT-SCJG")
    assert rid == "20261201-ab12cd34:42:XT-SCJG"
    assert keys.parse_result_id(rid) == ("20261201-ab12cd34", 42, "XT-SCJG")


@pytest.mark.parametrize("bad", ["", "T1:7", "T1:x:D", "T1:7:D:extra", ":7:D", "T1:7:", "T1:²:D", "T1:-7:D"])
def test_what_is_not_a_result_id_is_refused(bad):
    with pytest.raises(ValueError, match="result id"):
        keys.parse_result_id(bad)


def test_overdue_keys_name_the_form_or_follow_up_they_belong_to():
    fid = keys.followup_id("T1", 7, "D1", "rectification_recheck", 2)
    assert fid == "T1:7:D1:rectification_recheck:2"
    assert keys.overdue_ref(keys.overdue_key(fid, "rectification_recheck"), "rectification_recheck") == fid
    publication = keys.overdue_key(keys.result_id("T1", 7, "D1"), "publication")
    assert keys.overdue_ref(publication, "publication") == "T1:7:D1"
    assert keys.overdue_ref(publication, "transfer_acknowledgement") is None
    assert keys.overdue_ref(":publication", "publication") is None
    assert keys.ack_overdue_key("T1", "D2") == "T1:ack:D2"


def test_event_and_notification_keys_share_one_counter_and_order_by_it():
    workflow_id = keys.object_workflow_id("T1", 7)
    assert workflow_id == "joint-task-T1-object-7" and keys.task_workflow_id("T1") == "joint-task-T1"
    made = [keys.event_key(workflow_id, 10), keys.notification_key(workflow_id, 9), keys.event_key(workflow_id, 2)]
    assert sorted(made, key=keys.event_order) == ["joint-task-T1-object-7:2", "joint-task-T1-object-7:n9",
                                                  "joint-task-T1-object-7:10"]
    assert keys.event_order("no-number") == ("no-number", 0)
