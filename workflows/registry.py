"""Every workflow the worker runs."""

from workflows.joint_task import JointTaskWorkflow
from workflows.object_inspection import ObjectInspectionWorkflow

WORKFLOWS: list[type] = [JointTaskWorkflow, ObjectInspectionWorkflow]
