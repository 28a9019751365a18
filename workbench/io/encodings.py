"""Bytes to text: the encodings Japanese offices use (UTF-8 with or without BOM, UTF-16, cp932)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.io.text import DataFileError


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise DataFileError(
            f"ファイルが見つかりません: {path}（フォルダ名・ファイル名・拡張子を確認してください）"
        )
    return path.read_bytes()


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding).removeprefix("\ufeff")  # BOM left by a forced "utf-8"
    except (UnicodeDecodeError, LookupError) as exc:
        raise DataFileError(
            f"{name} を文字コード {encoding} として読めません"
            "（Excel の日本語CSVは cp932 です。encoding を指定せず自動判定"
            "させるか、「CSV UTF-8」形式で保存し直してください）"
        ) from exc


def _decode_detected(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): a BOM says which; else UTF-8, then cp932 (decoded once)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_as(data, "utf-8-sig", name), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_as(data, "utf-16", name), "utf-16"
    # UTF-8 first: Japanese cp932 text is almost never valid UTF-8, the reverse is not true.
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    raise DataFileError(
        f"{name} の文字コードを判定できません（UTF-8 でも cp932 でもありません）。"
        "Excel で開き「CSV UTF-8」形式で保存し直してください"
    )


def detect_encoding(path: str | Path) -> str:
    """Return "utf-8-sig" (BOM), "utf-16" (BOM FF FE / FE FF), "utf-8" or "cp932".

    cp932, not shift_jis: Excel's Japanese CSV contains ①, 髙 or ～, which exist only
    in cp932.  Raises DataFileError if the bytes decode as none of these.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes("髙橋,①".encode("cp932")); detect_encoding(p)
    'cp932'
    """
    path = Path(path)
    return _decode_detected(_read_bytes(path), path.name)[1]


def csv_text(path: Path, encoding: str | None) -> tuple[str, str]:
    """The file's text (encoding detected unless given) and its delimiter (tab or comma)."""
    data = _read_bytes(path)
    if encoding is None:
        text, _ = _decode_detected(data, path.name)
    else:
        text = _decode_as(data, encoding, path.name)
    delimiter = "\t" if text[:5000].count("\t") > text[:5000].count(",") else ","
    return text, delimiter


def csv_rows_of(text: str, delimiter: str, name: str) -> list[list[str]]:
    """Every row of the text as the csv module reads it (rows may differ in width)."""
    try:  # csv, not pd.read_csv: title rows are narrower than the table below them
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DataFileError(f"{name} をCSVとして読めません（{exc}）") from exc


def _csv_rows(path: Path, encoding: str | None) -> list[list[str]]:
    text, delimiter = csv_text(path, encoding)
    return csv_rows_of(text, delimiter, path.name)
