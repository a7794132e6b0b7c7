"""The yearly fairness report (SPEC §8, docs/draw.md §9): a public contract, typed."""

from pydantic import BaseModel


class ClassFigures(BaseModel):
    credit_risk_class: str
    eligible: int  # objects in at least one frozen population of the year
    drawn: int  # of them, drawn at least once
    selections: int
    expected_selections: float  # what chance gives: each draw spreads a stratum's size evenly over it


class DrawnObject(BaseModel):
    object_id: int
    name: str = ""
    uscc: str = ""
    credit_risk_class: str = ""
    times: int
    draws_eligible: int
    expected: float


class FairnessReport(BaseModel):
    year: int
    draws: int
    eligible_objects: int
    never_drawn: int
    classes: list[ClassFigures]
    drawn_most: list[DrawnObject]


class Alert(BaseModel):
    times: int
    trials: int
    expected: float
    tail_probability: float  # P(picked at least `times` times) under the model, exact then rounded


class ObjectAlert(Alert):
    object_id: int
    name: str = ""
    uscc: str = ""
    credit_risk_class: str = ""


class InspectorAlert(Alert):
    department_code: str
    pseudonym: str
    inspector_id: int | None
    name: str


class OfficeFairnessReport(FairnessReport):
    alert_below: float
    objects_alerted: list[ObjectAlert]
    inspectors_alerted: list[InspectorAlert]
