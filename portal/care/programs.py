"""The care-management programs a clinic bills by the month, and the codes one patient's minutes reach.

Every education record counts its minutes toward exactly one program, spent by clinical staff or by
a billing practitioner (a user marked as one). Minutes count in the calendar month they were spent;
programs never share minutes, and in CCM and PCM staff time and practitioner time are counted apart.

CCM, chronic care management (two or more chronic conditions):
  99490  first 20 minutes of clinical staff time, directed by the billing practitioner
  99439  each further 20 minutes of clinical staff time; at most twice a month (so 60 minutes in all)
  99491  first 30 minutes of the billing practitioner's own time
  99437  each further 30 minutes of the billing practitioner's own time
Complex CCM (`ccm_complex`):
  99487  first 60 minutes of clinical staff time, AND moderate or high complexity medical decision making
  99489  each further 30 minutes of clinical staff time
PCM, principal care management (one high-risk condition; CPT codes since 2022):
  99426  first 30 minutes of clinical staff time        99427  each further 30 minutes of staff time
  99424  first 30 minutes of the practitioner's time    99425  each further 30 minutes of practitioner time
BHI, general behavioral health integration:
  99484  at least 20 minutes of clinical staff time a month (one unit; no add-on code)

What the report does with that:
- Staff minutes never reach a practitioner code: `check` refuses `minutes_by=billing_practitioner`
  from a user who is not a billing practitioner (users.billing_practitioner).
- Complex CCM and BHI have clinical staff codes only. CPT counts the billing practitioner's time as
  clinical staff time when the practitioner does the staff's work (AAPC, below), and Medicare's
  contractor NGS says general BHI "may also be delivered by the treating practitioner in its
  entirety"; so in those two programs practitioner minutes join the staff minutes. In CCM and PCM,
  which have practitioner codes, the two are never added together.
- Complex CCM needs medical decision making that minutes cannot show. Its codes appear only for
  records whose program is complex CCM (the clinic chose it), as "minutes reach", with what else
  they need (`Program.needs`); CCM minutes never suggest 99487.
- Both ladders of CCM (or of PCM) may be reached in one month. The report lists each code reached;
  which codes may be billed together (secondary sources say CPT reports 99490 or 99491, 99426 or
  99424, in a month, and CCM and PCM not for the same patient and month) is left to the biller.

Limits that could not be confirmed from CMS material and are NOT applied (no cap on units): the
monthly units of 99437, 99489, 99425 and 99427 (sources disagree on 99427: some say twice, others
"multiple units"). The cap of two for 99439 comes from the CY 2020 PFS final rule for its
predecessor G2058, as the AAFP and other secondary sources describe it; the CMS page saying so
was not among the sources read.

Sources (read on 2026-12; CMS originals where stored, else the copies named):
- CMS, MLN909188 "Chronic Care Management Services" booklet (September 2022 and May 2024 editions):
  https://www.cms.gov/outreach-and-education/medicare-learning-network-mln/mlnproducts/downloads/chroniccaremanagement.pdf
  (read in copies at https://abbeyscientific.org/axiety-multiple-chronic-diseases-care-plan-5189 and
  https://bayfury.com/case-management-access-ms-template-7425; the 2015 edition, 99490 "at least 20
  minutes of clinical staff time", at https://docslib.org/doc/11570542/chronic-care-management-services;
  99487 60 minutes with moderate or high complexity medical decision making, 99489 "each additional 30
  minutes", "do not report 99489 for ... less than 30 minutes additional to the first 60 minutes", as
  the booklet states them, at http://medicarepaymentandreimbursement.com/2018/06/cpt-99490-99487-99489-chronic-care.html)
- CMS, CY 2022 Physician Fee Schedule final rule, 86 FR 64996 (November 19, 2021): new CPT codes
  99437 (CCM, each additional 30 practitioner minutes) and 99424-99427 (PCM):
  https://www.govinfo.gov/content/pkg/FR-2021-11-19/html/2021-23972.htm ; the code descriptors as
  finalized: https://college.acaai.org/2022-medicare-principal-care-management-codes ,
  https://www.pyapc.com/insights/2022-medicare-physician-fee-schedule-final-rule-increased-reimbursement-for-care-management-services/ ,
  https://nixonlawgroup.com/nlg-blog/2021/11/5/additional-reimbursement-for-chronic-care-management-and-principal-care-management-finalized-in-the-2022-mpfs
- CMS, CY 2020 PFS final rule, G2058 (now 99439) at most twice a month:
  https://aafp.org/content/brand/aafp/pubs/fpm/blogs/gettingpaid/entry/ccm_changes_2020.html ,
  https://www.tristatehealthdata.com/post/advice-to-a-new-class-of-young-doctors
- CMS, MLN909432 "Behavioral Health Integration Services" booklet (February 2022), 99484 "at least 20
  minutes of clinical staff time ... per calendar month": https://info.5y1.org/benefits-of-online-learning-statistics_3_04ff07.html
  (copy); NGS (Medicare contractor): https://www.ngsmedicare.com/web/ngs/mental-health?selectedArticleId=3411132
- Which codes go together in a month (secondary): https://ccnhealth.com/articles/blog/cpt-99490-billing-guide ,
  https://www.thoroughcare.net/blog/cpt-codes-principal-care-management ; on 99427's units, disagreeing:
  https://www.clinii.com/careprograms/principal-care-management/cpt-99427 (twice),
  https://cptcodecalculator.com/cpt-codes/99427 (multiple units)
- Practitioner time as clinical staff time (CPT): https://aapc.com/codes/coding-newsletters/my-neurosurgery-coding-alert/reader-question-count-clinical-staff-time-for-99487-153585-article
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.care.errors import CareError

CLINICAL_STAFF, BILLING_PRACTITIONER = "clinical_staff", "billing_practitioner"
MINUTES_BY = (CLINICAL_STAFF, BILLING_PRACTITIONER)
PRACTITIONER_ONLY = ("only a billing practitioner may record a billing practitioner's minutes; choose clinical_staff, "
                     "or ask an admin to mark you as one")


@dataclass(frozen=True)
class Ladder:
    """A first code reached at `first` minutes, then an add-on code for each further `each` minutes."""

    first_code: str
    first: int
    more_code: str | None = None
    each: int = 0
    most: int | None = None  # add-on units a month at most; None: no cap (none confirmed)

    def codes(self, minutes: int) -> list[dict]:
        if minutes < self.first:
            return []
        met = [{"code": self.first_code, "units": 1}]
        if self.more_code:
            more = (minutes - self.first) // self.each
            more = more if self.most is None else min(more, self.most)
            if more:
                met.append({"code": self.more_code, "units": more})
        return met


@dataclass(frozen=True)
class Program:
    key: str
    name: str
    staff: Ladder
    practitioner: Ladder | None  # None: a practitioner's minutes count as clinical staff time
    needs: str | None = None  # what the codes need besides minutes

    def codes(self, staff_minutes: int, practitioner_minutes: int) -> list[dict]:
        """The codes one patient's minutes in one month reach, each with its units."""
        if self.practitioner is None:
            return self.staff.codes(staff_minutes + practitioner_minutes)
        return self.staff.codes(staff_minutes) + self.practitioner.codes(practitioner_minutes)

    @property
    def code_list(self) -> list[str]:
        ladders = [self.staff] + ([self.practitioner] if self.practitioner else [])
        return [code for ladder in ladders for code in (ladder.first_code, ladder.more_code) if code]


