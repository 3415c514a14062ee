"""The transition table, exhaustively: every (status, action) pair is either allowed with
its target or refused with TransitionNotAllowed."""

import pytest
from django.utils import translation
from django.utils.functional import Promise

from requests_app.workflow import (
    ACTION_LABELS,
    NEW,
    OPEN,
    TRANSITIONS,
    Action,
    Status,
    TransitionNotAllowed,
    allowed_actions,
    ledger_state,
    mermaid_diagram,
    next_status,
)

EXPECTED = {
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
    (Status.IN_PROGRESS, Action.EXTEND): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.SET_DELAY): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Action.REPLY): Status.CLOSED,
    (Status.IN_PROGRESS, Action.WITHDRAW): Status.CLOSED,
    (Status.AWAITING_SUPPLEMENT, Action.WITHDRAW): Status.CLOSED,
    (Status.IN_CONSULTATION, Action.WITHDRAW): Status.CLOSED,
    (Status.AWAITING_FEE, Action.WITHDRAW): Status.CLOSED,
}

ALL_PAIRS = [(status, action) for status in [NEW, *Status.values] for action in Action]


def test_table_is_exactly_the_declared_lifecycle():
    assert dict(TRANSITIONS) == EXPECTED


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_pair_is_allowed_or_refused(status, action):
    if (status, action) in EXPECTED:
        assert next_status(status, action) == EXPECTED[status, action]
    else:
        with pytest.raises(TransitionNotAllowed) as excinfo:
            next_status(status, action)
        assert "不能执行" in excinfo.value.message


def test_pair_counts():
    allowed = [pair for pair in ALL_PAIRS if pair in EXPECTED]
    assert len(allowed) == 17
    assert len(ALL_PAIRS) - len(allowed) == 6 * 12 - 17


def test_no_extension_during_a_consultation():
    """A running consultation has no due date (C4b), so there is nothing to extend
    (C6): the table does not offer it, whatever the dates."""
    assert Action.EXTEND not in allowed_actions(Status.IN_CONSULTATION)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        next_status(Status.IN_CONSULTATION, Action.EXTEND)
    assert excinfo.value.message == "当前状态为“征求意见中”，不能执行“延期答复”。"


def test_action_labels_are_lazy_and_translatable():
    """Chinese msgids, translated when shown (gettext_lazy)."""
    assert set(ACTION_LABELS) == set(Action)
    assert all(isinstance(label, Promise) for label in ACTION_LABELS.values())
    assert str(ACTION_LABELS[Action.EXTEND]) == "延期答复"
    with translation.override("en"):
        assert str(ACTION_LABELS[Action.EXTEND]) == translation.gettext("延期答复")


def test_closed_is_terminal():
    assert allowed_actions(Status.CLOSED) == []
    assert Status.CLOSED not in OPEN


def test_ledger_states():
    assert ledger_state(Status.CLOSED) == "closed"
    assert ledger_state(Status.AWAITING_SUPPLEMENT) == "awaiting_supplement"
    assert ledger_state(Status.IN_CONSULTATION) == "open"
    assert ledger_state(Status.AWAITING_FEE) == "open"


def test_diagram_lists_every_edge():
    diagram = mermaid_diagram()
    assert diagram.count("-->") == len(EXPECTED)
    assert "[*] --> in_progress: register" in diagram
