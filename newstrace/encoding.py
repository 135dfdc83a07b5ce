"""Bytes to text: which encoding a document is in, and whether it is text at all.

The order of evidence, strongest first: a byte-order mark; bytes that are valid UTF-8
(non-ASCII UTF-8 does not happen by chance, and pages that declare latin-1 while serving
UTF-8 are common); for HTML a declared `<meta charset>` or XML declaration when it decodes
cleanly; else charset-normalizer's best guess among the encodings a web page may use.
Undecodable bytes become U+FFFD rather than a failure.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Byte-order marks; UTF-32 first, since the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf_32_le"),
    (codecs.BOM_UTF32_BE, "utf_32_be"),
    (codecs.BOM_UTF8, "utf_8"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
)

# File signatures of formats that are never a text document (offset, magic, name).
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xff\xd8\xff", "JPEG image"),
    (0, b"GIF87a", "GIF image"),
    (0, b"GIF89a", "GIF image"),
    (0, b"BM", "BMP image"),
    (0, b"II*\x00", "TIFF image"),
    (0, b"MM\x00*", "TIFF image"),
    (0, b"\x00\x00\x01\x00", "icon image"),
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "ZIP archive or office document"),
    (0, b"PK\x05\x06", "empty ZIP archive"),
    (0, b"\x1f\x8b", "gzip-compressed data; decompress it first"),
    (0, b"BZh", "bzip2-compressed data; decompress it first"),
    (0, b"\xfd7zXZ\x00", "xz-compressed data; decompress it first"),
    (0, b"(\xb5/\xfd", "zstd-compressed data; decompress it first"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\x7fELF", "ELF executable"),
    (0, b"MZ", "Windows executable"),
    (0, b"\xca\xfe\xba\xbe", "Java class or Mach-O binary"),
    (0, b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (0, b"\x00asm", "WebAssembly module"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"ID3", "MP3 audio"),
    (0, b"OggS", "Ogg media"),
    (0, b"fLaC", "FLAC audio"),
    (0, b"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Microsoft Office document"),
    (0, b"wOFF", "web font"),
    (0, b"wOF2", "web font"),
    (0, b"PAR1", "Parquet file"),
    (4, b"ftyp", "MP4/QuickTime media"),
    (8, b"WEBP", "WebP image"),
    (8, b"WAVE", "WAV audio"),
    (8, b"AVI ", "AVI video"),
)

# How much of a file the binary sniff looks at: enough for any signature and a fair
# sample of control bytes, small enough to cost nothing.
SNIFF_BYTES = 8192
# Text has almost no C0 control bytes other than tab/newline/CR/FF/ESC; binaries have many.
# 0.10: the dev pages reach 0.0001 (22 stray NULs in 194 KB, lostiempos.com-juicio.html),
# while PNG/ZIP/ELF bodies without a known signature sit far above 0.2.
CONTROL_RATIO_BINARY = 0.10
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")

# Where an HTML page declares its charset; scanning 32 KB covers 182 of the 184 dev pages
# that declare one (Wayback-archived pages push the <meta> far down).
DECLARATION_SCAN_BYTES = 32 * 1024
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""", re.I)

# Labels that the WHATWG Encoding Standard maps to a superset; browsers decode them so,
# and pages declaring latin-1 routinely contain windows-1252 quotes and dashes.
_WHATWG_SUPERSET = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}

# The encodings a web page may use (WHATWG Encoding Standard), in charset-normalizer names.
# Isolating the guess to them took dev-corpus texts re-encoded in legacy charsets from
# 884 to 908 of 1,060 decoded exactly (the set is described at EQUAL_CHAOS).
WEB_ENCODINGS = (
    "utf_8", "cp866", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6",
    "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16", "koi8_r", "koi8_u", "mac_roman", "cp874", "cp1250", "cp1251", "cp1252",
    "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "mac_cyrillic", "gb18030",
    "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr", "utf_16_be", "utf_16_le",
)  # fmt: skip

# Legacy encodings by their share of websites (W3Techs, character encodings), most used
# first; breaks ties between equally clean, equally coherent candidates.
_PREVALENCE = (
    "utf_8", "cp1252", "cp1251", "shift_jis", "gb18030", "euc_kr", "euc_jp", "big5",
    "cp1250", "iso8859_2", "cp1256", "cp1254", "cp1253", "cp874", "iso8859_15",
)  # fmt: skip

