"""The reply clock: rules C1–C9 of contract §2 as pure functions over the calendar.

The reply period is set by Art. 33 of the Regulation on Open Government Information
(国务院令第711号; Art. 24 of the 2008 version, 国务院令第492号, for applications
received before 15 May 2019). ``WD(d, n)`` below is the n-th working day strictly
after d (:meth:`WorkingDayCalendar.add_workdays`). Nothing here reads the database, the
settings or the clock: ``today`` is always a parameter.

Every text shown to people (the "why this date" steps, the refusals) is built from a
Chinese template with named placeholders through a :class:`ClockWording`. The default
wording gives the Chinese texts that are stored on the case; a caller outside this
module may pass a wording that translates the templates (they are the ``makemessages``
msgids, marked with :func:`gettext_noop`) and formats dates for another language.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from disclosure.calendars import WorkingDayCalendar


def gettext_noop(text: str) -> str:
    """Return ``text`` unchanged: the name only marks a template for ``makemessages``
    (which looks for it), so that this module needs no Django import."""
    return text


@dataclass(frozen=True, slots=True)
class Regime:
    """The reply limit and the extension of one version of the Regulation."""

    code: str
    reply_limit: int
    extension_days: int


REGIME_2019 = Regime(code="2019", reply_limit=20, extension_days=20)
REGIME_2008 = Regime(code="2008", reply_limit=15, extension_days=15)
REGIME_2019_IN_FORCE = date(2019, 5, 15)

SUPPLEMENT_NOTICE_DAYS = 7
DEFAULT_SUPPLEMENT_PERIOD = 15
CONSULTATION_REPLY_DAYS = 15
FEE_PAYMENT_DAYS = 20

# Where each regime states the limit and extension, and the consultation exclusion.
_LIMIT_ARTICLE = {
    "2019": gettext_noop("《条例》第三十三条第二款"),
    "2008": gettext_noop(
        "2008年《条例》第二十四条第二款，适用于2019年5月15日前收到的申请"
    ),
}
_CONSULTATION_ARTICLE = {
    "2019": gettext_noop("第三十三条第三款"),
    "2008": gettext_noop("2008年《条例》第二十四条第三款"),
}
_EXTENSION_ARTICLE = {
    "2019": gettext_noop("第三十三条第二款"),
    "2008": gettext_noop("2008年《条例》第二十四条第二款"),
}
_FEE_BASIS = gettext_noop("国办函〔2020〕109号")


def regime_for(received_on: date) -> Regime:
    """C1: return the regime of an application received on ``received_on``."""
    return REGIME_2019 if received_on >= REGIME_2019_IN_FORCE else REGIME_2008


class PauseKind(StrEnum):
    """Why the reply clock stops (C4, C5)."""

    CONSULTATION = "consultation"
    FEE = "fee"


@dataclass(frozen=True, slots=True)
class Pause:
    """A consultation (C4) or fee (C5) pause; ``ended_on`` is None while it runs."""

    kind: PauseKind
    started_on: date
    ended_on: date | None = None

    def __post_init__(self) -> None:
        if self.ended_on is not None and self.ended_on < self.started_on:
            msg = f"pause ends ({self.ended_on}) before it starts ({self.started_on})"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class ClockInput:
    """The facts of one application that the clock depends on."""

    received_on: date
    supplement_requested_on: date | None = None
    supplement_received_on: date | None = None
    pauses: tuple[Pause, ...] = ()
    extended: bool = False
    delayed_due_on: date | None = None

    def __post_init__(self) -> None:
        requested = self.supplement_requested_on
        supplemented = self.supplement_received_on
        if requested is not None and requested < self.received_on:
            msg = "supplement requested before the application was received"
            raise ValueError(msg)
        if supplemented is not None and (requested is None or supplemented < requested):
            msg = "supplement received without, or before, a supplement request"
            raise ValueError(msg)
        for pause in self.pauses:
            if pause.started_on < self.received_on:
                msg = f"{pause.kind} pause starts before the application was received"
                raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class ClockStep:
    """One line of the "why this date" explanation; ``code`` is the contract rule."""

    code: str
    text: str
    on: date | None = None
    days: int = 0


@dataclass(frozen=True, slots=True)
class ClockResult:
    """The outcome of :func:`compute_clock`.

    ``start_on`` is the day after which the clock counts; while a supplement is awaited
    it is still the receipt date, because the restart date is not known yet.
    ``remaining_workdays`` is set only while the clock waits (C3, C4b); it may be zero or
    negative when a pause started on or after the due date.
    """

    regime: Regime
    start_on: date
    limit_days: int
    excluded_days: int
    extension_days: int
    due_on: date | None
    provisional: bool
    waiting_for: str | None
    remaining_workdays: int | None
    steps: tuple[ClockStep, ...]

    def explanation(self) -> str:
        """Return the steps as text, one step a line (Chinese in the default wording)."""
        return "\n".join(step.text for step in self.steps)


class Refused(Exception):
    """A step the rules do not allow. ``message`` is the Chinese text; :meth:`text`
    words it otherwise (``template`` with ``params``, dates formatted by the wording).
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        self.message = CHINESE.text(template, **params)
        super().__init__(self.message)

    def text(self, wording: ClockWording) -> str:
        return wording.text(self.template, **self.params)


