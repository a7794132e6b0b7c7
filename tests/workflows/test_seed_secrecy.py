"""The seed is secret until the draw is confirmed, from everyone (SPEC §5): a task run to just before its
confirmation leaves no trace of the seed — hex, raw bytes or base64 — in its Temporal history (inputs, results,
markers, updates, search attributes), in any table of the database, in the answers the lead saw, or in the log.
After the confirmation the public record holds it, and it verifies."""

import base64
import binascii
import hashlib
import json
import logging

from sqlalchemy import select

from domain.draw import verify_record
from domain.draw_seed import derive_seed
from store.models import Base
from tests.workflows.draw_steps import launch_for_drawing, match_all
from tests.workflows.world import build_world


def seed_forms(seed_hex: str) -> list[bytes]:
    raw = bytes.fromhex(seed_hex)
    return [seed_hex.encode(), seed_hex.upper().encode(), raw, base64.b64encode(raw),
            base64.urlsafe_b64encode(raw), base64.b64encode(raw).rstrip(b"="),
            base64.urlsafe_b64encode(raw).rstrip(b"=")]


def traces(blobs, forms: list[bytes]) -> list[bytes]:
    return [blob[:120] for blob in blobs if any(form in blob for form in forms)]


def history_blobs(history) -> list[bytes]:
    """Every event as sent over the wire, the history as JSON, and every base64 string in it decoded."""
    text = history.to_json()
    blobs = [text.encode(), *(event.SerializeToString() for event in history.events)]

    def walk(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            try:
                blobs.append(base64.b64decode(value, validate=True))
            except (binascii.Error, ValueError):
                pass

    walk(json.loads(text))
    return blobs


async def database_blobs(session_factory) -> list[bytes]:
    """Every value of every row of every table, as text or bytes."""
    blobs = []
    async with session_factory() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for value in row:
                    blobs.append(value if isinstance(value, bytes) else
                                 json.dumps(value, default=str, ensure_ascii=False).encode())
    return blobs


def committed_seed(history, task_id: str, settings) -> str:
    """The seed behind the task's commitment, derived as the workers do from the nonce in the history."""
    for event in json.loads(history.to_json())["events"]:
        details = event.get("markerRecordedEventAttributes", {}).get("details", {})
        if "result" not in details:
            continue
        call = json.loads(base64.b64decode(details["data"]["payloads"][0]["data"]))
        if call.get("activity_type") == "commit_seed":
            answer = json.loads(base64.b64decode(details["result"]["payloads"][0]["data"]))
            assert answer["seed"] == "" and len(answer["nonce"]) == 64
            seed = derive_seed(settings.draw_seed_keys()[0], task_id, answer["nonce"])
            assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == answer["commitment"]
            return seed
    raise AssertionError("no commit_seed marker in the history")


async def test_no_trace_of_the_seed_before_the_confirmation(client, worker, session_factory, temporal_client,
                                                            settings, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    w = await build_world(session_factory, client)
    task_id = await launch_for_drawing(client, w, temporal_client)
    answers = []
    for _ in range(2):  # a second proposal redraws from the same frozen population
        proposal = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])
        assert proposal.status_code == 200, proposal.text
        answers.append(proposal.content)
    answers.append((await client.get(f"/api/v1/tasks/{task_id}", headers=w["lead_op"])).content)
    before = await client.get(f"/api/v1/public/draws/{task_id}")
    assert before.json()["seed"] is None and before.json()["algorithm"] == "jointcheck-draw-v2"
    answers.append(before.content)

    history = await temporal_client.get_workflow_handle(f"joint-task-{task_id}").fetch_history()
    seed = committed_seed(history, task_id, settings)
    forms = seed_forms(seed)
    assert before.json()["seed_commitment"] == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    assert traces(history_blobs(history), forms) == []
    assert traces(await database_blobs(session_factory), forms) == []
    assert traces(answers, forms) == []
    logged = capfd.readouterr()
    assert traces([caplog.text.encode(), logged.out.encode(), logged.err.encode()], forms) == []

    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"], json={})
    assert confirmed.status_code == 200 and seed not in confirmed.text
    await match_all(client, w, task_id, temporal_client)
    record = (await client.get(f"/api/v1/public/draws/{task_id}")).json()
    assert record["seed"] == seed and record["final_seed"] == seed and record["public_entropy"] is None
    assert len(record["matching"]) == 3
    assert verify_record(record).match
