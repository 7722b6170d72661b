"""The arkivmelding of Fiks Arkiv (message type ...arkivering.arkivmelding.opprett, v1):
one case folder (saksmappe) per person and plan or case, found again by its external key, and one
registry entry (journalpost) holding the document's description and its PDF/A file.

Everything ipplan archives is about a person's health and care, so folder, entry and document are
screened: access restriction code and legal basis (offentleglova with forvaltningsloven, taken from
the legal-references table on the document's day), and a public title without the person's name.
The schema is in schemas/ (an excerpt of the published one); tests validate every kind against it.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from plans.law import legal_references

NS = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"
MDK = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MESSAGE_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
SCHEMA = Path(__file__).parent / "schemas" / "arkivmelding-opprett.xsd"
SYSTEM = "ipplan"
SCREENED = "*****"  # Noark's mark for a screened word in a public title
SCREENING_CODES = ("public_access_exemption", "confidentiality_personal")

# Noark 5 code values (journalposttype, tilknyttetRegistreringSom, variantformat, dokumentstatus)
ENTRY_OUTGOING = ("U", "Utgående dokument")
ENTRY_INCOMING = ("I", "Inngående dokument")
ENTRY_NOTE = ("X", "Organinternt dokument uten oppfølging")
MAIN_DOCUMENT = ("H", "Hoveddokument")
ARCHIVE_VARIANT = ("A", "Arkivformat")
DOCUMENT_FINISHED = ("F", "Ferdig")
# PRONOM identifier of PDF/A-3a, the variant ipplan.pdf writes.
PDF_A_FORMAT = ("fmt/479", "PDF/A-3a")
CORRESPONDENT_RECIPIENT = ("EM", "Mottaker")
CORRESPONDENT_SENDER = ("EA", "Avsender")
CORRESPONDENT_INTERNAL = ("IA", "Intern avsender")

ET.register_namespace("n5mdk", MDK)
ET.register_namespace("xsi", XSI)


@dataclass(frozen=True)
class ArchiveDocument:
    """What one archived document says about itself; built by the app that owns the document."""

    folder_key: str  # "case:12", "plan:5": the saksmappe, found again by this key
    folder_title: str  # with the person's name
    folder_public_title: str  # the same without it
    title: str
    public_title: str
    entry: tuple[str, str]  # ENTRY_OUTGOING, ENTRY_INCOMING or ENTRY_NOTE
    document_date: datetime.date
    created_at: datetime.datetime
    author: str  # who wrote it (a case handler's name, or the coordinating unit)
    correspondent: str  # the person the letter went to, or who gave the consent
    unit: str  # the coordinating unit (administrativ enhet)
    filename: str
    sha256: str
    size: int
    national_id: str = ""  # classifies the folder by the person (Noark's FNR), when known


def _el(parent, name: str, text=None, ns: str = NS):
    element = ET.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def _code(parent, name: str, value: tuple[str, str]):
    element = _el(parent, name)
    _el(element, "kode", value[0], MDK)
    _el(element, "beskrivelse", value[1], MDK)
    return element


def _unit(parent, name: str, unit_name: str):
    """administrativEnhet (and saksansvarlig, saksbehandler) are identifier groups in the
    catalogue, not text: the unit goes in by name, in the catalogue's namespace."""
    element = _el(parent, name)
    _el(element, "navn", unit_name, MDK)
    return element


def _external_key(parent, name: str, key: str, ns: str = NS):
    element = _el(parent, name, ns=ns)
    _el(element, "fagsystem", SYSTEM, MDK)
    _el(element, "noekkel", key, MDK)
    return element


@dataclass(frozen=True)
class Screening:
    code: str
    basis: str


def screening(on: datetime.date) -> Screening:
    """The access restriction and its legal basis in force on the document's day: the exemption
    from public access for information under a duty of confidentiality, with the duty for
    personal matters. The Noark restriction code is the exemption's section number."""
    law = legal_references(*SCREENING_CODES, on=on)
    exemption, duty = law["public_access_exemption"], law["confidentiality_personal"]
    code = re.sub(r"\D", "", exemption.section.split()[-1] if exemption.section else "")
    return Screening(code=code, basis=f"{exemption.citation} jf. {duty.citation}")


def _screen(parent, shield: Screening):
    element = _el(parent, "skjerming")
    _code(element, "tilgangsrestriksjon", (shield.code, "Taushetsbelagt"))
    _el(element, "skjermingshjemmel", shield.basis)