class ExtensionRefused(Refused):
    """C6: an extension that the rules do not allow; the message is shown to staff."""


class DeadlineState(StrEnum):
    """How a case stands against its due date on a given day."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"


# The step texts repeat across cases (the same receipt dates, the same due dates), and a
# ledger import computes a clock per row: the calendar-independent pieces are cached.
# Steps are immutable, so one instance can stand in several results.
_TEXT_CACHE_SIZE = 8192


@functools.lru_cache(maxsize=_TEXT_CACHE_SIZE)
def _date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_date(day: date) -> str:
    """Return ``day`` as 2025年10月30日."""
    return _date_text(day)


def format_span(first: date, last: date) -> str:
    """Return 2025年10月9日至10月15日 (the year is not repeated within one year)."""
    end = f"{last.month}月{last.day}日" if first.year == last.year else _date_text(last)
    return f"{_date_text(first)}至{end}"


def _same(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class ClockWording:
    """How the texts are worded: ``translate`` maps a Chinese template (a msgid) to
    the reader's language, ``format_date`` and ``format_span`` write dates. The
    default, :data:`CHINESE`, gives the stored Chinese texts."""

    translate: Callable[[str], str] = _same
    format_date: Callable[[date], str] = _date_text
    format_span: Callable[[date, date], str] = format_span

    def text(self, template: str, **params: object) -> str:
        """Return the translated ``template`` filled with ``params``; dates are
        formatted with :attr:`format_date`, other values are used as they are."""
        values = {
            name: self.format_date(value) if isinstance(value, date) else value
            for name, value in params.items()
        }
        return self.translate(template) % values


CHINESE = ClockWording()


# Steps in the default wording are cached by builder and arguments; a step in another
# wording is built each time (its translation depends on the active language).
@functools.lru_cache(maxsize=4 * _TEXT_CACHE_SIZE)
def _chinese_step(build: Callable[..., ClockStep], *args: object) -> ClockStep:
    return build(CHINESE, *args)


def _step(
    wording: ClockWording, build: Callable[..., ClockStep], *args: object
) -> ClockStep:
    if wording is CHINESE:
        return _chinese_step(build, *args)
    return build(wording, *args)


def _receipt_step(wording: ClockWording, received_on: date) -> ClockStep:
    return ClockStep(
        code="C2",
        text=wording.text(
            gettext_noop("收到申请：%(date)s（不计当日）"), date=received_on
        ),
        on=received_on,
    )


def _limit_step(wording: ClockWording, regime: Regime) -> ClockStep:
    return ClockStep(
        code="C1",
        text=wording.text(
            gettext_noop("答复期限：%(days)s个工作日（%(basis)s）"),
            days=regime.reply_limit,
            basis=wording.translate(_LIMIT_ARTICLE[regime.code]),
        ),
        days=regime.reply_limit,
    )


def _extension_step(wording: ClockWording, regime: Regime) -> ClockStep:
    return ClockStep(
        code="C6",
        text=wording.text(
            gettext_noop("延期：%(days)s个工作日（%(basis)s）"),
            days=regime.extension_days,
            basis=wording.translate(_EXTENSION_ARTICLE[regime.code]),
        ),
        days=regime.extension_days,
    )


def _supplement_requested_step(wording: ClockWording, requested: date) -> ClockStep:
    return ClockStep(
        code="C3",
        text=wording.text(
            gettext_noop("告知补正：%(date)s（第三十条）"), date=requested
        ),
        on=requested,
    )


def _supplement_awaited_step(wording: ClockWording, remaining: int) -> ClockStep:
    return ClockStep(
        code="C3",
        text=wording.text(
            gettext_noop(
                "等待补正：暂无答复截止日；收到补正后重新计算，"
                "届时剩余%(days)s个工作日（第三十条）"
            ),
            days=remaining,
        ),
        days=remaining,
    )


def _supplement_received_step(wording: ClockWording, received: date) -> ClockStep:
    return ClockStep(
        code="C2",
        text=wording.text(
            gettext_noop(
                "收到补正：%(date)s，答复期限自该日重新计算（不计当日，第三十条）"
            ),
            date=received,
        ),
        on=received,
    )


def _due_step(wording: ClockWording, due_on: date, total: int) -> ClockStep:
    return ClockStep(
        code="C7",
        text=wording.text(
            gettext_noop("答复截止日：%(date)s（第%(days)s个工作日）"),
            date=due_on,
            days=total,
        ),
        on=due_on,
        days=total,
    )


def _union_workdays(
    spans: list[tuple[date, date]], calendar: WorkingDayCalendar
) -> int:
    """Return the working days d with ``after < d <= through`` for any of the spans."""
    total = 0
    current: tuple[date, date] | None = None
    for after, through in sorted(spans):
        if current is not None and after <= current[1]:
            current = (current[0], max(current[1], through))
            continue
        if current is not None:
            total += calendar.workdays_between(*current)
        current = (after, through)
    if current is not None:
        total += calendar.workdays_between(*current)
    return total


def _pause_label(kind: PauseKind) -> str:
    if kind is PauseKind.CONSULTATION:
        return gettext_noop("征求第三方意见")
    return gettext_noop("缴纳信息处理费")


def _pause_basis(kind: PauseKind, regime: Regime) -> str:
    if kind is PauseKind.CONSULTATION:
        return _CONSULTATION_ARTICLE[regime.code]
    return _FEE_BASIS


def _provisional_step(
    start: date, end: date, calendar: WorkingDayCalendar, wording: ClockWording
) -> ClockStep | None:
    first, last = sorted((start.year, end.year))
    years = [y for y in range(first, last + 1) if not calendar.is_official_year(y)]
    if not years:
        return None
    listed = wording.translate(gettext_noop("、")).join(
        wording.text(gettext_noop("%(year)s年"), year=year) for year in years
    )
    text = wording.text(
        gettext_noop(
            "暂定：%(years)s的节假日安排尚未公布，按周末和法定节假日暂算（不含调休），"
            "公布后重新计算"
        ),
        years=listed,
    )
    return ClockStep(code="provisional", text=text)


def _clock_result(
    *,
    regime: Regime,
    start: date,
    excluded: int,
    extension: int,
    due_on: date | None,
    provisional_until: date | None,
    waiting_for: str | None,
    remaining: int | None,
    steps: list[ClockStep],
    calendar: WorkingDayCalendar,
    wording: ClockWording,
) -> ClockResult:
    """The result of :func:`compute_clock`; the provisional note is added to ``steps``
    when a year from ``start`` to ``provisional_until`` has no official notice yet.

    Only a due date is flagged provisional (contract §3): while the clock waits there is
    no due date, so the flag stays False, though the note still warns that the date,
    once set, will depend on a provisional year.
    """
    reaches_provisional = False
    if provisional_until is not None:
        # The same years decide the flag and the note; one look-up in the common case
        # of a single year.
        if start.year == provisional_until.year:
            reaches_provisional = not calendar.is_official_year(start.year)
        else:
            reaches_provisional = calendar.is_provisional_range(
                start, provisional_until
            )
        if reaches_provisional:
            note = _provisional_step(start, provisional_until, calendar, wording)
            if note is not None:
                steps.append(note)
    provisional = reaches_provisional and due_on is not None
    return ClockResult(
        regime=regime,
        start_on=start,
        limit_days=regime.reply_limit,
        excluded_days=excluded,
        extension_days=extension,
        due_on=due_on,
        provisional=provisional,
        waiting_for=waiting_for,
        remaining_workdays=remaining,
        steps=tuple(steps),
    )


def compute_clock(
    clock: ClockInput,
    calendar: WorkingDayCalendar,
    wording: ClockWording = CHINESE,
) -> ClockResult:
    """Apply C1–C7 and C9 to ``clock`` and explain the result step by step.

    The steps are worded by ``wording``; the dates and days do not depend on it.

    The start is the receipt date, or the date the supplement was received (C2, a full
    restart). The working days of all closed pauses after the start are excluded, each
    day once however many pauses cover it (C4, C5). The due date is
    ``WD(start, limit + excluded + extension)`` (C7), unless an Art. 35 delayed reply
    date is set (C9). While a supplement is awaited (C3) or a pause runs (C4b) there is
    no due date, even with an Art. 35 date, and ``remaining_workdays`` tells how many
    working days will be left when the wait ends; without a due date the result is
    never provisional (contract §3). An Art. 35 date does not depend on the calendar,
    so it is never provisional either.
    """
    received_on = clock.received_on
    regime = regime_for(received_on)
    extension = regime.extension_days if clock.extended else 0
    steps = [
        _step(wording, _receipt_step, received_on),
        _step(wording, _limit_step, regime),
    ]

    start = received_on
    requested = clock.supplement_requested_on
    if requested is not None:
        steps.append(_step(wording, _supplement_requested_step, requested))
        if clock.supplement_received_on is None:
            remaining = regime.reply_limit + extension
            steps.append(_step(wording, _supplement_awaited_step, remaining))
            return _clock_result(
                regime=regime,
                start=start,
                excluded=0,
                extension=extension,
                due_on=None,
                provisional_until=requested,
                waiting_for="supplement",
                remaining=remaining,
                steps=steps,
                calendar=calendar,
                wording=wording,
            )
        start = clock.supplement_received_on
        steps.append(_step(wording, _supplement_received_step, start))

    excluded = 0
    running: list[Pause] = []
    # Most cases have no pause at all: nothing to sort, nothing to exclude.
    if clock.pauses:
        running = sorted(
            (pause for pause in clock.pauses if pause.ended_on is None),
            key=lambda pause: pause.started_on,
        )
        # A running pause absorbs the later part of any closed pause that overlaps it,
        # so only closed-pause days up to its start are certain to count on their own.
        cutoff = running[0].started_on if running else None
        spans: list[tuple[date, date]] = []
        closed = sorted(
            (
                (pause.started_on, pause.ended_on, pause)
                for pause in clock.pauses
                if pause.ended_on is not None
            ),
            key=lambda item: (item[0], item[1]),
        )
        for started_on, ended_on, pause in closed:
            after = max(started_on, start)
            through = ended_on if cutoff is None else min(ended_on, cutoff)
            days = calendar.workdays_between(after, through)
            if through > after:
                spans.append((after, through))
            steps.append(
                ClockStep(
                    code="C4" if pause.kind is PauseKind.CONSULTATION else "C5",
                    text=wording.text(
                        gettext_noop(
                            "%(label)s：%(span)s，不计入期限的工作日%(days)s个"
                            "（%(basis)s）"
                        ),
                        label=wording.translate(_pause_label(pause.kind)),
                        span=wording.format_span(started_on, ended_on),
                        days=days,
                        basis=wording.translate(_pause_basis(pause.kind, regime)),
                    ),
                    on=started_on,
                    days=days,
                )
            )
        excluded = _union_workdays(spans, calendar)
        if len(closed) > 1:
            steps.append(
                ClockStep(
                    code="C4",
                    text=wording.text(
                        gettext_noop(
                            "不计入期限的工作日合计：%(days)s个（重叠的日子只计一次）"
                        ),
                        days=excluded,
                    ),
                    days=excluded,
                )
            )
    if extension:
        steps.append(_step(wording, _extension_step, regime))

    if running:
        pause = running[0]
        elapsed = calendar.workdays_between(start, pause.started_on)
        remaining = regime.reply_limit + extension + excluded - elapsed
        ending = (
            gettext_noop("意见返回")
            if pause.kind is PauseKind.CONSULTATION
            else gettext_noop("缴费")
        )
        steps.append(
            ClockStep(
                code="C4b",
                text=wording.text(
                    gettext_noop(
                        "%(label)s：%(date)s起，尚未结束，期间暂无答复截止日；"
                        "%(ending)s后剩余%(days)s个工作日（%(basis)s）"
                    ),
                    label=wording.translate(_pause_label(pause.kind)),
                    date=pause.started_on,
                    ending=wording.translate(ending),
                    days=remaining,
                    basis=wording.translate(_pause_basis(pause.kind, regime)),
                ),
                on=pause.started_on,
                days=remaining,
            )
        )
        return _clock_result(
            regime=regime,
            start=start,
            excluded=excluded,
            extension=extension,
            due_on=None,
            provisional_until=pause.started_on,
            waiting_for=pause.kind.value,
            remaining=remaining,
            steps=steps,
            calendar=calendar,
            wording=wording,
        )

    total = regime.reply_limit + excluded + extension
    statutory_due = calendar.add_workdays(start, total)
    delayed = clock.delayed_due_on
    if delayed is None:
        steps.append(_step(wording, _due_step, statutory_due, total))
        return _clock_result(
            regime=regime,
            start=start,
            excluded=excluded,
            extension=extension,
            due_on=statutory_due,
            provisional_until=statutory_due,
            waiting_for=None,
            remaining=None,
            steps=steps,
            calendar=calendar,
            wording=wording,
        )
    steps += [
        ClockStep(
            code="C7",
            text=wording.text(
                gettext_noop("法定答复截止日：%(date)s（第%(days)s个工作日）"),
                date=statutory_due,
                days=total,
            ),
            on=statutory_due,
            days=total,
        ),
        ClockStep(
            code="C9",
            text=wording.text(
                gettext_noop(
                    "延期答复：机关确定的合理答复期限为%(date)s（第三十五条）"
                ),
                date=delayed,
            ),
            on=delayed,
        ),
        ClockStep(
            code="C9",
            text=wording.text(gettext_noop("答复截止日：%(date)s"), date=delayed),
            on=delayed,
        ),
    ]
    return _clock_result(
        regime=regime,
        start=start,
        excluded=excluded,
        extension=extension,
        due_on=delayed,
        provisional_until=None,
        waiting_for=None,
        remaining=None,
        steps=steps,
        calendar=calendar,
        wording=wording,
    )


def supplement_notice_due(received_on: date, calendar: WorkingDayCalendar) -> date:
    """C3: return the last day for the supplement notice, WD(received_on, 7)."""
    return calendar.add_workdays(received_on, SUPPLEMENT_NOTICE_DAYS)


def supplement_notice_late(
    *, received_on: date, notified_on: date, calendar: WorkingDayCalendar
) -> bool:
    """C3: return whether a supplement notice sent on ``notified_on`` is late."""
    return notified_on > supplement_notice_due(received_on, calendar)


def supplement_lapse(
    requested_on: date, period_days: int, calendar: WorkingDayCalendar
) -> tuple[date, date]:
    """C3: return (last day to supplement, closing date) for a P-day period.

    The applicant may supplement until WD(requested_on, P); without a supplement the
    case closes as ``other.no_supplement`` on WD(requested_on, P + 1).
    """
    if period_days < 1:
        msg = f"the supplement period must be at least 1 working day, not {period_days}"
        raise ValueError(msg)
    return (
        calendar.add_workdays(requested_on, period_days),
        calendar.add_workdays(requested_on, period_days + 1),
    )


def fee_lapse(fee_notice_on: date, calendar: WorkingDayCalendar) -> tuple[date, date]:
    """C5: return (last day to pay, closing date): WD(notice, 20) and WD(notice, 21)."""
    return (
        calendar.add_workdays(fee_notice_on, FEE_PAYMENT_DAYS),
        calendar.add_workdays(fee_notice_on, FEE_PAYMENT_DAYS + 1),
    )


def consultation_reply_due(started_on: date, calendar: WorkingDayCalendar) -> date:
    """C4: return the day a consulted party's reply is due, WD(started_on, 15)."""
    return calendar.add_workdays(started_on, CONSULTATION_REPLY_DAYS)


