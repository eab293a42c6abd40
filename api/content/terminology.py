"""The clinical code systems content may carry codes of, as other systems name them.

Content names a system by a short name (``SNOMED-CT``); FHIR names it by a URI
(``http://snomed.info/sct``) and HL7 Infobutton requests by an OID
(``2.16.840.1.113883.6.96``). This table is the one place they meet, with the source each
system's codes are checked against (a ``terminology`` source in ``content/<locale>/sources``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

OntologySystem = Literal["UBERON", "FMA", "SNOMED-CT", "TA98", "ICD-10", "ICD-10-CM", "ICD-11"]


@dataclass(frozen=True)
class CodeSystem:
    name: OntologySystem  # as content writes it
    title: str
    uri: str  # FHIR's system URI
    oid: str | None  # HL7's OID, where the system has one
    source_id: str  # the terminology source its codes are checked against
    case_sensitive: bool = False

    def normal(self, code: str) -> str:
        """``code`` as compared: ICD codes ignore case and the dot (EHRs send ``M5450``)."""
        code = code.strip()
        if self.case_sensitive:
            return code
        return code.upper().replace(".", "")


# The systems a clinical system can look content up by (conditions' codes), in this order.
CLINICAL: tuple[CodeSystem, ...] = (
    CodeSystem(
        "SNOMED-CT",
        "SNOMED CT",
        "http://snomed.info/sct",
        "2.16.840.1.113883.6.96",
        "snomed-ct",
        case_sensitive=True,
    ),
    CodeSystem(
        "ICD-10",
        "ICD-10 (WHO)",
        "http://hl7.org/fhir/sid/icd-10",
        "2.16.840.1.113883.6.3",
        "icd-10",
    ),
    CodeSystem(
        "ICD-10-CM",
        "ICD-10-CM",
        "http://hl7.org/fhir/sid/icd-10-cm",
        "2.16.840.1.113883.6.90",
        "icd-10-cm",
    ),
    CodeSystem("ICD-11", "ICD-11 MMS", "http://id.who.int/icd/release/11/mms", None, "icd-11"),
)
BY_NAME: dict[str, CodeSystem] = {system.name: system for system in CLINICAL}
BY_URI = {system.uri: system for system in CLINICAL}
BY_OID = {system.oid: system for system in CLINICAL if system.oid is not None}

CODE_PATTERNS: dict[str, str] = {
    "UBERON": r"^UBERON:\d{7}$",
    "FMA": r"^FMA:\d+$",
    "SNOMED-CT": r"^\d{6,18}$",
    "TA98": r"^A\d{2}\.\d\.\d{2}\.\d{3}$",
    "ICD-10": r"^[A-Z]\d{2}(\.\d{1,2})?$",
    "ICD-10-CM": r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$",
    "ICD-11": r"^[0-9A-Z]{4}(\.[0-9A-Z]{1,2})?$",
}


def well_formed(system: str, code: str) -> bool:
    return re.fullmatch(CODE_PATTERNS[system], code) is not None


def system_uri(system: str) -> str | None:
    """FHIR's URI for a clinical system; None for the anatomy ontologies."""
    found = BY_NAME.get(system)
    return None if found is None else found.uri