PROGRAMS = {p.key: p for p in (
    Program("ccm", "CCM", Ladder("99490", 20, "99439", 20, most=2), Ladder("99491", 30, "99437", 30)),
    Program("ccm_complex", "Complex CCM", Ladder("99487", 60, "99489", 30), None,
            needs="moderate or high complexity medical decision making"),
    Program("pcm", "PCM", Ladder("99426", 30, "99427", 30), Ladder("99424", 30, "99425", 30)),
    Program("bhi", "BHI", Ladder("99484", 20), None),
)}
KEYS = tuple(PROGRAMS)
DEFAULT = "ccm"
CODES = [code for program in PROGRAMS.values() for code in program.code_list]


def codes(program: str, staff_minutes: int, practitioner_minutes: int) -> list[dict]:
    """The codes a patient's month of `program` minutes reaches: [{"code": "99490", "units": 1}, ...]."""
    return PROGRAMS[program].codes(staff_minutes, practitioner_minutes)


def parse_setting(value) -> tuple[str, ...]:
    """PORTAL_PROGRAMS: the programs the clinic runs, as 'ccm,pcm,bhi' (in this module's order)."""
    items = value if isinstance(value, (list, tuple)) else str(value).replace(",", " ").split()
    chosen = {str(v).strip() for v in items if str(v).strip()}
    unknown = sorted(chosen - set(KEYS))
    if unknown or not chosen:
        raise ValueError(f"{', '.join(unknown) or 'nothing'} given; name one or more of {', '.join(KEYS)}, "
                         "like 'ccm,pcm,bhi'")
    return tuple(key for key in KEYS if key in chosen)


def offered() -> tuple[str, ...]:
    """The programs this clinic runs (PORTAL_PROGRAMS), or all of them outside an app."""
    from flask import current_app, has_app_context

    return current_app.config.get("PORTAL_PROGRAMS", KEYS) if has_app_context() else KEYS


def check(program: str, minutes_by: str, practitioner: bool, runs: tuple[str, ...], kept: str | None = None) -> None:
    """Refuse, naming each field, minutes toward a program the clinic does not run (an amendment may
    keep the program of the record it corrects, `kept`) and a billing practitioner's minutes recorded
    by a user who is not one (staff minutes would reach 99491/99437 or 99424/99425)."""
    errors = []
    if program not in runs and program != kept:
        errors.append({"field": "program", "detail": f"the clinic does not run '{program}'; choose one of "
                                                     f"{', '.join(runs)}"})
    if minutes_by == BILLING_PRACTITIONER and not practitioner:
        errors.append({"field": "minutes_by", "detail": PRACTITIONER_ONLY})
    if errors:
        raise CareError(422, "Invalid request", f"{errors[0]['field']}: {errors[0]['detail']}", errors)
