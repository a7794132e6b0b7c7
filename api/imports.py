"""The upload side of bulk import, shared by the object and inspector routers."""

from fastapi import HTTPException, UploadFile

from api import errors
from api.deps import actor_of
from api.schemas.masterdata import ImportReport
from store import importing
from store.models import User


async def run_import(session, user: User, *, kind: str, upload: UploadFile,
                     department_code: str | None) -> ImportReport:
    """Import the uploaded file (already spooled to a temporary file by the multipart parser) and commit."""
    try:
        report = await importing.import_file(session, kind=kind, binary=upload.file, filename=upload.filename,
                                             actor=actor_of(user), department_code=department_code)
    except importing.FileProblem as problem:
        raise HTTPException(problem.status_code, errors.field_error("file", problem.reason)) from None
    await session.commit()
    return ImportReport.model_validate(report)
