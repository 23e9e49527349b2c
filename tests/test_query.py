"""`read_filters`: the one check of the filters typed beside a question (web Settings, CLI flags)."""

from __future__ import annotations

import pytest

from abstractqa.query import FilterError, read_filters


def test_blank_filters_are_no_filters():
    assert read_filters(None, "", "  ") == {}
    assert read_filters("", None, [" ", ";,"]) == {}


def test_dates_and_authors_are_read_as_typed():
    filters = read_filters(" 2023-01-01 ", "2023-12-31", "Yann LeCun; Piotr Bojanowski, Hu Xu")
    assert filters == {
        "date_from": "2023-01-01",
        "date_to": "2023-12-31",
        "authors": ["Yann LeCun", "Piotr Bojanowski", "Hu Xu"],
    }
    # A list (the CLI's repeated --author) is read item by item, each split the same way.
    assert read_filters("", "", ["Hu Xu", "Oquab; Saining Xie"])["authors"] == ["Hu Xu", "Oquab", "Saining Xie"]


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2023/01/01", "", "the From date '2023/01/01' is not a date: write it as YYYY-MM-DD"),
        ("", "23-1-1", "the To date '23-1-1' is not a date: write it as YYYY-MM-DD"),
        ("2024-13-01", "", "the From date '2024-13-01' is not a date (month must be in 1..12)"),
        ("", "2023-02-30", "the To date '2023-02-30' is not a date (day is out of range for month)"),
        ("\u0662\u0660\u0662\u0663-01-01", "", "write it as YYYY-MM-DD"),  # Arabic-Indic digits
        ("2024-02-01", "2023-12-31", "the From date 2024-02-01 is after the To date 2023-12-31"),
    ],
)
def test_a_bad_date_names_its_field_and_what_is_wrong(date_from, date_to, message):
    with pytest.raises(FilterError) as err:
        read_filters(date_from, date_to, "")
    assert message in str(err.value)


def test_labels_name_the_fields_as_the_caller_shows_them():
    with pytest.raises(FilterError, match=r"^the --to date '2023-00-10' is not a date \(month must be in 1\.\.12\)$"):
        read_filters("2023-01-01", "2023-00-10", None, labels={"date_from": "--from", "date_to": "--to"})


@pytest.mark.parametrize(
    ("date", "inside", "outside"),
    [
        ("2022", ["2022-01-01", "2022-12-31"], ["2021-12-31", "2023-01-01"]),
        ("after 2022", ["2023-01-01"], ["2022-12-31", "2022-01-01"]),
        ("after 2022-10", ["2022-11-01"], ["2022-10-31"]),
        ("before 2023", ["2022-12-31"], ["2023-01-01"]),
        ("2023-03 or later", ["2023-03-01", "2024-01-01"], ["2023-02-28"]),
        ("2022 or earlier", ["2022-12-31", "2021-05-01"], ["2023-01-01"]),
    ],
)
def test_a_date_in_a_question_is_a_prefix_or_a_range(date, inside, outside):
    from abstractqa.names import within_date

    assert all(within_date(d, date) for d in inside)
    assert not any(within_date(d, date) for d in outside)
