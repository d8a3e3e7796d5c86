"""Assign reading: pages in a language, with a code, a static link, an SMS message and a QR code."""
from __future__ import annotations

import base64
import datetime as dt
import io

import segno
from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.care import codes, teams
from portal.care.errors import CareError
from portal.care.items import Item, resolve, resolve_all
from portal.care.patients import check_language, public_id
from portal.content import Library
from portal.db import begin_write
from portal.db.models import Assignment, CodeOpen, Patient, User, utcnow

SMS_LENGTH = 160


def create(session: Session, library: Library, patient: Patient, user: User, refs: list[str], language: str,
           languages, days: int) -> Assignment:
    """Store an assignment of the pages `refs` with a fresh code that expires in `days` days."""
    check_language(language, languages)
    if not refs:
        raise CareError(422, "Invalid request", "items: choose at least one page",
                        [{"field": "items", "detail": "choose at least one page"}])
    items = resolve_all(library, refs, language, "items")
    for _ in range(5):
        assignment = Assignment(public_id=public_id("as"), patient_id=patient.id, language=language,
                                items=[item.ref for item in items], code=codes.new_code(),
                                expires_at=utcnow() + dt.timedelta(days=days), created_by=user.id)
        try:
            with session.begin_nested():
                session.add(assignment)
            return assignment
        except IntegrityError:  # the code was taken: draw again
            continue
    raise CareError(503, "No code available", "could not draw an unused code; try again")


def items_of(library: Library, assignment: Assignment) -> list[Item]:
    return [item for ref in assignment.items if (item := resolve(library, ref, assignment.language))]


def static_link(site_root: str, language: str, refs: list[str]) -> str:
    """A link to the reading-list page naming its pages after '#' (which browsers never send to a
    server). It shows the topics, a diagnosis even, on a lock screen: only sent when asked for."""
    return f"{site_root}{language}/read/#{','.join(refs)}"


SHORT_KINDS = {"condition": "c", "medication": "m", "resource": "r", "topic": "t"}


def opaque_link(site_root: str, language: str, refs: list[str]) -> str:
    """The reading-list link that names no topic: the pages, base64url-encoded after '#r='.

    The reading-list page decodes it in the browser, so it needs no API. It keeps the topics off a
    lock screen and out of a glance; it is not a secret (anyone with the link can decode it)."""
    return f"{site_root}{language}/read/#r={_encoded(refs)}"


def print_link(site_root: str, language: str, refs: list[str]) -> str:
    """The printable packet: the site's page that puts the pages of `refs` into one document to print."""
    return f"{site_root}{language}/read/print/#r={_encoded(refs)}"


def _encoded(refs: list[str]) -> str:
    short = ",".join(SHORT_KINDS.get(ref.partition(":")[0], ref.partition(":")[0]) + ":" + ref.partition(":")[2]
                     for ref in refs)
    return base64.urlsafe_b64encode(short.encode()).decode().rstrip("=")


def code_page(site_root: str, language: str) -> str:
    return f"{site_root}{language}/code/"


def codes_work() -> bool:
    """Whether a patient's code can be checked: only when PORTAL_API_URL names the API that the
    published site's code page asks. A site built without it has no code page to enter one in."""
    return bool(current_app.config["PORTAL_API_URL"])


def sms_message(clinic: str, site_root: str, assignment: Assignment, named: bool = False) -> str:
    """A text message in the patient's language that names no topic: the opaque link if it fits in
    one SMS, else the code. `named` (an explicit choice) uses the link that names the pages.

    Without an API (codes_work() is false) the message is always the link: a long link costs a second
    SMS segment (or more), a code the site cannot check costs the patient their reading."""
    link = (static_link if named else opaque_link)(site_root, assignment.language, assignment.items)
    with force_locale(assignment.language):
        message = gettext("%(clinic)s: your health reading is at %(link)s", clinic=clinic, link=link)
        if len(message) > SMS_LENGTH and codes_work():
            message = gettext("%(clinic)s: go to %(link)s and enter code %(code)s", clinic=clinic,
                              link=code_page(site_root, assignment.language), code=assignment.code)
    return message


def qr_svg(link: str) -> str:
    """The link as a QR code, an SVG image for printing."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False,
                                     title="QR code", svgclass="qr")
    return buffer.getvalue().decode()


def for_patient(session: Session, patient: Patient) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.patient_id == patient.id)
                                .order_by(Assignment.id.desc())))


def get(session: Session, assignment_public_id: str, user: User) -> Assignment:
    """The assignment with this id, if its patient is in the user's teams; else the 404 of an unknown id."""
    return teams.scoped(session, user, Assignment, assignment_public_id, "assignment")


def open_code(session: Session, text: str) -> Assignment:
    """The live assignment a typed code names, with the open recorded as a read receipt."""
    code = codes.normalize(text)
    assignment = code and session.scalar(select(Assignment).where(Assignment.code == code))
    if not assignment or assignment.expires_at <= utcnow():
        raise CareError(404, "Code not found", "This code is not right or has expired. Check the letters and "
                        "numbers, or ask your care team for a new code.")
    begin_write(session)
    session.add(CodeOpen(assignment_id=assignment.id))
    return assignment


def describe(library: Library, site_root: str, clinic: str, assignment: Assignment, with_code: bool = True) -> dict:
    """The assignment as the API and console show it."""
    link = opaque_link(site_root, assignment.language, assignment.items)
    return {"id": assignment.public_id, "language": assignment.language,
            "items": [{"ref": i.ref, "title": i.title, "url": site_root + i.path} for i in items_of(library, assignment)],
            "code": assignment.code, "link": link, "code_page": code_page(site_root, assignment.language),
            "message": sms_message(clinic, site_root, assignment),
            "named_link": static_link(site_root, assignment.language, assignment.items),
            "named_message": sms_message(clinic, site_root, assignment, named=True),
            "expires_at": assignment.expires_at.isoformat() + "Z", "created_at": assignment.created_at.isoformat() + "Z",
            "opened": [o.opened_at.isoformat() + "Z" for o in assignment.opens]}
