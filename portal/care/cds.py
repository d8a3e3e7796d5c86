"""CDS Hooks `patient-view`: the patient's problems and medicines (from the EHR's prefetch) to education cards.

Reads FHIR R4 JSON as sent (plain dicts: the Patient, a Bundle of Condition, a Bundle of
MedicationRequest); keeps nothing. Each page found (portal.care.concepts: ICD-10-CM, SNOMED CT
and RxNorm codings, else the text) becomes one card linking to the page in the patient's
language: the Patient's preferred `communication.language`, else the first one, else English.
"""
from __future__ import annotations

import uuid

from babel import Locale

from portal.care.concepts import Concept, ConceptError, ConceptIndex, unique
from portal.search import SearchHit, resolve_language

SERVICE_ID = "patient-education"
PREFETCH = {"patient": "Patient/{{context.patientId}}",
            "conditions": "Condition?patient={{context.patientId}}",
            "medications": "MedicationRequest?patient={{context.patientId}}&status=active"}
INACTIVE_CONDITION = {"inactive", "resolved", "remission"}
INACTIVE_MEDICATION = {"stopped", "cancelled", "entered-in-error", "completed"}
MAX_SUMMARY = 140  # CDS Hooks: a card's summary is under 140 characters


def service(clinic: str) -> dict:
    """The service as discovery lists it."""
    return {"hook": "patient-view", "id": SERVICE_ID, "title": f"Patient education from {clinic}"[:MAX_SUMMARY],
            "description": "Plain-language guides and medicine sheets for the patient's problems and medicines, "
                           "in the patient's language. Reads only the prefetched data; stores nothing.",
            "prefetch": PREFETCH}


def _resources(bundle) -> list[dict]:
    """The resources of a searchset Bundle (or a lone resource); anything else holds none."""
    if not isinstance(bundle, dict):
        return []
    if bundle.get("resourceType") != "Bundle":
        return [bundle]
    return [e["resource"] for e in bundle.get("entry") or [] if isinstance(e, dict) and isinstance(e.get("resource"), dict)]


def _concept(codeable) -> Concept | None:
    if not isinstance(codeable, dict):
        return None
    codings = [(str(c.get("system", "")), str(c["code"])) for c in codeable.get("coding") or []
               if isinstance(c, dict) and c.get("code")]
    words = codeable.get("text") or next((c.get("display") for c in codeable.get("coding") or []
                                          if isinstance(c, dict) and c.get("display")), "")
    return Concept(codings, str(words)) if codings or words else None


def _status(codeable) -> set[str]:
    return {str(c.get("code")) for c in (codeable or {}).get("coding") or [] if isinstance(c, dict)}


def concepts(prefetch: dict) -> list[Concept]:
    """The active problems and medicines in the prefetch, as concepts."""
    found = []
    for resource in _resources(prefetch.get("conditions")):
        if resource.get("resourceType") == "Condition" and not _status(resource.get("clinicalStatus")) & INACTIVE_CONDITION:
            found.append(_concept(resource.get("code")))
    for resource in _resources(prefetch.get("medications")):
        if resource.get("resourceType") == "MedicationRequest" and resource.get("status") not in INACTIVE_MEDICATION:
            medication = resource.get("medicationCodeableConcept")
            if medication is None and isinstance(resource.get("medicationReference"), dict):
                medication = {"text": resource["medicationReference"].get("display")}
            found.append(_concept(medication))
    return [concept for concept in found if concept]


def patient_language(prefetch: dict, languages: tuple[str, ...]) -> str:
    """The site language for the Patient's preferred communication language; English when none fits."""
    patient = prefetch.get("patient")
    spoken = [c for c in (patient or {}).get("communication") or [] if isinstance(c, dict)] \
        if isinstance(patient, dict) else []
    spoken.sort(key=lambda c: not c.get("preferred"))
    for communication in spoken:
        for coding in (communication.get("language") or {}).get("coding") or []:
            code = str(coding.get("code") or "") if isinstance(coding, dict) else ""
            if code and resolve_language(code, languages) == code.replace("_", "-").split("-")[0].lower():
                return resolve_language(code, languages)
    return languages[0]


def _language_name(lang: str) -> str:
    try:
        return Locale.parse(lang).get_display_name("en")
    except (ValueError, TypeError):
        return lang


def card(hit: SearchHit, url: str, english_title: str, clinic: str, clinic_url: str, lang: str) -> dict:
    """One card: the page, in the patient's language, to give the patient."""
    written = _language_name(hit.content_lang)
    note = "" if hit.content_lang == lang else f" (not yet in {_language_name(lang)}: this is the English page)"
    return {"uuid": str(uuid.uuid4()), "indicator": "info",
            "summary": f"Patient education: {english_title}"[:MAX_SUMMARY],
            "detail": f"A plain-language {hit.kind if hit.kind != 'condition' else 'guide'} from {clinic} to give "
                      f"the patient, in {written}{note}.",
            "source": {"label": clinic, "url": clinic_url},
            "links": [{"label": f"{hit.title} ({written})", "url": url, "type": "absolute"}]}


def cards(index: ConceptIndex, prefetch: dict, languages: tuple[str, ...], clinic: str, clinic_url: str,
          absolute=lambda url: url) -> list[dict]:
    """The cards for the prefetched problems and medicines (`absolute` completes a page's address);
    codes that cannot be codes are passed over."""
    lang = patient_language(prefetch, languages)
    hits: list[SearchHit] = []
    for concept in concepts(prefetch):
        try:
            hits += index.pages(concept, lang)
        except ConceptError:  # a malformed code in the EHR's data: its words may still match
            hits += index.by_name(concept.text, lang) if concept.text else []
    english = {(h.kind, h.slug): index.library.page(h.kind, h.slug, "en").title for h in hits}
    return [card(hit, absolute(hit.url), english[(hit.kind, hit.slug)], clinic, clinic_url, lang)
            for hit in unique(hits)]
