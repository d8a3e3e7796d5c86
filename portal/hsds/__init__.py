"""Open Referral HSDS 3.0.1 export and import of the community resource directory."""
from __future__ import annotations

import json
from pathlib import Path

from portal.content.library import Library
from portal.hsds.export import export_records
from portal.hsds.importer import ImportReport, import_dataset
from portal.hsds.tables import write_package

__all__ = ["export_directory", "import_dataset", "ImportReport"]


def _write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def export_directory(library: Library, output: Path) -> list[Path]:
    """Write services.json, organizations.json and the CSV package (csv/) into `output`."""
    output.mkdir(parents=True, exist_ok=True)
    services, organizations = export_records(library)
    written = [_write_json(output / "services.json", services),
               _write_json(output / "organizations.json", organizations)]
    return written + write_package(output / "csv", services, organizations)
