"""The reply clock, rules C1–C9 of contract §2, with the real official calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.calendar_seed import seed_calendar
from disclosure.calendars import WorkingDayCalendar, naive_add_workdays
from requests_app.deadlines import (
    REGIME_2008,
    REGIME_2019,
    ClockInput,
    ClockStep,
    DeadlineState,
    DelayRefused,
    ExtensionRefused,
    Pause,
    PauseKind,
    check_delay,
    check_extension,
    compute_clock,
    consultation_reply_due,
    deadline_state,
    fee_lapse,
    format_date,
    format_span,
    is_on_time,
    regime_for,
    statutory_due_date,
    supplement_lapse,
    supplement_notice_due,
    supplement_notice_late,
    workdays_left,
)

CONSULTATION = PauseKind.CONSULTATION
FEE = PauseKind.FEE


@pytest.fixture(scope="module")
def calendar() -> WorkingDayCalendar:
    return seed_calendar(provisional_years=(2027,))


def consultation(started_on: date, ended_on: date | None = None) -> Pause:
    return Pause(kind=CONSULTATION, started_on=started_on, ended_on=ended_on)


def fee(started_on: date, ended_on: date | None = None) -> Pause:
    return Pause(kind=FEE, started_on=started_on, ended_on=ended_on)


# --- C1 regime and the worked examples ----------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "regime"),
    [
        pytest.param(date(2008, 5, 1), REGIME_2008, id="2008_in_force"),
        pytest.param(date(2019, 5, 14), REGIME_2008, id="day_before_2019"),
        pytest.param(date(2019, 5, 15), REGIME_2019, id="2019_in_force"),
        pytest.param(date(2025, 9, 26), REGIME_2019, id="2025"),
    ],
)
def test_regime_for(received_on: date, regime: object) -> None:
    assert regime_for(received_on) == regime


@pytest.mark.parametrize(
    ("received_on", "due_on", "limit"),
    [
        pytest.param(date(2025, 9, 26), date(2025, 10, 30), 20, id="contract_2025"),
        pytest.param(date(2026, 9, 25), date(2026, 10, 29), 20, id="contract_2026"),
        pytest.param(date(2017, 9, 26), date(2017, 10, 23), 15, id="contract_2017"),
        pytest.param(date(2019, 5, 14), date(2019, 6, 4), 15, id="last_2008_day"),
        pytest.param(date(2019, 5, 15), date(2019, 6, 13), 20, id="first_2019_day"),
        pytest.param(date(2024, 2, 7), date(2024, 3, 12), 20, id="spring_2024"),
        pytest.param(date(2025, 1, 20), date(2025, 2, 21), 20, id="spring_2025"),
        pytest.param(date(2026, 2, 13), date(2026, 3, 19), 20, id="spring_2026"),
        pytest.param(date(2025, 4, 20), date(2025, 5, 20), 20, id="labour_2025"),
        pytest.param(date(2025, 12, 26), date(2026, 1, 26), 20, id="new_year_2026"),
        pytest.param(date(2024, 9, 27), date(2024, 10, 30), 20, id="national_2024"),
        pytest.param(date(2023, 9, 27), date(2023, 10, 31), 20, id="mid_autumn_2023"),
        pytest.param(
            date(2025, 10, 4), date(2025, 11, 4), 20, id="received_on_holiday"
        ),
    ],
)
def test_due_date(
    calendar: WorkingDayCalendar, received_on: date, due_on: date, limit: int
) -> None:
    result = compute_clock(ClockInput(received_on=received_on), calendar)
    assert result.due_on == due_on
    assert result.limit_days == limit
    assert result.start_on == received_on
    assert result.excluded_days == 0
    assert result.extension_days == 0
    assert result.waiting_for is None
    assert result.remaining_workdays is None
    assert result.provisional is False


def test_explanation_of_the_first_worked_example(calendar: WorkingDayCalendar) -> None:
    result = compute_clock(ClockInput(received_on=date(2025, 9, 26)), calendar)
    assert result.explanation() == (
        "收到申请：2025年9月26日（不计当日）\n"
        "答复期限：20个工作日（《条例》第三十三条第二款）\n"
        "答复截止日：2025年10月30日（第20个工作日）"
    )
    assert result.steps == (
        ClockStep("C2", "收到申请：2025年9月26日（不计当日）", date(2025, 9, 26)),
        ClockStep("C1", "答复期限：20个工作日（《条例》第三十三条第二款）", None, 20),
        ClockStep(
            "C7", "答复截止日：2025年10月30日（第20个工作日）", date(2025, 10, 30), 20
        ),
    )


def test_explanation_cites_the_2008_regulation(calendar: WorkingDayCalendar) -> None:
    result = compute_clock(ClockInput(received_on=date(2017, 9, 26)), calendar)
    assert result.regime == REGIME_2008
    assert (
        "答复期限：15个工作日（2008年《条例》第二十四条第二款" in result.explanation()
    )


# --- C2, C3 supplementation ---------------------------------------------------------


def test_supplement_restarts_the_clock(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        supplement_requested_on=date(2025, 9, 30),
        supplement_received_on=date(2025, 10, 20),
    )
    result = compute_clock(clock, calendar)
    assert result.start_on == date(2025, 10, 20)
    assert result.due_on == date(2025, 11, 17)
    assert [step.code for step in result.steps] == ["C2", "C1", "C3", "C2", "C7"]
    assert "收到补正：2025年10月20日，答复期限自该日重新计算" in result.explanation()


def test_waiting_for_a_supplement_has_no_due_date(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26), supplement_requested_on=date(2025, 9, 30)
    )
    result = compute_clock(clock, calendar)
    assert result.due_on is None
    assert result.waiting_for == "supplement"
    assert result.remaining_workdays == 20
    assert result.steps[-1].code == "C3"
    assert "等待补正" in result.explanation()


def test_waiting_for_a_supplement_under_the_2008_regime(
    calendar: WorkingDayCalendar,
) -> None:
    clock = ClockInput(
        received_on=date(2017, 9, 26), supplement_requested_on=date(2017, 9, 27)
    )
    assert compute_clock(clock, calendar).remaining_workdays == 15


@pytest.mark.parametrize(
    ("received_on", "notice_due"),
    [
        pytest.param(date(2025, 9, 26), date(2025, 10, 13), id="over_golden_week"),
        pytest.param(date(2025, 1, 24), date(2025, 2, 10), id="over_spring_2025"),
        pytest.param(date(2025, 6, 3), date(2025, 6, 12), id="ordinary_week"),
    ],
)
def test_supplement_notice_due(
    calendar: WorkingDayCalendar, received_on: date, notice_due: date
) -> None:
    assert supplement_notice_due(received_on, calendar) == notice_due


def test_supplement_notice_late(calendar: WorkingDayCalendar) -> None:
    received_on = date(2025, 9, 26)
    on_time = supplement_notice_late(
        received_on=received_on, notified_on=date(2025, 10, 13), calendar=calendar
    )
    late = supplement_notice_late(
        received_on=received_on, notified_on=date(2025, 10, 14), calendar=calendar
    )
    assert (on_time, late) == (False, True)


@pytest.mark.parametrize(
    ("requested_on", "period", "last_day", "closed_on"),
    [
        pytest.param(
            date(2025, 9, 30), 15, date(2025, 10, 28), date(2025, 10, 29), id="p15"
        ),
        pytest.param(
            date(2025, 9, 30), 10, date(2025, 10, 21), date(2025, 10, 22), id="p10"
        ),
        pytest.param(
            date(2026, 2, 13), 5, date(2026, 2, 27), date(2026, 2, 28), id="p5_spring"
        ),
    ],
)
def test_supplement_lapse(
    calendar: WorkingDayCalendar,
    requested_on: date,
    period: int,
    last_day: date,
    closed_on: date,
) -> None:
    assert supplement_lapse(requested_on, period, calendar) == (last_day, closed_on)


def test_supplement_lapse_needs_a_period(calendar: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError, match="at least 1 working day"):
        supplement_lapse(date(2025, 9, 30), 0, calendar)


# --- C4, C5 pauses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pauses", "excluded", "due_on"),
    [
        pytest.param(
            (consultation(date(2025, 10, 9), date(2025, 10, 15)),),
            5,
            date(2025, 11, 6),
            id="one_consultation",
        ),
        pytest.param(
            (fee(date(2025, 10, 9), date(2025, 10, 15)),),
            5,
            date(2025, 11, 6),
            id="one_fee_pause",
        ),
        pytest.param(
            (
                consultation(date(2025, 10, 9), date(2025, 10, 15)),
                consultation(date(2025, 10, 13), date(2025, 10, 20)),
            ),
            8,
            date(2025, 11, 11),
            id="overlapping_consultations",
        ),
        pytest.param(
            (
                consultation(date(2025, 10, 9), date(2025, 10, 15)),
                consultation(date(2025, 10, 9), date(2025, 10, 15)),
            ),
            5,
            date(2025, 11, 6),
            id="two_identical_consultations",
        ),
        pytest.param(
            (
                fee(date(2025, 10, 13), date(2025, 10, 20)),
                consultation(date(2025, 10, 9), date(2025, 10, 15)),
            ),
            8,
            date(2025, 11, 11),
            id="consultation_and_fee_overlap",
        ),
        pytest.param(
            (
                consultation(date(2025, 10, 9), date(2025, 10, 10)),
                consultation(date(2025, 10, 20), date(2025, 10, 22)),
            ),
            3,
            date(2025, 11, 4),
            id="disjoint_consultations",
        ),
        pytest.param(
            (consultation(date(2025, 9, 30), date(2025, 10, 8)),),
            0,
            date(2025, 10, 30),
            id="over_the_holiday_only",
        ),
        pytest.param(
            (consultation(date(2025, 10, 9), date(2025, 10, 9)),),
            0,
            date(2025, 10, 30),
            id="ended_the_day_it_started",
        ),
    ],
)
def test_pauses_are_excluded(
    calendar: WorkingDayCalendar,
    pauses: tuple[Pause, ...],
    excluded: int,
    due_on: date,
) -> None:
    result = compute_clock(
        ClockInput(received_on=date(2025, 9, 26), pauses=pauses), calendar
    )
    assert result.excluded_days == excluded
    assert result.due_on == due_on


def test_consultation_step_text(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        pauses=(consultation(date(2025, 10, 9), date(2025, 10, 15)),),
    )
    steps = compute_clock(clock, calendar).steps
    assert steps[2] == ClockStep(
        "C4",
        "征求第三方意见：2025年10月9日至10月15日，不计入期限的工作日5个（第三十三条第三款）",
        date(2025, 10, 9),
        5,
    )


def test_overlap_is_explained_once(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        pauses=(
            consultation(date(2025, 10, 9), date(2025, 10, 15)),
            fee(date(2025, 10, 13), date(2025, 10, 20)),
        ),
    )
    text = compute_clock(clock, calendar).explanation()
    assert "缴纳信息处理费：2025年10月13日至10月20日，不计入期限的工作日5个" in text
    assert "不计入期限的工作日合计：8个（重叠的日子只计一次）" in text


def test_pause_days_before_a_restart_do_not_count(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        supplement_requested_on=date(2025, 9, 30),
        supplement_received_on=date(2025, 10, 20),
        pauses=(
            consultation(date(2025, 9, 29), date(2025, 10, 15)),
            consultation(date(2025, 10, 15), date(2025, 10, 24)),
        ),
    )
    result = compute_clock(clock, calendar)
    assert result.excluded_days == 4
    assert result.due_on == date(2025, 11, 21)


def test_consultation_reply_due(calendar: WorkingDayCalendar) -> None:
    assert consultation_reply_due(date(2025, 9, 30), calendar) == date(2025, 10, 28)
    assert consultation_reply_due(date(2026, 2, 13), calendar) == date(2026, 3, 12)


@pytest.mark.parametrize(
    ("notice_on", "last_day", "closed_on"),
    [
        pytest.param(date(2025, 9, 26), date(2025, 10, 30), date(2025, 10, 31), id="a"),
        pytest.param(date(2026, 9, 25), date(2026, 10, 29), date(2026, 10, 30), id="b"),
        pytest.param(date(2026, 12, 18), date(2027, 1, 18), date(2027, 1, 19), id="c"),
    ],
)
def test_fee_lapse(
    calendar: WorkingDayCalendar, notice_on: date, last_day: date, closed_on: date
) -> None:
    assert fee_lapse(notice_on, calendar) == (last_day, closed_on)


# --- C4b running pauses -------------------------------------------------------------


def test_running_consultation_has_no_due_date(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26), pauses=(consultation(date(2025, 10, 9)),)
    )
    result = compute_clock(clock, calendar)
    assert result.due_on is None
    assert result.waiting_for == "consultation"
    assert result.remaining_workdays == 16
    assert result.steps[-1] == ClockStep(
        "C4b",
        "征求第三方意见：2025年10月9日起，尚未结束，期间暂无答复截止日；"
        "意见返回后剩余16个工作日（第三十三条第三款）",
        date(2025, 10, 9),
        16,
    )


def test_running_fee_pause_after_a_closed_one(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        pauses=(fee(date(2025, 9, 29), date(2025, 9, 30)), fee(date(2025, 10, 13))),
    )
    result = compute_clock(clock, calendar)
    assert (result.due_on, result.waiting_for) == (None, "fee")
    assert result.excluded_days == 1
    assert result.remaining_workdays == 14
    # when the fee is paid on 2025-10-20, exactly those 14 working days remain
    paid = ClockInput(
        received_on=date(2025, 9, 26),
        pauses=(
            fee(date(2025, 9, 29), date(2025, 9, 30)),
            fee(date(2025, 10, 13), date(2025, 10, 20)),
        ),
    )
    due_on = compute_clock(paid, calendar).due_on
    assert due_on == date(2025, 11, 7)
    assert calendar.workdays_between(date(2025, 10, 20), due_on) == 14


def test_closed_pause_inside_a_running_one_adds_nothing(
    calendar: WorkingDayCalendar,
) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        pauses=(
            consultation(date(2025, 10, 9)),
            fee(date(2025, 10, 13), date(2025, 10, 20)),
        ),
    )
    result = compute_clock(clock, calendar)
    assert result.excluded_days == 0
    assert result.remaining_workdays == 16


def test_pause_started_after_the_due_date_leaves_negative_days(
    calendar: WorkingDayCalendar,
) -> None:
    clock = ClockInput(received_on=date(2025, 9, 26), pauses=(fee(date(2025, 11, 3)),))
    assert compute_clock(clock, calendar).remaining_workdays == -2


# --- C6 extension, C7 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "due_on"),
    [
        pytest.param(
            ClockInput(received_on=date(2025, 9, 26), extended=True),
            date(2025, 11, 27),
            id="2019_plus_20",
        ),
        pytest.param(
            ClockInput(received_on=date(2017, 9, 26), extended=True),
            date(2017, 11, 13),
            id="2008_plus_15",
        ),
        pytest.param(
            ClockInput(
                received_on=date(2025, 9, 26),
                extended=True,
                pauses=(consultation(date(2025, 10, 9), date(2025, 10, 15)),),
            ),
            date(2025, 12, 4),
            id="c7_limit_plus_excluded_plus_extension",
        ),
    ],
)
def test_extension(
    calendar: WorkingDayCalendar, clock: ClockInput, due_on: date
) -> None:
    result = compute_clock(clock, calendar)
    assert result.due_on == due_on
    assert result.extension_days == result.regime.extension_days


def test_extension_step_text(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(received_on=date(2025, 9, 26), extended=True)
    text = compute_clock(clock, calendar).explanation()
    assert "延期：20个工作日（第三十三条第二款）" in text
    assert "答复截止日：2025年11月27日（第40个工作日）" in text


@pytest.mark.parametrize(
    "approved_on",
    [date(2025, 10, 20), date(2025, 10, 30)],
    ids=["before_due", "on_due"],
)
def test_extension_accepted(approved_on: date) -> None:
    check_extension(
        approved_on=approved_on,
        current_due_on=date(2025, 10, 30),
        already_extended=False,
    )


def test_extension_after_the_due_date_refused() -> None:
    with pytest.raises(ExtensionRefused, match="2025年10月31日已超过截止日") as error:
        check_extension(
            approved_on=date(2025, 10, 31),
            current_due_on=date(2025, 10, 30),
            already_extended=False,
        )
    assert "答复截止日（2025年10月30日）" in error.value.message


def test_second_extension_refused() -> None:
    with pytest.raises(ExtensionRefused, match="已经延期一次"):
        check_extension(
            approved_on=date(2025, 11, 1),
            current_due_on=date(2025, 11, 27),
            already_extended=True,
        )


def test_extension_without_a_due_date_refused() -> None:
    with pytest.raises(ExtensionRefused, match="当前没有答复截止日"):
        check_extension(
            approved_on=date(2025, 10, 20), current_due_on=None, already_extended=False
        )


# --- C8 on time, C9 Art. 35 delay ---------------------------------------------------


@pytest.mark.parametrize(
    ("closed_on", "due_on", "expected"),
    [
        (date(2025, 10, 29), date(2025, 10, 30), True),
        (date(2025, 10, 30), date(2025, 10, 30), True),
        (date(2025, 10, 31), date(2025, 10, 30), False),
        (date(2025, 10, 29), None, True),
    ],
)
def test_is_on_time(closed_on: date, due_on: date | None, expected: bool) -> None:
    assert is_on_time(closed_on=closed_on, due_on=due_on) is expected


def test_delayed_reply_date_is_the_due_date(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(received_on=date(2025, 9, 26), delayed_due_on=date(2025, 12, 31))
    result = compute_clock(clock, calendar)
    assert result.due_on == date(2025, 12, 31)
    assert [step.code for step in result.steps] == ["C2", "C1", "C7", "C9", "C9"]
    assert result.explanation().endswith(
        "法定答复截止日：2025年10月30日（第20个工作日）\n"
        "延期答复：机关确定的合理答复期限为2025年12月31日（第三十五条）\n"
        "答复截止日：2025年12月31日"
    )


def test_delayed_reply_date_is_never_provisional(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(received_on=date(2026, 12, 18), delayed_due_on=date(2027, 3, 1))
    result = compute_clock(clock, calendar)
    assert (result.due_on, result.provisional) == (date(2027, 3, 1), False)


def test_running_pause_suppresses_a_delayed_date(calendar: WorkingDayCalendar) -> None:
    clock = ClockInput(
        received_on=date(2025, 9, 26),
        delayed_due_on=date(2025, 12, 31),
        pauses=(consultation(date(2025, 10, 9)),),
    )
    assert compute_clock(clock, calendar).due_on is None


@pytest.mark.parametrize(
    ("clock", "statutory"),
    [
        pytest.param(
            ClockInput(
                received_on=date(2025, 9, 26), delayed_due_on=date(2025, 12, 31)
            ),
            date(2025, 10, 30),
            id="delay_ignored",
        ),
        pytest.param(
            ClockInput(
                received_on=date(2025, 9, 26),
                extended=True,
                delayed_due_on=date(2025, 12, 31),
            ),
            date(2025, 11, 27),
            id="with_extension",
        ),
        pytest.param(
            ClockInput(
                received_on=date(2025, 9, 26), pauses=(consultation(date(2025, 10, 9)),)
            ),
            None,
            id="running_pause",
        ),
    ],
)
def test_statutory_due_date(
    calendar: WorkingDayCalendar, clock: ClockInput, statutory: date | None
) -> None:
    assert statutory_due_date(clock, calendar) == statutory


def test_delay_may_be_set_on_the_due_date_for_a_later_date() -> None:
    """Received 2025-09-26, due 2025-10-30: decided on the due date, delayed one day."""
    check_delay(
        decided_on=date(2025, 10, 30),
        delayed_due_on=date(2025, 10, 31),
        statutory_due_on=date(2025, 10, 30),
        current_due_on=date(2025, 10, 30),
    )


@pytest.mark.parametrize(
    ("decided_on", "delayed_due_on", "field", "message"),
    [
        pytest.param(
            date(2025, 10, 31),
            date(2025, 12, 31),
            "decided_on",
            "延迟答复期限须在答复截止日（2025年10月30日）当日或之前确定并告知申请人；"
            "2025年10月31日已超过截止日（第三十五条）",
            id="decided_after_due_date",
        ),
        pytest.param(
            date(2025, 10, 10),
            date(2025, 10, 30),
            "delayed_due_on",
            "延迟答复期限应晚于法定答复截止日（2025年10月30日）："
            "第三十五条的延迟答复只用于在法定期限内无法答复的申请",
            id="not_after_statutory_due_date",
        ),
        pytest.param(
            date(2025, 10, 10),
            date(2025, 10, 20),
            "delayed_due_on",
            "延迟答复期限应晚于法定答复截止日（2025年10月30日）："
            "第三十五条的延迟答复只用于在法定期限内无法答复的申请",
            id="before_statutory_due_date",
        ),
    ],
)
def test_delay_refused(
    decided_on: date, delayed_due_on: date, field: str, message: str
) -> None:
    with pytest.raises(DelayRefused) as error:
        check_delay(
            decided_on=decided_on,
            delayed_due_on=delayed_due_on,
            statutory_due_on=date(2025, 10, 30),
            current_due_on=date(2025, 10, 30),
        )
    assert (error.value.field, error.value.message) == (field, message)


def test_delay_refused_without_a_due_date() -> None:
    with pytest.raises(DelayRefused, match="当前没有答复截止日") as error:
        check_delay(
            decided_on=date(2025, 10, 10),
            delayed_due_on=date(2025, 12, 31),
            statutory_due_on=None,
            current_due_on=None,
        )
    assert error.value.field == "decided_on"


# --- provisional years --------------------------------------------------------------


@pytest.mark.parametrize(
    ("received_on", "due_on", "provisional"),
    [
        pytest.param(date(2026, 12, 18), date(2027, 1, 18), True, id="into_2027"),
        pytest.param(date(2026, 12, 4), date(2027, 1, 4), True, id="over_new_year"),
        pytest.param(date(2026, 12, 1), date(2026, 12, 29), False, id="within_2026"),
        pytest.param(date(2025, 9, 26), date(2025, 10, 30), False, id="2025"),
        pytest.param(date(2025, 12, 26), date(2026, 1, 26), False, id="2025_2026"),
    ],
)
def test_provisional_flag(
    calendar: WorkingDayCalendar, received_on: date, due_on: date, provisional: bool
) -> None:
    result = compute_clock(ClockInput(received_on=received_on), calendar)
    assert (result.due_on, result.provisional) == (due_on, provisional)
    has_note = result.steps[-1].code == "provisional"
    assert has_note is provisional


def test_provisional_note_text(calendar: WorkingDayCalendar) -> None:
    result = compute_clock(ClockInput(received_on=date(2026, 12, 18)), calendar)
    assert result.steps[-1].text == (
        "暂定：2027年的节假日安排尚未公布，按周末和法定节假日暂算（不含调休），"
        "公布后重新计算"
    )


def test_running_pause_into_a_provisional_year(calendar: WorkingDayCalendar) -> None:
    """No due date, so no provisional flag (contract §3); the note still warns."""
    clock = ClockInput(
        received_on=date(2026, 12, 18), pauses=(consultation(date(2027, 1, 5)),)
    )
    result = compute_clock(clock, calendar)
    assert (result.due_on, result.provisional) == (None, False)
    assert result.remaining_workdays == 9
    assert result.steps[-1].code == "provisional"
    assert result.steps[-1].text.startswith("暂定：2027年的节假日安排尚未公布")


def test_awaiting_supplement_in_a_provisional_year(
    calendar: WorkingDayCalendar,
) -> None:
    """Supplement requested 2027-01-04 (a provisional year): no due date, not flagged."""
    clock = ClockInput(
        received_on=date(2026, 12, 28), supplement_requested_on=date(2027, 1, 4)
    )
    result = compute_clock(clock, calendar)
    assert (result.due_on, result.provisional) == (None, False)
    assert (result.waiting_for, result.remaining_workdays) == ("supplement", 20)
    assert result.steps[-1].code == "provisional"


def test_supplement_received_in_a_provisional_year_is_flagged(
    calendar: WorkingDayCalendar,
) -> None:
    """Once the supplement arrives (2027-01-05) there is a due date, and it is flagged:
    20 working days counted on weekends only (no 2027 notice) end on 2027-02-02."""
    clock = ClockInput(
        received_on=date(2026, 12, 28),
        supplement_requested_on=date(2027, 1, 4),
        supplement_received_on=date(2027, 1, 5),
    )
    result = compute_clock(clock, calendar)
    assert (result.due_on, result.provisional) == (date(2027, 2, 2), True)


# --- deadline state -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "today", "warn", "state"),
    [
        pytest.param(
            date(2025, 10, 30), date(2025, 10, 24), 3, "on_track", id="4_left"
        ),
        pytest.param(
            date(2025, 10, 30), date(2025, 10, 27), 3, "due_soon", id="3_left"
        ),
        pytest.param(
            date(2025, 10, 30), date(2025, 10, 30), 3, "due_soon", id="due_day"
        ),
        pytest.param(
            date(2025, 10, 30), date(2025, 10, 31), 3, "overdue", id="day_after"
        ),
        pytest.param(
            date(2025, 10, 9), date(2025, 9, 30), 1, "due_soon", id="over_golden_week"
        ),
        pytest.param(None, date(2025, 10, 31), 3, "paused", id="no_due_date"),
    ],
)
def test_deadline_state(
    calendar: WorkingDayCalendar,
    due_on: date | None,
    today: date,
    warn: int,
    state: str,
) -> None:
    result = deadline_state(
        due_on=due_on, today=today, calendar=calendar, warn_within_workdays=warn
    )
    assert result == DeadlineState(state)


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2025, 9, 26), 20),
        (date(2025, 10, 1), 17),
        (date(2025, 10, 30), 0),
        (date(2025, 10, 31), -1),
        (date(2025, 11, 1), -1),
        (date(2025, 11, 3), -2),
    ],
)
def test_workdays_left(calendar: WorkingDayCalendar, today: date, left: int) -> None:
    due_on = date(2025, 10, 30)
    assert workdays_left(due_on=due_on, today=today, calendar=calendar) == left


# --- inputs and formatting ----------------------------------------------------------


def test_date_formatting() -> None:
    assert format_date(date(2025, 10, 30)) == "2025年10月30日"
    assert (
        format_span(date(2025, 10, 9), date(2025, 10, 15)) == "2025年10月9日至10月15日"
    )
    assert format_span(date(2026, 12, 28), date(2027, 1, 5)) == (
        "2026年12月28日至2027年1月5日"
    )


def test_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends"):
        consultation(date(2025, 10, 9), date(2025, 10, 8))


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param(
            {"supplement_requested_on": date(2025, 9, 25)}, id="request_before_receipt"
        ),
        pytest.param(
            {"supplement_received_on": date(2025, 10, 20)}, id="supplement_no_request"
        ),
        pytest.param(
            {
                "supplement_requested_on": date(2025, 9, 30),
                "supplement_received_on": date(2025, 9, 29),
            },
            id="supplement_before_request",
        ),
        pytest.param(
            {"pauses": (consultation(date(2025, 9, 25), date(2025, 10, 1)),)},
            id="pause_before_receipt",
        ),
    ],
)
def test_inconsistent_inputs_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="before"):
        ClockInput(received_on=date(2025, 9, 26), **kwargs)  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------

received_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 30))
pause_kinds = st.sampled_from(list(PauseKind))


@st.composite
def closed_pauses(draw: st.DrawFn, received_on: date) -> Pause:
    started_on = received_on + timedelta(days=draw(st.integers(0, 60)))
    ended_on = started_on + timedelta(days=draw(st.integers(0, 40)))
    return Pause(kind=draw(pause_kinds), started_on=started_on, ended_on=ended_on)


@st.composite
def clocks(draw: st.DrawFn) -> ClockInput:
    received_on = draw(received_dates)
    pauses = tuple(draw(st.lists(closed_pauses(received_on), max_size=3)))
    return ClockInput(
        received_on=received_on, pauses=pauses, extended=draw(st.booleans())
    )


@settings(max_examples=200)
@given(clock=clocks(), data=st.data())
def test_adding_a_pause_never_moves_the_due_date_earlier(
    calendar: WorkingDayCalendar, clock: ClockInput, data: st.DataObject
) -> None:
    extra = data.draw(closed_pauses(clock.received_on))
    paused = ClockInput(
        received_on=clock.received_on,
        pauses=(*clock.pauses, extra),
        extended=clock.extended,
    )
    before = compute_clock(clock, calendar).due_on
    after = compute_clock(paused, calendar).due_on
    assert before is not None
    assert after is not None
    assert after >= before


@settings(max_examples=200)
@given(clock=clocks())
def test_due_date_matches_a_day_by_day_count(
    calendar: WorkingDayCalendar, clock: ClockInput
) -> None:
    excluded = {
        day
        for pause in clock.pauses
        if pause.ended_on is not None
        for offset in range(1, (pause.ended_on - pause.started_on).days + 1)
        if calendar.is_workday(day := pause.started_on + timedelta(days=offset))
        and day > clock.received_on
    }
    regime = regime_for(clock.received_on)
    total = regime.reply_limit + len(excluded)
    total += regime.extension_days if clock.extended else 0
    result = compute_clock(clock, calendar)
    assert result.excluded_days == len(excluded)
    assert result.due_on == naive_add_workdays(calendar, clock.received_on, total)


@settings(max_examples=200)
@given(
    received_on=received_dates,
    start_offset=st.integers(0, 45),
    length=st.integers(0, 30),
)
def test_remaining_days_are_left_when_the_pause_ends(
    calendar: WorkingDayCalendar, received_on: date, start_offset: int, length: int
) -> None:
    started_on = received_on + timedelta(days=start_offset)
    ended_on = started_on + timedelta(days=length)
    running = ClockInput(received_on=received_on, pauses=(consultation(started_on),))
    ended = ClockInput(
        received_on=received_on, pauses=(consultation(started_on, ended_on),)
    )
    remaining = compute_clock(running, calendar).remaining_workdays
    due_on = compute_clock(ended, calendar).due_on
    assert remaining is not None
    assert due_on is not None
    if remaining >= 1:
        assert calendar.workdays_between(ended_on, due_on) == remaining
    else:
        assert due_on <= ended_on
