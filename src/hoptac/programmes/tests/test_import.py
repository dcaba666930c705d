"""`hoptac import-tasks`: every row checked, nothing imported unless the file is clean."""

import datetime
import io
from contextlib import redirect_stderr

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from hoptac.org.models import Unit
from hoptac.programmes.importer import import_tasks, parse_deadline
from hoptac.programmes.models import Task

D = datetime.date

pytestmark = pytest.mark.usefixtures("english_messages")

HEADER = ["Mã", "Nhiệm vụ", "Lĩnh vực", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Sản phẩm"]


def write_csv(path, rows, header=HEADER):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    "text, kind, date, month, day",
    [
        ("", "none", None, None, None),
        ("Không", "none", None, None, None),
        ("31/12/2025", "date", D(2025, 12, 31), None, None),
        ("2026-03-15", "date", D(2026, 3, 15), None, None),
        ("Quý III/2026", "date", D(2026, 9, 30), None, None),
        ("quy 2 nam 2026", "date", D(2026, 6, 30), None, None),
        ("Q1 2026", "date", D(2026, 3, 31), None, None),
        ("Tháng 6/2026", "date", D(2026, 6, 30), None, None),
        ("02/2028", "date", D(2028, 2, 29), None, None),
        ("Năm 2026", "date", D(2026, 12, 31), None, None),
        ("2027", "date", D(2027, 12, 31), None, None),
        ("Hằng năm 15/12", "yearly", None, 12, 15),
        ("yearly 30/6", "yearly", None, 6, 30),
        ("Hằng quý, ngày 20", "quarterly", None, 3, 20),
        ("Thường xuyên", "regular", None, None, None),
        ("regular", "regular", None, None, None),
    ],
)
def test_deadlines_people_write(text, kind, date, month, day):
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.date, parsed.month, parsed.day) == (kind, date, month, day)


@pytest.mark.parametrize("text", ["30/02/2026", "sớm nhất có thể", "hằng năm 31/2", "quý V/2026", "13/2026", "soon"])
def test_unreadable_deadlines(text):
    with pytest.raises(ValueError):
        parse_deadline(text)


@pytest.mark.django_db
def test_a_clean_file_imports_every_row(tmp_path, programme, cycle):
    Unit.objects.filter(code="BYT").update(former_names=["Bộ Y tế cũ (tên thử)"])
    path = write_xlsx(
        tmp_path / "tasks.xlsx",
        [
            ["1", "Xây dựng đề án hợp tác y tế", "y te", "bo y te", "Bộ Ngoại giao; BTC", "31/12/2026", "Đề án"],
            ["2", "Báo cáo định kỳ", "Health", "BYT", "", "Thường xuyên", ""],
            ["3", "Rà soát điều ước", "culture", "bo y te cu (ten thu)", "", "hằng năm 15/12", ""],
            [None, None, None, None, None, None, None],  # blank rows are skipped
            ["4", "Nghiên cứu", "", "Ministry of Culture, Sports and Tourism", "", "", ""],
        ],
    )
    result = import_tasks(path, programme)
    assert result.ok, result.errors
    tasks = {t.code: t for t in Task.objects.filter(programme=programme)}
    assert set(tasks) == {"1", "2", "3", "4"}
    assert tasks["1"].lead_unit.code == "BYT" and tasks["1"].field.code == "health"
    assert {u.code for u in tasks["1"].coordinating_units.all()} == {"BNG", "BTC"}
    assert (tasks["1"].deadline_kind, tasks["1"].deadline) == ("date", D(2026, 12, 31))
    assert tasks["2"].deadline_kind == "regular"
    assert tasks["3"].lead_unit.code == "BYT"  # found by its former name
    assert tasks["4"].lead_unit.code == "BVHTTDL"


@pytest.mark.django_db
def test_a_file_full_of_mistakes_imports_nothing_and_lists_every_bad_row(tmp_path, programme):
    Task.objects.create(programme=programme, code="9", title="Có sẵn")
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["1", "Nhiệm vụ tốt", "", "Bộ Y tế", "", "31/12/2026", ""],  # row 2: fine
            ["2", "Đơn vị lạ", "", "Bộ Không Tồn Tại", "", "", ""],  # row 3
            ["3", "Thời hạn lạ", "", "Bộ Y tế", "", "30/02/2026", ""],  # row 4
            ["4", "", "", "Bộ Y tế", "", "", ""],  # row 5
            ["1", "Mã trùng", "", "Bộ Y tế", "", "", ""],  # row 6
            ["5", "Lĩnh vực lạ", "thiên văn", "Bộ Y tế", "Bộ Ma", "", ""],  # row 7: two reasons
            ["6", "Thiếu chủ trì", "", "", "", "thường xuyên", ""],  # row 8: two reasons (no cycle either)
            ["9", "Mã đã có", "", "Bộ Y tế", "Bộ Y tế", "", ""],  # row 9: two reasons
            ["7", "Hằng năm sai", "", "BYT", "", "hằng năm 31/02", ""],  # row 10
        ],
    )
    result = import_tasks(path, programme)
    assert not result.ok and result.created == []
    rows = [n for n, _ in result.errors]
    assert sorted(set(rows)) == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = dict.fromkeys(rows, "")
    for n, reason in result.errors:
        reasons[n] += reason + " | "
    assert "unknown unit 'Bộ Không Tồn Tại'" in reasons[3]
    assert "30/02/2026" in reasons[4]
    assert "the task is empty" in reasons[5]
    assert "also on row 2" in reasons[6]
    assert "unknown field" in reasons[7] and "unknown unit 'Bộ Ma'" in reasons[7]
    assert "lead unit is empty" in reasons[8] and "reporting cycle" in reasons[8]
    assert "already exists" in reasons[9] and "both the lead and a coordinating unit" in reasons[9]
    assert "31/02" in reasons[10]
    assert list(Task.objects.filter(programme=programme).values_list("code", flat=True)) == ["9"]


@pytest.mark.django_db
def test_command_prints_each_bad_row_and_exits_1(tmp_path, programme):
    path = write_csv(
        tmp_path / "bad.csv",
        [["1", "A", "", "Bộ Không Có", "", "", ""], ["2", "B", "", "Bộ Y tế", "", "mai", ""]],
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info, redirect_stderr(err):
        call_command("import_tasks", str(path), "--programme", "1/KH-T", stdout=out)
    assert exit_info.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines == ["row 2: unknown unit 'Bộ Không Có'", lines[1]]
    assert lines[1].startswith("row 3: cannot read the deadline 'mai'")
    assert "nothing imported" in err.getvalue()
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_command_imports_a_clean_file(tmp_path, programme):
    path = write_csv(tmp_path / "ok.csv", [["1", "A", "", "Bộ Y tế", "", "31/12/2026", ""]])
    out = io.StringIO()
    call_command("import_tasks", str(path), "--programme", str(programme.pk), stdout=out)
    assert out.getvalue().startswith("imported 1 tasks")


@pytest.mark.django_db
def test_command_refuses_what_it_cannot_read(tmp_path, programme):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_tasks", str(tmp_path / "missing.csv"))
    other = tmp_path / "tasks.txt"
    other.write_text("x")
    with pytest.raises(CommandError, match="unsupported file type"):
        call_command("import_tasks", str(other))
    path = write_csv(tmp_path / "cols.csv", [["x"]], header=["Something"])
    out = io.StringIO()
    with pytest.raises(SystemExit), redirect_stderr(io.StringIO()):
        call_command("import_tasks", str(path), stdout=out)
    assert out.getvalue().startswith("row 1: missing column")
    with pytest.raises(CommandError, match="no programme"):
        call_command("import_tasks", str(path), "--programme", "404/XX")


@pytest.mark.django_db
def test_a_lower_plan_points_its_tasks_to_the_upper_tasks(tmp_path, programme):
    from hoptac.programmes.models import Programme

    upper = Task.objects.create(programme=programme, code="II.3", title="Nhiệm vụ của Chính phủ")
    plan = Programme.objects.create(title="Kế hoạch của Bộ", document_number="2/KH-BYT", parent=programme)
    path = write_csv(
        tmp_path / "plan.csv",
        [["1", "Nhiệm vụ của Bộ", "Bộ Y tế", "II.3"], ["2", "Nhiệm vụ khác", "Bộ Y tế", "IX.9"]],
        header=["Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Nhiệm vụ cấp trên"],
    )
    result = import_tasks(path, plan)
    assert result.errors == [(3, "no task 'IX.9' in the upper programme")]
    path = write_csv(
        tmp_path / "plan.csv",
        [["1", "Nhiệm vụ của Bộ", "Bộ Y tế", "II.3"]],
        header=["Mã", "Nhiệm vụ", "Đơn vị chủ trì", "Nhiệm vụ cấp trên"],
    )
    assert import_tasks(path, plan).ok
    assert list(upper.lower_tasks.values_list("programme__document_number", flat=True)) == ["2/KH-BYT"]


@pytest.mark.django_db
def test_a_deadline_outside_1900_2100_is_a_bad_row(tmp_path, programme):
    path = write_csv(tmp_path / "far.csv", [["1", "Rất xa", "", "Bộ Y tế", "", "31/12/9999", ""]])
    result = import_tasks(path, programme)
    assert not result.ok and result.errors[0][0] == 2
    assert "between 01/01/1900 and 31/12/2100" in result.errors[0][1]


@pytest.mark.django_db
def test_control_characters_are_dropped(tmp_path, programme):
    path = write_csv(tmp_path / "nul.csv", [["1", "Nhiệm\x00 vụ\x0b", "", "Bộ Y tế", "", "31/12/2026", ""]])
    assert import_tasks(path, programme).ok
    assert Task.objects.get(programme=programme, code="1").title == "Nhiệm vụ"


@pytest.mark.django_db
def test_a_csv_cell_over_the_csv_limit_is_an_unreadable_file(tmp_path, programme):
    from hoptac.programmes.importer import UnreadableFile

    path = write_csv(tmp_path / "huge.csv", [["1", "x" * 200_000, "", "Bộ Y tế", "", "", ""]])
    with pytest.raises(UnreadableFile, match="field larger than field limit"):
        import_tasks(path, programme)