def _iso(moment: datetime.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def build(doc: ArchiveDocument, *, reference: str) -> bytes:
    """The arkivmelding for one document, `reference` being our key for the registry entry."""
    shield = screening(doc.document_date)
    root = ET.Element(f"{{{NS}}}arkivmelding")
    _el(root, "system", SYSTEM)
    _el(root, "antallFiler", 1)
    _folder(root, doc, shield)
    _entry(root, doc, shield, reference)
    ET.indent(root)
    # The message's own namespace is the default one: xsi:type="saksmappe" resolves against it.
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NS)


def _folder(root, doc: ArchiveDocument, shield: Screening) -> None:
    folder = _el(root, "mappe")
    folder.set(f"{{{XSI}}}type", "saksmappe")
    _el(folder, "tittel", doc.folder_title)
    _el(folder, "offentligTittel", doc.folder_public_title)
    _screen(folder, shield)
    class_system, class_id = settings.IPPLAN_ARCHIVE_CLASS_SYSTEM, settings.IPPLAN_ARCHIVE_CLASS_ID
    if class_system and class_id:
        klass = _el(folder, "klassifikasjon")
        _el(klass, "klassifikasjonssystemID", class_system)
        _el(klass, "klasseID", class_id)
    if doc.national_id:
        klass = _el(folder, "klassifikasjon")
        _el(klass, "klassifikasjonssystemID", "FNR")
        _el(klass, "klasseID", doc.national_id)
    _external_key(folder, "referanseEksternNoekkel", doc.folder_key)
    _el(folder, "saksdato", doc.document_date.isoformat())
    _unit(folder, "administrativEnhet", doc.unit)


def _entry(root, doc: ArchiveDocument, shield: Screening, reference: str) -> None:
    entry = _el(root, "registrering")
    entry.set(f"{{{XSI}}}type", "journalpost")
    _el(entry, "opprettetDato", _iso(doc.created_at))
    _el(entry, "opprettetAv", doc.author)
    parent = _el(entry, "referanseForelderMappe")
    # referanseTilMappe's children are in the metadata catalogue's namespace.
    _external_key(parent, "referanseEksternNoekkel", doc.folder_key, ns=MDK)
    _screen(entry, shield)
    _description(entry, doc, shield)
    _el(entry, "tittel", doc.title)
    _el(entry, "offentligTittel", doc.public_title)
    _el(entry, "forfatter", doc.author)
    _correspondent(entry, doc)
    _external_key(entry, "referanseEksternNoekkel", reference)
    _code(entry, "journalposttype", doc.entry)
    _el(entry, "dokumentetsDato", doc.document_date.isoformat())
    if doc.entry == ENTRY_OUTGOING:
        _el(entry, "sendtDato", _iso(doc.created_at))
    elif doc.entry == ENTRY_INCOMING:
        _el(entry, "mottattDato", _iso(doc.created_at))


def _correspondent(entry, doc: ArchiveDocument) -> None:
    kind = {
        ENTRY_OUTGOING: CORRESPONDENT_RECIPIENT,
        ENTRY_INCOMING: CORRESPONDENT_SENDER,
    }.get(doc.entry, CORRESPONDENT_INTERNAL)
    part = _el(entry, "korrespondansepart")
    _code(part, "korrespondanseparttype", kind)
    _el(part, "korrespondansepartNavn", doc.correspondent)
    _unit(part, "administrativEnhet", doc.unit)


def _description(entry, doc: ArchiveDocument, shield: Screening) -> None:
    description = _el(entry, "dokumentbeskrivelse")
    _code(description, "dokumentstatus", DOCUMENT_FINISHED)
    _el(description, "tittel", doc.title)
    _code(description, "tilknyttetRegistreringSom", MAIN_DOCUMENT)
    _el(description, "dokumentnummer", 1)
    _screen(description, shield)
    obj = _el(description, "dokumentobjekt")
    _el(obj, "versjonsnummer", 1)
    _code(obj, "variantformat", ARCHIVE_VARIANT)
    _code(obj, "format", PDF_A_FORMAT)
    _el(obj, "mimeType", "application/pdf")
    _el(obj, "filnavn", doc.filename)
    _el(obj, "referanseDokumentfil", doc.filename)
    _el(obj, "sjekksum", doc.sha256)
    _el(obj, "sjekksumAlgoritme", "SHA256")
    _el(obj, "filstoerrelse", doc.size)
