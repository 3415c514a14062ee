"""Accessibility of the public pages in a real browser: axe-core finds no serious or
critical violation, and the application form works from the keyboard alone with a
visible label on every field."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from disclosure.publications import publication_create
from reports import services as report_services
from requests_app.forms import ApplicationForm
from requests_app.services import request_reply
from tests.browser.conftest import DESKTOP, PHONE, ROOT
from tests.factories import make_agency, make_staff, register, report_written

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_REPORTS = ROOT / "test-artifacts" / "axe"
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture
def agency():
    district = make_agency("XC", name="北京市西城区人民政府")
    return make_agency(
        "XCCG",
        name="北京市西城区城市管理监督指挥中心",
        parent=district,
        letter_prefix="西城城指公开",
        address="北京市西城区二龙路27号",
        phone="010-66000000",
    )


def replied_case(agency) -> str:
    """A closed case with its letters, so the tracking page shows everything it can."""
    clerk = make_staff(agency, "clerk", username="clerk")
    case = register(agency, date(2026, 3, 2))
    request_reply(
        actor=clerk,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2026, 3, 20),
    )
    return f"/track/{case.query_code}/"


def _publish_2025(agency):
    supervisor = make_staff(agency, "supervisor", username="supervisor")
    case = register(agency, date(2025, 6, 2))
    request_reply(
        actor=supervisor,
        request_id=case.pk,
        outcome="disclosed",
        replied_on=date(2025, 6, 20),
    )
    draft = report_services.report_draft_get_or_create(
        actor=supervisor, agency=agency, year=2025, template="2021", rollup=False
    )
    report_written(supervisor, draft)
    return report_services.report_publish(
        actor=supervisor, report_id=draft.pk, formats=("json", "html")
    )


def report_list(agency) -> str:
    _publish_2025(agency)
    return "/reports/"


def report_page(agency) -> str:
    """The published report in the official layout (tables 二, 三, 四)."""
    return f"/reports/{_publish_2025(agency).pk}/"


def catalogue(agency) -> str:
    for number, (title, category) in enumerate(
        (
            ("西城区共享单车停放管理办法", "normative_document"),
            ("2026年城市管理工作要点", "plan"),
        ),
        start=1,
    ):
        publication_create(
            agency=agency,
            reference=f"XCCG-2026-{number:04d}",
            title=title,
            category=category,
            published_on=date(2026, 2, number),
            channels=("website",),
            document_number=f"西城城指发〔2026〕{number}号",
        )
    return "/publications/"


PAGES = [
    pytest.param("/", DESKTOP, id="home"),
    pytest.param("/apply/", DESKTOP, id="apply"),
    pytest.param("/apply/", PHONE, id="apply-phone"),
    pytest.param("/track/", DESKTOP, id="track"),
    pytest.param(replied_case, DESKTOP, id="track-case"),
    pytest.param(catalogue, DESKTOP, id="publications"),
    pytest.param(catalogue, PHONE, id="publications-phone"),
    pytest.param(report_list, DESKTOP, id="reports"),
    pytest.param(report_page, DESKTOP, id="report"),
]


def describe(violations: list[dict]) -> str:
    """One line per violation and per element, for a failure that says what to fix."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " / ")
            lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize(("address", "viewport"), PAGES)
def test_no_serious_or_critical_axe_violation(
    open_page, shot, agency, request, address, viewport
):
    path = address(agency) if callable(address) else address
    # The site's CSP (script-src 'self') would block the injected axe script.
    page = open_page(viewport=viewport, bypass_csp=True)
    response = page.goto(path)
    assert response.status == 200
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    violations = results["violations"]
    AXE_REPORTS.mkdir(parents=True, exist_ok=True)
    (AXE_REPORTS / f"{request.node.callspec.id}.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    shot(page, "page")

    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on {path}:\n{describe(blocking)}"


def test_the_form_is_usable_from_the_keyboard(open_page, shot, agency):
    form = ApplicationForm()
    page = open_page()
    page.goto("/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("政府信息公开申请表")

    # Every field has a visible label that names it (its Chinese label).
    expected_order = []
    for name, field in form.fields.items():
        if name in ("formats", "delivery"):
            group = page.get_by_role("group", name=str(field.label))
            expect(group).to_have_attribute("id", f"id_{name}")
            expect(group.locator("legend")).to_be_visible()
            for index, (_value, label) in enumerate(field.choices):
                control = group.get_by_label(str(label), exact=True)
                expect(control).to_have_id(f"id_{name}_{index}")
                expect(group.locator(f"label[for=id_{name}_{index}]")).to_be_visible()
                expected_order.append(f"id_{name}_{index}")
        else:
            control = page.get_by_label(str(field.label))
            expect(control).to_have_id(f"id_{name}")
            expect(page.locator(f"label[for=id_{name}]")).to_be_visible()
            expected_order.append(f"id_{name}")

    # Tab from the top of the page to the submit button: every field, in order, and
    # each shows where the focus is.
    page.locator("body").focus()
    focused = []
    for _press in range(80):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    id: el.id,
                    tag: el.tagName.toLowerCase(),
                    type: el.type || "",
                    text: (el.innerText || "").trim(),
                    inForm: !!el.closest("form.form"),
                    // An outline of 2px or more, or (links) a bar drawn as a shadow.
                    marked: (style.outlineStyle !== "none"
                             && parseFloat(style.outlineWidth) >= 2)
                        || style.boxShadow !== "none",
                };
            }"""
        )
        focused.append(state)
        if state["tag"] == "button" and state["text"] == "提交申请":
            break
    else:
        pytest.fail(f"the submit button never got the focus: {focused}")
    in_form = [state for state in focused if state["inForm"]]
    assert [state["id"] for state in in_form[:-1]] == expected_order
    unmarked = [
        state["id"] or state["text"] for state in focused if not state["marked"]
    ]
    assert unmarked == [], "focus not visible on these elements"
    shot(page, "submit-focused")

    # Space ticks a checkbox reached by Tab; the form is submitted with Enter.
    page.locator("#id_formats_1").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_formats_1")).to_be_checked()
    page.locator("#id_name").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    shot(page, "errors-after-enter")


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("/", id="home"),
        pytest.param("/apply/", id="apply"),
        pytest.param("/track/", id="track"),
        pytest.param(catalogue, id="publications"),
        pytest.param(report_list, id="reports"),
    ],
)
def test_english_pages_fit_a_phone(open_page, shot, agency, live_server, address):
    # English words are longer than the Chinese labels the layout was drawn for:
    # nothing may push the page wider than the phone's screen.
    path = address(agency) if callable(address) else address
    page = open_page(viewport=PHONE)
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "en-phone")

    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(el => getComputedStyle(el).position !== 'fixed')
            // Wide tables scroll inside their own box, as they should on a phone.
            .filter(el => {
                for (let up = el.parentElement; up; up = up.parentElement) {
                    if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) {
                        return false;
                    }
                }
                return true;
            })
            .map(el => el.tagName + '.' + el.className + ': ' +
                 (el.textContent || '').trim().slice(0, 40))"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert too_wide == []
