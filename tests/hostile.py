"""Hostile and broken workbook files, built in code, for the importer's defences.

Each builder returns the bytes of one file as a secretariat (or an attacker) might upload
it. ``test_hostile.py`` sends them through ``store.import_file``; the browser tests reuse
some of them for the upload page. Nothing here is written to disk, and the biggest result
(``oversized``) is 25 MB: the zip bomb holds 2 GiB of XML in 2 MB.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from openpyxl import load_workbook
from workbooks import (
    ACTIVITY_HEADER,
    activity,
    large_xlsx,
    openpyxl_book,
    report_sheets,
    report_xlsx,
    saved,
)

EXCEL_EPOCH = date(1899, 12, 30)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ACTIVITIES_PART = "xl/worksheets/sheet2.xml"  # openpyxl's part for the second sheet


# --- not a workbook at all -------------------------------------------------------------


def png_renamed() -> bytes:
    """A real 1×1 PNG picture, to be uploaded as ``bilde.xlsx``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def text_renamed() -> bytes:
    """A semicolon-separated text export, to be uploaded as ``rapport.xlsx``."""
    return "Dato;Aktivitet;Type;Delmål\n01.03.2012;IA-konferanse;Konferanse;1\n".encode()


def empty() -> bytes:
    """A file of 0 bytes (an upload that was cut off before it began)."""
    return b""


