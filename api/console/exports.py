"""The office's per-department statistics as CSV (UTF-8 with BOM, so spreadsheet software reads Chinese) and XLSX."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

COLUMNS = [("department_code", "部门代码"), ("department_name", "部门"), ("tasks_launched", "牵头发起任务数"),
           ("tasks_invited", "受邀响应任务数"), ("tasks_joined", "参加任务数"), ("acks_due", "应响应数"),
           ("acks_on_time", "按时响应数"), ("ack_punctuality_pct", "响应及时率(%)"),
           ("forms_entered", "录入结果表数"), ("forms_with_problems", "发现问题表数"),
           ("problem_finding_rate_pct", "问题发现率(%)"), ("publications_due", "应公示数"),
           ("publications_on_time", "按时公示数"), ("publication_punctuality_pct", "公示及时率(%)"),
           ("overdue_total", "逾期环节总数"), ("overdue_open", "未处理逾期"), ("notices", "通报次数")]


def _row(stat: dict) -> list:
    return [stat.get(key) if stat.get(key) is not None else "" for key, _ in COLUMNS]


def stats_csv(stats: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in COLUMNS])
    writer.writerows(_row(s) for s in stats)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def stats_xlsx(stats: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "部门统计"
    sheet.append([title for _, title in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for s in stats:
        sheet.append(_row(s))
    sheet.column_dimensions["B"].width = 32
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
