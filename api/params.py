"""Bounds shared by every route's numeric path and query parameters.

Row ids are PostgreSQL `integer` columns: an id beyond 2^31-1 cannot exist, and binding one makes the database
raise, so it is refused with a 422 before any query. Offsets share the bound (no list is that long).
"""

from typing import Annotated

from fastapi import Path, Query

INT4_MAX = 2**31 - 1
MAX_PAGE = 500

RowId = Annotated[int, Path(ge=1, le=INT4_MAX)]
Offset = Annotated[int, Query(ge=0, le=INT4_MAX, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="rows to return")]
