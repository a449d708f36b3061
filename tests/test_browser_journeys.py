"""Whole journeys through the three doors in a real headless chromium.

One app (real fleet, real SQLite in a temporary folder) serves the module on a free loopback
port. The journeys run in order and share what they created: the Arabic intake of the first
journey is the one the clinician opens. Run alone, the clinician journey seeds its own intakes.
Screens of each journey are saved under test-artifacts/screens/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from app import TRIAGE_WORDS
from assistant.languages import Lang
from assistant.questionnaire import Item
from assistant.services import Services
from tests.browser import ADMIN, CLINICIAN, RunningApp, chromium, chromium_path, running_app
from tests.browser import screenshot as save_screen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        chromium_path() is None,
        reason="Debian chromium is not installed (apt-get install chromium); "
        "Playwright's own browser download does not work offline",
    ),
]

# A patient in the UAE with a cough, answering in everyday (partly Gulf) Arabic.
ARABIC_ANSWERS = {
    "age": "٣٤",
    "sex": "أنثى",
    "pregnant": "لا",
    "chief_complaint": "عندي كحة وحرارة من ثلاث أيام",
    "hpi_onset": "تدريجياً",
    "hpi_location": "في حلقي وصدري",
    "hpi_duration": "من ٣ أيام",
    "hpi_character": "كحة ناشفة",
    "hpi_aggravating": "تزيد في الليل",
    "hpi_alleviating": "العسل والماي الدافي",
    "hpi_radiation": "لا",
    "hpi_timing": "على طول",
    "hpi_severity": "٥",
    "associated_symptoms": "تعب وصداع خفيف",
    "past_medical": "ما عندي أمراض مزمنة",
    "past_surgical": "لا",
    "medications": "بنادول عند الحاجة",
    "allergies": "ما عندي حساسية",
    "family_history": "أمي عندها سكر",
    "smoking": "لا",
    "alcohol": "لا",
    "concerns": "خايفة تكون كورونا",
}
# Choice questions answered by clicking the quick-answer buttons (by option code).
ARABIC_QUICK = {"sex": "female", "hpi_onset": "gradual", "hpi_timing": "constant"}
ARABIC_CORRECTION = ("hpi_alleviating", "العسل والليمون")
URDU_RED_FLAG = "سینے میں شدید درد ہے جو بائیں بازو تک جا رہا ہے اور پسینہ آ رہا ہے"
MAX_TURNS = 30
# Generous for CI on 2 shared cores; every wait is for a condition, never a fixed sleep.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with running_app(tmp_path_factory.mktemp("journeys") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture(scope="module")
def journal() -> dict[str, str]:
    """Intake ids the journeys created, by name, for the journeys after them."""
    return {}


@pytest.fixture
def page(browser: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = browser.new_page()
    try:
        yield page
    finally:
        # The last screen of every journey, whatever happened: the first thing to look at
        # when a journey fails in CI.
        save_screen(page, f"{request.node.name}-last")
        page.close()


# --- what a patient sees and does --------------------------------------------------------


def _bot(page: Page) -> Locator:
    return page.locator('[data-testid="bot"]')


def _user(page: Page) -> Locator:
    return page.locator('[data-testid="user"]')


def _answer_box(page: Page, services: Services, lang: Lang) -> Locator:
    return page.get_by_placeholder(services.messages.get("answer_placeholder", lang))


def _open_patient_door(page: Page, app: RunningApp, lang: Lang, native_name: str) -> str:
    """Load the page, switch language, accept the notice; return the intake id."""
    t = app.services.messages.get
    page.goto(app.url)
    page.get_by_role("radio", name=native_name).check()
    start = page.get_by_role("button", name=t("consent_accept", lang))
    expect(start).to_be_visible()
    start.click()
    first = app.services.questionnaire.items[0].prompt(lang)
    expect(_bot(page).last).to_contain_text(first)
    code = page.locator(".resume-code code")
    expect(code).to_be_visible()
    return app.services.store.find_by_token(code.inner_text().strip()).id


def _current_item(page: Page, services: Services, lang: Lang, intake_id: str) -> Item | None:
    """The question the last assistant message asks: the pending one (a core question or a
    complaint protocol's follow-up), checked against what the page shows."""
    last = _bot(page).last.inner_text()
    pending = services.coordinator.view(intake_id).question
    if pending is not None and pending.prompt(lang) in last:
        return pending
    asked = [i for i in services.questionnaire.items if i.prompt(lang) in last]
    return max(asked, key=lambda i: len(i.prompt(lang)), default=None)


def _follow_up_answer(item: Item) -> str | None:
    """A protocol follow-up's answer in Arabic: "no" to yes/no, the first option by click."""
    if item.type == "boolean":
        return "لا"
    if item.type == "choice":
        return None
    return "لا أعرف"


def _send(page: Page, services: Services, lang: Lang, text: str, *, press_enter: bool) -> None:
    sent = _user(page).count()
    box = _answer_box(page, services, lang)
    box.fill(text)
    if press_enter:
        box.press("Enter")
    else:
        page.get_by_role("button", name=services.messages.get("send", lang), exact=True).click()
    expect(_user(page)).to_have_count(sent + 1)
    expect(_user(page).last).to_contain_text(text)


def _quick(page: Page, services: Services, lang: Lang, item: Item, code: str) -> str:
    option = item.option(code)
    assert option is not None, f"{item.link_id} has no option {code}"
    label = option.text[lang]
    sent = _user(page).count()
    page.get_by_role("radio", name=label, exact=True).check()
    expect(_user(page)).to_have_count(sent + 1)
    expect(_user(page).last).to_contain_text(label)
    return label


def _review_row(review: Locator, question: str) -> Locator:
    return review.locator('[role="row"]').filter(has_text=question)


def _direction(locator: Locator) -> str:
    return str(locator.evaluate("el => getComputedStyle(el).direction"))


def _active_answer(services: Services, intake_id: str, link_id: str) -> str:
    facts = [
        f for f in services.store.facts(intake_id) if f.kind == "answer" and f.link_id == link_id
    ]
    assert len(facts) == 1, f"expected one active answer to {link_id}, got {len(facts)}"
    return facts[0].evidence


def test_a_patient_completes_an_intake_in_arabic(
    app: RunningApp, page: Page, journal: dict[str, str]
) -> None:
    services = app.services
    t = services.messages.get
    intake_id = _open_patient_door(page, app, "ar", "العربية")
    journal["arabic"] = intake_id
    save_screen(page, "a1-arabic-first-question")

    # Right-to-left: the patient column, the chat, the answer box and the text box itself.
    chat = page.locator('[role="log"]')
    box = _answer_box(page, services, "ar")
    column = page.locator(".rtl").filter(has=chat).first
    answer_row = page.locator(".row").filter(has=box).first
    assert _direction(column) == "rtl"
    assert _direction(chat) == "rtl"
    assert _direction(_bot(page).last) == "rtl"
    assert _direction(answer_row) == "rtl"
    assert _direction(box) == "rtl"
    chat_box, bubble = chat.bounding_box(), _bot(page).last.bounding_box()
    assert chat_box is not None and bubble is not None
    gap_right = chat_box["x"] + chat_box["width"] - (bubble["x"] + bubble["width"])
    gap_left = bubble["x"] - chat_box["x"]
    assert gap_right < gap_left, f"Arabic bubble not right-aligned: {gap_right=} {gap_left=}"

    said: dict[str, str] = {}
    quick_used: list[str] = []
    follow_up: list[str] = []
    review_intro = t("review_intro", "ar")
    for turn in range(MAX_TURNS):
        if review_intro in _bot(page).last.inner_text():
            break
        item = _current_item(page, services, "ar", intake_id)
        assert item is not None, f"no known question in: {_bot(page).last.inner_text()!r}"
        assert item.link_id not in said, f"{item.link_id} asked twice"
        if item.link_id in ARABIC_QUICK:
            said[item.link_id] = _quick(page, services, "ar", item, ARABIC_QUICK[item.link_id])
            quick_used.append(item.link_id)
        elif item.link_id in ARABIC_ANSWERS:
            said[item.link_id] = ARABIC_ANSWERS[item.link_id]
            _send(page, services, "ar", said[item.link_id], press_enter=turn % 2 == 0)
        else:  # the complaint's protocol pack asks its follow-ups after the core questions
            follow_up.append(item.link_id)
            answer = _follow_up_answer(item)
            if answer is None:
                said[item.link_id] = _quick(page, services, "ar", item, item.options[0].code)
            else:
                said[item.link_id] = answer
                _send(page, services, "ar", answer, press_enter=False)
        if item.link_id == "chief_complaint":
            save_screen(page, "a2-arabic-after-complaint")
    else:
        pytest.fail(f"no review after {MAX_TURNS} turns")
    assert "sex" in quick_used, f"quick answers used only for {quick_used}"
    # "cough and fever" brings the cough protocol pack's follow-up questions, in Arabic.
    assert follow_up, "no protocol follow-up question was asked"
    protocol = [f for f in services.store.facts(intake_id) if f.kind == "protocol"]
    assert len(protocol) == 1 and follow_up[0].startswith(protocol[0].value["pack"] + ".")

    # The review table lists every answer in the patient's own words (and the store agrees).
    review = page.locator('[role="grid"]:visible')
    rows = review.locator('[role="row"]')
    expect(rows).to_have_count(len(said) + 1)  # + the header row
    shown = rows.all_inner_texts()
    for link_id, words in said.items():
        asked = services.coordinator.item(link_id)
        assert asked is not None
        question = asked.prompt("ar")
        row = [text for text in shown if question in text]
        assert len(row) == 1 and words in row[0], f"review row for {link_id}: {row}"
        assert _active_answer(services, intake_id, link_id) == words
    expect(box).to_be_hidden()
    save_screen(page, "a3-arabic-review")

    link_id, corrected = ARABIC_CORRECTION
    assert link_id in said
    question = services.questionnaire.item(link_id).prompt("ar")
    page.get_by_role("combobox", name=t("correct_which", "ar")).click()
    page.get_by_role("option", name=question).click()
    page.get_by_label(t("correct_text", "ar")).fill(corrected)
    page.get_by_role("button", name=t("correct_button", "ar")).click()
    expect(_bot(page).last).to_contain_text(t("corrected", "ar"))
    expect(_review_row(review, question)).to_contain_text(corrected)
    expect(review).not_to_contain_text(said[link_id])
    assert _active_answer(services, intake_id, link_id) == corrected
    save_screen(page, "a4-arabic-corrected")

    page.get_by_role("button", name=t("submit_button", "ar")).click()
    expect(page.get_by_text(t("submitted", "ar"))).to_be_visible()
    assert services.store.get_intake(intake_id).status == "submitted"
    save_screen(page, "a5-arabic-submitted")


def test_b_a_red_flag_in_urdu_stops_with_emergency_guidance(
    app: RunningApp, page: Page, journal: dict[str, str]
) -> None:
    services = app.services
    t = services.messages.get
    intake_id = _open_patient_door(page, app, "ur", "اردو")
    journal["urdu"] = intake_id
    box = _answer_box(page, services, "ur")
    assert _direction(box) == "rtl"
    _send(page, services, "ur", "۵۸", press_enter=True)
    sex = services.questionnaire.item("sex")
    expect(_bot(page).last).to_contain_text(sex.prompt("ur"))
    _quick(page, services, "ur", sex, "male")
    expect(_bot(page).last).to_contain_text(
        services.questionnaire.item("chief_complaint").prompt("ur")
    )
    _send(page, services, "ur", URDU_RED_FLAG, press_enter=False)

    emergency = page.locator(".block.emergency")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text(t("emergency_title", "ur"))
    expect(emergency).to_contain_text(services.settings.ambulance_number)
    expect(emergency).to_contain_text("ایمبولینس")
    expect(box).to_be_hidden()
    assert _direction(emergency) == "rtl"
    assert services.store.get_intake(intake_id).status == "emergency"
    save_screen(page, "b1-urdu-emergency")


# --- staff doors ----------------------------------------------------------------------------


def _seed(services: Services, journal: dict[str, str]) -> None:
    """Intakes for the clinician journey when the patient journeys did not run first."""
    coordinator = services.coordinator
    if "arabic" not in journal:
        view = coordinator.start("ar")
        for _ in range(MAX_TURNS):
            if view.status != "in_progress" or view.question is None:
                break
            link_id = view.question.link_id
            view = coordinator.answer(view.intake_id, link_id, ARABIC_ANSWERS[link_id])
        coordinator.submit(view.intake_id)
        journal["arabic"] = view.intake_id
    if "urdu" not in journal:
        view = coordinator.start("ur")
        view = coordinator.answer(view.intake_id, "age", "۵۸")
        view = coordinator.answer(view.intake_id, "sex", "مرد")
        view = coordinator.answer(view.intake_id, "chief_complaint", URDU_RED_FLAG)
        journal["urdu"] = view.intake_id


def _staff_tab(page: Page, app: RunningApp, tab: str, who: tuple[str, str]) -> Locator:
    page.goto(app.url)
    page.get_by_role("tab", name=tab).click()
    panel = page.locator('[role="tabpanel"]:visible')
    panel.get_by_label("Username").fill(who[0])
    panel.get_by_label("Password").fill(who[1])
    panel.get_by_role("button", name="Sign in").click()
    expect(panel.get_by_text(f"Signed in as {who[0]}")).to_be_visible()
    return panel


def test_c_clinician_reads_the_arabic_summary_and_downloads_the_pdf(
    app: RunningApp, page: Page, journal: dict[str, str], tmp_path: Path
) -> None:
    services = app.services
    _seed(services, journal)
    arabic, urdu = journal["arabic"], journal["urdu"]
    panel = _staff_tab(page, app, "Clinician", CLINICIAN)

    queue = panel.locator('[role="grid"]').first
    for intake_id in (arabic, urdu):
        row = queue.locator('[role="row"]').filter(has_text=intake_id)
        expect(row).to_have_count(1)
        level = services.store.get_intake(intake_id).triage_level
        assert level, f"intake {intake_id[:8]} has no triage level"
        expect(row).to_contain_text(TRIAGE_WORDS[level])
    expect(queue.locator('[role="row"]').filter(has_text=urdu)).to_contain_text("EMERGENCY")
    save_screen(page, "c1-clinician-queue")

    panel.get_by_role("combobox", name="Intake").click()
    page.get_by_role("option", name=re.compile(re.escape(arabic[:8]))).click()
    panel.get_by_role("button", name="Open summary").click()
    expect(panel).to_contain_text(f"Intake {arabic[:12]}")
    provenance = panel.locator(".provenance").filter(has_text="كحة")
    expect(provenance.first).to_be_visible()
    assert provenance.first.get_attribute("dir") == "rtl"
    save_screen(page, "c2-clinician-summary")

    panel.get_by_role("button", name="Download PDF").click()
    link = panel.locator(f'a[href$="intake-{arabic[:12]}.pdf"]')
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_size > 1000
    actions = [a.action for a in services.store.audit_log(arabic)]
    assert "view_summary" in actions and "download_pdf" in actions
    save_screen(page, "c3-clinician-pdf")


def test_d_admin_sees_the_questionnaire_and_model_versions(app: RunningApp, page: Page) -> None:
    services = app.services
    panel = _staff_tab(page, app, "Admin", ADMIN)
    manifest = services.manifest()
    expect(panel).to_contain_text(services.questionnaire.id)
    expect(panel).to_contain_text(services.questionnaire.sha256)
    for name, version in manifest["micromodels"].items():
        expect(panel).to_contain_text(name)
        expect(panel).to_contain_text(version)
    items = panel.locator('[role="grid"]').first
    for item in services.questionnaire.items:
        expect(items).to_contain_text(item.link_id)
    save_screen(page, "d1-admin-versions")


def test_e_admin_uploads_a_knowledge_document(app: RunningApp, page: Page, tmp_path: Path) -> None:
    panel = _staff_tab(page, app, "Admin", ADMIN)
    document = tmp_path / "fever-advice-protocol.md"
    document.write_text(
        "# Fever in adults\n\nAdvise fluids and rest; see a doctor if fever lasts more than "
        "three days or with a stiff neck.\n",
        encoding="utf-8",
    )
    files = panel.locator("#knowledge-files")
    go = panel.locator("#knowledge-upload")
    expect(go).to_be_disabled()
    files.locator('input[type="file"]').set_input_files(str(document))
    # The browser sends the file to the server first; the button is enabled once it is there.
    expect(go).to_be_enabled(timeout=60_000)
    go.click()
    report = panel.locator("#knowledge-report")
    expect(report).to_contain_text(document.name, timeout=60_000)
    expect(report).to_contain_text("1 loaded, 0 rejected")
    expect(panel.locator("#knowledge-list")).to_contain_text("Fever in adults")
    assert app.services.knowledge is not None
    assert document.name in [s.filename for s in app.services.knowledge.sources()]
    save_screen(page, "e1-admin-knowledge-upload")
