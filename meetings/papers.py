"""What a paper is, told from its content and never from its name: a PDF
begins `%PDF-`; a Word or Excel file is a zip whose `[Content_Types].xml`
names the main part of a document (word/) or a workbook (xl/). A zip is
judged by what its directory declares before anything in it is read, so a
zip bomb is refused unopened."""

import re
import zipfile

from django.core.exceptions import ValidationError

from .models import PAPER_MAX_BYTES, PaperVersion

Kind = PaperVersion.Kind

# Whatever a paper unpacks to: a real Word or Excel paper is a few MB.
ZIP_MAX_UNPACKED = 200 * 1024 * 1024
# Office files compress XML about 10:1; a bomb compresses far beyond.
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 10_000
CONTENT_TYPES_MAX = 1024 * 1024

MAIN_PARTS = {
    Kind.DOCX: ("/word/", "application/vnd.openxmlformats-officedocument.wordprocessingml"),
    Kind.XLSX: ("/xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml"),
}
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')

REFUSED = (
    "{name} is not a PDF, Word (.docx) or Excel (.xlsx) file, whatever its name says. "
    "Save it in one of those formats and upload it again."
)


def paper_kind(upload) -> str:
    """The kind of the uploaded file `upload` (a Django UploadedFile), or a
    ValidationError saying why it is refused."""
    name = upload.name or "The file"
    if upload.size is not None and upload.size > PAPER_MAX_BYTES:
        raise ValidationError(
            f"{name} is {upload.size / 1024 / 1024:.1f} MB: a paper may be at most "
            f"{PAPER_MAX_BYTES // 1024 // 1024} MB."
        )
    if not upload.size:
        raise ValidationError(f"{name} is empty.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload, name)
        upload.seek(0)
        return kind
    raise ValidationError(REFUSED.format(name=name))


def _office_kind(upload, name: str) -> str:
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise ValidationError(f"{name} holds too many parts to be a paper.")
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > ZIP_MAX_UNPACKED or unpacked / packed > ZIP_MAX_RATIO:
                raise ValidationError(
                    f"{name} would unpack to {unpacked / 1024 / 1024:.0f} MB: it is refused "
                    "as a compressed file too large to be a paper."
                )
            try:
                types = archive.getinfo("[Content_Types].xml")
            except KeyError:
                raise ValidationError(REFUSED.format(name=name)) from None
            if types.file_size > CONTENT_TYPES_MAX:
                raise ValidationError(REFUSED.format(name=name))
            declared = archive.read(types)
    except zipfile.BadZipFile:
        raise ValidationError(
            f"{name} is damaged: it could not be read as a Word or Excel file."
        ) from None
    for match in _OVERRIDE.finditer(declared):
        attributes = {
            k.decode(): v.decode("utf-8", "replace") for k, v in _ATTRIBUTE.findall(match[1])
        }
        part, content_type = attributes.get("PartName", ""), attributes.get("ContentType", "")
        for kind, (folder, family) in MAIN_PARTS.items():
            if (
                part.startswith(folder)
                and content_type.startswith(family)
                and content_type.endswith(".main+xml")
            ):
                return kind
    raise ValidationError(REFUSED.format(name=name))
