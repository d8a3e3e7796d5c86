"""Find guides by clinical code: ICD-10-CM (by prefix: E11.65 finds the E11 guide) and RxNorm.

Engine-neutral: reads the search documents. EHRs name the code systems by OID (HL7 infobutton).
"""
from __future__ import annotations

import re

from portal.search.documents import SearchDocument

ICD10 = "icd10"
RXNORM = "rxnorm"
SYSTEM_OIDS = {"2.16.840.1.113883.6.90": ICD10, "2.16.840.1.113883.6.88": RXNORM}
SYSTEM_NAMES = {ICD10: ICD10, "icd10cm": ICD10, "icd-10-cm": ICD10, "icd-10": ICD10, RXNORM: RXNORM,
                **SYSTEM_OIDS}
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9AB]\.?[0-9A-TV-Z]{0,4}$")
_RXNORM = re.compile(r"^[0-9]{1,8}$")


class CodeError(ValueError):
    """A code or code system that cannot be looked up; the message says what to send instead."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


def code_system(name: str) -> str:
    """icd10 or rxnorm, from a name or an OID."""
    system = SYSTEM_NAMES.get(name.strip().lower())
    if system is None:
        raise CodeError("system", f"'{name}' is not a code system the portal knows; use icd10 "
                        "(or 2.16.840.1.113883.6.90) or rxnorm (or 2.16.840.1.113883.6.88)")
    return system


def normalize_code(code: str, system: str) -> str:
    """The code as compared: ICD-10-CM upper case without the dot (E11.65 -> E1165)."""
    code = code.strip().upper()
    if system == ICD10:
        if not _ICD10.match(code):
            raise CodeError("code", f"'{code}' is not an ICD-10-CM code; send a code like E11.65 or I10")
        return code.replace(".", "")
    if not _RXNORM.match(code):
        raise CodeError("code", f"'{code}' is not an RxNorm code; send the concept number, like 6809")
    return code


def looks_like_code(text: str) -> str | None:
    """The code system a search query is written in, if it is a code (E11.65, 6809), else None."""
    text = text.strip().upper()
    if _ICD10.match(text):
        return ICD10
    if _RXNORM.match(text) and len(text) >= 2:
        return RXNORM
    return None


def find_by_code(documents: list[SearchDocument], code: str, system: str, lang: str) -> list[SearchDocument]:
    """Pages of `lang` for the code: the most specific ICD-10-CM match first; RxNorm matches exactly."""
    wanted = normalize_code(code, system)
    found = []
    for document in documents:
        if document.lang != lang:
            continue
        if system == RXNORM:
            if document.rxnorm == wanted:
                found.append((0, document))
            continue
        for own in document.icd10:
            own = own.replace(".", "")
            if wanted.startswith(own):  # the guide covers the whole category the code is in
                found.append((-len(own), document))
                break
            if own.startswith(wanted):  # a short code (E11) finds guides for more specific ones
                found.append((len(own), document))
                break
    return [document for _, document in sorted(found, key=lambda item: (item[0], item[1].slug))]