def truncated() -> bytes:
    """The first half of a valid report workbook (a download that broke off)."""
    data = report_xlsx()
    return data[: len(data) // 2]


def xlsb_renamed() -> bytes:
    """The parts of a binary Excel workbook (.xlsb), to be uploaded as ``rapport.xlsx``:
    a zip like an .xlsx, but with the workbook and its sheets as binary records."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.bin" ContentType="application/'
            'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
        )
        archive.writestr("xl/workbook.bin", bytes([0x83, 0x01, 0x00, 0x84, 0x01, 0x00]))
        archive.writestr("xl/worksheets/sheet1.bin", bytes([0x81, 0x01, 0x00, 0x82, 0x01, 0x00]))
    return out.getvalue()


# --- password protection ---------------------------------------------------------------

_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def encrypted_xlsx() -> bytes:
    """An .xlsx saved with a password, as Excel stores one: not a zip but an OLE compound
    file holding the streams ``EncryptionInfo`` and ``EncryptedPackage``.

    The compound file is real (one FAT sector, one directory sector, two 4 KiB streams);
    the encrypted package is random bytes, since no reader gets that far."""
    rng = random.Random(2012)
    info_xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
        b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"/>'
        b"</encryption>"
    )
    info = struct.pack("<HHI", 4, 4, 0x40) + info_xml  # agile encryption, version 4.4
    package = struct.pack("<Q", 8123) + rng.randbytes(4088)
    streams = [("EncryptionInfo", info.ljust(4096, b"\0")), ("EncryptedPackage", package)]
    sector = 512
    fat = [_FAT_SECTOR, _END]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for _, body in streams:
        count = len(body) // sector
        starts.append(len(fat))
        fat += [len(fat) + k + 1 for k in range(count - 1)] + [_END]
    fat += [_FREE] * (sector // 4 - len(fat))

    def entry(name, kind, child=_NO_STREAM, right=_NO_STREAM, start=_END, size=0) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)  # kind: 5 root, 2 stream; 1 = black
            + struct.pack("<III", _NO_STREAM, right, child)
            + bytes(16 + 4 + 16)  # class id, state bits, times
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, child=1)
        # Siblings sort by name length first: EncryptionInfo (14) < EncryptedPackage (16).
        + entry("EncryptionInfo", 2, right=2, start=starts[0], size=len(streams[0][1]))
        + entry("EncryptedPackage", 2, start=starts[1], size=len(streams[1][1]))
        + entry("", 0)
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)  # the FAT is sector 0
        + struct.pack("<I", _FREE) * 108
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + directory
    return header + body + b"".join(stream for _, stream in streams)


# --- archives that unpack to far more than they weigh ----------------------------------


_LOCAL = struct.Struct("<IHHHHHIIIHH")  # local file header, without name
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # central directory entry, without name
_END_OF_DIRECTORY = struct.Struct("<IHHHHIIH")


def _zip(entries: Sequence[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive from (name, deflated bytes, CRC-32, uncompressed size as declared)."""
    out = io.BytesIO()
    central = []
    for name, deflated, crc, size in entries:
        encoded = name.encode()
        offset = out.tell()
        common = (8, 0, 0x21, crc, len(deflated), size, len(encoded))  # deflate, 1980-01-01
        out.write(_LOCAL.pack(0x04034B50, 20, 0, *common, 0) + encoded + deflated)
        central.append(_CENTRAL.pack(0x02014B50, 20, 20, 0, *common, 0, 0, 0, 0, 0, offset))
        central.append(encoded)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    count = len(entries)
    out.write(_END_OF_DIRECTORY.pack(0x06054B50, 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _deflated_run(prefix: bytes, fill: bytes, count: int, suffix: bytes) -> tuple[bytes, int, int]:
    """``prefix + fill * count + suffix`` deflated, with its CRC-32 and size, without ever
    holding more than one ``fill`` in memory: after a full flush the compressor starts
    afresh, so every ``fill`` deflates to the very same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(fill) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(fill, crc)
    crc = zlib.crc32(suffix, crc)
    return head + block * count + tail, crc, len(prefix) + count * len(fill) + len(suffix)


def zip_bomb(unpacked: int = 2 << 30, declared: int | None = None) -> bytes:
    """A valid report workbook whose ``Aktiviteter`` sheet unpacks to ``unpacked`` bytes
    (2 GiB: one cell holding a run of zeros) from about 2 MB.

    The archive declares the true size, unless ``declared`` says what it should claim
    instead (a bomb that lies about its size)."""
    valid = zipfile.ZipFile(io.BytesIO(report_xlsx()))
    entries = []
    for info in valid.infolist():
        if info.filename == ACTIVITIES_PART:
            prefix = (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
                '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            ).encode()
            fill = b"0" * (8 << 20)
            suffix = b"</t></is></c></row></sheetData></worksheet>"
            deflated, crc, size = _deflated_run(prefix, fill, unpacked // len(fill), suffix)
            entries.append((info.filename, deflated, crc, size if declared is None else declared))
        else:
            data = valid.read(info)
            entries.append((info.filename, _deflate(data), zlib.crc32(data), len(data)))
    return _zip(entries)


def _rewrite(
    data: bytes,
    changes: Mapping[str, Callable[[bytes], bytes]],
    added: Mapping[str, bytes] | None = None,
) -> bytes:
    """A copy of a zip with some parts changed (a function of the old bytes) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            change = changes.get(info.filename)
            archive.writestr(info, change(body) if change else body)
        for name, body in (added or {}).items():
            # Pictures are stored as they are (compressing them gains nothing), as Excel does.
            stored = zipfile.ZIP_STORED if name.endswith(".png") else None
            archive.writestr(name, body, compress_type=stored)
    return out.getvalue()


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">'
        for k in range(1, 10)
    )
    + "]>"
)


def billion_laughs(part: str = "sharedStrings") -> bytes:
    """A valid report whose ``Aktiviteter`` sheet takes a title from an entity that expands
    10⁹-fold («billion laughs»): in ``xl/sharedStrings.xml`` (``part="sharedStrings"``)
    or in the sheet's own XML (``part="sheet"``)."""
    seminar = '<c r="B3" t="inlineStr"><is><t>Seniorseminar</t></is></c>'
    declaration = '<?xml version="1.0" encoding="UTF-8"?>'
    if part == "sheet":

        def sheet(body: bytes) -> bytes:
            text = body.decode().replace(
                seminar, '<c r="B3" t="inlineStr"><is><t>&lol9;</t></is></c>'
            )
            return (declaration + LAUGHS + text).encode()

        return _rewrite(report_xlsx(), {ACTIVITIES_PART: sheet})

    def sheet_ref(body: bytes) -> bytes:
        return body.decode().replace(seminar, '<c r="B3" t="s"><v>0</v></c>').encode()

    def rels(body: bytes) -> bytes:
        return (
            body.decode()
            .replace(
                "</Relationships>",
                f'<Relationship Id="rIdStrings" Type="{REL_NS}/sharedStrings" '
                'Target="sharedStrings.xml"/></Relationships>',
            )
            .encode()
        )

    def content_types(body: bytes) -> bytes:
        return (
            body.decode()
            .replace(
                "</Types>",
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
            .encode()
        )

    strings = (
        f'{declaration}{LAUGHS}<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()
    return _rewrite(
        report_xlsx(),
        {
            ACTIVITIES_PART: sheet_ref,
            "xl/_rels/workbook.xml.rels": rels,
            "[Content_Types].xml": content_types,
        },
        {"xl/sharedStrings.xml": strings},
    )


def far_cell(cell: str = "XFD1048576", sheet: str = "Aktiviteter", data: bytes | None = None):
    """A valid report (or the workbook ``data``) with one more cell, ``x`` in ``cell`` (by
    default the very last cell of a sheet): a few kB that a reader which fills in every
    cell between ``A1`` and it would need 17 billion cells for."""
    book = load_workbook(io.BytesIO(data or report_xlsx()))
    book[sheet][cell] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def far_cell_spaced(space: bytes = b"\t") -> bytes:
    """The far-cell report with the far cell's tag written ``<c`` + ``space`` + ``r=…``
    (any XML whitespace is allowed there): a check that counted only the cells written
    ``<c r=…`` as Excel writes them did not see it."""
    return _rewrite(
        far_cell(),
        {
            ACTIVITIES_PART: lambda xml: xml.replace(
                b'<c r="XFD1048576"', b"<c" + space + b'r="XFD1048576"'
            )
        },
    )


def far_cell_prefixed(prefix: bytes = b"$") -> bytes:
    """The far-cell report with the far cell's tag given a namespace prefix calamine reads
    past (``<$:c …>…</$:c>``): a check whose patterns took only prefixes of letters,
    digits, «.» and «-» did not count it."""
    far = b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
    written = b"<" + prefix + b':c r="XFD1048576" t="inlineStr"><is><t>x</t></is></' + prefix
    return _rewrite(far_cell(), {ACTIVITIES_PART: lambda xml: xml.replace(far, written + b":c>")})


def ods_repeat_bomb(rows: int = 30_000, columns: int = 1_000, text: str = "x") -> bytes:
    """An .ods whose ``Aktiviteter`` table has one cell ``text`` repeated ``columns`` times
    in a row repeated ``rows`` times: 3 × 10⁷ cells in a file of under 2 kB (or, with a
    long text in fewer cells, more text than a reader should copy)."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    namespaces = (
        f'xmlns:office="{office}" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(value) -> str:
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
        )

    def table(name: str, rows_xml: str) -> str:
        return f'<table:table table:name="{name}">{rows_xml}</table:table>'

    def row(values) -> str:
        return "<table:table-row>" + "".join(cell(v) for v in values) + "</table:table-row>"

    sheets = report_sheets()
    report = "".join(row([str(v) for v in r]) for r in sheets["Rapport"])
    bomb = (
        f'<table:table-row table:number-rows-repeated="{rows}">'
        '<table:table-cell office:value-type="string" '
        f'table:number-columns-repeated="{columns}"><text:p>{text}</text:p></table:table-cell>'
        "</table:table-row>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        + table("Rapport", report)
        + table("Aktiviteter", row(ACTIVITY_HEADER) + bomb)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


# --- too much --------------------------------------------------------------------------


def many_rows(count: int = 20_001) -> bytes:
    """A valid report for Troms 2012 H1 with ``count`` activities, each 100 kr."""
    report = [["IA-råd", "Troms"], ["Rapportperiode", "2012 H1"], ["Innsendt", 41141]]
    report += [[f"{k}.", "svar"] for k in range(1, 6)]
    header = ["Dato", "Aktivitet", "Type", "Delmål", "Kostnad"]
    rows = [[40969, f"Aktivitet {k}", "Kurs", 1, 100] for k in range(1, count + 1)]
    return large_xlsx({"Rapport": report, "Aktiviteter": [header, *rows]})


def oversized(size: int = 25 * 1024 * 1024) -> bytes:
    """A valid report of exactly ``size`` bytes: a big photo (random bytes, stored
    uncompressed as ``xl/media/image1.png``) is what makes a real workbook this large."""
    base = report_xlsx()

    def with_picture(picture_size: int) -> bytes:
        picture = random.Random(25).randbytes(picture_size)
        return _rewrite(base, {}, {"xl/media/image1.png": picture})

    overhead = len(with_picture(0))
    data = with_picture(size - overhead)
    assert len(data) == size
    return data


# --- formulas, hidden sheets, merged cells ---------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell: the formula and the value last calculated (None: never calculated)."""

    formula: str
    value: object = None


@dataclass(frozen=True)
class CalcError:
    """The error a formula calculated to, as Excel saves it (``#DIV/0!``, ``#N/A`` …)."""

    text: str


def _xml_cell(ref: str, value) -> str:
    if value is None:
        return ""
    formula = ""
    if isinstance(value, Formula):
        formula, value = f"<f>{escape(value.formula)}</f>", value.value
        if value is None:
            return f'<c r="{ref}">{formula}</c>'
    if isinstance(value, CalcError):
        return f'<c r="{ref}" t="e">{formula}<v>{escape(value.text)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="1">{formula}<v>{(value - EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b">{formula}<v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}">{formula}<v>{value}</v></c>'
    if formula:
        return f'<c r="{ref}" t="str">{formula}<v>{escape(str(value))}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_xlsx(sheets: Mapping[str, Sequence[Sequence]]) -> bytes:
    """An .xlsx written straight as XML, as Excel saves one: cells may be ``Formula``s
    with a stored value (openpyxl cannot write those), dates carry a date format."""
    names = list(sheets)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
                f'Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + f'<Relationship Id="rId{len(names) + 1}" Type="{REL_NS}/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="1">'
            '<numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>'
            '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
            '<cellXfs count="2"><xf/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"
        ),
    }
    for i, name in enumerate(names, start=1):
        rows = "".join(
            f'<row r="{r}">'
            + "".join(_xml_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row, start=1))
            + "</row>"
            for r, row in enumerate(sheets[name], start=1)
        )
        parts[f"xl/worksheets/sheet{i}.xml"] = (
            f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return out.getvalue()


def as_formula(value) -> Formula | None:
    """The formula a careful secretariat might have typed for ``value``, calculated."""
    if value is None:
        return None
    if isinstance(value, date):
        return Formula(f"DATE({value.year},{value.month},{value.day})", value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Formula(f"{value}*1", value)
    return Formula(f'TRIM("{value}")', value)


def formulas_everywhere(calculated: bool = True, **report) -> bytes:
    """A valid report (``report_sheets(**report)``) in which every filled cell, labels and
    headers too, is a formula: with its calculated value stored, as Excel and LibreOffice
    save them, or (``calculated=False``) without one, as openpyxl and some generators do."""
    sheets = report_sheets(**report)
    return xml_xlsx(
        {
            name: [
                [
                    (f if calculated or f is None else Formula(f.formula))
                    for f in map(as_formula, row)
                ]
                for row in rows
            ]
            for name, rows in sheets.items()
        }
    )


def hidden_sheets() -> bytes:
    """A valid report whose ``Aktiviteter`` sheet is hidden, and which has a very hidden
    sheet of drop-down lists as well."""
    sheets = dict(report_sheets())
    sheets["Lister"] = [["Konferanse"], ["Seminar"], ["Kurs"]]
    book = openpyxl_book(sheets)
    book["Aktiviteter"].sheet_state = "hidden"
    book["Lister"].sheet_state = "veryHidden"
    return saved(book)


def hidden_stale_copy() -> bytes:
    """A valid report that still holds last year's activities in a hidden sheet named
    ``Aktivitet``, which stands before the visible ``Aktiviteter`` sheet."""
    sheets = report_sheets()
    stale = [list(ACTIVITY_HEADER), ["01.03.2011", "Fjorårets konferanse", "Konferanse", 1]]
    book = openpyxl_book({"Rapport": sheets["Rapport"], "Aktivitet": stale, **sheets})
    book["Aktivitet"].sheet_state = "hidden"
    return saved(book)


def merged_header() -> bytes:
    """A valid report whose ``Aktiviteter`` table sits under a banner merged across the
    whole table, with every header cell merged over two rows (``A2:A3`` …) and the last
    header, «Kommentar», also over two columns (``J2:K3``); the data starts in row 4."""
    activities = [
        activity(comment="Godt oppmøte"),
        activity(date(2012, 5, 10), "Seniorseminar", "Seminar", 3, comment="Fulltegnet"),
    ]
    sheets = dict(report_sheets(activities=activities))
    header, *rows = sheets["Aktiviteter"]
    sheets["Aktiviteter"] = [["Aktiviteter finansiert av IA-rådet, 2012 H1"], header, [], *rows]
    book = openpyxl_book(sheets)
    sheet = book["Aktiviteter"]
    sheet.merge_cells("A1:K1")
    for c in range(1, len(header)):
        sheet.merge_cells(f"{_column(c)}2:{_column(c)}3")
    sheet.merge_cells("J2:K3")
    return saved(book)


def merged_data_cell() -> bytes:
    """A valid report whose two activities share one «Type» cell, merged over ``C2:C3``:
    the second row's type is an empty cell to every reader."""
    book = openpyxl_book(report_sheets())
    book["Aktiviteter"].merge_cells("C2:C3")
    return saved(book)


def formula_errors() -> bytes:
    """A valid report in which three activity cells hold formulas that calculated to an
    error: a cost of ``=G9/0``, a date of ``=DATE("x";1;1)`` and a sub-goal of ``=VLOOKUP(…)``."""
    sheets = report_sheets(
        activities=[
            activity(cost=Formula("G9/0", CalcError("#DIV/0!"))),
            activity(day=Formula('DATE("x",1,1)', CalcError("#VALUE!"))),
            activity(goals=Formula("VLOOKUP(A4,Lister!A:B,2,0)", CalcError("#N/A"))),
        ]
    )
    return xml_xlsx(sheets)


# --- .xls written record by record (BIFF8 in an OLE compound file) ----------------------


def _biff(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def _biff_text(text: str) -> bytes:
    """A short XLUnicodeString: length, flags, 16-bit characters."""
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def biff_cell(row: int, col: int, value) -> bytes:
    """A LABEL (text) or NUMBER record for a cell (row and column 0-based)."""
    if isinstance(value, str):
        return _biff(0x0204, struct.pack("<HHH", row, col, 0) + _biff_text(value))
    return _biff(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))


def biff_shared(row: int, col: int, index: int) -> bytes:
    """A LABELSST record: the cell holds shared string number ``index``."""
    return _biff(0x00FD, struct.pack("<HHHI", row, col, 0, index))


def biff_dimensions(first_row: int, last_row: int, first_col: int, last_col: int) -> bytes:
    """A DIMENSIONS record as BIFF8 writes it: the last row and column one past the end."""
    return _biff(0x0200, struct.pack("<IIHHH", first_row, last_row, first_col, last_col, 0))


def _sst(strings: Sequence[str]) -> bytes:
    """An SST record and the CONTINUE records it needs (8 224 bytes of data each; a string
    cut in two goes on after a new flags byte, as Excel writes it)."""
    body = struct.pack("<II", len(strings), len(strings))
    records, limit = [], 8224
    for text in strings:
        head = struct.pack("<HB", len(text), 1)
        if len(body) + len(head) + 2 > limit:
            records.append(body)
            body = b""
        body += head
        chars = text.encode("utf-16-le")
        while chars:
            room = (limit - len(body)) // 2 * 2
            if room <= 0:
                records.append(body)
                body = b"\x01"
                continue
            body, chars = body + chars[:room], chars[room:]
    records.append(body)
    return _biff(0x00FC, records[0]) + b"".join(_biff(0x003C, r) for r in records[1:])


def _bof(kind: int) -> bytes:
    """A BIFF8 BOF record: 0x0005 opens the workbook globals, 0x0010 a worksheet."""
    return _biff(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0))


def xls_book(
    sheets: Mapping[str, Sequence[bytes]], strings: Sequence[str] = (), dimensions=True
) -> bytes:
    """An .xls: each sheet a list of cell records (``biff_cell``, ``biff_shared``), behind a
    DIMENSIONS record that fits them unless the list starts with its own."""
    eof = _biff(0x000A, b"")
    names = list(sheets)

    def boundsheet(position: int, name: str) -> bytes:
        raw = name.encode("utf-16-le")
        return _biff(0x0085, struct.pack("<IBBBB", position, 0, 0, len(name), 1) + raw)

    head_size = len(_bof(0x0005)) + sum(len(boundsheet(0, n)) for n in names)
    globals_tail = (_sst(strings) if strings else b"") + eof
    position = head_size + len(globals_tail)
    bodies, positions = [], []
    for name in names:
        cells = list(sheets[name])
        if dimensions and not (cells and cells[0][:2] == b"\x00\x02"):
            cells.insert(0, biff_dimensions(0, 1, 0, 1))
        body = _bof(0x0010) + b"".join(cells) + eof
        positions.append(position)
        bodies.append(body)
        position += len(body)
    stream = (
        _bof(0x0005)
        + b"".join(boundsheet(p, n) for p, n in zip(positions, names, strict=True))
        + globals_tail
        + b"".join(bodies)
    )
    return ole_file("Workbook", stream)


def ole_file(stream_name: str, stream: bytes) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding one stream, kept out of the
    mini stream by padding it to at least 4 096 bytes."""
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\0")
    data_sectors = len(stream) // 512
    fat_sectors = 1
    while (data_sectors + 1 + fat_sectors) > fat_sectors * 128:
        fat_sectors += 1
    directory = data_sectors
    end_of_chain, fat_sector, free = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [*range(1, data_sectors), end_of_chain]  # the stream's chain
    fat += [end_of_chain]  # the directory
    fat += [fat_sector] * fat_sectors
    fat += [free] * (fat_sectors * 128 - len(fat))
    first_fat = data_sectors + 1
    difat = [first_fat + i for i in range(fat_sectors)] + [free] * (109 - fat_sectors)
    header = (
        _OLE_SIGNATURE
        + bytes(16)
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack(
            "<IIIIIIIII", 0, fat_sectors, directory, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0
        )
        + struct.pack("<109I", *difat)
    )

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
            + bytes(16)
            + struct.pack("<I", 0)
            + bytes(16)
            + struct.pack("<III", start, size, 0)
        )

    entries = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(
        stream_name, 2, 0xFFFFFFFF, 0, len(stream)
    )
    directory_sector = entries.ljust(512, b"\0")  # two empty entries fill the sector
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + stream + directory_sector + fat_bytes


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- part names that differ in letter case, and text a reader copies many times ---------


def renamed_parts(data: bytes, renames: Mapping[str, str], texts: Mapping[str, str] = ()) -> bytes:
    """A copy of a zip whose parts ``renames`` are renamed (old name → new name), and in
    whose parts every ``texts`` key is replaced by its value (a rels target, say)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            for old, new in dict(texts).items():
                body = body.replace(old.encode(), new.encode())
            archive.writestr(renames.get(info.filename, info.filename), body)
    return out.getvalue()


# How the parts of the far-cell report are renamed so that the names written in the
# workbook and its rels no longer match the zip's own names but in letter case: calamine
# still finds every part (as Excel does), so the checks must too.
CASE_CHANGES = {
    "sheet part": ({ACTIVITIES_PART: "xl/worksheets/Sheet2.xml"}, {}),
    "rels file": ({"xl/_rels/workbook.xml.rels": "xl/_rels/Workbook.xml.Rels"}, {}),
    "folder": ({ACTIVITIES_PART: "XL/WorkSheets/sheet2.xml"}, {}),
    "workbook part": ({"xl/workbook.xml": "xl/WORKBOOK.xml"}, {}),
    "relative target": (
        {},
        {'Target="/xl/worksheets/sheet2.xml"': 'Target="Worksheets/SHEET2.XML"'},
    ),
    "absolute target": (
        {},
        {'Target="/xl/worksheets/sheet2.xml"': 'Target="/XL/worksheets/sheet2.xml"'},
    ),
    "package rels": ({"_rels/.rels": "_RELS/.rels"}, {}),
}


def case_changed(change: str) -> bytes:
    """The far-cell report (one value in XFD1048576 of «Aktiviteter») with one part name
    changed in letter case (``CASE_CHANGES``): 6.6 kB that took the server down when the
    check looked the part up by its exact name and skipped the sheet it did not find."""
    renames, texts = CASE_CHANGES[change]
    return renamed_parts(far_cell(), renames, texts)


def duplicate_part() -> bytes:
    """The far-cell report with a second, harmless copy of its «Aktiviteter» part under
    the same name in another letter case: which of the two a reader takes, a check
    cannot know."""
    source = zipfile.ZipFile(io.BytesIO(report_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        archive.writestr(
            "XL/worksheets/SHEET2.xml",
            zipfile.ZipFile(io.BytesIO(far_cell())).read(ACTIVITIES_PART),
        )
    return out.getvalue()


def missing_sheet_part() -> bytes:
    """A report whose rels send «Aktiviteter» to a part the zip does not hold."""
    return renamed_parts(
        report_xlsx(), {}, {"worksheets/sheet2.xml": "worksheets/../worksheets/sheet2.xml"}
    )


def shared_string_bomb(size: int = 5 * 1024 * 1024, cells: int = 4_000) -> bytes:
    """A valid report plus one shared string of ``size`` characters that ``cells`` cells
    of «Aktiviteter» refer to: 32 kB that a reader copying the string into every cell
    makes into ``size × cells`` bytes (20 GB)."""
    rows = "".join(
        f'<row r="{r}"><c r="L{r}" t="s"><v>0</v></c></row>' for r in range(100, 100 + cells)
    )

    def sheet(body: bytes) -> bytes:
        return body.replace(b"</sheetData>", rows.encode() + b"</sheetData>")

    strings = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{cells}" '
        f'uniqueCount="1"><si><t>{"x" * size}</t></si></sst>'
    ).encode()
    return _with_shared_strings(report_xlsx(), strings, {ACTIVITIES_PART: sheet})


def _with_shared_strings(data: bytes, strings: bytes, changes: Mapping) -> bytes:
    """An .xlsx with ``xl/sharedStrings.xml`` added (and its relationship and content type)."""

    def rels(body: bytes) -> bytes:
        return body.replace(
            b"</Relationships>",
            f'<Relationship Id="rIdStrings" Type="{REL_NS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'.encode(),
        )

    def content_types(body: bytes) -> bytes:
        return body.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )

    return _rewrite(
        data,
        {**changes, "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": content_types},
        {"xl/sharedStrings.xml": strings},
    )


def xls_far_cell() -> bytes:
    """An .xls (8 kB) with one value in IV65536, its last cell: 16.7 million cells for a
    reader that fills in every cell between A1 and it."""
    return xls_book({"Rapport": [*_XLS_REPORT, biff_cell(65535, 255, "x")]})


def xls_lying_dimensions() -> bytes:
    """An .xls whose DIMENSIONS record announces 4 294 967 295 rows: calamine reserves
    room for every cell of it before reading one."""
    return xls_book({"Rapport": [biff_dimensions(0, 0xFFFFFFFF, 0, 256), *_XLS_REPORT]})


def xls_shared_string_bomb(cells: int = 2_000) -> bytes:
    """An .xls (150 kB) with one shared string of 60 000 characters that ``cells`` cells
    refer to (240 MB once every cell holds its copy)."""
    refs = [biff_shared(r, 3, 0) for r in range(1, cells + 1)]
    return xls_book({"Rapport": [*_XLS_REPORT, *refs]}, strings=["x" * 60_000])


_XLS_REPORT = [biff_cell(0, 0, "IA-råd"), biff_cell(0, 1, "Troms")]