# charset-normalizer calls two candidates equally clean when their chaos differs by less
# than 0.01 (CharsetMatch.__lt__); within that margin newstrace ranks by coherence, then by
# prevalence. Measured on dev texts re-encoded (latin-1 fr, cp1251 ru/uk, cp1250 and
# iso8859-2 pl, cp1250 ro, cp1253 el, cp1252 fr/pt, gb18030 zh, cp1256 ar; 2026-11):
# 989/1,060 decoded exactly, against 908 for charset-normalizer's own best() on the same
# encodings and 884 for best() unrestricted. Latin-1 French went 220 -> 253 of 257; the
# cost is short cp1250 Polish blurbs (51 -> 36 of 56), read as cp1252 by prevalence.
EQUAL_CHAOS = 0.01


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the encoding used and the evidence for it."""

    text: str
    encoding: str
    evidence: str  # bom | utf-8 | declared | detected | replaced


def binary_kind(data: bytes) -> str | None:
    """What binary format these bytes are (`PNG image`), or None when they may be text."""
    head = data[:SNIFF_BYTES]
    for offset, magic, name in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name
    if not head or _bom(head) is not None:
        return None
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls / len(head) <= CONTROL_RATIO_BINARY:
        return None
    if b"\x00" in head and _utf16_without_bom(head) is not None:
        return None
    return "contains NUL or control bytes" if b"\x00" in head else "contains control bytes"


def decode_document(data: bytes, html: bool) -> Decoded:
    """Decode a document's bytes, never failing: see the module docstring for the order."""
    bom = _bom(data)
    if bom is not None:
        encoding, size = bom
        return Decoded(data[size:].decode(encoding, "replace"), encoding, "bom")
    wide = _utf16_without_bom(data[:SNIFF_BYTES])
    if wide is not None:
        return Decoded(data.decode(wide, "replace"), wide, "detected")
    try:
        return Decoded(data.decode("utf-8"), "utf_8", "utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data) if html else None
    if declared is not None:
        try:
            return Decoded(data.decode(declared), declared, "declared")
        except UnicodeDecodeError:
            pass
    guess = detect_encoding(data)
    if guess is not None:
        return Decoded(data.decode(guess, "replace"), guess, "detected")
    fallback = declared or "utf_8"
    return Decoded(data.decode(fallback, "replace"), fallback, "replaced")


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML/XML document declares for itself, as browsers would read it."""
    head = data[:DECLARATION_SCAN_BYTES]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name.replace("-", "_")
    except LookupError:
        return None
    if name.startswith(("utf_16", "utf_32")):
        # A page whose bytes reached this point has no BOM, so it is not UTF-16/32
        # whatever it says; the HTML standard reads such a declaration as UTF-8.
        return "utf_8"
    return _WHATWG_SUPERSET.get(name, name)


def detect_encoding(data: bytes) -> str | None:
    """charset-normalizer's pick among web encodings, re-ranked as EQUAL_CHAOS explains."""
    results = list(charset_normalizer.from_bytes(data, cp_isolation=list(WEB_ENCODINGS)))
    if not results:
        return None
    floor = min(match.chaos for match in results)
    clean = [match for match in results if match.chaos <= floor + EQUAL_CHAOS]
    best = min(
        enumerate(clean),
        key=lambda item: (-round(item[1].coherence, 2), _prevalence(item[1].encoding), item[0]),
    )
    return str(best[1].encoding)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _prevalence(encoding: str) -> int:
    return _PREVALENCE.index(encoding) if encoding in _PREVALENCE else len(_PREVALENCE)


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a mark: its NULs fall on one parity (Latin/ASCII code points).

    A third of the code units being below U+0100 and nearly all decoding to printable
    characters is far from what binary data or UTF-8 with stray NULs looks like.
    """
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if odd > 0.3 * len(head) / 2 and even == 0:
        encoding = "utf_16_le"
    elif even > 0.3 * len(head) / 2 and odd == 0:
        encoding = "utf_16_be"
    else:
        return None
    text = head[: len(head) // 2 * 2].decode(encoding, "replace")
    printable = sum(1 for char in text if char.isprintable() or char in "\t\n\r")
    return encoding if printable >= 0.95 * len(text) else None
