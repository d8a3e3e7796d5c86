"""Steps shared by the EHR tests (infobutton, CDS Hooks)."""
from __future__ import annotations


def declare_codes(content_dir) -> None:
    """Give the fixture library a SNOMED CT code on a guide and a clinical-drug (SBD) code on a sheet."""
    guide = content_dir / "conditions" / "high-blood-pressure" / "en.md"
    guide.write_text(guide.read_text().replace("icd10: [I10]", 'icd10: [I10]\nsnomed: ["38341003"]', 1))
    sheet = content_dir / "medications" / "lisinopril" / "en.md"
    sheet.write_text(sheet.read_text().replace('rxnorm: "29046"', 'rxnorm: ["29046", "206765"]', 1))
