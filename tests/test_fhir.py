"""The FHIR R4 export: whole intakes in English, Arabic and Urdu (real questionnaire, store and
answer parser; a fake understanding fleet decides what was understood), validated resource by
resource with fhir.resources 5.1.1 (the FHIR 4.0.1 models) plus the checks it does not make:
required-binding codes, date formats and that every reference resolves inside the Bundle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, cast

import pytest
import yaml
from fhir.resources.bundle import Bundle
from fhir.resources.fhirelementfactory import FHIRElementFactory

from assistant.concepts import Allergy, Analysis, Duration, Finding, Medication, RedFlag
from assistant.fakes import FakeUnderstanding
from assistant.fhir import build_bundle, export_fhir, reviewed_facts
from assistant.fhir_codes import ATC, ICD10, ORIGINAL_TEXT, SNOMED, CodeBook
from assistant.services import Services
from tests.conftest import KNOWLEDGE

Json = dict[str, Any]

_VOCAB = yaml.safe_load((KNOWLEDGE / "concepts.yaml").read_text(encoding="utf-8"))


def concept_code(concept_id: str) -> str:
    return str(_VOCAB["concepts"][concept_id]["code"])


def atc(medication_id: str) -> str:
    return str(_VOCAB["medications"][medication_id]["code"])


def substance_code(substance_id: str) -> str:
    return str(_VOCAB["substances"][substance_id]["code"])


# --- the three intakes ------------------------------------------------------------------------

ENGLISH = {
    "age": "45",
    "sex": "male",
    "chief_complaint": "I've had a bad headache on my forehead for 3 days, 7 out of 10, no fever",
    "hpi_onset": "gradually",
    "hpi_character": "throbbing",
    "hpi_aggravating": "bright light",
    "hpi_alleviating": "sleep",
    "hpi_radiation": "no",
    "hpi_timing": "it comes and goes",
    "associated_symptoms": "a bit of nausea",
    "past_medical": "diabetes",
    "past_surgical": "none",
    "medications": "metformin 500 mg twice a day",
    "allergies": "penicillin, I get a rash",
    "family_history": "my father has high blood pressure",
    "smoking": "never",
    "alcohol": "no",
    "concerns": "I am worried it is something serious",
}
ENGLISH_ANALYSES = {
    "chief_complaint": Analysis(
        "en",
        findings=[
            Finding(
                "headache",
                "headache",
                True,
                "a bad headache on my forehead",
                0.92,
                duration=Duration(3, "day"),
                severity=7,
                location="forehead",
            ),
            Finding("fever", "fever", False, "no fever", 0.88),
        ],
    ),
    "associated_symptoms": Analysis(
        "en", findings=[Finding("nausea", "nausea", True, "nausea", 0.9)]
    ),
    "past_medical": Analysis(
        "en", findings=[Finding("diabetes", "diabetes", True, "diabetes", 0.95)]
    ),
    "medications": Analysis(
        "en",
        medications=[
            Medication(
                "metformin",
                "metformin",
                "metformin 500 mg twice a day",
                0.93,
                "500 mg",
                "twice a day",
            )
        ],
    ),
    "allergies": Analysis(
        "en",
        allergies=[
            Allergy(
                "penicillin",
                "penicillin, I get a rash",
                0.9,
                code=substance_code("penicillin"),
                reaction="rash",
            )
        ],
    ),
    "family_history": Analysis(
        "en", findings=[Finding("hypertension", "hypertension", True, "high blood pressure", 0.9)]
    ),
}

# Gulf Arabic, a woman of 34.
ARABIC = {
    "age": "٣٤",
    "sex": "أنثى",
    "pregnant": "لا",
    "chief_complaint": "راسي يعورني واجد وفيني حرارة من يومين، بس ما عندي كحة",
    "hpi_onset": "شوي شوي",
    "hpi_location": "في الجبهة وورا عيوني",
    "hpi_character": "ينبض",
    "hpi_aggravating": "الضوء والإزعاج",
    "hpi_alleviating": "لما أنام في غرفة ظلمة",
    "hpi_radiation": "لا، بس في راسي",
    "hpi_timing": "على طول",
    "hpi_severity": "٧ من ١٠",
    "associated_symptoms": "شوية غثيان",
    "past_medical": "عندي ربو من وأنا صغيرة",
    "past_surgical": "سويت عملية الزايدة قبل خمس سنين",
    "medications": "ما آخذ أي أدوية",
    "allergies": "عندي حساسية من البنسلين، يطلع لي طفح",
    "family_history": "أمي عندها سكر",
    "smoking": "لا",
    "alcohol": "لا",
    "concerns": "خايفة يكون شي في المخ، لأن الصداع ما يروح",
}
ARABIC_ANALYSES = {
    "chief_complaint": Analysis(
        "ar",
        findings=[
            # An ICD-10 code as the key: exported by its shape, no vocabulary entry needed.
            Finding("R51", "headache", True, "راسي يعورني واجد", 0.9),
            Finding(
                "fever", "fever", True, "فيني حرارة من يومين", 0.9, duration=Duration(2, "day")
            ),
            Finding("cough", "cough", False, "ما عندي كحة", 0.85),
        ],
    ),
    "associated_symptoms": Analysis(
        "ar", findings=[Finding("nausea", "nausea", True, "غثيان", 0.8)]
    ),
    "past_medical": Analysis(
        "ar", findings=[Finding("asthma", "asthma", True, "عندي ربو", 0.9, context="history")]
    ),
    "medications": Analysis("ar", no_medications=True),
    "allergies": Analysis(
        "ar",
        allergies=[
            Allergy(
                "penicillin",
                "حساسية من البنسلين",
                0.9,
                code=substance_code("penicillin"),
                reaction="rash",
            )
        ],
    ),
    "family_history": Analysis("ar", findings=[Finding("diabetes", "diabetes", True, "سكر", 0.9)]),
}

# Urdu, a man of 60.
URDU = {
    "age": "۶۰",
    "sex": "مرد",
    "chief_complaint": "دو ہفتوں سے کھانسی ہے اور سانس پھولتا ہے، بخار نہیں ہے",
    "hpi_onset": "آہستہ آہستہ",
    "hpi_location": "سینے میں",
    "hpi_character": "خشک کھانسی، بلغم نہیں آتا",
    "hpi_aggravating": "سیڑھیاں چڑھنے سے اور رات کو لیٹنے سے",
    "hpi_alleviating": "آرام کرنے سے تھوڑا بہتر ہوتا ہے",
    "hpi_radiation": "نہیں",
    "hpi_timing": "کبھی کبھی",
    "hpi_severity": "۵",
    "associated_symptoms": "تھکاوٹ رہتی ہے",
    "past_medical": "مجھے شوگر اور بلڈ پریشر ہے",
    "past_surgical": "کوئی آپریشن نہیں ہوا",
    "medications": "گلوکوفیج 500 ملی گرام دن میں دو بار، اور ایملوڈپین 5 ملی گرام روزانہ ایک بار",
    "allergies": "مجھے کسی چیز سے الرجی نہیں ہے",
    "family_history": "والد صاحب کو دل کی بیماری تھی",
    "smoking": "پہلے پیتا تھا، اب چھوڑ دیا",
    "alcohol": "نہیں",
    "concerns": "مجھے ڈر ہے کہیں یہ ٹی بی تو نہیں",
}
URDU_ANALYSES = {
    "chief_complaint": Analysis(
        "ur",
        findings=[
            Finding(
                "cough", "cough", True, "دو ہفتوں سے کھانسی", 0.9, duration=Duration(2, "week")
            ),
            Finding("shortness_of_breath", "shortness of breath", True, "سانس پھولتا ہے", 0.55),
            Finding("fever", "fever", False, "بخار نہیں ہے", 0.9),
        ],
    ),
    "associated_symptoms": Analysis(
        "ur", findings=[Finding("fatigue", "fatigue", True, "تھکاوٹ", 0.8)]
    ),
    "past_medical": Analysis(
        "ur",
        findings=[
            Finding("diabetes", "diabetes", True, "شوگر", 0.9),
            Finding("hypertension", "hypertension", True, "بلڈ پریشر", 0.9),
        ],
    ),
    "medications": Analysis(
        "ur",
        medications=[
            Medication(
                "metformin",
                "metformin",
                "گلوکوفیج 500 ملی گرام دن میں دو بار",
                0.9,
                "500 mg",
                "twice a day",
            ),
            Medication(
                "amlodipine",
                "amlodipine",
                "ایملوڈپین 5 ملی گرام روزانہ ایک بار",
                0.9,
                "5 mg",
                "once a day",
            ),
        ],
    ),
    "allergies": Analysis("ur", no_known_allergies=True),
    "family_history": Analysis(
        "ur", findings=[Finding("heart_disease", "heart disease", True, "دل کی بیماری", 0.85)]
    ),
}


def play(
    services: Services,
    fake: FakeUnderstanding,
    lang: str,
    answers: dict[str, str],
    analyses: dict[str, Analysis],
) -> str:
    view = services.coordinator.start(lang)
    for _ in range(60):
        if view.status != "in_progress" or view.question is None:
            break
        link_id = view.question.link_id
        if link_id in analyses:
            fake.queue(analyses[link_id])
        view = services.coordinator.answer(view.intake_id, link_id, answers[link_id])
    assert view.status == "review", f"stuck at {view.question and view.question.link_id}"
    services.coordinator.submit(view.intake_id)
    return view.intake_id


# --- checks fhir.resources 5.1.1 does not make -------------------------------------------------

_DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]"
    r"|14:00)))?)?)?"
)
_INSTANT = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]"
    r"|14:00))"
)
_INSTANT_KEYS = {"timestamp", "recorded"}
_DATE_KEYS = {
    "date",
    "recordedDate",
    "effectiveDateTime",
    "authored",
    "dateAsserted",
    "onsetDateTime",
    "start",
    "end",
    "time",
}
# Required bindings in R4 for the elements this export fills.
_REQUIRED: dict[tuple[str, str], set[str]] = {
    ("Bundle", "type"): {"document"},
    ("Composition", "status"): {"preliminary", "final", "amended", "entered-in-error"},
    ("Encounter", "status"): {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
    ("Observation", "status"): {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("MedicationStatement", "status"): {
        "active",
        "completed",
        "entered-in-error",
        "intended",
        "stopped",
        "on-hold",
        "unknown",
        "not-taken",
    },
    ("Flag", "status"): {"active", "inactive", "entered-in-error"},
    ("FamilyMemberHistory", "status"): {
        "partial",
        "completed",
        "entered-in-error",
        "health-unknown",
    },
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
}
_REQUIRED_CODED: dict[tuple[str, str], set[str]] = {
    ("Condition", "clinicalStatus"): {
        "active",
        "recurrence",
        "relapse",
        "inactive",
        "remission",
        "resolved",
    },
    ("Condition", "verificationStatus"): {
        "unconfirmed",
        "provisional",
        "differential",
        "confirmed",
        "refuted",
        "entered-in-error",
    },
    ("AllergyIntolerance", "clinicalStatus"): {"active", "inactive", "resolved"},
    ("AllergyIntolerance", "verificationStatus"): {
        "unconfirmed",
        "confirmed",
        "refuted",
        "entered-in-error",
    },
}
_DEVICE_NAME_TYPES = {
    "udi-label-name",
    "user-friendly-name",
    "patient-reported-name",
    "manufacturer-name",
    "model-name",
    "other",
}


def _walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)


def validate(bundle: Json) -> dict[str, Json]:
    """Validate; return resources by fullUrl."""
    Bundle(bundle)  # raises FHIRValidationError on an unknown key, wrong type or missing element
    for entry in bundle["entry"]:
        resource = entry["resource"]
        FHIRElementFactory.instantiate(resource["resourceType"], resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        for (rtype, element), allowed in _REQUIRED.items():
            if resource["resourceType"] == rtype and element in resource:
                assert resource[element] in allowed, (rtype, element, resource[element])
        for (rtype, element), allowed in _REQUIRED_CODED.items():
            if resource["resourceType"] == rtype and element in resource:
                assert resource[element]["coding"][0]["code"] in allowed
        for name in resource.get("deviceName", []):
            assert name["type"] in _DEVICE_NAME_TYPES
    assert bundle["type"] in _REQUIRED[("Bundle", "type")]
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])
    for key, value in _walk(bundle):
        if key == "reference":
            assert value in urls, f"dangling reference {value}"
        elif key in _INSTANT_KEYS:
            assert _INSTANT.fullmatch(value), (key, value)
        elif key in _DATE_KEYS and isinstance(value, str):
            assert _DATE_TIME.fullmatch(value), (key, value)
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


# --- reading a bundle back -----------------------------------------------------------------------


def of_type(resources: dict[str, Json], rtype: str) -> list[Json]:
    return [r for r in resources.values() if r["resourceType"] == rtype]


def url_of(resources: dict[str, Json], resource: Json) -> str:
    return next(url for url, r in resources.items() if r is resource)


def by_text(resources: dict[str, Json], rtype: str, text: str, field: str = "code") -> Json:
    found = [r for r in of_type(resources, rtype) if r[field]["text"] == text]
    assert len(found) == 1, (rtype, text, [r[field]["text"] for r in of_type(resources, rtype)])
    return found[0]


def provenance_of(resources: dict[str, Json], resource: Json) -> Json:
    url = url_of(resources, resource)
    found = [
        p for p in of_type(resources, "Provenance") if url in [t["reference"] for t in p["target"]]
    ]
    assert len(found) == 1
    return found[0]


def agent_devices(resources: dict[str, Json], provenance: Json) -> list[tuple[str, str]]:
    out = []
    for agent in provenance["agent"]:
        who = resources.get(agent["who"].get("reference", ""))
        if who is not None and who["resourceType"] == "Device":
            out.append((who["deviceName"][0]["name"], who.get("version", [{}])[0].get("value", "")))
    return out


def qr_answers(resources: dict[str, Json]) -> dict[str, Json]:
    (qr,) = of_type(resources, "QuestionnaireResponse")
    return {item["linkId"]: item["answer"][0] for item in qr["item"]}


def codings(concept: Json) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


@pytest.fixture
def svc(services: object) -> Services:
    return cast(Services, services)


@pytest.fixture
def fleet(fake: object) -> FakeUnderstanding:
    return cast(FakeUnderstanding, fake)


# --- tests --------------------------------------------------------------------------------------


def test_an_english_intake_exports_a_valid_coded_r4_document(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "en", ENGLISH, ENGLISH_ANALYSES)
    resources = validate(export_fhir(svc, intake_id))

    (patient,) = of_type(resources, "Patient")
    assert "name" not in patient and "birthDate" not in patient
    assert patient["gender"] == "male"
    assert patient["identifier"][0]["value"].replace("-", "") == f"urn:uuid:{intake_id}"
    age = by_text(resources, "Observation", "Age")
    assert age["valueQuantity"] == {
        "value": 45,
        "unit": "years",
        "system": "http://unitsofmeasure.org",
        "code": "a",
    }

    (qr,) = of_type(resources, "QuestionnaireResponse")
    assert qr["language"] == "en" and qr["status"] == "completed"
    assert (
        qr["questionnaire"]
        == f"urn:amal-intake:questionnaire:{svc.questionnaire.id}|{svc.questionnaire.version}"
    )
    answers = qr_answers(resources)
    assert answers["age"]["valueInteger"] == 45
    assert answers["sex"]["valueCoding"]["code"] == "male"
    assert answers["hpi_timing"]["valueCoding"]["code"] == "intermittent"
    assert answers["hpi_timing"]["extension"] == [
        {"url": ORIGINAL_TEXT, "valueString": "it comes and goes"}
    ]
    assert answers["chief_complaint"] == {"valueString": ENGLISH["chief_complaint"]}
    assert answers["past_surgical"]["valueString"] == "None"
    # Said in the chief complaint, so never asked: no QuestionnaireResponse item for them.
    assert {"hpi_duration", "hpi_severity", "hpi_location"}.isdisjoint(answers)

    headache = by_text(resources, "Condition", "headache")
    assert codings(headache["code"]) == {(SNOMED, concept_code("headache"))}
    assert headache["clinicalStatus"]["coding"][0]["code"] == "active"
    assert headache["verificationStatus"]["coding"][0]["code"] == "unconfirmed"
    assert headache["severity"]["text"] == "7/10"
    assert headache["bodySite"] == [{"text": "forehead"}]
    assert "onsetDateTime" in headache
    (encounter,) = of_type(resources, "Encounter")
    assert encounter["reasonReference"] == [{"reference": url_of(resources, headache)}]

    fever = by_text(resources, "Observation", "fever")  # the pertinent negative
    assert codings(fever["code"]) == {(SNOMED, concept_code("fever"))}
    assert codings(fever["valueCodeableConcept"]) == {(SNOMED, "2667000")}
    assert not [c for c in of_type(resources, "Condition") if c["code"]["text"] == "fever"]

    diabetes = by_text(resources, "Condition", "diabetes")
    assert "clinicalStatus" not in diabetes
    assert diabetes["category"][0] == {"text": "Past medical history"}

    (med,) = of_type(resources, "MedicationStatement")
    assert codings(med["medicationCodeableConcept"]) == {(ATC, atc("metformin"))}
    (dosage,) = med["dosage"]
    assert dosage["text"] == "500 mg twice a day"
    assert dosage["timing"]["repeat"] == {"frequency": 2, "period": 1, "periodUnit": "d"}
    assert dosage["doseAndRate"][0]["doseQuantity"]["code"] == "mg"

    (allergy,) = of_type(resources, "AllergyIntolerance")
    assert codings(allergy["code"]) == {(SNOMED, substance_code("penicillin"))}
    assert allergy["reaction"] == [{"manifestation": [{"text": "rash"}]}]

    (family,) = of_type(resources, "FamilyMemberHistory")
    assert codings(family["condition"][0]["code"]) == {(SNOMED, concept_code("hypertension"))}

    triage = by_text(resources, "Observation", "Triage disposition")
    assert triage["valueCodeableConcept"]["coding"][0]["code"] == "consultation"
    assert triage["method"]["text"] == "fake_default"
    assert encounter["priority"]["coding"][0]["code"] == "R"
    assert not of_type(resources, "Flag")


def test_every_clinical_resource_has_provenance_naming_model_and_version(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "en", ENGLISH, ENGLISH_ANALYSES)
    resources = validate(export_fhir(svc, intake_id))
    versions = svc.fleet.versions()
    clinical = (
        "Condition",
        "Observation",
        "AllergyIntolerance",
        "MedicationStatement",
        "FamilyMemberHistory",
        "QuestionnaireResponse",
        "Patient",
        "Encounter",
        "Composition",
    )
    for resource in resources.values():
        if resource["resourceType"] in clinical:
            provenance = provenance_of(resources, resource)
            assert _INSTANT.fullmatch(provenance["recorded"])
    headache = by_text(resources, "Condition", "headache")
    provenance = provenance_of(resources, headache)
    assert agent_devices(resources, provenance) == [("findings", versions["findings"])]
    roles = [a["type"]["coding"][0]["code"] for a in provenance["agent"]]
    assert roles == ["author", "informant"]
    assert provenance["agent"][1]["who"]["reference"] == url_of(
        resources, of_type(resources, "Patient")[0]
    )
    fact = next(
        f for f in svc.store.facts(intake_id) if f.kind == "finding" and f.key == "headache"
    )
    assert provenance["entity"][0]["what"]["display"] == f"Patient's answers, turn {fact.turn_seq}"
    assert provenance["extension"][0]["valueDecimal"] == 0.92
    qr_provenance = provenance_of(resources, of_type(resources, "QuestionnaireResponse")[0])
    assert ("answer_parser", svc.fleet.answer_parser.version) in agent_devices(
        resources, qr_provenance
    )
    triage = by_text(resources, "Observation", "Triage disposition")
    assert agent_devices(resources, provenance_of(resources, triage)) == [
        ("triage", versions["triage"])
    ]
    (composition,) = of_type(resources, "Composition")
    software = resources[composition["author"][0]["reference"]]
    listed = {v["type"]["text"]: v["value"] for v in software["version"]}
    assert {k: listed[k] for k in versions} == versions


def test_an_arabic_intake_keeps_the_patients_words_and_language(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "ar", ARABIC, ARABIC_ANALYSES)
    resources = validate(export_fhir(svc, intake_id))

    (patient,) = of_type(resources, "Patient")
    assert patient["gender"] == "female"
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "ar"
    (qr,) = of_type(resources, "QuestionnaireResponse")
    assert qr["language"] == "ar"
    items = {item["linkId"]: item for item in qr["item"]}
    assert items["chief_complaint"]["text"] == svc.questionnaire.item("chief_complaint").text["ar"]
    answers = qr_answers(resources)
    assert answers["chief_complaint"] == {"valueString": ARABIC["chief_complaint"]}
    assert answers["concerns"] == {"valueString": ARABIC["concerns"]}
    assert answers["age"]["valueInteger"] == 34
    assert answers["age"]["extension"][0]["valueString"] == "٣٤"
    assert answers["pregnant"]["valueCoding"]["code"] == "no"
    assert answers["hpi_severity"]["valueInteger"] == 7
    assert "hpi_duration" not in answers  # the fever's "من يومين" filled it

    headache = by_text(resources, "Condition", "headache")
    assert codings(headache["code"]) == {(ICD10, "R51")}
    assert any("راسي يعورني واجد" in n["text"] for n in headache["note"])
    fever = by_text(resources, "Condition", "fever")
    assert fever["note"][0]["text"] == "Duration: 2 days"
    cough = by_text(resources, "Observation", "cough")
    assert codings(cough["valueCodeableConcept"]) == {(SNOMED, "2667000")}
    asthma = by_text(resources, "Condition", "asthma")
    assert codings(asthma["code"]) == {(SNOMED, concept_code("asthma"))}

    (none,) = of_type(resources, "MedicationStatement")
    assert none["medicationCodeableConcept"]["coding"][0]["code"] == "no-known-medications"
    (allergy,) = of_type(resources, "AllergyIntolerance")
    assert codings(allergy["code"]) == {(SNOMED, substance_code("penicillin"))}
    (family,) = of_type(resources, "FamilyMemberHistory")
    assert family["condition"][0]["code"]["text"] == "diabetes"

    (composition,) = of_type(resources, "Composition")
    assert composition["language"] == "en"
    concerns = [s for s in composition["section"] if s["title"].startswith("Patient's concerns")]
    assert ARABIC["concerns"] in concerns[0]["text"]["div"]
    assert 'lang="ar" dir="rtl"' in concerns[0]["text"]["div"]


def test_an_urdu_intake_with_no_known_allergy_exports_snomed_716186003(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "ur", URDU, URDU_ANALYSES)
    resources = validate(export_fhir(svc, intake_id))

    (allergy,) = of_type(resources, "AllergyIntolerance")
    assert codings(allergy["code"]) == {(SNOMED, "716186003")}
    assert allergy["code"]["text"] == "No known allergies"
    assert allergy["clinicalStatus"]["coding"][0]["code"] == "active"
    assert allergy["note"][0]["text"].endswith(URDU["allergies"])

    (qr,) = of_type(resources, "QuestionnaireResponse")
    assert qr["language"] == "ur"
    answers = qr_answers(resources)
    assert answers["age"]["valueInteger"] == 60
    assert answers["smoking"]["valueCoding"]["code"] == "former"
    assert answers["smoking"]["extension"][0]["valueString"] == URDU["smoking"]
    assert answers["hpi_radiation"]["valueString"] == "None"
    assert answers["hpi_radiation"]["extension"][0]["valueString"] == "نہیں"
    assert answers["hpi_character"] == {"valueString": URDU["hpi_character"]}

    meds = {
        m["medicationCodeableConcept"]["text"]: m for m in of_type(resources, "MedicationStatement")
    }
    assert codings(meds["amlodipine"]["medicationCodeableConcept"]) == {(ATC, atc("amlodipine"))}
    assert meds["amlodipine"]["dosage"][0]["timing"]["repeat"]["frequency"] == 1
    assert meds["metformin"]["dosage"][0]["text"] == "500 mg twice a day"

    cough = by_text(resources, "Condition", "cough")
    onset = cough["onsetDateTime"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", onset)
    sob = by_text(resources, "Condition", "shortness of breath")
    assert provenance_of(resources, sob)["extension"][0]["valueDecimal"] == 0.55
    fever = by_text(resources, "Observation", "fever")
    assert (
        fever["note"][0]["text"]
        == f"Patient's words (Urdu, turn {_turn(svc, intake_id, 'fever')}): بخار نہیں ہے"
    )
    past = {c["code"]["text"] for c in of_type(resources, "Condition") if "clinicalStatus" not in c}
    assert past == {"diabetes", "hypertension"}
    (family,) = of_type(resources, "FamilyMemberHistory")
    assert codings(family["condition"][0]["code"]) == {(SNOMED, concept_code("heart_disease"))}


def _turn(svc: Services, intake_id: str, key: str) -> int | None:
    return next(f.turn_seq for f in svc.store.facts(intake_id) if f.key == key)


def test_a_red_flag_intake_exports_a_flag_and_an_emergency_disposition(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    view = svc.coordinator.start("ur")
    view = svc.coordinator.answer(view.intake_id, "age", "60")
    view = svc.coordinator.answer(view.intake_id, "sex", "مرد")
    fleet.queue(
        Analysis(
            "ur",
            findings=[Finding("chest_pain", "chest pain", True, "سینے میں شدید درد", 0.9)],
            red_flags=[
                RedFlag(
                    "cardiac_chest_pain_radiating",
                    "Chest pain spreading to the arm",
                    "درد بازو تک جا رہا ہے",
                    "chest_pain+radiation",
                    "emergency_ambulance",
                )
            ],
        )
    )
    view = svc.coordinator.answer(
        view.intake_id, "chief_complaint", "سینے میں شدید درد ہے جو بازو تک جا رہا ہے"
    )
    assert view.status == "emergency"
    resources = validate(export_fhir(svc, view.intake_id))

    (flag,) = of_type(resources, "Flag")
    assert flag["status"] == "active"
    assert flag["code"]["coding"][0]["code"] == "cardiac_chest_pain_radiating"
    assert flag["code"]["text"] == "Chest pain spreading to the arm (rule chest_pain+radiation)"
    assert resources[flag["author"]["reference"]]["deviceName"][0]["name"] == "red_flags"
    triage = by_text(resources, "Observation", "Triage disposition")
    assert triage["valueCodeableConcept"]["coding"][0]["code"] == "emergency_ambulance"
    (encounter,) = of_type(resources, "Encounter")
    assert encounter["priority"]["coding"][0]["code"] == "EM"
    assert encounter["status"] == "finished"
    (qr,) = of_type(resources, "QuestionnaireResponse")
    assert qr["status"] == "stopped"
    (composition,) = of_type(resources, "Composition")
    red = next(s for s in composition["section"] if s["title"] == "Red flags")
    assert red["entry"] == [{"reference": url_of(resources, flag)}]


def test_a_clinicians_correction_replaces_the_models_fact(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "en", ENGLISH, ENGLISH_ANALYSES)
    headache = next(f for f in svc.store.facts(intake_id) if f.key == "headache")
    svc.store.clinician_correct(
        intake_id,
        headache.id,
        label="migraine",
        present=True,
        reason="typical migraine history",
        username="dr_amina",
    )
    resources = validate(export_fhir(svc, intake_id))

    assert not [c for c in of_type(resources, "Condition") if c["code"]["text"] == "headache"]
    migraine = by_text(resources, "Condition", "migraine")
    assert codings(migraine["code"]) == {(SNOMED, concept_code("migraine"))}
    assert migraine["verificationStatus"]["coding"][0]["code"] == "confirmed"
    provenance = provenance_of(resources, migraine)
    assert agent_devices(resources, provenance) == []
    assert provenance["agent"][0]["who"] == {"display": "Clinician dr_amina"}
    assert "extension" not in provenance
    (composition,) = of_type(resources, "Composition")
    assert composition["status"] == "amended"


def test_clinician_facts_replace_model_facts_even_when_all_facts_are_passed(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "en", ENGLISH, ENGLISH_ANALYSES)
    nausea = next(f for f in svc.store.facts(intake_id) if f.key == "nausea")
    svc.store.clinician_correct(
        intake_id,
        nausea.id,
        label="nausea",
        present=False,
        reason="patient clarified",
        username="dr_omar",
    )
    everything = svc.store.facts(intake_id, active_only=False)
    kept = reviewed_facts(everything)
    assert [(f.source, f.present) for f in kept if f.key == "nausea"] == [("clinician", False)]
    intake = svc.store.get_intake(intake_id)
    bundle = build_bundle(
        intake,
        everything,
        svc.summary(intake_id),
        svc.fleet.versions(),
        codes=CodeBook.load(KNOWLEDGE),
        questionnaire=svc.questionnaire,
    )
    resources = validate(bundle)
    nausea_obs = by_text(resources, "Observation", "nausea")
    assert codings(nausea_obs["valueCodeableConcept"]) == {(SNOMED, "2667000")}
    assert not [c for c in of_type(resources, "Condition") if c["code"]["text"] == "nausea"]


def test_the_same_intake_exports_the_same_resource_ids(
    svc: Services, fleet: FakeUnderstanding
) -> None:
    intake_id = play(svc, fleet, "ar", ARABIC, ARABIC_ANALYSES)
    first, second = export_fhir(svc, intake_id), export_fhir(svc, intake_id)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["identifier"] != second["identifier"]