def is_on_time(*, closed_on: date, due_on: date | None) -> bool:
    """C8: return whether a case closed on ``closed_on`` met its due date.

    A case closed without a running deadline (``due_on`` None) counts as on time.
    """
    return due_on is None or closed_on <= due_on


def check_extension(
    *, approved_on: date, current_due_on: date | None, already_extended: bool
) -> None:
    """C6: raise :class:`ExtensionRefused` unless the extension may be approved.

    An extension is allowed once, approved and notified on or before the current due
    date; while the clock waits (no due date) there is nothing to extend.
    """
    if already_extended:
        raise ExtensionRefused(
            gettext_noop("该申请已经延期一次，不能再次延期（《条例》第三十三条第二款）")
        )
    if current_due_on is None:
        raise ExtensionRefused(
            gettext_noop(
                "当前没有答复截止日（等待补正或期限暂停中），不能延期；"
                "请在期限恢复计算后办理"
            )
        )
    if approved_on > current_due_on:
        raise ExtensionRefused(
            gettext_noop(
                "延期须在答复截止日（%(due)s）当日或之前批准并告知申请人；"
                "%(approved)s已超过截止日，不能延期"
            ),
            due=current_due_on,
            approved=approved_on,
        )


class DelayRefused(Refused):
    """C9: an Art. 35 delayed reply date that the rules do not allow; the message is
    shown to staff and ``field`` names the date at fault."""

    def __init__(self, template: str, *, field: str, **params: object) -> None:
        super().__init__(template, **params)
        self.field = field


