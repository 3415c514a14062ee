"""Turning a stored case into the pure engine's input."""

from __future__ import annotations

from requests_app import deadlines
from requests_app.models import Consultation, DisclosureRequest


def clock_input_for(
    disclosure_request: DisclosureRequest, consultations: list[Consultation]
) -> deadlines.ClockInput:
    pauses = [
        deadlines.Pause(
            deadlines.PauseKind.CONSULTATION,
            consultation.started_on,
            consultation.ended_on,
        )
        for consultation in consultations
    ]
    if disclosure_request.fee_notice_on:
        pauses.append(
            deadlines.Pause(
                deadlines.PauseKind.FEE,
                disclosure_request.fee_notice_on,
                disclosure_request.fee_paid_on,
            )
        )
    return deadlines.ClockInput(
        received_on=disclosure_request.received_on,
        supplement_requested_on=disclosure_request.supplement_requested_on,
        supplement_received_on=disclosure_request.supplement_received_on,
        pauses=tuple(pauses),
        extended=disclosure_request.extended,
        delayed_due_on=disclosure_request.delayed_due_on,
    )
