"""All tables; importing this module registers every model on Base.metadata."""

from store.models.accounts import AddressFailure, Department, LoginFailure, User
from store.models.audit import AuditRecord
from store.models.base import Base
from store.models.calendar import CalendarDay, CalendarYear
from store.models.masterdata import InspectionObject, Inspector, Item, RegionAdjacency
from store.models.plans import AnnualPlan, AnnualPlanAdjustment
from store.models import tasks  # noqa: F401 - registers the task read-model tables (store.models.tasks)

__all__ = ["AddressFailure", "AnnualPlan", "AnnualPlanAdjustment", "AuditRecord", "Base", "CalendarDay",
           "CalendarYear", "Department", "InspectionObject", "Inspector", "Item", "LoginFailure", "RegionAdjacency",
           "User"]