def statutory_due_date(clock: ClockInput, calendar: WorkingDayCalendar) -> date | None:
    """Return the due date by C1–C7 alone, as if no Art. 35 date had been set (C9).

    None while the clock waits (C3, C4b).
    """
    return compute_clock(replace(clock, delayed_due_on=None), calendar).due_on


def check_delay(
    *,
    decided_on: date,
    delayed_due_on: date,
    statutory_due_on: date | None,
    current_due_on: date | None,
) -> None:
    """C9: raise :class:`DelayRefused` unless the Art. 35 delayed reply date may be set.

    The office sets a later date because it cannot answer within the Art. 33 limit, so
    the delayed date must fall after the statutory due date ``statutory_due_on``
    (limit, excluded days and any extension; C7). Like an extension (C6), the decision
    must be taken on or before the current due date ``current_due_on``; while the
    clock waits (no due date) there is nothing to delay.
    """
    if current_due_on is None or statutory_due_on is None:
        raise DelayRefused(
            gettext_noop(
                "当前没有答复截止日（等待补正或期限暂停中），不能确定延迟答复期限；"
                "请在期限恢复计算后办理"
            ),
            field="decided_on",
        )
    if decided_on > current_due_on:
        raise DelayRefused(
            gettext_noop(
                "延迟答复期限须在答复截止日（%(due)s）当日或之前确定并告知申请人；"
                "%(decided)s已超过截止日（第三十五条）"
            ),
            field="decided_on",
            due=current_due_on,
            decided=decided_on,
        )
    if delayed_due_on <= statutory_due_on:
        raise DelayRefused(
            gettext_noop(
                "延迟答复期限应晚于法定答复截止日（%(due)s）："
                "第三十五条的延迟答复只用于在法定期限内无法答复的申请"
            ),
            field="delayed_due_on",
            due=statutory_due_on,
        )


def workdays_left(*, due_on: date, today: date, calendar: WorkingDayCalendar) -> int:
    """Return the working days d with ``today < d <= due_on``.

    After the due date the result is negative: minus the working days d with
    ``due_on < d <= today``. On the due date itself it is 0.
    """
    if today <= due_on:
        return calendar.workdays_between(today, due_on)
    return -calendar.workdays_between(due_on, today)


def deadline_state(
    *,
    due_on: date | None,
    today: date,
    calendar: WorkingDayCalendar,
    warn_within_workdays: int,
) -> DeadlineState:
    """Return how a case stands on ``today``.

    PAUSED without a due date; OVERDUE from the day after the due date; DUE_SOON when
    at most ``warn_within_workdays`` working days are left (the due date included).
    """
    if due_on is None:
        return DeadlineState.PAUSED
    if today > due_on:
        return DeadlineState.OVERDUE
    left = workdays_left(due_on=due_on, today=today, calendar=calendar)
    if left <= warn_within_workdays:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK
