"""The lifecycle of a disclosure application as one declared transition table.

Pure: no queries, no settings, no clock. Services apply the table; nothing else assigns
``status``. Deadline states (due soon, overdue) are not workflow states: they are derived
from the due date (see ``requests_app.deadlines``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from disclosure.exceptions import Conflict


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("待补正")
    IN_CONSULTATION = "in_consultation", _("征求意见中")
    AWAITING_FEE = "awaiting_fee", _("待缴费")
    CLOSED = "closed", _("已办结")


class Action(StrEnum):
    REGISTER = "register"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECEIVE_SUPPLEMENT = "receive_supplement"
    START_CONSULTATION = "start_consultation"
    END_CONSULTATION = "end_consultation"
    ISSUE_FEE_NOTICE = "issue_fee_notice"
    SETTLE_FEE = "settle_fee"
    EXTEND = "extend"
    SET_DELAY = "set_delay"
    REPLY = "reply"
    WITHDRAW = "withdraw"
    CLOSE_LAPSED = "close_lapsed"


# Lazy: read when shown, in the language of the request (the msgids are the Chinese).
ACTION_LABELS: Final[Mapping[Action, str | Promise]] = MappingProxyType(
    {
        Action.REGISTER: _("登记"),
        Action.REQUEST_SUPPLEMENT: _("告知补正"),
        Action.RECEIVE_SUPPLEMENT: _("收到补正"),
        Action.START_CONSULTATION: _("开始征求意见"),
        Action.END_CONSULTATION: _("征求意见结束"),
        Action.ISSUE_FEE_NOTICE: _("发出收费通知"),
        Action.SETTLE_FEE: _("已缴费"),
        Action.EXTEND: _("延期答复"),
        Action.SET_DELAY: _("确定延迟答复期限"),
        Action.REPLY: _("答复"),
        Action.WITHDRAW: _("申请人撤回"),
        Action.CLOSE_LAPSED: _("逾期终止"),
    }
)

OPEN: Final = frozenset(
    {
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.IN_CONSULTATION,
        Status.AWAITING_FEE,
    }
)
TERMINAL: Final = frozenset({Status.CLOSED})
# The initial state before registration; not stored.
NEW: Final = "new"

# (current status, action) -> next status. The only definition of the lifecycle: the
# admin actions, the API and the docs diagram are derived from it.
TRANSITIONS: Final[Mapping[tuple[str, Action], Status]] = MappingProxyType(
    {
        (NEW, Action.REGISTER): Status.IN_PROGRESS,
        (Status.IN_PROGRESS, Action.REQUEST_SUPPLEMENT): Status.AWAITING_SUPPLEMENT,
        (Status.AWAITING_SUPPLEMENT, Action.RECEIVE_SUPPLEMENT): Status.IN_PROGRESS,
        (Status.AWAITING_SUPPLEMENT, Action.CLOSE_LAPSED): Status.CLOSED,
        (Status.IN_PROGRESS, Action.START_CONSULTATION): Status.IN_CONSULTATION,
        (Status.IN_CONSULTATION, Action.START_CONSULTATION): Status.IN_CONSULTATION,
        (Status.IN_CONSULTATION, Action.END_CONSULTATION): Status.IN_PROGRESS,
        (Status.IN_PROGRESS, Action.ISSUE_FEE_NOTICE): Status.AWAITING_FEE,
        (Status.AWAITING_FEE, Action.SETTLE_FEE): Status.IN_PROGRESS,
        (Status.AWAITING_FEE, Action.CLOSE_LAPSED): Status.CLOSED,
        # Not while a consultation runs: there is no due date to extend then (C4b, C6).
        (Status.IN_PROGRESS, Action.EXTEND): Status.IN_PROGRESS,
        (Status.IN_PROGRESS, Action.SET_DELAY): Status.IN_PROGRESS,
        (Status.IN_PROGRESS, Action.REPLY): Status.CLOSED,
        **{(status, Action.WITHDRAW): Status.CLOSED for status in OPEN},
    }
)


class TransitionNotAllowed(Conflict):
    """The action is not allowed in the case's current status."""


def next_status(current: str, action: Action) -> Status:
    try:
        return TRANSITIONS[current, action]
    except KeyError:
        label = ACTION_LABELS[action]
        current_label = (
            Status(current).label if current in Status.values else str(current)
        )
        raise TransitionNotAllowed(
            f"当前状态为“{current_label}”，不能执行“{label}”。"
        ) from None


def allowed_actions(current: str) -> list[Action]:
    return [action for (status, action) in TRANSITIONS if status == current]


def ledger_state(status: str) -> str:
    """The three states of the ledger export (contract §5.2)."""
    if status == Status.CLOSED:
        return "closed"
    if status == Status.AWAITING_SUPPLEMENT:
        return "awaiting_supplement"
    return "open"


def mermaid_diagram() -> str:
    lines = ["stateDiagram-v2"]
    for (source, action), target in TRANSITIONS.items():
        src = "[*]" if source == NEW else str(source)
        lines.append(f"    {src} --> {target}: {action}")
    return "\n".join(lines)
