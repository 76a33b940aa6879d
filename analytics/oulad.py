"""The Open University Learning Analytics Dataset (OULAD) as a warehouse source: a folder
of its seven CSV files, loaded into the same star schema as the platform.

Mapping (docs/analytics.md):
- a module presentation (`AAA` + `2013J`) is a course `AAA-2013J`, its subject the module;
- each studentInfo row is an enrollment: Pass or Distinction is `completed`, Withdrawn is
  `withdrawn`, Fail is `failed` (not completed; a dropout only by the idle rule);
- each studentVle row is an activity (OULAD records clicks, not time: minutes are 0);
- each studentAssessment row is an activity that completed something, with its score
  (`?`, a missing score, leaves the activity without one);
- the course's assessments are its "lessons" for progress: submitted ÷ set;
- dates count days from the presentation's start: B presentations start on 1 February,
  J presentations on 1 October; regions stand in for countries, and there are no schools.

studentVle is large (10.6 million rows in the real dataset), so it is read as a stream of
Arrow blocks that DuckDB inserts as they come; the other files are small."""

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pyarrow import csv

from analytics.errors import BadSource
from analytics.star import reset, stage

NAME = "oulad"
FILES = (
    "courses",
    "studentInfo",
    "studentRegistration",
    "assessments",
    "studentAssessment",
    "studentVle",
    "vle",
)
START_MONTH = {"B": 2, "J": 10}
BLOCK = 16 << 20  # bytes of CSV per Arrow block


def _file(folder: Path, name: str) -> str:
    return str(folder / f"{name}.csv")


def check_folder(folder: Path) -> None:
    missing = [f"{name}.csv" for name in FILES if not (folder / f"{name}.csv").is_file()]
    if not folder.is_dir() or missing:
        raise BadSource(
            "Not an OULAD folder",
            details={"source": [f"{folder} lacks {', '.join(missing) or 'its CSV files'}."]},
        )


def load(folder: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    """Fill students, courses and enrollments and stage every activity. No watermark: a
    dataset folder is loaded whole."""
    check_folder(folder)
    _courses(folder, warehouse)
    _students(folder, warehouse)
    _enrollments(folder, warehouse)
    stage(warehouse)
    _stage_assessments(folder, warehouse)
    _stage_vle(folder, warehouse)


def _courses(folder: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    reset(warehouse, "courses")
    warehouse.execute(
        """
        CREATE OR REPLACE TEMP TABLE presentations AS
        SELECT code_module, code_presentation, code_module || '-' || code_presentation AS course_id,
               make_date(CAST(left(code_presentation, 4) AS INTEGER),
                         CASE right(code_presentation, 1) WHEN 'B' THEN 2 WHEN 'J' THEN 10 END, 1) AS starts,
               TRY_CAST(module_presentation_length AS DOUBLE) AS length_days
        FROM read_csv(?, header = true, all_varchar = true)
    """,
        [_file(folder, "courses")],
    )
    bad = warehouse.execute(
        "SELECT code_presentation FROM presentations WHERE starts IS NULL"
    ).fetchall()
    if bad:
        raise BadSource(
            "Unknown OULAD presentation codes",
            details={
                "source": [
                    f"{code!r} is not YYYYB or YYYYJ" for (code,) in bad[:5] if code is not None
                ]
                or ["A presentation has no code."]
            },
        )
    warehouse.execute(
        """
        INSERT INTO courses (course_id, subject_id, course_name, subject_name, lessons, starts_at, length_days)
        SELECT p.course_id, NULL, p.course_id, p.code_module, count(a.id_assessment), p.starts, p.length_days
        FROM presentations p LEFT JOIN read_csv(?, header = true, all_varchar = true) a
             USING (code_module, code_presentation)
        GROUP BY p.course_id, p.code_module, p.starts, p.length_days
    """,
        [_file(folder, "assessments")],
    )


def _students(folder: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    reset(warehouse, "students")
    warehouse.execute(
        """
        INSERT INTO students (student_id, name, school_id, country, grade)
        SELECT CAST(id_student AS BIGINT), 'Student ' || id_student, NULL, any_value(region), NULL
        FROM read_csv(?, header = true, all_varchar = true) GROUP BY id_student
    """,
        [_file(folder, "studentInfo")],
    )


def _enrollments(folder: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    reset(warehouse, "enrollments")
    warehouse.execute(
        """
        INSERT INTO enrollments
        WITH submitted AS (
            SELECT a.code_module, a.code_presentation, s.id_student, count(*) AS n
            FROM read_csv(?, header = true, all_varchar = true) s
            JOIN read_csv(?, header = true, all_varchar = true) a USING (id_assessment)
            GROUP BY ALL)
        SELECT CAST(i.id_student AS BIGINT), p.course_id, NULL, NULL,
               CASE i.final_result WHEN 'Pass' THEN 'completed' WHEN 'Distinction' THEN 'completed'
                                   WHEN 'Withdrawn' THEN 'withdrawn' ELSE 'failed' END,
               p.starts + TRY_CAST(r.date_registration AS INTEGER),
               coalesce(submitted.n, 0)
        FROM read_csv(?, header = true, all_varchar = true) i
        JOIN presentations p USING (code_module, code_presentation)
        LEFT JOIN read_csv(?, header = true, all_varchar = true) r USING (code_module, code_presentation, id_student)
        LEFT JOIN submitted USING (code_module, code_presentation, id_student)
    """,
        [
            _file(folder, "studentAssessment"),
            _file(folder, "assessments"),
            _file(folder, "studentInfo"),
            _file(folder, "studentRegistration"),
        ],
    )


def _stage_assessments(folder: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute(
        """
        INSERT INTO staged
        SELECT 'assessment-' || s.id_assessment || '-' || s.id_student, CAST(s.id_student AS BIGINT),
               p.course_id, p.starts + TRY_CAST(s.date_submitted AS INTEGER),
               0.0, true, TRY_CAST(s.score AS DOUBLE)
        FROM read_csv(?, header = true, all_varchar = true) s
        JOIN read_csv(?, header = true, all_varchar = true) a USING (id_assessment)
        JOIN presentations p USING (code_module, code_presentation)
    """,
        [_file(folder, "studentAssessment"), _file(folder, "assessments")],
    )


def _numbered(reader: csv.CSVStreamingReader) -> Any:
    """The blocks of studentVle with a running row number: the activity's id."""
    first = 0
    for block in reader:
        numbers = pa.array(range(first, first + block.num_rows), pa.int64())
        first += block.num_rows
        yield block.append_column("row_number", numbers)


def _stage_vle(folder: Path, warehouse: duckdb.DuckDBPyConnection) -> None:
    reader = csv.open_csv(
        _file(folder, "studentVle"),
        read_options=csv.ReadOptions(block_size=BLOCK),
        convert_options=csv.ConvertOptions(
            column_types={
                "code_module": pa.string(),
                "code_presentation": pa.string(),
                "id_student": pa.int64(),
                "date": pa.int64(),
            },
            include_columns=["code_module", "code_presentation", "id_student", "date"],
        ),
    )
    schema = reader.schema.append(pa.field("row_number", pa.int64()))
    warehouse.register("vle_rows", pa.RecordBatchReader.from_batches(schema, _numbered(reader)))
    try:
        warehouse.execute("""
            INSERT INTO staged
            SELECT 'vle-' || v.row_number, v.id_student, p.course_id, p.starts + CAST(v.date AS INTEGER),
                   0.0, false, NULL
            FROM vle_rows v JOIN presentations p USING (code_module, code_presentation)
        """)
    finally:
        warehouse.unregister("vle_rows")
